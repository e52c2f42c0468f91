"""Test support: run the real pipelines offline, run real crawls in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.utils.test import get_crawler

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"

#: the fields an expected-JSON fixture pins (url and fetch time depend on where/when it ran)
COMPARED_FIELDS = ("site", "language", "title", "lead", "body", "authors", "published_at", "published_at_raw",
                   "date_source", "section", "tags", "images", "source_name", "original_url")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def service_unavailable(service: str, reason: str):
    """A test whose service (PostgreSQL, scrapyd) cannot be reached: skipped with the reason --
    except under CI (``CI=true``), where the service must be there and a skip would hide it."""
    import pytest

    if in_ci():
        pytest.fail(f"{service}: {reason} (CI=true: the {service} tests must run)")
    pytest.skip(f"{service}: {reason}")


def run_item_pipelines(item, fetched_at: str = "2026-11-22T00:00:00+00:00"):
    """Normalize + dates, exactly as the crawl runs them (dedup and archive need a store)."""
    from pipelines.dates import DatesPipeline
    from pipelines.normalize import NormalizePipeline

    crawler = get_crawler(settings_dict={})
    crawler.spider = None
    item.setdefault("fetched_at", fetched_at) if hasattr(item, "setdefault") else None
    if not ItemAdapter(item).get("fetched_at"):
        ItemAdapter(item)["fetched_at"] = fetched_at
    for pipeline_cls in (NormalizePipeline, DatesPipeline):
        item = pipeline_cls.from_crawler(crawler).process_item(item)
    return item


def comparable(item) -> dict:
    data = ItemAdapter(item).asdict()
    return {name: data.get(name) for name in COMPARED_FIELDS}


def scrapy_crawl(*args: str, cwd: Path = ROOT, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``scrapy crawl ...`` with this interpreter; returns the completed process."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def stats_from_log(log: str) -> dict:
    """The 'Dumping Scrapy stats' dict from a crawl's log output."""
    import ast
    import re

    start = log.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    text = log[log.index("{", start):]
    depth, end = 0, 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            end = i + 1
            break
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", text[:end])
    return ast.literal_eval(text)


# --- replaying recorded sites (site spider tests) ---------------------------------------------

def manifest_entries(manifest: Path) -> list[dict]:
    """The rows of a fixture manifest, ``[{"url", "file", "content_type"[, "status"]}]``, with
    ``file`` made absolute (it is relative to the site directory, ``tests/fixtures/<spider>/``)."""
    site_dir = manifest.parent.parent if manifest.parent.name == "replay" else manifest.parent
    rows = json.loads(manifest.read_text(encoding="utf-8"))
    return [dict(row, file=str((site_dir / row["file"]).resolve())) for row in rows]


def warc_from_entries(rows: list[dict], warc_path: Path) -> Path:
    """A WARC holding every page of ``rows`` (as :func:`manifest_entries` gives them)."""
    from tests.warc_builders import write_warc

    entries = [(row["url"], row.get("status", 200), {"Content-Type": row["content_type"]},
                Path(row["file"]).read_bytes()) for row in rows]
    return write_warc(warc_path, entries)


def warc_from_manifest(manifest: Path, warc_path: Path) -> Path:
    """A WARC holding every page a fixture manifest lists."""
    return warc_from_entries(manifest_entries(manifest), warc_path)


def replay_args(warc: Path, archive_dir: Path) -> list[str]:
    """``scrapy crawl`` arguments for a fast, fully offline replay with the DEBUG log the tests read."""
    from scrapy.utils.project import get_project_settings

    args = ["-s", f"REPLAY_WARC={warc}", "-s", f"ARCHIVE_DIR={archive_dir}", "-s", "LOG_LEVEL=DEBUG",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "ARCHIVE_WARC=False"]
    middlewares = get_project_settings().getdict("DOWNLOADER_MIDDLEWARES")
    if "crawler.fetching.warc.replay.WarcReplayMiddleware" not in middlewares:
        args += ["-s", 'DOWNLOADER_MIDDLEWARES={"crawler.fetching.warc.replay.WarcReplayMiddleware": 120}']
    return args


def crawled(log: str) -> dict[str, int]:
    """``{url: status}`` of every response the engine got ("Crawled (200) <GET url>" DEBUG lines)."""
    import re

    return {m[2]: int(m[1]) for m in re.finditer(r"Crawled \((\d+)\) <GET (\S+)>", log)}


def mirror_args(address: str) -> list[str]:
    """``-s`` options sending a ``scrapy crawl`` to a tests.mirror.Mirror at ``address``.

    ``-s DOWNLOADER_MIDDLEWARES=...`` replaces the whole dict, so the project's own entries
    are kept and tests.mirror_middleware.MirrorMiddleware is added at its priority (950).
    """
    from crawler import settings as project
    from tests.mirror_middleware import PRIORITY

    middlewares = {**getattr(project, "DOWNLOADER_MIDDLEWARES", {}), "tests.mirror_middleware.MirrorMiddleware": PRIORITY}
    # retries still back off (crawler.fetching.retry), on a test-sized clock
    return ["-s", f"MIRROR_ADDRESS={address}", "-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}",
            "-s", "RETRY_BACKOFF_BASE=0.05", "-s", "RETRY_BACKOFF_MAX=0.5"]


def synth_recording(tmp: Path, spider: str, articles: int, as_of=None, mutate=None):
    """A WARC of bench/synth.py's recording of ``spider`` as it stood on ``as_of`` (the same
    articles and URLs, without the later ones), and ``{article url: truth row}``.

    ``mutate(pages, truth)`` may rewrite article pages first: ``pages`` maps each URL to its
    file, ``truth`` is the generator's list of truth rows (url, title, lead, body, day)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    out = tmp / f"synth-{spider}-{as_of or 'all'}"
    synth.generate(out, {spider: articles}, as_of=as_of, quiet=True)
    site = out / spider
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    truth = [json.loads(line) for line in (site / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    if mutate is not None:
        mutate({r["url"]: site / r["file"] for r in manifest}, truth)
    rows = [{"url": r["url"], "status": r["status"], "content_type": r["headers"]["Content-Type"],
             "file": str(site / r["file"])} for r in manifest]
    return warc_from_entries(rows, tmp / f"{out.name}.warc.gz"), {t["url"]: t for t in truth}

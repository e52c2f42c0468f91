"""Real crawls into the PostgreSQL archive: the same as into SQLite, and safe when run at once.

* Every recording of the four site spiders (tests/fixtures/<spider>/**/manifest.json) is
  replayed with the window its own test uses, into a SQLite archive and into a PostgreSQL one
  (the two crawls at the same time), and the two ``scrapy archive-export`` files are compared
  line by line -- byte for byte but for ``fetched_at``, the clock time of each crawl's fetch --
  with the seen-store, the recorded off-topic drops and the coverage ledger.
* The read-only commands (health, coverage, stories, archive-summary) read a PostgreSQL archive.
* Two ``scrapy crawl seeds`` writing to one PostgreSQL archive at once, with texts in common:
  nothing lost, nothing archived twice.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from crawler.storage.archive import Archive
from tests.support import FIXTURES, ROOT, SEEDS, replay_args, stats_from_log, warc_from_manifest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]




def _spec_window(path, *extra):
    spec = json.loads((FIXTURES / path).read_text(encoding="utf-8"))
    return ("-a", f"since={spec['since']}", "-a", f"until={spec['until']}", *extra)


def _window(since, until, *extra):
    return ("-a", f"since={since}", "-a", f"until={until}", *extra)


#: each recording and the crawl its spider test runs on it
RECORDINGS = {
    "baohatinh/replay": _window("2023-11-28", "2023-12-20"),
    "baohatinh/replay-lastmod-after-range": _spec_window("baohatinh/replay-lastmod-after-range/expected_backfill.json",
                                                         "-a", "lastmod_grace=2"),
    "baohatinh/replay-breadcrumb-layouts-2025": _spec_window(
        "baohatinh/replay-breadcrumb-layouts-2025/expected_backfill.json"),
    "baoquocte/replay": _window("2023-12-17", "2023-12-20"),
    "baoquocte/replay-two-date-formats": _spec_window("baoquocte/replay-two-date-formats/expected.json"),
    "baoquocte/replay-relative-card-dates": _spec_window("baoquocte/replay-relative-card-dates/expected.json"),
    "cantho/replay": _window("2024-01-08", "2024-01-20"),
    "cantho/replay-shifted-listing": _spec_window("cantho/replay-shifted-listing/expected_backfill.json"),
    "cantho/replay-namespaced-paginator": _spec_window("cantho/replay-namespaced-paginator/expected_backfill.json"),
    "vietnamvn/replay": _window("2023-12-22", "2023-12-23"),
    "vietnamvn/replay-gzip-daily-sitemap": _window("2023-12-23", "2023-12-24", "-a", "languages=vi,en"),
    "vietnamvn/replay-utc-lastmods-2025": _window("2025-03-11", "2025-03-12", "-a", "languages=vi,en"),
}


def test_every_recording_is_listed():
    found = {p.parent.relative_to(FIXTURES).as_posix() for p in FIXTURES.glob("*/**/manifest.json")
             if p.parent.parent.name in ("baohatinh", "baoquocte", "cantho", "vietnamvn")}
    assert found == set(RECORDINGS)


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")


def scrapy(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=timeout)


def crawl_both(spider: str, sqlite_dir, pg_url: str, common: list[str]) -> list[str]:
    """The same crawl into SQLite and into PostgreSQL, at the same time; their logs."""
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", spider, *common, *backend],
                              cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for backend in (["-s", f"ARCHIVE_DIR={sqlite_dir}"], ["-s", f"ARCHIVE_URL={pg_url}"])]
    logs = [p.communicate(timeout=300)[1] for p in procs]
    for log in logs:
        stats = stats_from_log(log)
        assert stats.get("finish_reason") == "finished", log[-3000:]
        assert not stats.get("log_count/ERROR"), log[-3000:]
    return logs


FETCHED_AT = re.compile(rb'"fetched_at": "[^"]*"')


def export(tmp_path, name: str, *settings: str) -> bytes:
    out = tmp_path / f"{name}.jsonl"
    proc = scrapy("archive-export", "-o", str(out), *settings)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out.read_bytes()


def ledgers(location) -> dict:
    archive = Archive.open_readonly(location)
    try:
        return {"seen": sorted(r[0] for r in archive.conn.execute("SELECT canonical_url FROM seen")),
                "drops": [(d["canonical_url"], d["reason"], d["tagger_version"], d["text"]) for d in archive.scope_drops()],
                "coverage": {site: archive.coverage(site) for site in archive.coverage_sites()},
                "runs": [(r["spider"], r["verdict"], r["counts"]["items"]) for r in archive.runs()]}
    finally:
        archive.close()


@pytest.mark.parametrize("recording", sorted(RECORDINGS))
def test_sqlite_and_postgres_archive_the_same_articles(recording, tmp_path, pg_url):
    spider = recording.split("/")[0]
    warc_from_manifest(FIXTURES / recording / "manifest.json", tmp_path / "site.warc.gz")
    common = without_archive_dir([*replay_args(tmp_path / "site.warc.gz", tmp_path / "unused"), *RECORDINGS[recording]])
    logs = crawl_both(spider, tmp_path / "archive", pg_url, common)
    written = [stats_from_log(log).get("pipeline/archive/written", 0) for log in logs]
    from_sqlite = export(tmp_path, "sqlite", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    from_pg = export(tmp_path, "pg", "-s", f"ARCHIVE_URL={pg_url}")
    sqlite_lines, pg_lines = from_sqlite.splitlines(), from_pg.splitlines()
    assert len(sqlite_lines) == written[0] == written[1] > 0
    assert [FETCHED_AT.sub(b'"fetched_at": null', line) for line in pg_lines] == \
        [FETCHED_AT.sub(b'"fetched_at": null', line) for line in sqlite_lines]
    # the export is the partitions' content, in canonical URL order
    partitions = sorted((tmp_path / "archive" / "jsonl").rglob("*.jsonl"))
    assert sorted(sqlite_lines) == sorted(line for p in partitions for line in p.read_bytes().splitlines())
    urls = [json.loads(line)["canonical_url"] for line in pg_lines]
    assert urls == sorted(urls)
    assert ledgers(pg_url) == ledgers(tmp_path / "archive")


def without_archive_dir(args: list[str]) -> list[str]:
    """replay_args without its ARCHIVE_DIR pair (each crawl is given its own backend)."""
    out = []
    for arg in args:
        if out and out[-1] == "-s" and arg.startswith("ARCHIVE_DIR="):
            out.pop()
            continue
        out.append(arg)
    return out


def test_read_only_commands_read_a_postgres_archive(tmp_path, pg_url):
    warc_from_manifest(FIXTURES / "baoquocte/replay/manifest.json", tmp_path / "site.warc.gz")
    common = without_archive_dir([*replay_args(tmp_path / "site.warc.gz", tmp_path / "unused"),
                                  *RECORDINGS["baoquocte/replay"]])
    crawl_both("baoquocte", tmp_path / "archive", pg_url, common)
    outputs = []
    for backend in (["-s", f"ARCHIVE_DIR={tmp_path / 'archive'}"], ["-s", f"ARCHIVE_URL={pg_url}"]):
        results = {}
        for command in (["coverage", "--json"], ["stories", "--json"], ["health", "--json"], ["archive-summary"]):
            proc = scrapy(*command, *backend)
            assert proc.returncode == 0, (command, proc.stderr[-2000:])
            results[command[0]] = proc.stdout
        outputs.append(results)
    sqlite_out, pg_out = outputs
    assert pg_out["coverage"] == sqlite_out["coverage"] and '"covered": [["2023-12-17", "2023-12-20"]]' in pg_out["coverage"]
    assert pg_out["stories"] == sqlite_out["stories"]
    health = json.loads(pg_out["health"])
    assert health["spider"] == "baoquocte" and health["verdict"] == json.loads(sqlite_out["health"])["verdict"]
    assert pg_out["archive-summary"].splitlines()[1:] == sqlite_out["archive-summary"].splitlines()[1:]
    assert pg_out["archive-summary"].startswith(f"archive {pg_url}: ")
    # an empty schema is no archive: a clear message, exit 2, nothing created
    proc = scrapy("archive-export", "-o", str(tmp_path / "none.jsonl"), "-s",
                  f"ARCHIVE_URL={pg_url.replace('search_path%3D', 'search_path%3Dnone_')}")
    assert proc.returncode == 2 and "holds no archive" in proc.stderr and not (tmp_path / "none.jsonl").exists()


TEMPLATE = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


def _dumps(directory, prefix, n, shared=0):
    """n distinct Can Tho text dumps made from a seed, plus ``shared`` ones every directory holds
    (the same text under another file name: another URL, the same fingerprint)."""
    directory.mkdir()
    for name, i in [(f"{prefix}-{i}", i) for i in range(n)] + [(f"{prefix}-shared-{i}", 1000 + i) for i in range(shared)]:
        tag = f"shared {i}" if i >= 1000 else f"{prefix} {i}"
        text = TEMPLATE.replace("Conference of the foreign service sector", f"Meeting {tag}")
        text = text.replace("On the morning of January 10, 2023,", f"On the morning of January {1 + i % 28}, 2023, ({tag})")
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")


def test_two_crawls_write_to_one_postgres_archive_at_once(tmp_path, pg_url):
    _dumps(tmp_path / "a", "alpha", 40, shared=15)
    _dumps(tmp_path / "b", "beta", 40, shared=15)
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "seeds", "-a", f"path={tmp_path / d}",
                               "-s", f"ARCHIVE_URL={pg_url}", "-s", "CONCURRENT_REQUESTS=4"],
                              cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for d in ("a", "b")]
    logs = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), [log[-2000:] for log in logs]
    written = sum(stats_from_log(log).get("pipeline/archive/written", 0) for log in logs)
    assert written == 95  # 40 + 40 of their own, and the 15 shared texts once
    archive = Archive.open_readonly(pg_url)
    try:
        items = list(archive.items())
        seen = archive.conn.execute("SELECT COUNT(*) FROM seen").fetchone()[0]
        stories = archive.conn.execute("SELECT COUNT(*) FROM story_nodes WHERE archived=1").fetchone()[0]
    finally:
        archive.close()
    titles = [item["title"] for item in items]
    assert len(titles) == len(set(titles)) == 95
    assert len({item["fingerprint"] for item in items}) == 95
    # every URL of both crawls is handled for good (archived, or the other crawl's text) and in the story graph
    assert seen == stories == 110

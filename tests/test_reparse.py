"""``scrapy reparse``: items re-derived from recorded WARCs (crawler.ops.reparse).

* the same items as a replay crawl of the same recording, for each site spider's recorded site
  (tests/fixtures/<spider>/replay/manifest.json), field by field except the documented ones;
* ``--workers 2`` and ``3`` write the same archive as ``--workers 1``;
* killed (SIGKILL in the middle of an archive write) and run again with the same JOBDIR: the
  archive of an uninterrupted run, and the captures archived before the kill are not parsed again;
* broken records (error statuses, a non-HTML body, binary garbage) and a cut WARC are counted,
  never a crash.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.ops.reparse import Journal, SiteRouter
from crawler.ops.reparse_worker import Capture, warc_date_to_utc
from tests.crash_hooks import ENV_AT
from tests.support import FIXTURES, ROOT, crawled, replay_args, scrapy_crawl, stats_from_log, warc_from_manifest
from tests.warc_builders import write_warc

#: the day each recording was made (the tests of each spider pin it the same way)
RECORDED = {"baoquocte": "2023-12-28", "baohatinh": "2023-12-28", "vietnamvn": "2023-12-24", "cantho": "2024-01-20"}
#: fields a reparse cannot give as a crawl does: the fetch time (a crawl writes when it ran, a
#: reparse the capture's WARC-Date) and the date discovery showed (a reparse reads no listing)
NOT_COMPARED = {"fetched_at", "discovery_date"}
#: ... and, for a page whose own date is missing or year-less, what the pipeline derived from it
FROM_DISCOVERY = {"published_at", "published_at_raw", "date_source", "provenance"}


def reparse(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "scrapy", "reparse", *args, "-s", "LOG_LEVEL=DEBUG"],
                          cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)


def archived(directory: Path) -> dict[str, dict]:
    with sqlite3.connect(directory / "archive.sqlite3") as conn:
        return {url: json.loads(raw) for url, raw in conn.execute("SELECT canonical_url, item_json FROM articles")}


def seen(directory: Path) -> set[str]:
    with sqlite3.connect(directory / "archive.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT canonical_url FROM seen")}


def jsonl_lines(directory: Path) -> dict[str, list[str]]:
    return {str(p.relative_to(directory)): p.read_text(encoding="utf-8").splitlines()
            for p in sorted((directory / "jsonl").glob("*/*.jsonl"))}


def site_stats(log: str) -> list[dict]:
    """Every 'Dumping Scrapy stats' dict of a reparse log (one per site spider)."""
    out = []
    while "Dumping Scrapy stats:" in log:
        out.append(stats_from_log(log))
        log = log[:log.rfind("Dumping Scrapy stats:")]
    return out


def total(log: str, key: str) -> int:
    return sum(stats.get(key, 0) for stats in site_stats(log))


# --- a replay crawl and a reparse of the same recording ------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("spider", sorted(RECORDED))
def test_reparse_gives_the_items_of_a_replay_crawl(tmp_path, spider):
    warc = warc_from_manifest(FIXTURES / spider / "replay" / "manifest.json", tmp_path / f"{spider}.warc.gz")
    # an incremental replay whose window reaches back past every recorded article
    crawl = scrapy_crawl(spider, *replay_args(warc, tmp_path / "crawl"), "-s", f"TODAY={RECORDED[spider]}",
                         "-s", "INCREMENTAL_DEFAULT_DAYS=36500")
    assert "Spider closed (finished)" in crawl.stderr, crawl.stderr[-3000:]
    proc = reparse(str(warc), "-s", f"ARCHIVE_DIR={tmp_path / 'reparse'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_crawl, by_reparse = archived(tmp_path / "crawl"), archived(tmp_path / "reparse")
    assert by_crawl, "the replay crawl archived nothing: nothing compared"
    assert set(by_crawl) <= set(by_reparse), sorted(set(by_crawl) - set(by_reparse))
    # what only the reparse has: recorded article pages the crawl's discovery never asked for
    fetched = {url.split("#")[0] for url in crawled(crawl.stderr)}
    for url in set(by_reparse) - set(by_crawl):
        assert by_reparse[url]["url"] not in fetched, url
    compared = 0
    for url, expected in by_crawl.items():
        got = by_reparse[url]
        skip = set(NOT_COMPARED)
        if expected.get("date_source") in ("sitemap", "listing") or (expected.get("provenance") or {}).get("date") == "discovery":
            skip |= FROM_DISCOVERY  # the page's own date is missing: the crawl dated it from discovery
        for field in sorted(set(expected) | set(got)):
            if field not in skip:
                assert got.get(field) == expected.get(field), (url, field)
                compared += 1
        assert got["fetched_at"] and got["fetched_at"].endswith("+00:00")
        assert got["discovery_date"] is None
    assert compared >= 10 * len(by_crawl)
    # the same drops, for the same reasons
    crawl_stats = stats_from_log(crawl.stderr)
    for key in ("item_dropped_reasons_count/OffTopic", "pipeline/scope/dropped_off_topic"):
        assert total(proc.stderr, key) >= crawl_stats.get(key, 0), key


# --- workers ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> Path:
    """The four recorded sites as four WARCs in one folder."""
    folder = tmp_path_factory.mktemp("recordings")
    for spider in sorted(RECORDED):
        warc_from_manifest(FIXTURES / spider / "replay" / "manifest.json", folder / f"{spider}.warc.gz")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["2", "3"])
def test_more_workers_write_the_same_archive_as_one(tmp_path, recordings, workers):
    one = reparse(str(recordings), "--workers", "1", "-s", f"ARCHIVE_DIR={tmp_path / 'one'}", "-o", str(tmp_path / "one.jsonl"))
    assert one.returncode == 0, one.stderr[-3000:]
    # one capture per chunk: consecutive captures go to different processes (this one between its
    # writes, and the N - 1 forked workers), results still in capture order
    two = reparse(str(recordings), "--workers", workers, "-s", f"ARCHIVE_DIR={tmp_path / 'two'}",
                  "-s", "REPARSE_CHUNK_SIZE=1", "-o", str(tmp_path / "two.jsonl"))
    assert two.returncode == 0, two.stderr[-3000:]
    assert archived(tmp_path / "one") == archived(tmp_path / "two")
    assert jsonl_lines(tmp_path / "one") == jsonl_lines(tmp_path / "two")
    assert seen(tmp_path / "one") == seen(tmp_path / "two")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    # the recordings hold one Can Tho article under two session URLs: the first recorded is kept
    assert total(one.stderr, "pipeline/dedup/duplicate_url") == total(two.stderr, "pipeline/dedup/duplicate_url") > 0
    assert len(archived(tmp_path / "one")) == total(one.stderr, "pipeline/archive/written") > 50
    # the worker processes' parse stats and log lines reach the parent
    assert total(two.stderr, "parse/ok/baoquocte") == total(one.stderr, "parse/ok/baoquocte") > 0
    assert "reparse:" in two.stderr and "records read" in two.stderr


# --- killed, then run again -------------------------------------------------------------------
@pytest.mark.slow
def test_killed_reparse_run_again_resumes_to_the_same_archive(tmp_path, recordings):
    warc = recordings / "baoquocte.warc.gz"
    whole = reparse(str(warc), "-s", f"ARCHIVE_DIR={tmp_path / 'whole'}")
    assert whole.returncode == 0, whole.stderr[-3000:]
    archive, job = tmp_path / "killed", tmp_path / "job"
    pipelines = {"pipelines.normalize.NormalizePipeline": 100, "pipelines.dates.DatesPipeline": 200,
                 "pipelines.scope.ScopePipeline": 250, "pipelines.dedup.DedupPipeline": 300,
                 "tests.crash_hooks.CrashingArchivePipeline": 400, "pipelines.stories.StoriesPipeline": 450}
    killed = reparse(str(warc), "--workers", "2", "-s", f"ARCHIVE_DIR={archive}", "-s", f"JOBDIR={job}",
                     "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", env={ENV_AT: "20"})
    assert killed.returncode == -9, killed.stderr[-3000:]
    assert len(archived(archive)) == 20  # the 20th row was committed, its line not written
    again = reparse(str(warc), "-s", f"ARCHIVE_DIR={archive}", "-s", f"JOBDIR={job}")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "skipped/journalled 19" in again.stderr  # the 20th was archived but not journalled: read again
    assert total(again.stderr, "articles/responses") == len(archived(tmp_path / "whole")) - 19
    assert archived(archive) == archived(tmp_path / "whole")
    assert {p: sorted(lines) for p, lines in jsonl_lines(archive).items()} == \
        {p: sorted(lines) for p, lines in jsonl_lines(tmp_path / "whole").items()}
    assert seen(archive) == seen(tmp_path / "whole")
    # a third run: everything journalled, nothing parsed, nothing changed
    third = reparse(str(warc), "-s", f"ARCHIVE_DIR={archive}", "-s", f"JOBDIR={job}")
    assert third.returncode == 0 and total(third.stderr, "articles/responses") == 0
    assert archived(archive) == archived(tmp_path / "whole")


@pytest.mark.slow
def test_killed_without_jobdir_the_same_command_resumes(tmp_path, recordings):
    """No JOBDIR: the journal is kept per set of input files; a kill leaves it, a finished run removes it."""
    warc = recordings / "baoquocte.warc.gz"
    journals, archive = tmp_path / "journals", tmp_path / "a"
    pipelines = {"pipelines.normalize.NormalizePipeline": 100, "pipelines.dates.DatesPipeline": 200,
                 "pipelines.scope.ScopePipeline": 250, "pipelines.dedup.DedupPipeline": 300,
                 "tests.crash_hooks.CrashingArchivePipeline": 400, "pipelines.stories.StoriesPipeline": 450}
    common = ("-s", f"ARCHIVE_DIR={archive}", "-s", f"REPARSE_JOURNAL_DIR={journals}")
    killed = reparse(str(warc), *common, "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", env={ENV_AT: "10"})
    assert killed.returncode == -9, killed.stderr[-3000:]
    assert len(list(journals.glob("*/reparse.journal"))) == 1
    again = reparse(str(warc), *common)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "skipped/journalled 9" in again.stderr
    assert not list(journals.glob("*/reparse.journal"))  # gone once every capture went through
    whole = reparse(str(warc), "-s", f"ARCHIVE_DIR={tmp_path / 'whole'}", "-s", f"REPARSE_JOURNAL_DIR={journals}")
    assert whole.returncode == 0 and archived(archive) == archived(tmp_path / "whole")


@pytest.mark.slow
def test_run_again_after_a_finished_run_parses_again_and_changes_nothing(tmp_path, recordings):
    warc = recordings / "cantho.warc.gz"
    first = reparse(str(warc), "-s", f"ARCHIVE_DIR={tmp_path / 'a'}", "-s", f"REPARSE_JOURNAL_DIR={tmp_path / 'j'}")
    before = archived(tmp_path / "a"), jsonl_lines(tmp_path / "a")
    second = reparse(str(warc), "-s", f"ARCHIVE_DIR={tmp_path / 'a'}", "-s", f"REPARSE_JOURNAL_DIR={tmp_path / 'j'}")
    assert first.returncode == second.returncode == 0
    # every item is found archived by the earlier run (also the second session URL of one article)
    assert total(second.stderr, "pipeline/dedup/already_archived") == \
        total(first.stderr, "pipeline/archive/written") + total(first.stderr, "pipeline/dedup/duplicate_url") > 0
    assert total(second.stderr, "pipeline/archive/written") == 0
    assert (archived(tmp_path / "a"), jsonl_lines(tmp_path / "a")) == before


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.slow
def test_bad_records_and_a_cut_warc_are_counted_not_a_crash(tmp_path):
    good = (FIXTURES / "baoquocte" / "full-meta_hoi-nghi-ngoai-giao-32-252871.html").read_bytes()
    html = {"Content-Type": "text/html; charset=utf-8"}
    folder = tmp_path / "warcs"
    folder.mkdir()
    write_warc(folder / "a.warc.gz", [
        ("https://baoquocte.vn/hoi-nghi-ngoai-giao-32-252871.html", 200, html, good),
        ("https://baoquocte.vn/gone-article-111111.html", 404, html, b"<html>not found</html>"),
        ("https://baoquocte.vn/broken-article-222222.html", 500, html, b"oops"),
        # an image where an article was: typed by its .html URL, as the replay types it, so a parse error
        ("https://baoquocte.vn/photo-article-333333.html", 200, {"Content-Type": "image/jpeg"},
         b"\xff\xd8\xff" + os.urandom(500)),
        # ... and under a URL that says nothing: not HTML, skipped
        ("https://www.vietnam.vn/anh-hoi-nghi-ngoai-giao", 200, {"Content-Type": "image/jpeg"},
         b"\xff\xd8\xff" + os.urandom(500)),
        ("https://baoquocte.vn/garbage-article-444444.html", 200, html, os.urandom(3000)),
        ("https://baoquocte.vn/empty-article-555555.html", 200, html, b""),
        ("https://example.org/other-site-666666.html", 200, html, good),
    ])
    whole = write_warc(tmp_path / "b.warc.gz", [
        ("https://baoquocte.vn/second-copy-777777.html", 200, html, good.replace(b"32", b"33")),
        ("https://baoquocte.vn/cut-article-888888.html", 200, html, good.replace(b"32", b"34")),
    ]).read_bytes()
    (folder / "b.warc.gz").write_bytes(whole[: len(whole) - 700])  # the last record cut short
    (folder / "c.warc").write_bytes(b"this is not a WARC file\n" * 10)
    proc = reparse(str(folder), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    assert proc.returncode == 1, proc.stderr[-3000:]  # a damaged WARC says so
    assert "Traceback" not in proc.stderr
    assert "bad_record/http_404 1" in proc.stderr and "bad_record/http_500 1" in proc.stderr
    assert "bad_warc_files 2" in proc.stderr and "skipped/offsite 1" in proc.stderr
    assert total(proc.stderr, "reparse/bad_record/not_html") == 1
    assert total(proc.stderr, "parse/error/baoquocte") == 3  # the image, the garbage, the empty page
    assert "vnfa: error: damaged WARC" in proc.stderr
    items = archived(tmp_path / "archive")
    assert "https://baoquocte.vn/hoi-nghi-ngoai-giao-32-252871.html" in items
    assert "https://baoquocte.vn/cut-article-888888.html" not in items  # never a partial body
    assert len(items) == total(proc.stderr, "pipeline/archive/written") >= 1


def test_invocation_errors_exit_2(tmp_path):
    assert reparse().returncode == 2
    assert reparse(str(tmp_path / "missing.warc")).returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = reparse(str(empty))
    assert proc.returncode == 2 and "holds no .warc" in proc.stderr
    warc = write_warc(tmp_path / "x.warc.gz",
                      [("https://baoquocte.vn/a-1.html", 200, {"Content-Type": "text/html"}, b"<p>x</p>")])
    assert "reparse takes" in reparse(str(warc), "-a", "pages=3").stderr
    proc = reparse(str(warc), "-a", "scope=everything", "-s", f"ARCHIVE_DIR={tmp_path / 'a'}")
    assert proc.returncode == 2 and "scope" in proc.stderr
    assert reparse(str(warc), "--workers", "0").returncode == 2


# --- pieces -----------------------------------------------------------------------------------
def test_site_router_matches_hosts_and_subdomains_only():
    from spiders.baoquocte.spider import BaoquocteSpider
    from spiders.cantho.spider import CanthoSpider
    from spiders.vietnamvn.spider import VietnamvnSpider

    router = SiteRouter({"baoquocte": BaoquocteSpider, "vietnamvn": VietnamvnSpider, "cantho": CanthoSpider})
    assert router.spider_for("https://en.baoquocte.vn/x-1.html") == "baoquocte"
    assert router.spider_for("https://www.vietnam.vn/en/a-b") == "vietnamvn"
    assert router.spider_for("http://1cua.songoaivu.cantho.gov.vn/web/x") == "cantho"
    assert router.spider_for("https://notbaoquocte.vn/x-1.html") is None
    assert router.spider_for("https://baoquocte.vn.evil.org/x-1.html") is None
    assert router.spider_for("not a url") is None


def test_vietnamvn_article_rule_is_its_sitemap_rule():
    from spiders.vietnamvn.spider import VietnamvnSpider, url_slug

    spider = VietnamvnSpider()
    for url in ("https://www.vietnam.vn/bo-ngoai-giao-tiep", "https://www.vietnam.vn/fr/bo-ngoai-giao-tiep",
                "https://www.vietnam.vn/xx/bo-ngoai-giao-tiep", "https://www.vietnam.vn/sitemap.xml"):
        assert spider.is_article_url(url) == (url_slug(url) is not None)
    assert not spider.is_article_url("https://www.vietnam.vn/xx/bo-ngoai-giao-tiep")


def test_warc_dates_become_utc_fetch_times():
    assert warc_date_to_utc("2023-12-28T03:00:00Z") == "2023-12-28T03:00:00+00:00"
    assert warc_date_to_utc("2023-12-28T03:00:00.123456Z") == "2023-12-28T03:00:00+00:00"
    assert warc_date_to_utc("2023-12-28T10:00:00+07:00") == "2023-12-28T03:00:00+00:00"
    assert warc_date_to_utc("yesterday") is None and warc_date_to_utc(None) is None


def test_journal_survives_a_cut_last_line(tmp_path):
    from crawler.fetching.warc.index import _Entry, _Loc

    capture = Capture(3, "baoquocte", "https://baoquocte.vn/a-1.html", _Entry(_Loc("x.warc", 120), 200, False), None,
                      "https://baoquocte.vn/a-1.html\t120\t3")
    journal = Journal(str(tmp_path))
    journal.record(capture, [("https://baoquocte.vn/a-1.html", "fp1")])
    journal.close()
    with open(tmp_path / "reparse.journal", "a", encoding="utf-8") as fh:
        fh.write("https://baoquocte.vn/b-2.html\t99")  # a kill in the middle of a line
    again = Journal(str(tmp_path))
    assert again.done == {capture.key: [("https://baoquocte.vn/a-1.html", "fp1")]}
    again.close()
    assert Journal(None).done == {} and Journal(None).path is None

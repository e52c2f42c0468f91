"""Scheduled runs never leave a gap (coverage ledger, catch-up, "seen" only when handled for good).

Each site's synthetic recording (bench/synth.py: the site's own markup and discovery, 12
articles a day, the newest on ``NEWEST``) is replayed as it stood on a given day
(``as_of``: the same articles and URLs, without the later ones) with ``-s TODAY`` pinned to
that day, so a run sees the site as a cron job would have seen it then. Two sequences per
spider; after each, the archive must hold every article of the days the runs covered, and no
archived article may have been fetched twice.
"""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.support import (
    crawled,
    replay_args,
    scrapy_crawl,
    stats_from_log,
    synth_recording,
)

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

NEWEST = date(2025, 12, 31)  # bench/synth.py's NEWEST_DAY
ARTICLES = 120  # ten days of articles, NEWEST-9 .. NEWEST
SPIDERS = ("baoquocte", "baohatinh", "cantho", "vietnamvn")


def recording(tmp: Path, spider: str, as_of: date):
    warc, truth = synth_recording(tmp, spider, ARTICLES, as_of)
    return warc, {url: date.fromisoformat(t["day"]) for url, t in truth.items()}


def crawl(spider, warc, archive, *args):
    proc = scrapy_crawl(spider, *replay_args(warc, archive), *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = stats_from_log(proc.stderr)
    assert stats.get("finish_reason") == "finished", stats
    return {"stats": stats, "crawled": crawled(proc.stderr), "log": proc.stderr}


def archived(archive: Path) -> set[str]:
    with sqlite3.connect(archive / "archive.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT url FROM articles")}


def article_fetches(run, pages: dict) -> list[str]:
    return [u for u, status in run["crawled"].items() if u in pages and status == 200]


@pytest.mark.parametrize("spider", SPIDERS)
def test_backfill_then_incremental_archives_everything_after_the_backfill(tmp_path, spider):
    warc, pages = recording(tmp_path, spider, NEWEST)
    archive = tmp_path / "archive"
    since, until = NEWEST - timedelta(days=9), NEWEST - timedelta(days=5)
    backfill = crawl(spider, warc, archive, "-a", f"since={since}", "-a", f"until={until}")
    assert backfill["stats"]["coverage/recorded"] == f"{since}..{until}"
    first = archived(archive)
    assert first == {u for u, d in pages.items() if since <= d <= until}
    incremental = crawl(spider, warc, archive, "-s", f"TODAY={NEWEST}")
    assert incremental["stats"]["coverage/window"] == f"{until}..{NEWEST}"
    assert set(article_fetches(incremental, pages)).isdisjoint(first), "an archived article was fetched again"
    assert archived(archive) == set(pages), "articles after the backfill were lost"
    assert incremental["stats"]["coverage/recorded"] == f"{until}..{NEWEST}"


@pytest.mark.parametrize("spider", SPIDERS)
def test_incremental_then_a_week_down_then_incremental_leaves_no_gap(tmp_path, spider):
    before = NEWEST - timedelta(days=7)
    warc_then, pages_then = recording(tmp_path, spider, before)
    archive = tmp_path / "archive"
    first = crawl(spider, warc_then, archive, "-s", f"TODAY={before}", "-s", "INCREMENTAL_DEFAULT_DAYS=2")
    start = before - timedelta(days=2)
    assert first["stats"]["coverage/recorded"] == f"{start}..{before}"
    had = archived(archive)
    assert had >= {u for u, d in pages_then.items() if d >= start}
    # a week without runs; the site goes on publishing
    warc_now, pages_now = recording(tmp_path, spider, NEWEST)
    assert set(pages_then) <= set(pages_now)  # the same articles, same URLs
    second = crawl(spider, warc_now, archive, "-s", f"TODAY={NEWEST}")
    assert second["stats"]["coverage/window"] == f"{before}..{NEWEST}"  # from where coverage ended, not "2 days"
    assert set(article_fetches(second, pages_now)).isdisjoint(had), "an archived article was fetched again"
    assert archived(archive) >= {u for u, d in pages_now.items() if d >= start}, "the downtime left a gap"
    with sqlite3.connect(archive / "archive.sqlite3") as conn:
        ranges = conn.execute("SELECT start_day, end_day FROM coverage ORDER BY start_day").fetchall()
    assert ranges == [(str(start), str(before)), (str(before), str(NEWEST))]

"""What makes an article "seen" (never fetched again by an incremental run).

Seen means handled for good: archived, or a duplicate of an archived article (``Handled``).
A plain drop -- an item that fails validation, a backfill article with no readable date -- and
a drop as out of a backfill's range leave it unseen, so the next run fetches it again.

The recording is bench/synth.py's Can Tho portal (undated listing, each article dates itself
in its prose), with three of the newest day's articles changed: one with a 24-character body
(fails validation), one with every date removed (undated), one a copy of another (a duplicate).
"""
from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest

from tests.support import (
    crawled,
    replay_args,
    scrapy_crawl,
    stats_from_log,
    synth_recording,
)

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _break_three(pages, truth):
    newest = [t for t in truth if t["day"] == max(r["day"] for r in truth)]
    invalid, undated, duplicate, original = newest[:4]
    html = pages[invalid["url"]].read_text(encoding="utf-8")
    paragraphs = invalid["body"].split("\n\n")
    html = html.replace(paragraphs[0], "A short note of the day.")
    for paragraph in paragraphs[1:]:
        html = html.replace(paragraph, "")
    pages[invalid["url"]].write_text(html, encoding="utf-8")
    day = date.fromisoformat(undated["day"])
    html = pages[undated["url"]].read_text(encoding="utf-8")
    html = html.replace(f"On {MONTHS[day.month - 1]} {day.day}, {day.year}, ", "")
    html = re.sub(rf"0?{day.day}/0?{day.month}/{day.year}", "", html)
    pages[undated["url"]].write_text(html, encoding="utf-8")
    pages[duplicate["url"]].write_bytes(pages[original["url"]].read_bytes())
    _break_three.urls = {"invalid": invalid["url"], "undated": undated["url"], "duplicate": duplicate["url"]}


def _seen(archive) -> set[str]:
    with sqlite3.connect(archive / "archive.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT canonical_url FROM seen")}


def _archived(archive) -> set[str]:
    with sqlite3.connect(archive / "archive.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT canonical_url FROM articles")}


def _crawl(warc, archive, *args):
    proc = scrapy_crawl("cantho", *replay_args(warc, archive), *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return stats_from_log(proc.stderr), crawled(proc.stderr)


def test_plain_drops_stay_unseen_and_are_fetched_again(tmp_path):
    from spiders.cantho.page import CanthoArticle

    warc, truth = synth_recording(tmp_path, "cantho", 48, mutate=_break_three)
    urls = _break_three.urls
    newest = max(t["day"] for t in truth.values())
    key = CanthoArticle.canonicalize
    archive = tmp_path / "archive"

    stats, _ = _crawl(warc, archive, "-a", f"since={newest}", "-a", f"until={newest}")
    assert stats["pipeline/normalize/dropped/short_body"] == 1
    assert stats["pipeline/dates/dropped/undated"] == 1
    assert stats["pipeline/dedup/duplicate_fingerprint"] + stats.get("pipeline/dedup/duplicate_url", 0) == 1
    seen, archived = _seen(archive), _archived(archive)
    assert key(urls["invalid"]) not in seen and key(urls["undated"]) not in seen
    assert key(urls["duplicate"]) in seen  # Handled: a duplicate of an archived article
    assert archived and archived <= seen
    # out of the backfill's range: read (the listing is undated), dropped, and not seen either
    assert stats["pipeline/dates/dropped/out_of_range"] >= 1
    assert {key(u) for u, t in truth.items() if t["day"] < newest} & seen == set()

    stats, fetched = _crawl(warc, archive, "-s", f"TODAY={newest}")  # the scheduled run after it
    articles = {key(u) for u, status in fetched.items() if u in truth and status == 200}
    assert {key(urls["invalid"]), key(urls["undated"])} <= articles  # fetched again
    assert articles.isdisjoint(archived) and key(urls["duplicate"]) not in articles
    assert stats["pipeline/normalize/dropped/short_body"] == 1
    assert key(urls["invalid"]) not in _seen(archive)
    assert key(urls["undated"]) in _archived(archive)  # an incremental run keeps an undated article

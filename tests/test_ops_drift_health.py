"""Issue #10 (3, 5, 6): a drifted baoquocte layout -- date and byline markup renamed, structured dates
removed -- still archives every listed article with the listing's date, and its monitors flag the run:
exit 1, a failed verdict in the runs table, ``scrapy health`` exits 1 until a good run follows."""
import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from tests.support import (
    FIXTURES,
    ROOT,
    manifest_entries,
    read_jsonl,
    replay_args,
    scrapy_crawl,
    stats_from_log,
    warc_from_entries,
)

pytestmark = pytest.mark.slow  # crawls in subprocesses

SITE_DIR = FIXTURES / "baoquocte"
ARTICLE = re.compile(r"^https://baoquocte\.vn/[\w-]+-\d+\.html$")
SINCE, UNTIL = "2023-12-17", "2023-12-20"


def cards():
    """``{url: day}`` of the dated cards of the four recorded listing pages."""
    out = {}
    for name in ("ngoai-giao.html", "ngoai-giao_BRSR15.html", "ngoai-giao_BRSR30.html", "ngoai-giao_BRSR45.html"):
        html = (SITE_DIR / "replay" / name).read_text(encoding="utf-8")
        for block in html.split('<div class="article">')[1:]:
            url = re.search(r'<h3 class="article-title"><a href="([^"]+)"', block)[1]
            day = re.search(r'<span class="time">\d\d:\d\d \| (\d\d)/(\d\d)/(\d{4})', block)
            if day:
                out[url] = f"{day[3]}-{day[2]}-{day[1]}"
    return out


def drift(html: str) -> str:
    """The layout drifts: no structured date, the byline and date boxes renamed to classes no rule knows."""
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<meta[^>]+(?:published_time|datePublished|pubdate)[^>]*>', "", html)
    html = re.sub(r"<time\b[^>]*>(.*?)</time>", r"<span>\1</span>", html, flags=re.S)
    return re.sub(r'class="([^"]*(?:date|time|member|author)[^"]*)"', 'class="x-box"', html)


def health(archive, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", "health", "-s", f"ARCHIVE_DIR={archive}", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drift")
    rows = manifest_entries(SITE_DIR / "replay" / "manifest.json")
    (tmp / "pages").mkdir()
    drifted = []
    for n, row in enumerate(rows):
        if ARTICLE.match(row["url"]):
            path = tmp / "pages" / f"{n}.html"
            path.write_text(drift(open(row["file"], encoding="utf-8").read()), encoding="utf-8")
            row = dict(row, file=str(path))
        drifted.append(row)
    out = {}
    for name, entries in (("good", rows), ("drifted", drifted)):
        warc = warc_from_entries(entries, tmp / f"{name}.warc.gz")
        proc = scrapy_crawl("baoquocte", *replay_args(warc, tmp / "archive"), "-O", str(tmp / f"{name}.jsonl"),
                            "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
        out[name] = {"proc": proc, "stats": stats_from_log(proc.stderr), "items": read_jsonl(tmp / f"{name}.jsonl")}
    out["archive"] = tmp / "archive"
    return out


def test_the_drift_really_removed_the_page_dates_and_bylines(runs):
    items = runs["drifted"]["items"]
    assert items and not any(i["authors"] for i in items)
    assert {i["date_source"] for i in items if i["url"] in cards()} == {"listing"}


def test_the_drifted_run_archives_every_listed_article_with_the_listing_date(runs):
    in_range = {u: d for u, d in cards().items() if SINCE <= d <= UNTIL}
    items = {i["url"]: i for i in runs["drifted"]["items"]}
    assert set(in_range) <= set(items)
    for url, day in in_range.items():
        assert items[url]["published_at"][:10] == day, url
        assert items[url]["provenance"]["date"] == "discovery"
    good = {i["url"]: i["published_at"][:10] for i in runs["good"]["items"]}
    assert {u: items[u]["published_at"][:10] for u in in_range} == {u: good[u] for u in in_range}


def test_the_drifted_run_is_flagged_and_exits_1(runs):
    good, drifted = runs["good"], runs["drifted"]
    assert good["proc"].returncode == 0, good["proc"].stderr[-3000:]
    assert good["stats"]["monitors/verdict"] == "pass"
    assert drifted["proc"].returncode == 1
    failed = drifted["stats"]["monitors/failed"].split(", ")
    assert "fields" in failed and "layers" in failed
    assert "FAIL  fields    field coverage of" in drifted["proc"].stderr and "authors 0% < 90%" in drifted["proc"].stderr
    assert re.search(r"FAIL  layers .*date \d+%", drifted["proc"].stderr)
    assert "vnfa: error: crawl baoquocte failed: monitor(s) failed:" in drifted["proc"].stderr
    assert "Traceback" not in drifted["proc"].stderr  # a failed monitor is its reason, not a crash
    stats = drifted["stats"]
    assert stats["extract/baoquocte/authors/none"] == stats["articles/responses"] == 13
    assert stats["extract/baoquocte/date/discovery"] == 11  # the two undated cards: the story's date


def test_runs_and_provenance_are_stored_in_the_archive(runs):
    conn = sqlite3.connect(runs["archive"] / "archive.sqlite3")
    try:
        rows = conn.execute("SELECT spider, site, arguments, verdict, monitors, counts FROM runs ORDER BY finished_at").fetchall()
        provenance = [json.loads(p) for (p,) in conn.execute("SELECT json_extract(item_json, '$.provenance') FROM articles")]
    finally:
        conn.close()
    assert [(r[0], r[1], r[3]) for r in rows] == [("baoquocte", "baoquocte.vn", "pass"), ("baoquocte", "baoquocte.vn", "fail")]
    assert json.loads(rows[1][2]) == {"since": SINCE, "until": UNTIL}
    monitors = json.loads(rows[1][4])
    assert monitors["fields"]["status"] == "fail" and monitors["finish"]["status"] == "pass"
    assert json.loads(rows[0][5])["items"] == 12
    assert provenance and all(p and set(p) <= {"title", "lead", "authors", "date", "body"} for p in provenance)


def test_health_reports_the_failed_last_run(runs, tmp_path):
    proc = health(runs["archive"])
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"^baoquocte\s+FAIL .*recent 1/2 passed \[PF\]", proc.stdout, re.M), proc.stdout
    assert "failed fields: field coverage of" in proc.stdout
    as_json = [json.loads(line) for line in health(runs["archive"], "--json").stdout.splitlines()]
    assert as_json[0]["spider"] == "baoquocte" and as_json[0]["verdict"] == "fail" and as_json[0]["trend"] == "PF"
    assert set(as_json[0]["failed"]) >= {"fields", "layers"}


def test_health_passes_after_a_good_run(runs, tmp_path):
    from crawler.storage.archive import Archive

    archive = Archive(tmp_path / "a")
    for n, verdict in enumerate(("fail", "pass")):
        archive.record_run({"run_id": f"r{n}", "spider": "cantho", "site": "songoaivu.cantho.gov.vn", "arguments": {},
                            "finished_at": f"2024-01-0{n + 1}T00:00:00+00:00", "counts": {"items": 3},
                            "verdict": verdict, "monitors": {"finish": {"status": "pass", "reason": None}}})
    archive.close()
    proc = health(tmp_path / "a")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^cantho\s+PASS .*recent 1/2 passed \[FP\]", proc.stdout, re.M)

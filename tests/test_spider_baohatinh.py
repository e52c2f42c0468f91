"""The baohatinh spider replayed fully offline from a WARC built from the fixtures.

The recording (tests/fixtures/baohatinh/replay/manifest.json) is the site as seen on
28/12/2023: the sitemap index (monthly news sitemaps 2023-10..2024-1, one gzipped, plus
decoys), the home RSS feed, the /chinh-tri/ and /the-gioi/ category pages (two pages each),
the hand-written article fixtures and filler articles; anything else is a 404 from the
replay middleware. Backfill range used here: 28/11/2023 .. 20/12/2023.
"""
import json

import pytest

from tests.support import (
    FIXTURES,
    crawled,
    manifest_entries,
    read_jsonl,
    replay_args,
    scrapy_crawl,
    stats_from_log,
    warc_from_entries,
    warc_from_manifest,
)

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

H = "https://baohatinh.vn"
SITE_DIR = FIXTURES / "baohatinh"
SINCE, UNTIL = "2023-11-28", "2023-12-20"
RECORDED = "2023-12-28"


def fixture_spec(name):
    return json.loads((SITE_DIR / f"{name}.expected.json").read_text(encoding="utf-8"))


SEED = fixture_spec("seed001_hoi-nghi-ngoai-vu-post254817")
JSONLD = fixture_spec("jsonld_bolikhamxay-post255043")
NOMETA = fixture_spec("nometa_xuc-tien-dau-tu-han-quoc-post254602")
OFFTOPIC = fixture_spec("offtopic_vu-xuan-post254155")
CHANGED = fixture_spec("changed-layout_dai-su-australia-post255478")

KHAMMOUANE = f"{H}/ha-tinh-don-doan-cong-tac-tinh-khammouane-lao-post253811.html"  # lastmod 23:45Z on 27/11 = 28/11 in Hanoi
KIEU_BAO = f"{H}/kieu-bao-ha-tinh-tai-han-quoc-huong-ve-que-huong-post253902.html"
NO_LASTMOD = f"{H}/so-ngoai-vu-tong-ket-cong-tac-thong-tin-doi-ngoai-post254230.html"
#: in range, on topic: what a default backfill archives
IN_RANGE_FA = {KHAMMOUANE, KIEU_BAO, NO_LASTMOD, NOMETA["url"], SEED["url"], JSONLD["url"]}
#: read, then dropped by the scope pipeline (kept with -a scope=all)
IN_RANGE_OFF_TOPIC = {OFFTOPIC["url"]}
SITEMAP_INDEX = f"{H}/sitemap.xml"
NEEDED_SITEMAPS = {SITEMAP_INDEX, f"{H}/sitemaps/news-2023-11.xml", f"{H}/sitemaps/news-2023-12.xml.gz"}


def run(tmp, archive, name, *args, rc=0):
    out = tmp / f"{name}.jsonl"
    proc = scrapy_crawl("baohatinh", *replay_args(tmp / "site.warc.gz", tmp / archive), "-O", str(out), *args)
    assert proc.returncode == rc, proc.stderr[-4000:]
    stats = stats_from_log(proc.stderr)
    assert stats.get("finish_reason") == "finished"
    return {"items": read_jsonl(out), "stats": stats, "crawled": crawled(proc.stderr), "log": proc.stderr}


def articles(fetched):
    return {u for u in fetched if u.endswith(".html") and "-post" in u}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("baohatinh_replay")
    warc_from_manifest(SITE_DIR / "replay" / "manifest.json", tmp / "site.warc.gz")
    backfill = run(tmp, "archive", "backfill", "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    # incremental runs replay the recording as on the day it was made
    incremental = run(tmp, "archive", "incremental", "-s", f"TODAY={RECORDED}")
    again = run(tmp, "archive", "again", "-s", f"TODAY={RECORDED}")
    scope_all = run(tmp, "archive-all", "scope-all", "-a", f"since={SINCE}", "-a", f"until={UNTIL}", "-a", "scope=all")
    gone_feed = run(tmp, "archive-404", "gone-feed", "-a", f"feed={H}/rss/the-gioi.rss", "-s", f"TODAY={RECORDED}",
                    rc=1)
    return {"backfill": backfill, "incremental": incremental, "again": again, "scope_all": scope_all,
            "gone_feed": gone_feed}


# --- backfill ----------------------------------------------------------------------------------

def test_backfill_yields_exactly_the_in_range_articles_once(crawls):
    items = crawls["backfill"]["items"]
    assert sorted(i["url"] for i in items) == sorted(IN_RANGE_FA)
    assert len({i["canonical_url"] for i in items}) == len(items)
    for item in items:
        assert item["site"] == "baohatinh.vn" and item["language"] == "vi" and item["foreign_affairs"] is True
        assert SINCE <= item["published_at"][:10] <= UNTIL
        assert not item["lead"].startswith("(Baohatinh.vn)")


def test_backfill_items_match_the_page_fixtures(crawls):
    by_url = {i["url"]: i for i in crawls["backfill"]["items"]}
    for spec in (SEED, JSONLD, NOMETA):
        item = by_url[spec["url"]]
        assert {k: item[k] for k in spec["expected"]} == spec["expected"], spec["url"]
    khammouane = by_url[KHAMMOUANE]
    assert khammouane["published_at"] == "2023-11-28T06:30:00+07:00"
    assert khammouane["authors"] == ["Đình Nhất"] and khammouane["section"] == "Chính trị"
    assert by_url[NO_LASTMOD]["published_at"].startswith("2023-12-08")


def test_backfill_fetches_only_what_the_range_needs(crawls):
    fetched = crawls["backfill"]["crawled"]
    sitemaps = {u for u in fetched if "sitemap" in u}
    assert sitemaps == NEEDED_SITEMAPS  # not Oct 2023 nor Jan 2024, no decoy sitemaps
    assert articles(fetched) == IN_RANGE_FA | IN_RANGE_OFF_TOPIC
    assert all(fetched[u] == 200 for u in articles(fetched) | sitemaps)
    assert not [u for u in fetched if "/rss/" in u or "/chinh-tri/" in u or "/the-gioi/" in u or "/tv/" in u]
    stats = crawls["backfill"]["stats"]
    assert stats["discovery/baohatinh/sitemaps"] == 3
    assert stats["discovery/baohatinh/sitemaps_skipped_out_of_range"] == 2
    assert stats["discovery/baohatinh/articles_queued"] == 7
    assert stats["discovery/baohatinh/undated_queued"] == 1
    # 3 in November before the 28th; 9 in December after the 20th, among them 18:30Z on 20/12
    # (21/12 01:30 in Hanoi)
    assert stats["discovery/baohatinh/skipped_out_of_range"] == 3 + 9
    assert stats["discovery/baohatinh/skipped_not_article"] == 1  # the /tv/ item
    assert stats["pipeline/scope/dropped_off_topic"] == 1
    assert "pipeline/dates/dropped/out_of_range" not in stats
    assert stats["item_scraped_count"] == len(IN_RANGE_FA)


def test_off_topic_article_is_kept_with_scope_all(crawls):
    default = {i["url"] for i in crawls["backfill"]["items"]}
    everything = {i["url"]: i for i in crawls["scope_all"]["items"]}
    assert OFFTOPIC["url"] not in default
    assert set(everything) == IN_RANGE_FA | IN_RANGE_OFF_TOPIC
    off = everything[OFFTOPIC["url"]]
    assert off["foreign_affairs"] is False
    assert {k: off[k] for k in OFFTOPIC["expected"]} == OFFTOPIC["expected"]


# --- incremental ---------------------------------------------------------------------------------

def test_incremental_run_catches_up_through_the_sitemaps_and_fetches_only_what_the_archive_lacks(crawls):
    run = crawls["incremental"]
    fetched = run["crawled"]
    assert run["stats"]["coverage/window"] == f"{UNTIL}..{RECORDED}"
    assert not articles(fetched) & (IN_RANGE_FA | IN_RANGE_OFF_TOPIC)  # the backfill's articles: not again
    assert run["stats"]["incremental/skipped_seen"] >= 1
    # dated discovery: the feed, the index and only December's news sitemap; no category page
    assert {f"{H}/rss/home.rss", SITEMAP_INDEX, f"{H}/sitemaps/news-2023-12.xml.gz"} <= set(fetched)
    assert not [u for u in fetched if "/chinh-tri/" in u or "/the-gioi/" in u]
    assert f"{H}/sitemaps/news-2023-11.xml" not in fetched
    new = articles(fetched)
    assert CHANGED["url"] in new
    assert not [u for u in new if "/tv/" in u or "/video/" in u]  # non-article links are ignored
    # a sitemap entry the recording does not hold is a gone article: counted, and no gap in coverage
    gone = {u for u in new if fetched[u] != 200}
    assert {fetched[u] for u in gone} <= {404} and run["stats"].get("errors/article/http_404", 0) == len(gone)
    new -= gone
    items = {i["url"]: i for i in run["items"]}
    assert {k: items[CHANGED["url"]][k] for k in CHANGED["expected"]} == CHANGED["expected"]
    assert all(i["foreign_affairs"] for i in items.values())
    # traffic police, vegetable prices: read, tagged off-topic, recorded, not archived
    off_topic = {f"{H}/ra-quan-cao-diem-dam-bao-an-toan-giao-thong-dip-tet-duong-lich-post255530.html",
                 f"{H}/gia-rau-xanh-tang-nhe-dip-cuoi-nam-post255401.html"}
    assert off_topic <= new - set(items)
    assert run["stats"]["pipeline/scope/dropped_off_topic"] == len(new - set(items))
    assert run["stats"]["coverage/recorded"] == f"{UNTIL}..{RECORDED}"


def test_second_incremental_run_fetches_no_article_again(crawls):
    run = crawls["again"]
    fetched = run["crawled"]
    assert run["stats"]["coverage/window"] == f"{RECORDED}..{RECORDED}"
    assert articles(fetched) == set()
    assert run["items"] == []
    assert run["stats"]["incremental/skipped_seen"] > 0
    # an off-topic drop is not "seen", but the same tagger would judge it the same: not fetched
    assert run["stats"]["incremental/skipped_off_topic_known"] >= 1


def test_a_gone_feed_is_counted_and_leaves_the_window_unrecorded(crawls):
    run = crawls["gone_feed"]
    assert run["crawled"][f"{H}/rss/the-gioi.rss"] == 404
    assert run["stats"]["errors/discovery/http_404"] == 1
    assert CHANGED["url"] in articles(run["crawled"])  # the sitemaps still find it
    assert run["items"]
    assert run["stats"]["coverage/unreached/discovery_failed"] == 1
    assert "coverage/recorded" not in run["stats"]
    assert run["stats"]["monitors/failed"] == "window"  # and the run says so: exit status 1


def test_backfill_survives_a_sitemap_index_without_monthly_children(tmp_path):
    """The same news sitemaps under other names: a child named with a year-month is read only
    for a month in range, an undated one only if its lastmod is not before ``since``."""
    from tests.warc_builders import write_warc

    index = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://baohatinh.vn/sitemaps/articles-latest.xml.gz</loc><lastmod>2023-12-28T08:10:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://baohatinh.vn/sitemaps/articles_2023_11.xml</loc><lastmod>2023-11-30T23:50:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://baohatinh.vn/sitemaps/articles_2023_10.xml</loc><lastmod>2023-10-31T22:15:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://baohatinh.vn/sitemaps/articles-archive.xml</loc><lastmod>2023-09-30T22:15:00+07:00</lastmod></sitemap>
</sitemapindex>
"""
    rows = json.loads((SITE_DIR / "replay" / "manifest.json").read_text(encoding="utf-8"))
    renamed = {f"{H}/sitemaps/news-2023-12.xml.gz": f"{H}/sitemaps/articles-latest.xml.gz",
               f"{H}/sitemaps/news-2023-11.xml": f"{H}/sitemaps/articles_2023_11.xml",
               f"{H}/sitemaps/news-2023-10.xml": f"{H}/sitemaps/articles_2023_10.xml"}
    entries = [(SITEMAP_INDEX, 200, {"Content-Type": "application/xml"}, index)]
    for row in rows:
        if row["url"] == SITEMAP_INDEX:
            continue
        entries.append((renamed.get(row["url"], row["url"]), row.get("status", 200),
                        {"Content-Type": row["content_type"]}, (SITE_DIR / row["file"]).read_bytes()))
    write_warc(tmp_path / "site.warc.gz", entries)
    run_ = run(tmp_path, "archive", "renamed", "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert sorted(i["url"] for i in run_["items"]) == sorted(IN_RANGE_FA)
    assert {u for u in run_["crawled"] if "sitemap" in u} == {SITEMAP_INDEX, *list(renamed.values())[:2]}
    assert run_["stats"]["discovery/baohatinh/sitemap_layout_unknown"] == 1
    assert run_["stats"]["discovery/baohatinh/sitemaps_skipped_out_of_range"] == 2


# --- URL rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, is_article", [
    (f"{H}/ha-tinh-va-tinh-bolikhamxay-lao-tong-ket-hop-tac-nam-2023-post255043.html", True),
    ("http://www.baohatinh.vn/ha-tinh-don-doan-khammouane-post253811.html?utm_source=zalo#top", True),
    (f"{H}/tv/xuan-que-huong-tham-nong-cau-vi-giam-31120.html", False),
    (f"{H}/video/ha-tinh-hop-tac-voi-lao-post255300.html", False),
    (f"{H}/emagazine/hanh-trinh-ket-noi-post255100.html", False),
    (f"{H}/tinh-savannakhet-tag164108.html", False),
    (f"{H}/epaper/", False),
    (f"{H}/chinh-tri/", False),
    ("https://image.baohatinh.vn/w1000/Uploaded/2023/x/2023_12_18/a-post1.html", False),
    ("https://daihoidang.baohatinh.vn/dai-hoi-dang-bo-so-ngoai-vu-nhiem-ky-2025-2030-post290112.html", True),
    ("https://daihoidang.baohatinh.vn/tv/dai-hoi-dang-bo-tinh-34001.html", False),
])
def test_article_urls(url, is_article):
    from spiders.baohatinh.spider import BaohatinhSpider

    assert bool(BaohatinhSpider.article_url_re.search(url)) is is_article


def test_canonical_urls_drop_host_and_query_noise():
    from spiders.baohatinh.page import BaohatinhArticle

    canon = BaohatinhArticle.canonicalize
    assert canon("http://www.baohatinh.vn/a-b-post1.html?utm_source=rss&fbclid=x#c") == f"{H}/a-b-post1.html"
    assert canon(f"{H}/a-b-post1.html") == f"{H}/a-b-post1.html"
    # the event subdomain keeps its host (its pages are not known to be served by the main host)
    assert canon("http://daihoidang.baohatinh.vn/a-b-post2.html?utm_source=fb") == "https://daihoidang.baohatinh.vn/a-b-post2.html"


# --- hold-out recording: a narrower range, lastmod after until, JSON-LD "Z" dates --------------------

EDITED_AFTER = SITE_DIR / "replay-lastmod-after-range"


def test_backfill_reads_articles_edited_after_the_range(tmp_path):
    """A second, independent recording (sitemap index of news-YYYY-M children, RSS, /the-gioi/):
    backfill 17/12..20/12/2023 with ``-a lastmod_grace=2``. One in-range article was edited the next morning (lastmod 21/12),
    one article of 16/12 was edited on 17/12, one carries only a JSON-LD date in UTC (18:30Z on
    16/12 = 17/12 in Hanoi)."""
    spec = json.loads((EDITED_AFTER / "expected_backfill.json").read_text(encoding="utf-8"))
    warc_from_manifest(EDITED_AFTER / "manifest.json", tmp_path / "site.warc.gz")
    window = ("-a", f"since={spec['since']}", "-a", f"until={spec['until']}", "-a", "lastmod_grace=2")
    default = run(tmp_path, "archive", "edited-after", *window)
    everything = run(tmp_path, "archive-all", "edited-after-all", *window, "-a", "scope=all")
    # the study-in-Laos notice (lastmod 21/12, published 20/12) is read thanks to the grace and, since
    # issue #15, kept in scope (education exchange); before, the tagger dropped it as off-topic
    assert sorted(i["url"] for i in default["items"]) == sorted(spec["must_archive"] + spec["must_archive_with_grace"])
    assert sorted(i["url"] for i in everything["items"]) == sorted(spec["must_archive"] + spec["must_archive_with_grace"]
                                                                   + spec["must_archive_scope_all_extra"])
    fetched = articles(default["crawled"])
    assert set(spec["must_archive_with_grace"]) <= fetched  # lastmod 21/12, published 20/12: read
    assert set(spec["must_not_archive"]) - fetched == {u for u in spec["must_not_archive"] if "post254700" in u}
    assert not [u for u in default["crawled"] if "/tv/" in u or "news-2023-11" in u or "/rss/" in u]
    for item in everything["items"]:
        assert spec["since"] <= item["published_at"][:10] <= spec["until"]
    utc = next(i for i in default["items"] if "post255150" in i["url"])
    assert utc["published_at"] == "2023-12-17T01:30:00+07:00" and utc["date_source"] == "jsonld"
    stats = default["stats"]
    assert stats["discovery/baohatinh/sitemaps"] == 2
    assert stats["discovery/baohatinh/lastmod_after_until_queued"] == 3
    # read, then placed by their pages: 16/12 (edited 17/12), 21/12 and 22/12 (within the 2-day grace)
    assert stats["pipeline/dates/dropped/out_of_range"] == 3


def test_backfill_without_grace_fetches_no_lastmod_outside_the_range(tmp_path):
    """The default: entries whose lastmod is after ``until`` are not fetched (the edited one is missed)."""
    spec = json.loads((EDITED_AFTER / "expected_backfill.json").read_text(encoding="utf-8"))
    warc_from_manifest(EDITED_AFTER / "manifest.json", tmp_path / "site.warc.gz")
    result = run(tmp_path, "archive", "strict", "-a", f"since={spec['since']}", "-a", f"until={spec['until']}")
    assert sorted(i["url"] for i in result["items"]) == sorted(spec["must_archive"])
    fetched = articles(result["crawled"])
    # lastmod 21/12 (published 20/12, edited), 21/12 and 22/12: not read without the grace
    assert not [u for u in fetched if any(f"post{n}" in u for n in (255310, 255420, 255505))]
    assert "discovery/baohatinh/lastmod_after_until_queued" not in result["stats"]


# --- second hold-out recording: gzipped monthly sitemap, the daihoidang subdomain, media pages ------

LAYOUTS_2025 = SITE_DIR / "replay-breadcrumb-layouts-2025"


def test_backfill_over_2025_layouts_archives_the_in_range_articles_only(tmp_path):
    """Backfill 1..31/3/2025 over a recording whose March news sitemap is gzipped and lists an
    article of the daihoidang.baohatinh.vn subdomain, an /emagazine/ page, an off-topic story, an
    article of 26/2 edited on 3/3; Feb and April sitemaps and the RSS feed are out of the way."""
    spec = json.loads((LAYOUTS_2025 / "expected_backfill.json").read_text(encoding="utf-8"))
    warc_from_manifest(LAYOUTS_2025 / "manifest.json", tmp_path / "site.warc.gz")
    result = run(tmp_path, "archive", "layouts-2025", "-a", f"since={spec['since']}", "-a", f"until={spec['until']}")
    urls = {i["url"] for i in result["items"]}
    assert set(spec["must_archive"]) <= urls <= set(spec["must_archive"]) | set(spec["may_archive"])
    assert not urls & set(spec["must_not_archive"])
    assert not [u for u in result["crawled"] if "/tv/" in u or "/emagazine/" in u]
    for item in result["items"]:
        assert spec["since"] <= item["published_at"][:10] <= spec["until"]
        assert item["foreign_affairs"] is True and item["site"] == "baohatinh.vn"
    sub = next(i for i in result["items"] if "daihoidang." in i["url"])
    assert sub["canonical_url"] == sub["url"]


@pytest.mark.parametrize("page, url", [
    ("tv.html", f"{H}/tv/xuan-que-huong-tham-nong-cau-vi-giam-31120.html"),
    ("emag.html", f"{H}/emagazine/ha-tinh-lao-tinh-huu-nghi-vuot-truong-son-post283990.html"),
])
def test_media_section_pages_are_not_articles(page, url):
    """A /tv/ video page or an /emagazine/ layout reached anyway (a redirect, a hand-fed URL) is refused."""
    from crawler.extraction.page import ParseError
    from tests.test_pages import page_item

    with pytest.raises(ParseError):
        page_item("baohatinh", url, (LAYOUTS_2025 / "pages" / page).read_bytes())


@pytest.mark.parametrize("broken", ["missing", "html"])
def test_backfill_without_a_sitemap_falls_back_to_feed_and_categories(tmp_path, broken):
    """The sitemap is an inference for this site: with none (a 404) or a page that is no sitemap,
    the backfill reads the feed and the category pages, and their in-range articles are archived."""
    entries = [e for e in manifest_entries(SITE_DIR / "replay" / "manifest.json") if "sitemap" not in e["url"]]
    if broken == "html":
        entries.append({"url": f"{H}/sitemap.xml", "file": str(SITE_DIR / "replay" / "the-gioi.html"),
                        "content_type": "text/html"})
    warc_from_entries(entries, tmp_path / "site.warc.gz")
    # the fallback cannot vouch for the range: the window monitor fails and the run exits 1
    result = run(tmp_path, "archive", "fallback", "-a", f"since={SINCE}", "-a", f"until={UNTIL}", rc=1)
    stats = result["stats"]
    assert stats["discovery/baohatinh/sitemap_fallback"] == 1
    assert f"{H}/rss/home.rss" in result["crawled"] and f"{H}/the-gioi/" in result["crawled"]
    items = result["items"]
    assert items and {i["url"] for i in items} <= IN_RANGE_FA
    assert all(SINCE <= i["published_at"][:10] <= UNTIL for i in items)

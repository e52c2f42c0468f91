"""The cantho spider replayed fully offline from a WARC built from the fixtures.

The recording (tests/fixtures/cantho/replay/manifest.json) is the section's listing in four
Liferay pages (paginators in both ``?cur=N`` and ``_101_INSTANCE_<id>_cur=N`` forms), whose
items link articles in friendly and non-friendly forms with jsessionid/redirect/cur/p_p_auth
noise, one article listed on two pages. Listing items carry no dates; articles date
themselves in the prose: page 1 holds one article newer than the range and three in it, page
2 one in range and two older, page 3 only older ones, page 4 must never be fetched.
"""
import json
from collections import Counter

import pytest

from spiders.cantho.page import CanthoArticle
from tests.support import (
    FIXTURES,
    crawled,
    read_jsonl,
    replay_args,
    scrapy_crawl,
    stats_from_log,
    warc_from_manifest,
)

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

HOST = "http://1cua.songoaivu.cantho.gov.vn"
MANIFEST = FIXTURES / "cantho" / "replay" / "manifest.json"
IN_RANGE = {  # url title -> day
    "delegation-of-the-japan-international-cooperation-agency-works-in-can-tho": "2024-01-19",
    "can-tho-and-ubon-ratchathani-province-thailand-promote-friendship-": "2024-01-16",
    "overseas-vietnamese-in-can-tho-meet-ahead-of-lunar-new-year": "2024-01-12",
    "can-tho-city-receives-the-consul-general-of-the-republic-of-korea-": "2024-01-10",
}
FETCHED_OUT_OF_RANGE = {"ambassador-of-australia-visits-can-tho-city", "training-on-foreign-affairs-work-for-district-officials",
                        "can-tho-reviews-foreign-affairs-work-in-2023", "delegation-of-the-french-embassy-visits-can-tho",
                        "can-tho-attends-the-conference-on-local-foreign-affairs-"}
NEVER = "can-tho-welcomes-the-ambassador-of-the-netherlands-"  # on page 4


def canonical(title):
    return f"{HOST}/web/cms/tin-doi-ngoai-can-tho/-/asset_publisher/uJQhHtnO4IGB/content/{title}"


def run(tmp, name, *args, rc=0):
    out = tmp / f"{name}.jsonl"
    proc = scrapy_crawl("cantho", *replay_args(tmp / "site.warc.gz", tmp / "archive"), "-O", str(out), *args)
    assert proc.returncode == rc, proc.stderr[-4000:]
    stats = stats_from_log(proc.stderr)
    assert stats.get("finish_reason") == "finished"
    return {"items": read_jsonl(out), "stats": stats, "crawled": crawled(proc.stderr), "log": proc.stderr}


def article_fetches(result):
    return [u for u in result["crawled"] if "/content/" in u or "_urlTitle=" in u]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cantho_replay")
    warc_from_manifest(MANIFEST, tmp / "site.warc.gz")
    backfill = run(tmp, "backfill", "-a", "since=2024-01-08", "-a", "until=2024-01-20")
    incremental = run(tmp, "incremental")
    return {"backfill": backfill, "incremental": incremental}


def test_backfill_yields_exactly_the_in_range_articles_once(crawls):
    items = crawls["backfill"]["items"]
    assert sorted(i["canonical_url"] for i in items) == sorted(canonical(t) for t in IN_RANGE)
    for item in items:
        title = item["canonical_url"].rsplit("/", 1)[1]
        assert item["published_at"] == IN_RANGE[title] and item["date_source"] == "text"
        assert item["language"] == "en" and item["site"] == "songoaivu.cantho.gov.vn"
        assert item["foreign_affairs"] is True and item["lead"] is None
        assert "« Back" not in item["body"] and "Hình đại diện" not in item["body"] and "Copyright" not in item["body"]
    by_title = {i["canonical_url"].rsplit("/", 1)[1]: i for i in items}
    a3 = by_title["can-tho-and-ubon-ratchathani-province-thailand-promote-friendship-"]
    assert a3["authors"] == ["Minh Tam"] and a3["body"].startswith("On January 16, 2024")
    assert by_title["overseas-vietnamese-in-can-tho-meet-ahead-of-lunar-new-year"]["authors"] == ["Thanh Truc"]


def test_noise_urls_make_no_duplicate_requests(crawls):
    fetched = article_fetches(crawls["backfill"])
    keys = Counter(CanthoArticle.canonicalize(u) for u in fetched)
    assert [k for k, n in keys.items() if n > 1] == []
    assert set(keys) == {canonical(t) for t in set(IN_RANGE) | FETCHED_OUT_OF_RANGE}
    stats = crawls["backfill"]["stats"]
    assert stats["discovery/cantho/articles_queued"] == 9
    assert stats["discovery/cantho/skipped_duplicate_link"] == 1  # A4, listed on pages 1 and 2


def test_backfill_stops_paginating_once_a_page_is_all_older(crawls):
    result = crawls["backfill"]
    listing = [u for u in result["crawled"] if "/content/" not in u and "_urlTitle=" not in u
               and not u.endswith("robots.txt")]
    assert len(listing) == 3  # pages 1-3, each once whatever the link form
    assert not [u for u in result["crawled"] if "cur=4" in u and "/content/" not in u]
    assert not [u for u in result["crawled"] if NEVER in u]
    stats = result["stats"]
    assert stats["discovery/cantho/listing_pages"] == 3
    assert stats["discovery/cantho/stopped_older"] == 1
    assert stats["pipeline/dates/dropped/out_of_range"] == 5
    assert stats.get("warc/replay/miss", 0) <= 1  # robots.txt only


def test_incremental_run_after_backfill_catches_up_and_fetches_no_archived_article(crawls):
    """The backfill covered 2024-01-08..20: the next run starts there. The newer article the
    backfill fetched and dropped as out of range is not "seen", so this run archives it; the
    archived ones are not fetched again, their archived dates tell the listing where it is."""
    result = crawls["incremental"]
    archived = {canonical(t) for t in IN_RANGE}
    fetched = {CanthoArticle.canonicalize(u) for u in article_fetches(result)}
    assert not fetched & archived
    items = {i["canonical_url"] for i in result["items"]}
    # an incremental run keeps all it fetched: the newer article, and page 2's older ones it had
    # to read to learn that the listing reached past 2024-01-20 (not archived before)
    assert items == fetched
    assert canonical("ambassador-of-australia-visits-can-tho-city") in items
    stats = result["stats"]
    assert stats["coverage/window"].startswith("2024-01-20..")
    assert stats["coverage/recorded"] == stats["coverage/window"]
    assert stats["discovery/cantho/skipped_seen"] == 4
    assert f"{HOST}/en/web/cms/tin-doi-ngoai-can-tho?cur=3" not in result["crawled"]  # page 2 is all older


def test_friendly_and_non_friendly_forms_share_one_canonical_url():
    urls = [row["url"] for row in json.loads(MANIFEST.read_text(encoding="utf-8"))
            if "japan-international-cooperation" in row["url"]]
    vi_ui = (f"{HOST}/web/cms/tin-doi-ngoai-can-tho/-/asset_publisher/uJQhHtnO4IGB/content/"
             f"delegation-of-the-japan-international-cooperation-agency-works-in-can-tho;jsessionid=0123456789ABCDEF0123456789ABCDEF")
    keys = {CanthoArticle.canonicalize(u) for u in urls + [vi_ui]}
    assert len(urls) >= 2 and keys == {canonical("delegation-of-the-japan-international-cooperation-agency-works-in-can-tho")}


# --- recording of a shifted listing (tests/fixtures/cantho/replay-shifted-listing) -----------------------------------
# Three /en/ listing pages of five, four and two asset-abstract items (paginator: page numbers in
# the namespaced ``_101_INSTANCE_<id>_cur=N&..._delta=5`` form, Previous/Next as plain ``?cur=N``),
# friendly links with jsessionid + redirect (+ cur) and non-friendly p_p_id/assetEntryId links;
# page 2 repeats page 1's last two items in the other link form (the list shifted while paging).
# Articles date themselves only in the prose; the side "Web Content Display" portlet also renders
# a div.journal-content-article. Range 2024-01-01..2024-03-31: five articles in it, two newer,
# four older.

SHIFTED_LISTING = FIXTURES / "cantho" / "replay-shifted-listing"


@pytest.fixture(scope="module")
def shifted_listing_backfill(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cantho_shifted_listing")
    warc_from_manifest(SHIFTED_LISTING / "manifest.json", tmp / "site.warc.gz")
    spec = json.loads((SHIFTED_LISTING / "expected_backfill.json").read_text(encoding="utf-8"))
    return spec, run(tmp, "shifted-listing-backfill", "-a", f"since={spec['since']}", "-a", f"until={spec['until']}")


def test_shifted_listing_backfill_archives_exactly_the_in_range_articles_once(shifted_listing_backfill):
    spec, result = shifted_listing_backfill
    items = result["items"]
    assert sorted(i["canonical_url"] for i in items) == sorted(canonical(t) for t in spec["url_titles"])
    for item in items:
        assert item["site"] == "songoaivu.cantho.gov.vn" and item["language"] == "en"
        assert item["date_source"] == "text" and spec["since"] <= item["published_at"] <= spec["until"]
        assert item["body"] and "Bộ Ngoại giao" not in item["body"] and "Copyright" not in item["body"]


def test_shifted_listing_backfill_requests_each_article_once(shifted_listing_backfill):
    _, result = shifted_listing_backfill
    fetched = article_fetches(result)
    keys = Counter(CanthoArticle.canonicalize(u) for u in fetched)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(result["crawled"][u] == 200 for u in fetched)
    assert result["stats"]["discovery/cantho/skipped_duplicate_link"] == 2


# --- recording with a namespaced paginator (tests/fixtures/cantho/replay-namespaced-paginator) ---------------------------
# Three /en/ listing pages (4, 4, 2 asset-abstract items, no dates; the paginator only in Liferay
# 6.1's namespaced ``_101_INSTANCE_<id>_cur=N`` form with delta/keywords/andOperator noise, the last
# page's Next/Last as plain spans, no link), each item linked twice (title and "Read More »"),
# friendly links with jsessionid + redirect and one non-friendly p_p_auth/assetEntryId link; page 2
# re-lists a page-1 article. Articles date themselves only in the prose. Range 2024-01-01..2024-03-31:
# four articles in it, two newer, three older.

NAMESPACED_PAGINATOR = FIXTURES / "cantho" / "replay-namespaced-paginator"


@pytest.fixture(scope="module")
def namespaced_paginator_backfill(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cantho_namespaced_paginator")
    warc_from_manifest(NAMESPACED_PAGINATOR / "manifest.json", tmp / "site.warc.gz")
    spec = json.loads((NAMESPACED_PAGINATOR / "expected_backfill.json").read_text(encoding="utf-8"))
    return spec, run(tmp, "namespaced-paginator-backfill", "-a", f"since={spec['since']}", "-a", f"until={spec['until']}")


def test_namespaced_paginator_backfill_archives_exactly_the_in_range_articles_once(namespaced_paginator_backfill):
    spec, result = namespaced_paginator_backfill
    items = result["items"]
    assert sorted(i["canonical_url"] for i in items) == sorted(canonical(t) for t in spec["archived_url_titles"])
    assert sorted(i["published_at"] for i in items) == spec["archived_dates"]
    for item in items:
        assert item["site"] == "songoaivu.cantho.gov.vn" and item["language"] == "en"
        assert item["date_source"] == "text" and item["authors"] == ["Minh Thu"]
        assert "Hình đại diện" not in item["body"] and "Copyright" not in item["body"] and "Other news" not in item["body"]


def test_namespaced_paginator_backfill_requests_each_article_and_page_once(namespaced_paginator_backfill):
    _, result = namespaced_paginator_backfill
    fetched = article_fetches(result)
    keys = Counter(CanthoArticle.canonicalize(u) for u in fetched)
    assert [k for k, n in keys.items() if n > 1] == [] and len(keys) == 9
    assert all(result["crawled"][u] == 200 for u in fetched)
    stats = result["stats"]
    assert stats["discovery/cantho/listing_pages"] == 3  # page 3 has no next link: the end
    assert stats["discovery/cantho/skipped_duplicate_link"] == 1
    assert stats["pipeline/dates/dropped/out_of_range"] == 5

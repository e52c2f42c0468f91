"""Issue #10 (3, 4): dates from discovery when the page loses them; per-field provenance."""
import json

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.items import new_item
from pipelines.dates import DatesPipeline
from spiders.baoquocte.page import BaoquocteArticle
from tests.support import FIXTURES

SITE = FIXTURES / "baoquocte"


def page(name, html=None, meta=None):
    spec = json.loads((SITE / f"{name}.expected.json").read_text(encoding="utf-8"))
    body = html if html is not None else (SITE / f"{name}.html").read_text(encoding="utf-8")
    request = Request(spec["url"], meta=meta or {})
    return BaoquocteArticle(HtmlResponse(spec["url"], body=body.encode("utf-8"), encoding="utf-8", request=request))


def dates_pipeline():
    crawler = get_crawler(settings_dict={})
    crawler.spider = None
    return DatesPipeline.from_crawler(crawler), crawler.stats


# --- provenance ---------------------------------------------------------------------------------

def test_each_field_records_its_layer():
    item = page("full-meta_hoi-nghi-ngoai-giao-32-252871").to_item()
    assert set(item.provenance) == {"title", "lead", "authors", "date", "body"}
    assert item.provenance["title"] == "site" and item.provenance["body"] == "site"
    assert item.provenance["date"] in ("structured", "site")


def test_a_changed_layout_shows_its_fallback_layers():
    item = page("changed-layout_bao-ho-cong-dan-252640").to_item()
    assert item.provenance["body"] == "fallback" and item.provenance["title"] == "fallback"


def test_provenance_is_a_typed_item_field():
    from crawler.items import type_errors

    assert type_errors(new_item(provenance={"title": "site"})) == {}
    assert "provenance" in type_errors(new_item(provenance="site"))


# --- dates from discovery -----------------------------------------------------------------------

def test_a_year_less_day_takes_its_year_from_the_discovery_date():
    pipeline, stats = dates_pipeline()
    item = pipeline.process_item(new_item(url="https://baoquocte.vn/a-1.html", language="vi", published_at_raw="Sáng 27/12",
                                          date_source="text", fetched_at="2026-11-22T00:00:00+00:00",
                                          discovery_date="10:20 | 28/12/2023"))
    assert item.published_at == "2023-12-27" and item.discovery_date == "2023-12-28T10:20:00+07:00"
    without = pipeline.process_item(new_item(url="https://baoquocte.vn/a-2.html", language="vi",
                                             published_at_raw="Sáng 27/12", date_source="text",
                                             fetched_at="2026-11-22T00:00:00+00:00"))
    assert without.published_at == "2025-12-27"  # no discovery date: the year before the fetch
    assert not stats.get_value("pipeline/dates/discovery_disagrees")


def test_a_page_date_far_from_the_discovery_date_is_counted():
    pipeline, stats = dates_pipeline()
    pipeline.process_item(new_item(url="https://baoquocte.vn/a-1.html", language="vi", published_at_raw="01/12/2023",
                                   date_source="page", discovery_date="2023-12-28"))
    pipeline.process_item(new_item(url="https://baoquocte.vn/a-2.html", language="vi", published_at_raw="26/12/2023",
                                   date_source="page", discovery_date="2023-12-28"))
    assert stats.get_value("pipeline/dates/discovery_disagrees") == 1


def test_discovery_wins_over_a_year_less_day_in_the_story():
    """A drifted page (no date markup, no structured date) whose story says "Sáng 27/12": the
    listing's date is taken, with date_source "listing" and the layer "discovery"."""
    name = "nometa_tham-van-lanh-su-viet-lao-252788"
    html = (SITE / f"{name}.html").read_text(encoding="utf-8")
    for word in ("article-date", "format_time", "time", "date"):
        html = html.replace(f'class="{word}"', 'class="x-drift"')
    html = html.replace("<p>", "<p>Sáng 27/12, ", 1)
    listed = page(name, html, meta={"listing_date": "08:00 | 19/12/2023"}).to_item()
    assert listed.date_source == "listing" and listed.published_at_raw == "08:00 | 19/12/2023"
    assert listed.provenance["date"] == "discovery"
    alone = page(name, html).to_item()  # no discovery date: the story's day is all there is
    assert alone.date_source == "text" and "27/12" in alone.published_at_raw

"""The typed item and field isolation.

* A field method that raises leaves only that field empty; the page still gives its article,
  and the spider counts ``parse/field_error/<spider>/<field>``. A required field that raises
  still refuses the page.
* The normalize pipeline validates every value against ``ArticleItem``'s declared types and
  names the bad field.
"""
import json

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, new_item, type_errors
from pipelines.normalize import NormalizePipeline
from spiders.baoquocte.page import BaoquocteArticle
from spiders.baoquocte.spider import BaoquocteSpider
from tests.support import FIXTURES

CASE = FIXTURES / "baoquocte" / "full-meta_hoi-nghi-ngoai-giao-32-252871"


def _response():
    spec = json.loads(CASE.with_suffix(".expected.json").read_text(encoding="utf-8"))
    url = spec["url"]
    return HtmlResponse(url, body=CASE.with_suffix(".html").read_bytes(), encoding="utf-8", request=Request(url))


class TagsBroken(BaoquocteArticle):
    def tags(self):
        raise RuntimeError("the tag box changed")


class BodyBroken(BaoquocteArticle):
    def body(self):
        raise RuntimeError("the body container changed")


def test_a_failing_field_is_left_empty_and_the_article_goes_on():
    whole = BaoquocteArticle(_response()).to_item()
    page = TagsBroken(_response())
    item = page.to_item()
    assert whole["tags"] and item["tags"] == [] and page.field_errors == ["tags"]
    assert {k: v for k, v in ItemAdapter(item).items() if k != "tags"} == \
        {k: v for k, v in ItemAdapter(whole).items() if k != "tags"}


def test_a_failing_required_field_still_refuses_the_page():
    with pytest.raises(RuntimeError):
        BodyBroken(_response()).to_item()


def test_the_spider_counts_field_errors():
    crawler = get_crawler(settings_dict={})  # no spider class: its settings would ask for another reactor
    crawler.stats = MemoryStatsCollector(crawler)
    spider = BaoquocteSpider.from_crawler(crawler)
    spider.article_page = TagsBroken
    items = [r for r in spider.parse_article(_response()) if isinstance(r, ArticleItem)]
    assert len(items) == 1 and items[0]["tags"] == []
    assert crawler.stats.get_value("parse/field_error/baoquocte/tags") == 1


def test_types_are_validated_field_by_field():
    crawler = get_crawler()
    pipeline = NormalizePipeline.from_crawler(crawler)
    good = new_item(url="https://baoquocte.vn/a-1.html", site="baoquocte.vn", language="vi", body="x " * 60)
    assert type_errors(good) == {}
    pipeline.process_item(good)
    bad = new_item(url="https://baoquocte.vn/a-1.html", site="baoquocte.vn", language="vi", body="x " * 60,
                   tags=["ngoại giao", 7], foreign_affairs="yes")
    assert set(type_errors(bad)) == {"tags", "foreign_affairs"}
    with pytest.raises(DropItem, match="foreign_affairs: expected .*tags: expected"):
        pipeline.process_item(bad)
    assert crawler.stats.get_value("pipeline/normalize/dropped/invalid_foreign_affairs") == 1


def test_the_item_adapter_reads_and_writes_as_the_stock_dataclass_one():
    from dataclasses import dataclass

    from itemadapter.adapter import DataclassAdapter

    from crawler.items import ArticleItemAdapter

    item = new_item(url="https://baoquocte.vn/a-1.html", title="T", tags=["x"])
    ours, stock = ItemAdapter(item), DataclassAdapter(item)
    assert isinstance(ours.adapter, ArticleItemAdapter)
    assert list(ours.field_names()) == list(stock.field_names())
    assert dict(ours) == dict(stock.items()) == ours.asdict()
    ours["lead"] = "L"
    assert item.lead == "L" == stock["lead"]
    with pytest.raises(KeyError):
        ours["no_such_field"] = 1
    with pytest.raises(KeyError):
        ours["no_such_field"]
    assert ItemAdapter.get_field_names_from_class(ArticleItem) == list(stock.field_names())

    @dataclass
    class Wider(ArticleItem):
        extra: str | None = None

    wider = ItemAdapter(Wider(extra="e"))  # a subclass with its own fields: the stock adapter
    assert not isinstance(wider.adapter, ArticleItemAdapter) and wider["extra"] == "e"

"""Fundus-style page fixtures: every ``tests/fixtures/<spider>/<name>.html`` with a
``<name>.expected.json`` beside it is parsed by that spider's page object (no crawl),
run through the normalize and dates pipelines, and compared field by field.

``<name>.expected.json`` holds ``{"url": <the page's URL>, "expected": {<field>: <value>}}``;
only the fields listed under ``expected`` are compared (see tests.support.COMPARED_FIELDS).
"""
import json

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from tests.support import FIXTURES, comparable, run_item_pipelines

CASES = sorted(FIXTURES.glob("*/*.expected.json"))


def page_item(spider_name: str, url: str, body: bytes, meta: dict | None = None):
    spider_cls = SpiderLoader.from_settings(get_project_settings()).load(spider_name)
    request = Request(url, meta=meta or {})
    response = HtmlResponse(url=url, body=body, encoding="utf-8", request=request)
    return run_item_pipelines(spider_cls.article_page(response).to_item())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name.split('.')[0]}")
def test_page_fixture(case):
    spec = json.loads(case.read_text(encoding="utf-8"))
    html = case.with_name(case.name.replace(".expected.json", ".html")).read_bytes()
    item = page_item(case.parent.name, spec["url"], html, spec.get("meta"))
    got = comparable(item)
    assert {k: got[k] for k in spec["expected"]} == spec["expected"]


def test_there_are_page_fixtures_for_every_spider():
    spiders = {p.parent.name for p in CASES}
    assert spiders >= {"baohatinh", "baoquocte", "vietnamvn", "cantho"}, spiders

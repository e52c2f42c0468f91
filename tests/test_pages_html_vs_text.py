"""One story, two inputs: a site's HTML page object and its text-dump parser must agree.

Each case pairs a text dump (``seeds/<name>.txt``, what ``scrapy crawl seeds`` replays) with
the same article rendered as the site's HTML (``tests/fixtures/<spider>/<name>.html``); both
go through the normalize and dates pipelines and must give the same title, lead, body,
language, authors and publication day. Add a site by appending a :class:`Case`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from w3lib.url import path_to_file_uri

from tests.support import FIXTURES, SEEDS, run_item_pipelines
from tests.test_pages import page_item


@dataclass(frozen=True)
class Case:
    spider: str  # the spider whose page object reads the HTML
    seed: str  # file name under seeds/
    html: str  # file name under tests/fixtures/<spider>/
    url: str  # the article's URL (the HTML's request URL)

    @property
    def id(self) -> str:
        return f"{self.spider}/{self.seed.split('_')[0]}"


CASES = [
    Case("baohatinh", "001_710d61ca35c06b75.txt", "seed001_hoi-nghi-ngoai-vu-post254817.html",
         "https://baohatinh.vn/300-dai-bieu-du-hoi-nghi-ngoai-vu-toan-quoc-lan-thu-21-post254817.html"),
]

FIELDS = ("title", "lead", "body", "language", "authors")


def text_item(path):
    """The item ``scrapy crawl seeds`` would make of one dump (first parser that recognizes it)."""
    text = path.read_text(encoding="utf-8")
    for name in get_project_settings().getlist("TEXT_PARSERS"):
        parser = load_object(name)
        if parser.recognize(text):
            return run_item_pipelines(parser(text, path_to_file_uri(str(path))).to_item())
    raise AssertionError(f"no text parser recognizes {path}")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_html_and_text_agree(case):
    from_text = text_item(SEEDS / case.seed)
    from_html = page_item(case.spider, case.url, (FIXTURES / case.spider / case.html).read_bytes())
    spider_site = SpiderLoader.from_settings(get_project_settings()).load(case.spider).site
    assert from_text["site"] == from_html["site"] == spider_site
    for field in FIELDS:
        assert from_html[field] == from_text[field], field
    assert from_html["published_at"] and from_text["published_at"]
    assert from_html["published_at"][:10] == from_text["published_at"][:10]

"""Throwaway spiders for the WARC and rendering tests (``-s SPIDER_MODULES=tests.spiders_for_tests``).

They carry their own middleware wiring in ``custom_settings``, so the tests do not depend
on what ``crawler/settings.py`` enables, and no item pipelines (their items are plain dicts).
"""
from __future__ import annotations

import scrapy

from crawler.render import apply_render_settings, browser_retry, render_meta

#: the WARC middlewares where the project enables them (see crawler/warc.py)
WARC_MIDDLEWARES = {
    "crawler.warc.WarcReplayMiddleware": 120,
    "crawler.warc.WarcRecorderMiddleware": 585,
    "crawler.warc.WarcRedirectRecorderMiddleware": 650,
}
QUIET = {"ITEM_PIPELINES": {}, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 1}


class LinksSpider(scrapy.Spider):
    """An index page, the pages it links to, one item per page; ``-a extra=URL`` is fetched as is."""

    name = "test_links"
    custom_settings = {**QUIET, "DOWNLOADER_MIDDLEWARES": WARC_MIDDLEWARES}

    def __init__(self, start: str = "", extra: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_url = start
        self.extra = [u for u in extra.split(",") if u]

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse)
        for url in self.extra:
            yield scrapy.Request(url, callback=self.parse_status, meta={"handle_httpstatus_all": True})

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_page)

    def parse_page(self, response):
        yield {"url": response.url, "title": response.css("h1::text").get(),
               "text": " ".join(response.css("p::text").getall())}

    def parse_status(self, response):
        yield {"url": response.url, "status": response.status, "flags": response.flags}


class RenderProbeSpider(scrapy.Spider):
    """One page; rendered when ``RENDER_JS``, else fetched plain with the browser as fallback."""

    name = "test_render"
    custom_settings = {**QUIET, "ROBOTSTXT_OBEY": False, "RETRY_ENABLED": False,
                       "DOWNLOADER_MIDDLEWARES": WARC_MIDDLEWARES}
    wait_selector = ".article-body p"

    def __init__(self, url: str = "", **kwargs):
        super().__init__(**kwargs)
        self.url = url

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        apply_render_settings(settings, settings.getbool("RENDER_JS"))

    async def start(self):
        meta = render_meta(self.wait_selector, timeout_ms=10000) if self.settings.getbool("RENDER_JS") else {}
        yield scrapy.Request(self.url, callback=self.parse, meta=meta)

    def parse(self, response):
        paragraphs = [p.strip() for p in response.css(".article-body p::text").getall() if p.strip()]
        if not paragraphs:
            retry = browser_retry(response.request, self.wait_selector, self.settings)
            if retry is not None:
                self.crawler.stats.inc_value("render/fallback_requests")
                yield retry
                return
        yield {"url": response.url, "paragraphs": paragraphs, "rendered": "playwright" in response.flags,
               "fallback": bool(response.meta.get("rendered_retry"))}


"""Throwaway spiders for the WARC and rendering tests (``-s SPIDER_MODULES=tests.spiders_for_tests``).

They carry their own middleware wiring in ``custom_settings``, so the tests do not depend
on what ``crawler/settings.py`` enables, and no item pipelines (their items are plain dicts).
"""
from __future__ import annotations

import scrapy

from crawler.fetching.render import apply_render_settings, browser_retry, render_meta

#: the WARC middlewares where the project enables them (see crawler/warc.py)
WARC_MIDDLEWARES = {
    "crawler.fetching.warc.replay.WarcReplayMiddleware": 120,
    "crawler.fetching.warc.record.WarcRecorderMiddleware": 585,
    "crawler.fetching.warc.record.WarcRedirectRecorderMiddleware": 650,
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


# --- fault-injection tests (tests/test_faults.py, over tests/mirror.py) -------------------------
import re  # noqa: E402

from scrapy.utils.gz import gunzip, gzip_magic_number  # noqa: E402
from scrapy.utils.sitemap import Sitemap  # noqa: E402

from crawler.extraction.page import HtmlArticle  # noqa: E402
from spiders.base import SiteSpider  # noqa: E402


class MirrorArticle(HtmlArticle):
    site = "baoquocte.vn"
    title_css = ("h1",)
    body_css = (".article-body",)


class MirrorArticlesSpider(SiteSpider):
    """A generic site spider for the mirror: sitemaps (index, ``.xml.gz``) and HTML listings
    lead to ``/<slug>-<id>.html`` articles, read by :class:`MirrorArticle` and archived by
    the project's pipelines. ``-a start=URL[,URL...]`` (default: baoquocte.vn's sitemap)."""

    name = "test_mirror_articles"
    site = "baoquocte.vn"
    allowed_domains = ["baohatinh.vn", "baoquocte.vn", "vietnam.vn", "songoaivu.cantho.gov.vn"]
    article_page = MirrorArticle
    article_url_re = re.compile(r"-\d+\.html$")
    foreign_affairs_source = True

    def __init__(self, start: str = "https://baoquocte.vn/sitemap.xml", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [u for u in start.split(",") if u]

    async def start(self):
        for url in self.start_urls:
            yield self.discovery_request(url, self.parse_discovery)

    def parse_discovery(self, response):
        if "sitemap" in response.url or gzip_magic_number(response):
            yield from self.parse_sitemap(response)
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if self.is_article_url(url):
                yield self.article_request(url)
            elif url.startswith(("http://", "https://")):
                yield scrapy.Request(url, callback=self.parse_discovery, errback=self.on_error)

    def parse_sitemap(self, response):
        body = response.body
        try:
            if gzip_magic_number(response):
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # broken XML / gzip: counted, the crawl goes on
            self.crawler.stats.inc_value("test/sitemap/unreadable")
            self.logger.warning("unreadable sitemap %s: %r", response.url, exc)
            return
        self.crawler.stats.inc_value("test/sitemap/read")
        for entry in entries:
            loc = entry.get("loc") or ""
            if not loc.startswith(("http://", "https://")):
                self.crawler.stats.inc_value("test/sitemap/bad_loc")
                continue
            if sitemap.type == "sitemapindex":
                yield self.discovery_request(loc, self.parse_discovery)
            elif self.is_article_url(loc):
                yield self.article_request(loc, meta={"sitemap_date": entry.get("lastmod")})
            else:
                yield self.discovery_request(loc, self.parse_discovery)

    def closed(self, reason):
        # one last MemoryUsage-style sample (peak RSS): a short crawl can end between two checks
        import resource

        self.crawler.stats.max_value("memusage/max", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        super().closed(reason)

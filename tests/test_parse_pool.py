"""The crawl's parse pool (crawler.ops.parse_pool): the same items as parsing in-process, and
every path of the article callback through a worker -- a worker that dies on a page, a page
that is no article, an empty page's render retry."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler.extraction.page import NotAnArticle
from crawler.items import ArticleItem
from crawler.ops.parse_pool import ParsePool, ParsePoolMiddleware
from spiders.baoquocte.page import BaoquocteArticle
from spiders.baoquocte.spider import BaoquocteSpider
from tests.support import ROOT, comparable, read_jsonl, replay_args, scrapy_crawl, stats_from_log, synth_recording


class DyingPage(BaoquocteArticle):
    """A baoquocte article page, but ``/die`` kills a parse pool worker (only a worker: the crawl
    process parses it as any page) and ``/media`` is no article."""

    def to_item(self):
        if "/die" in self.url and multiprocessing.parent_process() is not None:
            os._exit(3)
        if "/media" in self.url:
            raise NotAnArticle(f"not an article (test): {self.url}")
        return super().to_item()


class PoolSpider(BaoquocteSpider):
    article_page = DyingPage


def article_pages(tmp_path, n: int = 3) -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    out = tmp_path / "synth"
    synth.generate(out, {"baoquocte": 8}, quiet=True)
    site = out / "baoquocte"
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    spider_rule = BaoquocteSpider.article_url_re
    pages = [(r["url"], (site / r["file"]).read_bytes()) for r in manifest if spider_rule.search(r["url"])]
    return pages[:n]


def response(spider, url: str, body: bytes, **meta) -> HtmlResponse:
    request = spider.article_request(url, meta=meta)
    return HtmlResponse(url=url, body=body, request=request, headers={"Content-Type": "text/html; charset=utf-8"})


def pool_crawler(tmp_path):
    settings = get_project_settings().copy_to_dict()
    settings.update(ARCHIVE_DIR=str(tmp_path / "archive"), PARSE_WORKERS=1, PARSE_POOL_AFTER=0,
                    REPLAY_WARC=str(tmp_path / "none.warc.gz"), SPIDERMON_ENABLED=False)
    crawler = Crawler(PoolSpider, Settings(settings, priority="cmdline"))
    crawler.stats = load_object(crawler.settings["STATS_CLASS"])(crawler)
    crawler.spider = crawler._create_spider()
    return crawler


async def outputs(middleware, spider, resp) -> list:
    """What the crawl does with an article response: the middleware, then the callback (once
    the pool has a worker: pages are parsed in-process while one starts)."""
    pool = ParsePool.of(spider.crawler)
    for _ in range(600):
        if pool.pool:
            break
        if not pool.spawning:
            pool._start(spider)
        await asyncio.sleep(0.05)
    resp = await middleware.process_response(resp.request, resp)
    return list(resp.request.callback(resp))


def test_pool_paths(tmp_path):
    (url, body), (url2, body2), (url3, body3) = article_pages(tmp_path)
    crawler = pool_crawler(tmp_path)
    spider, stats = crawler.spider, crawler.stats
    dying = url2.replace("baoquocte.vn/", "baoquocte.vn/die/")
    media = url3.replace("baoquocte.vn/", "baoquocte.vn/media/")

    async def run():
        middleware = ParsePoolMiddleware.from_crawler(crawler)
        try:
            pooled = await outputs(middleware, spider, response(spider, url, body, listing_date="2025-12-30"))
            died = await outputs(middleware, spider, response(spider, dying, body2))
            after = await outputs(middleware, spider, response(spider, url3, body3))
            not_article = await outputs(middleware, spider, response(spider, media, body3))
            empty = await outputs(middleware, spider, response(spider, url, b"<html><body></body></html>"))
            rendered_empty = await outputs(middleware, spider,
                                           response(spider, url, b"<html><body></body></html>", rendered_retry=True))
            return pooled, died, after, not_article, empty, rendered_empty
        finally:
            ParsePool.of(crawler).close()

    pooled, died, after, not_article, empty, rendered_empty = asyncio.run(run())
    here = list(spider.parse_article_page(response(spider, url, body, listing_date="2025-12-30")))
    # the worker's item is the one parsing in this process gives, discovery date and tag included
    assert [comparable(i) for i in pooled] == [comparable(i) for i in here]
    assert pooled[0]["discovery_date"] == "2025-12-30" and pooled[0]["foreign_affairs"] == here[0]["foreign_affairs"]
    # the page that killed the worker was parsed here; the crawl went on with a new worker
    assert len(died) == 1 and isinstance(died[0], ArticleItem) and died[0]["url"] == dying
    assert stats.get_value("parse/pool/fallback/worker_died") == 1 and stats.get_value("parse/pool/worker_died") == 1
    assert len(after) == 1 and isinstance(after[0], ArticleItem)
    # no article: nothing yielded, counted, marked seen by this process
    assert not_article == []
    assert stats.get_value("parse/not_article/baoquocte") == 1
    assert spider.archive.is_seen(BaoquocteSpider.article_page.canonicalize(media))
    # an empty page: the render retry is a request this process yields; once rendered, a parse error
    assert len(empty) == 1 and isinstance(empty[0], Request) and empty[0].meta.get("rendered_retry")
    assert empty[0].url == url and empty[0].callback == spider.parse_article
    assert stats.get_value("render/fallback_requests") == 1
    assert rendered_empty == [] and stats.get_value("parse/error/baoquocte") == 1
    # every page but the one the worker died on was parsed by a worker, its stats counted here once
    assert stats.get_value("parse/pool/pages") == 5
    # six pages through the pool, and ``here`` parsed by the test in this process
    assert stats.get_value("articles/responses") == 7
    assert stats.get_value("parse/ok/baoquocte") == 4


def test_same_items_with_and_without_the_pool(tmp_path):
    warc, _truth = synth_recording(tmp_path, "baoquocte", 60)
    runs = {}
    for workers in (0, 1):
        out = tmp_path / f"items-{workers}.jsonl"
        proc = scrapy_crawl("baoquocte", "-a", "pages=10", "-O", str(out), "-s", "TODAY=2025-12-31",
                            "-s", "INCREMENTAL_DEFAULT_DAYS=3650", "-s", f"PARSE_WORKERS={workers}",
                            "-s", "PARSE_POOL_AFTER=0", *replay_args(warc, tmp_path / f"archive-{workers}"))
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs[workers] = (read_jsonl(out), stats_from_log(proc.stderr))
    (items0, stats0), (items1, stats1) = runs[0], runs[1]
    assert len(items0) == 60
    assert [comparable(i) | {"url": i["url"], "discovery_date": i.get("discovery_date")} for i in items1] == \
        [comparable(i) | {"url": i["url"], "discovery_date": i.get("discovery_date")} for i in items0]
    assert stats1.get("parse/pool/pages", 0) > 0 and "parse/pool/pages" not in stats0
    assert "parse/pool/fallback/error" not in stats1 and "parse/pool/fallback/worker_died" not in stats1
    for key in ("parse/ok/baoquocte", "articles/responses", "item_scraped_count"):
        assert stats1.get(key) == stats0.get(key), key

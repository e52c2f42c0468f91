"""Incremental runs: a persistent seen-store of article URLs, kept in the archive.

scrapy-deltafetch does not work on Scrapy >= 2.16 (it needs sync spider-middleware
output), so this is the same idea on the async APIs:

* :class:`SeenStoreMiddleware` (spider middleware) drops requests for articles the
  seen-store holds, before they are scheduled -- in incremental runs (no ``since``), and in
  backfills resumed with ``JOBDIR`` (so a killed job does not fetch again what it archived).
* URLs become "seen" only once their item has been archived or left out for a reason that
  will not change (a duplicate of an archived article: :class:`crawler.items.Handled`; a
  media page: :class:`crawler.extraction.page.NotAnArticle`), through the ``item_scraped``/``item_dropped``
  signals -- so a crash before the archive write means the article is fetched again next
  time, never lost. An invalid or undated item, or one outside a backfill's range, stays
  unseen. An off-topic one is recorded with the tagger's version instead
  (``pipelines.scope``): it is skipped while that tagger stays, reconsidered once it changes.
"""
from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy import Request, signals

from crawler.items import Handled
from crawler.storage.archive import Archive


class SeenStoreMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def archive(self) -> Archive:
        return Archive.for_crawler(self.crawler)

    def _active(self) -> bool:
        uses = getattr(self.crawler.spider, "uses_seen_store", None)  # site spiders only
        return bool(uses and uses())

    def _keep(self, request) -> bool:
        if not getattr(request, "meta", None) or not request.meta.get("article") or request.dont_filter:
            return True
        if not self._active():
            return True
        spider = self.crawler.spider
        key = spider.article_page.canonicalize(request.url)
        if self.archive.is_seen(key):
            self.stats.inc_value("incremental/skipped_seen")
            return False
        tagger = getattr(spider, "tagger", None)
        if tagger is not None and getattr(spider, "scope", "all") != "all" \
                and self.archive.is_scope_dropped(key, tagger.version):
            self.stats.inc_value("incremental/skipped_off_topic_known")
            return False
        return True

    async def process_start(self, start):
        async for request in start:
            if self._keep(request):
                yield request

    async def process_spider_output(self, response, result):
        async for entry in result:
            if not isinstance(entry, Request) or self._keep(entry):
                yield entry

    def _mark(self, item) -> None:
        adapter = ItemAdapter(item)
        if adapter.get("canonical_url"):
            self.archive.mark_seen(adapter["canonical_url"], adapter.get("site"))
            self.stats.inc_value("incremental/marked_seen")

    def item_scraped(self, item, response=None, spider=None):
        self._mark(item)

    def item_dropped(self, item, response=None, exception=None, spider=None):
        if isinstance(exception, Handled):
            self._mark(item)

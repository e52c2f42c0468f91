"""What the item pipelines share: built from the crawler, with its stats and the run's archive."""
from __future__ import annotations

from crawler.storage.archive import Archive


class ArchiveBackedPipeline:
    """A pipeline that reads or writes the run's archive (one connection per crawl,
    ``Archive.for_crawler``), opened when the spider opens."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.archive = Archive.for_crawler(self.crawler)

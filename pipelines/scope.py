"""Scope: keep only foreign-affairs articles from general-news sites (``-a scope=all`` keeps all)."""
from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.items import Handled


class ScopePipeline:
    """Drops items tagged ``foreign_affairs=False`` unless the spider runs with ``scope=all``.

    Items without a tag (text replay) pass: the tag is set by the site spiders.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        a = ItemAdapter(item)
        if a.get("foreign_affairs") is False and getattr(self.crawler.spider, "scope", "all") != "all":
            self.stats.inc_value("pipeline/scope/dropped_off_topic")
            raise Handled(f"not foreign affairs (use -a scope=all to keep): {a.get('url')}")
        return item

"""Scope: keep only foreign-affairs articles from general-news sites (``-a scope=all`` keeps all)."""
from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.items import OffTopic
from crawler.storage.archive import Archive

#: how much of an off-topic article is kept for the tagger to judge again (it reads no more)
RESCOPE_TEXT_CHARS = 6000


class ScopePipeline:
    """Drops items tagged ``foreign_affairs=False`` unless the spider runs with ``scope=all``.

    The tag is tri-state (crawler.extraction.topic.judge): True, False, or None -- unsure, only
    weak signals. An unsure item is never dropped: it is archived with ``foreign_affairs`` null
    (the flag) and counted ``pipeline/scope/kept_uncertain``; only False is dropped (counted
    ``pipeline/scope/dropped_off_topic``). Each drop is recorded in the archive (URL, title, the
    text the tagger reads, the reason and the tagger's version), never marked seen: a changed
    tagger reconsiders it (``scrapy rescope``). Items without a tag (text replay) pass: the tag
    is set by the site spiders.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        a = ItemAdapter(item)
        spider = self.crawler.spider
        if "foreign_affairs" in a and a.get("foreign_affairs") is None:
            self.stats.inc_value("pipeline/scope/kept_uncertain")
            return item
        if a.get("foreign_affairs") is False and getattr(spider, "scope", "all") != "all":
            self.stats.inc_value("pipeline/scope/dropped_off_topic")
            tagger = getattr(spider, "tagger", None)
            if tagger is not None and a.get("canonical_url"):
                text = "\n".join(filter(None, (a.get("lead"), a.get("body"))))[:RESCOPE_TEXT_CHARS]
                Archive.for_crawler(self.crawler).record_scope_drop(
                    a["canonical_url"], a.get("site"), a["url"], a.get("title"), a.get("language"), text,
                    "article", tagger.version)
            raise OffTopic(f"not foreign affairs (use -a scope=all to keep): {a.get('url')}")
        return item

"""What a parsing worker process is, shared by ``scrapy reparse`` (crawler.ops.reparse_worker)
and a crawl's parse pool (crawler.ops.parse_pool): one spider per site, built from the
settings like a crawl's, whose archive writes, stats and log lines are collected for the
parent process -- the one writer of the archive and the owner of the run's stats and log.

A worker never writes the archive: the article callback's one write, marking a page seen, is
recorded (:class:`ParentWrites`) and made by the parent in order. A worker whose parent was
killed outright (SIGKILL: no chance to stop its pool) exits by itself (:func:`guard_orphan`).
"""
from __future__ import annotations

import logging
import os
import threading
import time

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from crawler.stories.signals import story_text, text_signals


class ParentWrites:
    """A worker spider's ``archive``: the writes a callback makes, kept for the parent. Reading
    the archive from a worker is refused (a worker's callbacks do not read it)."""

    def __init__(self):
        self.calls: list[tuple[str, tuple]] = []

    def mark_seen(self, canonical_url: str, site: str | None) -> None:
        self.calls.append(("mark_seen", (canonical_url, site)))


def worker_spider_class(spidercls: type) -> type:
    """``spidercls`` whose ``archive`` collects writes for the parent instead of opening the archive."""
    return type(spidercls.__name__, (spidercls,), {
        "__module__": spidercls.__module__,
        "__doc__": spidercls.__doc__,
        "archive": property(lambda self: self.__dict__.setdefault("_parent_writes", ParentWrites())),
    })


class LogCollector(logging.Handler):
    """The worker's log records as (logger name, level, message), for the parent to log again."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the page
            message = str(record.msg)
        if record.exc_info and record.exc_info[0] is not None:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, record.levelno, message))


def story_signals(item) -> dict:
    """The story graph's costly text signals of an item, computed where it was parsed
    (the parent hands them to the stories pipeline: crawler.stories.signals.PRECOMPUTED)."""
    return text_signals(story_text(item), item.get("language"))


class WorkerSpiders:
    """Per process: the site spiders (built once, archive writes collected), their stats and,
    in a worker process, its log records."""

    def __init__(self, settings, spider_classes: dict[str, type], spider_args: dict, capture_logs: bool):
        self.settings = settings
        self.spider_classes = spider_classes
        self.spider_args = spider_args
        self.spiders: dict = {}
        self.collect = None
        if capture_logs:  # a worker process: its log lines go to the parent with the results
            self.collect = LogCollector()
            root = logging.getLogger()
            for handler in list(root.handlers):
                root.removeHandler(handler)
            root.addHandler(self.collect)
            root.setLevel(logging.INFO)

    def spider(self, name: str):
        spider = self.spiders.get(name)
        if spider is None:
            crawler = Crawler(worker_spider_class(self.spider_classes[name]), self.settings)
            crawler.stats = load_object(crawler.settings["STATS_CLASS"])(crawler)
            spider = self.spiders[name] = crawler._create_spider(**self.spider_args)
            spider.reparsing = True
        return spider

    @staticmethod
    def take_writes(spider) -> list[tuple[str, tuple]]:
        """The archive writes the spider's callbacks asked for since the last call."""
        writes = spider.__dict__.get("_parent_writes")
        if writes is None or not writes.calls:
            return []
        out, writes.calls = writes.calls, []
        return out

    def take_stats(self) -> dict[str, dict[str, int]]:
        """{spider name: {stat key: increment}} since the last call."""
        stats: dict[str, dict[str, int]] = {}
        for name, spider in self.spiders.items():
            collected = spider.crawler.stats.get_stats()
            if collected:
                stats[name] = {k: v for k, v in collected.items() if isinstance(v, (int, float))}
                spider.crawler.stats.clear_stats()
        return stats

    def take_logs(self) -> list[tuple[str, int, str]]:
        if self.collect is None:
            return []
        logs, self.collect.records = self.collect.records, []
        return logs


def replay_logs(logs: list[tuple[str, int, str]]) -> None:
    """A worker's log records, logged again in the parent (its handlers, its log counts)."""
    for name, level, message in logs:
        logging.getLogger(name).log(level, "%s", message)


def guard_orphan(name: str) -> None:
    """Start the watch that ends this worker when its parent is gone (see :func:`_exit_with_parent`)."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name=name, daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A parent killed outright (SIGKILL) cannot stop its pool: a worker then waits for work that
    never comes. It checks every second that its parent is still the one that started it."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)

"""``scrapy reparse``, the parsing side: recorded article responses -> items, in worker processes.

A worker holds one spider per site, built from the project settings like a crawl's, and runs
the site's article callback (``SiteSpider.parse_article``, with the site's overrides) on each
recorded response -- the same code a replay crawl runs -- so the items carry everything the
callback adds (provenance, the foreign-affairs tag, the parse stats). Then ``fetched_at`` is set
to the capture's ``WARC-Date``: the page is as it was fetched then, not now.

A worker never writes the archive (the parent is the one writer, crawler.ops.reparse): the
callback's one write, marking a media page seen, is recorded here and replayed by the parent
in order. Stats and log lines go back with each chunk's results, so the parent's stats and log
are those of one run.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import TextResponse
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import load_object

from crawler.fetching.warc.index import WarcIndex, _Entry
from crawler.items import ArticleItem
from crawler.stories.signals import story_text, text_signals

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    """One recorded article response to parse: what the parent sends a worker (no body: the
    worker reads it, so the parent's share of the work stays small)."""

    seq: int  # capture order over all WARC files (the archive is written in this order)
    spider: str
    url: str
    entry: _Entry  # the capture a replay serves for ``url``
    rendered: _Entry | None = None  # a browser-rendered capture: what answers a crawl's render retry
    key: str = ""  # its line in the resume journal (crawler.ops.reparse.Journal)


@dataclass
class Parsed:
    """What a worker gives back for one capture, in capture order."""

    capture: Capture
    items: list[ArticleItem] = field(default_factory=list)
    #: archive writes the callback asked for, as (method, args), for the parent to make
    writes: list[tuple[str, tuple]] = field(default_factory=list)
    #: "item", or why there is none: "no_item" (parse error, media page...), "not_html", "unreadable"
    outcome: str = "item"
    #: per item, its story signals (crawler.stories.signals.text_signals), computed here for the writer
    story_signals: list[dict] = field(default_factory=list)


@dataclass
class ChunkResult:
    parsed: list[Parsed]
    #: {spider name: {stat key: increment}} gathered while parsing the chunk
    stats: dict[str, dict[str, int]]
    #: (logger name, level, message) of the chunk's log records (worker processes only)
    logs: list[tuple[str, int, str]]


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


def warc_date_to_utc(value: str | None) -> str | None:
    """A ``WARC-Date`` (``2023-12-28T03:00:00Z``, maybe with fractions) as the items' ``fetched_at``."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the chunk
            message = str(record.msg)
        if record.exc_info and record.exc_info[0] is not None:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, record.levelno, message))


class Parser:
    """Per process: the site spiders (built once) and a reader of the WARC files."""

    def __init__(self, settings, spider_classes: dict[str, type], spider_args: dict, capture_logs: bool):
        self.settings = settings
        self.spider_classes = spider_classes
        self.spider_args = spider_args
        self.reader = WarcIndex()  # reads captures by location; the parent built the index
        self.spiders: dict = {}
        self.collect = None
        if capture_logs:  # a worker process: its log lines go to the parent with the results
            self.collect = _Collect()
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

    def parse_chunk(self, chunk: list[Capture]) -> ChunkResult:
        parsed = [self.parse(capture) for capture in chunk]
        stats: dict[str, dict[str, int]] = defaultdict(dict)
        for name, spider in self.spiders.items():
            collected = spider.crawler.stats.get_stats()
            if collected:
                stats[name] = {k: v for k, v in collected.items() if isinstance(v, (int, float))}
                spider.crawler.stats.clear_stats()
        logs = []
        if self.collect is not None:
            logs, self.collect.records = self.collect.records, []
        return ChunkResult(parsed, dict(stats), logs)

    def response(self, capture: Capture, entry: _Entry, request: Request):
        """The recorded response, as the replay middleware builds it (crawler.fetching.warc.replay)."""
        status, pairs, body, protocol, warc_date = self.reader.read_capture(entry)
        headers = Headers()
        for name, value in pairs:
            headers.appendlist(name, value)
        respcls = responsetypes.from_args(headers=headers, url=capture.url, body=body)
        response = respcls(url=capture.url, status=status, headers=headers, body=body, request=request,
                           flags=["replay"], protocol=protocol)
        return response, warc_date

    def parse(self, capture: Capture) -> Parsed:
        spider = self.spider(capture.spider)
        stats = spider.crawler.stats
        out = Parsed(capture)
        request = Request(capture.url, meta={"article": True}, callback=spider.parse_article)
        try:
            response, warc_date = self.response(capture, capture.entry, request)
        except Exception as exc:  # a record warcio cannot read back: counted, never a crash
            stats.inc_value("reparse/bad_record/unreadable")
            logger.warning("cannot read the capture of %s: %r", capture.url, exc)
            out.outcome = "unreadable"
            return out
        if not isinstance(response, TextResponse):
            stats.inc_value("reparse/bad_record/not_html")
            logger.warning("not an HTML page, skipped: %s (%s)", capture.url,
                           response.headers.get("Content-Type", b"").decode("latin-1") or "no Content-Type")
            out.outcome = "not_html"
            return out
        fetched_at = warc_date_to_utc(warc_date)
        if fetched_at is None:
            stats.inc_value("reparse/no_warc_date")
        pending = [response]
        while pending:
            response = pending.pop(0)
            try:
                for result in spider.parse_article(response):
                    if isinstance(result, Request):
                        # a render retry: a replay answers it with the rendered capture, if recorded,
                        # else with the same one again (crawler.fetching.warc.index.WarcIndex.lookup)
                        pending.append(self.response(capture, capture.rendered or capture.entry, result)[0])
                    elif isinstance(result, ArticleItem):
                        if fetched_at is not None:
                            result["fetched_at"] = fetched_at
                        out.items.append(result)
                        out.story_signals.append(text_signals(story_text(result), result.get("language")))
            except Exception as exc:  # parse_article catches the parser's errors; this is the rest
                stats.inc_value(f"reparse/crash/{spider.name}")
                logger.exception("reparse of %s failed: %r", capture.url, exc)
        writes = spider.__dict__.get("_parent_writes")
        if writes is not None and writes.calls:
            out.writes, writes.calls = writes.calls, []
        if not out.items:
            out.outcome = "no_item"
        return out


#: the worker process's parser (set by :func:`init_worker`)
_parser: Parser | None = None


def init_worker(settings, spider_classes: dict[str, type], spider_args: dict) -> None:
    global _parser
    _parser = Parser(settings, spider_classes, spider_args, capture_logs=True)
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), name="reparse-orphan-guard", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A parent killed outright (SIGKILL) cannot stop its pool: a worker then waits for work that
    never comes. It checks every second that its parent is still the one that started it."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def parse_chunk(chunk: list[Capture]) -> ChunkResult:
    assert _parser is not None, "init_worker() was not run in this process"
    return _parser.parse_chunk(chunk)

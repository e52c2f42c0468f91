"""``scrapy reparse``, the parsing side: recorded article responses -> items, in worker processes.

A worker holds one spider per site, built from the project settings like a crawl's, and runs
the site's article callback (``SiteSpider.parse_article``, with the site's overrides) on each
recorded response -- the same code a replay crawl runs -- so the items carry everything the
callback adds (provenance, the foreign-affairs tag, the parse stats). Then ``fetched_at`` is set
to the capture's ``WARC-Date``: the page is as it was fetched then, not now.

A worker never writes the archive (the parent is the one writer, crawler.ops.reparse): the
callback's one write, marking a media page seen, is recorded and replayed by the parent in
order. Stats and log lines go back with each chunk's results, so the parent's stats and log
are those of one run. What a worker process is (its spiders, what it collects, its orphan
guard) is crawler.ops.workers, shared with a crawl's parse pool (crawler.ops.parse_pool).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from scrapy import Request
from scrapy.http import TextResponse

from crawler.fetching.warc.index import WarcIndex, _Entry
from crawler.fetching.warc.replay import replayed_response
from crawler.items import ArticleItem
from crawler.ops.workers import WorkerSpiders, guard_orphan, story_signals

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


class Parser(WorkerSpiders):
    """Per process: the site spiders (built once) and a reader of the WARC files."""

    def __init__(self, settings, spider_classes: dict[str, type], spider_args: dict, capture_logs: bool):
        super().__init__(settings, spider_classes, spider_args, capture_logs)
        self.reader = WarcIndex()  # reads captures by location; the parent built the index

    def parse_chunk(self, chunk: list[Capture]) -> ChunkResult:
        parsed = [self.parse(capture) for capture in chunk]
        return ChunkResult(parsed, self.take_stats(), self.take_logs())

    def response(self, capture: Capture, entry: _Entry, request: Request):
        """The recorded response, as the replay middleware builds it (crawler.fetching.warc.replay)."""
        status, pairs, body, protocol, warc_date = self.reader.read_capture(entry)
        return replayed_response(capture.url, status, pairs, body, protocol, request), warc_date

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
                        out.story_signals.append(story_signals(result))
            except Exception as exc:  # parse_article catches the parser's errors; this is the rest
                stats.inc_value(f"reparse/crash/{spider.name}")
                logger.exception("reparse of %s failed: %r", capture.url, exc)
        out.writes = self.take_writes(spider)
        if not out.items:
            out.outcome = "no_item"
        return out


#: the worker process's parser (set by :func:`init_worker`)
_parser: Parser | None = None


def init_worker(settings, spider_classes: dict[str, type], spider_args: dict) -> None:
    global _parser
    _parser = Parser(settings, spider_classes, spider_args, capture_logs=True)
    guard_orphan("reparse-orphan-guard")


def parse_chunk(chunk: list[Capture]) -> ChunkResult:
    assert _parser is not None, "init_worker() was not run in this process"
    return _parser.parse_chunk(chunk)


class Dispatcher:
    """Chunks of captures -> their :class:`ChunkResult`, in capture order, parsed by ``local`` (this
    process's :class:`Parser`) and by ``pool``'s forked workers (None: this process alone).

    ``--workers N`` means N processes parse, this one included: the pool holds N - 1. This process is
    also the one writer, so it parses a chunk only when the oldest chunk it is to write next is still
    in a worker -- so on N cores the N processes stay busy without a writer process competing with
    N workers for them (measured on 2 cores: N workers plus a writer cost ~10 % more CPU than the
    same work in N processes, context switches and cold caches). The pool is kept ``window`` chunks
    ahead of the writer; this process parses at most ``window`` chunks ahead of it as well, so memory
    stays bounded whatever the length of the recordings.
    """

    def __init__(self, local: Parser, pool=None, pool_size: int = 0, *, chunk_size: int = 16, timings=None):
        self.local, self.pool = local, pool
        self.chunk_size = max(1, chunk_size)
        self.window = max(2, 3 * pool_size)
        self.timings = timings if timings is not None else {}
        self.chunks: list[list[Capture]] | None = None
        self._slots: dict[int, object] = {}  # chunk number -> AsyncResult (in a worker) or ChunkResult
        self._next = 0  # the first chunk not yet given to anyone

    @property
    def fed(self) -> bool:
        return self.chunks is not None

    def feed(self, captures: list[Capture]) -> None:
        """The captures to parse; the pool starts on them at once (the writer may still be getting ready)."""
        size = self.chunk_size
        self.chunks = [captures[i:i + size] for i in range(0, len(captures), size)]
        self._top_up()

    def _in_pool(self) -> int:
        return sum(1 for slot in self._slots.values() if not isinstance(slot, ChunkResult))

    def _top_up(self) -> None:
        if self.pool is None:
            return
        in_pool = self._in_pool()
        while in_pool < self.window and self._next < len(self.chunks):
            self._slots[self._next] = self.pool.apply_async(parse_chunk, (self.chunks[self._next],))
            self._next += 1
            in_pool += 1

    def _parse_here(self, number: int) -> None:
        began = time.monotonic()
        self._slots[number] = self.local.parse_chunk(self.chunks[number])
        self._next = max(self._next, number + 1)
        self.timings["parsing"] = self.timings.get("parsing", 0.0) + time.monotonic() - began

    def results(self):
        """Each chunk's result, in capture order."""
        assert self.chunks is not None, "feed() first"
        for head in range(len(self.chunks)):
            while True:
                self._top_up()
                slot = self._slots.get(head)
                if slot is None:  # nobody has it (no pool, or the pool is busy further ahead): parse it here
                    self._parse_here(head)
                    continue
                if isinstance(slot, ChunkResult):
                    break
                ahead = sum(1 for n, s in self._slots.items() if n > head and isinstance(s, ChunkResult))
                if not slot.ready() and self._next < len(self.chunks) and ahead < self.window:
                    self._parse_here(self._next)  # the writer would wait: parse the next chunk meanwhile
                    continue
                began = time.monotonic()
                self._slots[head] = slot.get()
                self.timings["waiting_for_workers"] = self.timings.get("waiting_for_workers", 0.0) + time.monotonic() - began
                break
            yield self._slots.pop(head)

"""A crawl's parse pool, the worker side: one article response in, what the callback did out.

The crawl side is crawler.ops.parse_pool; what a worker process is (its spiders, the archive
writes, stats and log lines it collects for the parent, its orphan guard) is crawler.ops.workers,
shared with ``scrapy reparse``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from scrapy import Request
from scrapy.utils.misc import load_object
from scrapy.utils.python import global_object_name

from crawler.fetching.warc.replay import headers_from_pairs
from crawler.items import ArticleItem
from crawler.ops.workers import WorkerSpiders, guard_orphan, story_signals

_PLAIN = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class PageJob:
    """One article response, as a worker rebuilds it: what the callback reads of it."""

    spider: str
    response_class: str
    url: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    encoding: str | None  # an encoding given to the response explicitly (None: headers/body decide)
    flags: list[str]
    protocol: str | None
    request_url: str
    #: the request's meta entries of plain types (the discovery dates, ``original_url``, render flags...)
    meta: dict


@dataclass
class PageResult:
    """What the worker's callback did with a page, for the crawl process to do again in its place."""

    items: list[ArticleItem] = field(default_factory=list)
    #: per item, its story signals (crawler.stories.signals.text_signals)
    story_signals: list[dict] = field(default_factory=list)
    #: the callback yielded a request: the browser-render retry, which the crawl process builds
    retry: bool = False
    writes: list[tuple[str, tuple]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    logs: list[tuple[str, int, str]] = field(default_factory=list)
    cpu: float = 0.0


def page_job(spider, response) -> PageJob:
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    meta = {}
    for key, value in response.meta.items():
        if isinstance(value, _PLAIN) or (isinstance(value, (list, tuple)) and all(isinstance(v, _PLAIN) for v in value)):
            meta[key] = value
    return PageJob(spider.name, global_object_name(type(response)), response.url, response.status, headers,
                   response.body, getattr(response, "_encoding", None), list(response.flags), response.protocol,
                   response.request.url, meta)


# --- the worker side ---------------------------------------------------------------------------
_spiders: WorkerSpiders | None = None


def init_worker(settings: dict, spider_classes: dict[str, type], spider_args: dict) -> None:
    from scrapy.settings import Settings

    global _spiders
    _spiders = WorkerSpiders(Settings(settings, priority="cmdline"), spider_classes, spider_args, capture_logs=True)
    for name in spider_classes:  # built now, while the crawl is still discovering
        _spiders.spider(name)
    guard_orphan("parse-pool-orphan-guard")


def parse_page(job: PageJob) -> PageResult:
    """The article callback on one page, in a worker (``SiteSpider.parse_article_page``)."""
    assert _spiders is not None, "init_worker() was not run in this process"
    began = time.process_time()
    spider = _spiders.spider(job.spider)
    request = Request(job.request_url, meta=job.meta)
    kwargs = {"encoding": job.encoding} if job.encoding else {}
    response = load_object(job.response_class)(url=job.url, status=job.status, headers=headers_from_pairs(job.headers),
                                               body=job.body, request=request, flags=job.flags, protocol=job.protocol,
                                               **kwargs)
    out = PageResult()
    try:
        for result in spider.parse_article_page(response):
            if isinstance(result, Request):
                out.retry = True
            elif isinstance(result, ArticleItem):
                out.items.append(result)
                out.story_signals.append(story_signals(result))
    except Exception as exc:  # parse_article_page catches the parser's errors; this is the rest
        spider.crawler.stats.inc_value(f"parse/crash/{spider.name}")
        logging.getLogger(spider.name).exception("parser failed on %s: %r", job.url, exc)
    out.writes = _spiders.take_writes(spider)
    out.stats = _spiders.take_stats().get(job.spider, {})
    out.logs = _spiders.take_logs()
    out.cpu = time.process_time() - began
    return out


def worker_main(conn, settings: dict, spider_classes: dict[str, type], spider_args: dict) -> None:
    """A worker process: pages in, results out, over one pipe, until told to stop or the pipe is
    closed (the crawl process is gone)."""
    init_worker(settings, spider_classes, spider_args)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        except Exception as exc:  # a page that cannot be unpickled here
            conn.send(Failed(f"cannot read the page: {exc!r}"))
            continue
        if job is None:
            return
        try:
            result = parse_page(job)
        except Exception as exc:
            result = Failed(f"worker error: {exc!r}")
        try:
            conn.send(result)
        except (EOFError, OSError):
            return
        except Exception as exc:  # a result that cannot be pickled: nothing was sent yet
            conn.send(Failed(f"cannot send the result back: {exc!r}"))


@dataclass(frozen=True)
class Failed:
    """A page the worker could not take or give back: the crawl process parses it."""

    reason: str


class WorkerDied(Exception):
    pass

"""A crawl's parse pool: article pages parsed in a worker process while the reactor goes on.

Everything a crawl does runs on the reactor's one thread; parsing an article (the page object,
the topic tagger, the story graph's text signals: ~3.5 of a full replay crawl's ~7 CPU ms/page)
can run on a second core instead. :class:`ParsePoolMiddleware`, the last downloader middleware
to see a response, hands each article response to a worker and awaits the result (the request
keeps its downloader slot meanwhile: ``CONCURRENT_REQUESTS`` bounds the pages in the pool). The
worker runs the base article callback (``SiteSpider.parse_article_page``, the code an in-process
crawl runs, on a spider built like the crawl's: crawler.ops.workers, shared with ``scrapy
reparse``) and sends back the items with their story signals, the stats increments, the log lines
and the archive writes. The callback stays the spider's plain ``parse_article`` (a site's override
included, which reads and changes the spider's discovery state, so it runs here): it takes the
worker's result and makes the writes, counts, logs and yields what it would have yielded -- the
browser-render retry is built here, from the response the crawl holds. Why not an ``async``
callback awaiting the pool: Scrapy 2.19 runs each callback's output through ``CONCURRENT_ITEMS``
(100) queue tasks, which a suspended callback leaves parked -- ~2 CPU ms per page, all the gain.

The same items, in the same order: article responses leave the middleware in the order they came
(a FIFO, :meth:`ParsePool.turn`), whatever order the workers finish in -- the dedup and the story
graph depend on it.

Settings (crawler/settings.py): ``PARSE_WORKERS`` -- a number of workers, 0 (parse in the crawl
process; the middleware is then off), or ``"auto"``: 1 when at least 2 CPUs are available to the
process, else 0 (on one core a second process only adds the transfers). ``PARSE_POOL_AFTER`` --
article responses parsed in-process before the pool starts: a small crawl (a test, a quiet day's
catch-up) never pays the pool's start (a forkserver and a worker importing the project, ~1-2 CPU s
on the other core). ``PARSE_POOL_BACKLOG`` -- pages a worker may have waiting; past it the crawl
process parses the page itself rather than wait (a machine whose other core is busy gives the
worker little time).

Processes: forkserver, not fork -- the crawl process has threads by then, and a child forked from a
threaded process can hang on a lock another thread held (the logging module's among them). Each
worker has its own pipe, read by the event loop itself (``add_reader``: no thread in the crawl
process, so no GIL handoff per page; ``concurrent.futures.ProcessPoolExecutor``'s two threads cost
more than the parsing they moved out).

Robust: a page a worker cannot take or give back (a pickling error) or that kills it is logged,
counted (``parse/pool/fallback/<reason>``) and parsed in-process; a dead worker is replaced
(``parse/pool/worker_died``). The pool is shut down at ``spider_closed``; a crawl killed outright
leaves no worker behind (the pipe's end-of-file, and crawler.ops.workers.guard_orphan).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import socket
import weakref
from collections import deque

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse

from crawler.ops.parse_pool_worker import Failed, PageJob, PageResult, WorkerDied, page_job, worker_main
from crawler.ops.workers import replay_logs
from crawler.stories.signals import offer_signals, withdraw_signals

logger = logging.getLogger(__name__)


# --- the crawl side ------------------------------------------------------------------------------
def workers_setting(value) -> int:
    """``PARSE_WORKERS`` as a number of workers (see the module docstring for ``auto``)."""
    if str(value).strip().lower() == "auto":
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # no affinity on this platform
            cpus = os.cpu_count() or 1
        return 1 if cpus >= 2 else 0
    return max(0, int(value))


class Turn:
    """A response's place in the FIFO: its output goes after that of the responses before it."""

    def __init__(self, before: asyncio.Future | None):
        self.before = before
        self.finished: asyncio.Future = asyncio.get_running_loop().create_future()

    async def ready(self) -> None:
        if self.before is not None:
            await asyncio.shield(self.before)

    def done(self) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


def spawn(initargs: tuple):
    """A worker process and the crawl's end of its pipe. Blocking (the first call starts the
    forkserver, which imports the project before it forks): run off the event loop's thread."""
    context = multiprocessing.get_context("forkserver")
    conn, child = context.Pipe(duplex=True)
    for end in (conn, child):
        with socket.fromfd(end.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _Worker.BUFFER)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _Worker.BUFFER)
    process = context.Process(target=worker_main, args=(child, *initargs), name="parse-pool-worker", daemon=True)
    process.start()
    child.close()
    return conn, process


class _Worker:
    """One worker process and its pipe. The pipe is read by the event loop itself (``add_reader``:
    no thread in this process, so no GIL handoffs per page). Pages are sent ahead, so the worker
    never waits for the event loop to come round, up to ``AHEAD_BYTES`` of them (the socket's
    buffer is larger): a send never waits for a busy worker to read; the rest wait here."""

    AHEAD_BYTES = 512 * 1024
    BUFFER = 1024 * 1024

    def __init__(self, conn, process, on_died):
        self.conn, self.process = conn, process
        self.ahead = 0  # bytes of the pages sent and not answered yet
        self.sent: deque[tuple[asyncio.Future, int]] = deque()
        self.waiting: deque[tuple[asyncio.Future, PageJob]] = deque()
        self.on_died = on_died
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.conn.fileno(), self._readable)
        self.alive = True

    def backlog(self) -> int:
        return len(self.sent) + len(self.waiting)

    def submit(self, job: PageJob) -> asyncio.Future:
        future = self.loop.create_future()
        self.waiting.append((future, job))
        self._send()
        return future

    def _send(self) -> None:
        while self.alive and self.waiting and (not self.sent or self.ahead + len(self.waiting[0][1].body) < self.AHEAD_BYTES):
            future, job = self.waiting.popleft()
            try:
                self.conn.send(job)  # pickled first: a page that cannot be pickled sends nothing
            except (OSError, EOFError) as exc:
                future.set_exception(WorkerDied(repr(exc)))
                self._died()
                return
            except Exception as exc:
                future.set_exception(exc)
                continue
            self.sent.append((future, len(job.body)))
            self.ahead += len(job.body)

    def _readable(self) -> None:
        try:
            result = self.conn.recv()
        except (EOFError, OSError):
            self._died()
            return
        except Exception as exc:  # a result this process cannot unpickle: the stream is still in step
            result = Failed(f"cannot read the result: {exc!r}")
        future, size = self.sent.popleft()
        self.ahead -= size
        if not future.done():
            future.set_exception(RuntimeError(result.reason)) if isinstance(result, Failed) else future.set_result(result)
        self._send()

    def _died(self) -> None:
        """The worker is gone: the pages it had fail (parsed in the crawl process), the others
        go to the worker that replaces it."""
        if not self.alive:
            return
        self.alive = False
        self.loop.remove_reader(self.conn.fileno())
        self.process.join(1)
        code = self.process.exitcode
        while self.sent:
            future, _size = self.sent.popleft()
            if not future.done():
                future.set_exception(WorkerDied(f"exit code {code}"))
        waiting, self.waiting = self.waiting, deque()
        self.conn.close()
        self.on_died(self, waiting)

    def stop(self) -> None:
        if self.alive:
            self.alive = False
            self.loop.remove_reader(self.conn.fileno())
            try:
                self.conn.send(None)
            except Exception:
                pass
            self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1)
        for future, _job in self.waiting:
            if not future.done():
                future.set_exception(WorkerDied("the pool was shut down"))
        for future, _size in self.sent:
            if not future.done():
                future.set_exception(WorkerDied("the pool was shut down"))


class ParsePool:
    """The crawl's parse pool (one per crawler: :meth:`for_crawler`)."""

    _by_crawler: dict = {}

    def __init__(self, crawler, workers: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.after = max(0, crawler.settings.getint("PARSE_POOL_AFTER", 0))
        self.seen = 0  # article responses so far
        self.pool: list[_Worker] = []
        self.backlog = max(1, crawler.settings.getint("PARSE_POOL_BACKLOG", 16))
        self.initargs: tuple | None = None
        self.spawning = 0  # workers being started
        self.failed_starts = 0
        self.closed = False
        self._last: asyncio.Future | None = None
        self._signal_keys: dict[int, tuple] = {}
        #: the workers' results, until the callback takes them (gone with their response)
        self.results: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._by_crawler[crawler] = self
        crawler.signals.connect(self.close, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)

    @classmethod
    def of(cls, crawler) -> ParsePool | None:
        """The crawler's pool (None: ``PARSE_WORKERS`` 0, or no middleware: a reparse, a test)."""
        return cls._by_crawler.get(crawler)

    def turn(self) -> Turn:
        turn = Turn(self._last)
        self._last = turn.finished
        return turn

    def _start(self, spider) -> list[asyncio.Future]:
        """Workers are started off the event loop's thread; pages are parsed here meanwhile."""
        if self.initargs is None:
            multiprocessing.get_context("forkserver").set_forkserver_preload(
                sorted({"scrapy", "crawler.ops.parse_pool_worker", type(spider).__module__}))
            self.initargs = (self.crawler.settings.copy_to_dict(), {spider.name: type(spider)},
                             getattr(spider, "run_arguments", {}))
            self.stats.inc_value("parse/pool/started")
            logger.info("parse pool: starting %d worker(s) (forkserver)", self.workers)
        loop, started = asyncio.get_running_loop(), []
        for _ in range(self.workers - len(self.pool) - self.spawning):
            self.spawning += 1
            started.append(loop.run_in_executor(None, spawn, self.initargs))
            started[-1].add_done_callback(self._spawned)
        return started

    def _spawned(self, future) -> None:
        self.spawning -= 1
        try:
            conn, process = future.result()
        except Exception as exc:  # no worker: this process goes on parsing
            self.stats.inc_value("parse/pool/start_failed")
            logger.error("parse pool: cannot start a worker: %r", exc)
            self.failed_starts += 1
            return
        if self.closed:
            conn.close()
            process.join(5)
            return
        self.pool.append(_Worker(conn, process, self._replace))

    def _replace(self, dead: _Worker, waiting) -> None:
        """A worker died: its waiting pages are parsed here, and a new worker takes its place."""
        for future, _job in waiting:
            future.set_exception(WorkerDied(f"exit code {dead.process.exitcode}"))
        self.pool.remove(dead)
        if not self.closed:
            self.stats.inc_value("parse/pool/worker_died")
            logger.error("parse pool: a worker died (exit code %s); starting another", dead.process.exitcode)

    async def parse(self, spider, response) -> PageResult | None:
        """The worker's result for ``response``, or None: parse it in this process."""
        self.seen += 1
        if self.closed or self.seen <= self.after:
            return None
        if len(self.pool) + self.spawning < self.workers and self.failed_starts < 3:
            self._start(spider)
        if not self.pool:
            self.stats.inc_value("parse/pool/in_process/starting")
            return None
        worker = min(self.pool, key=_Worker.backlog)
        if worker.backlog() >= self.backlog:
            # the workers are behind: this process parses the page rather than wait (a busy machine
            # gives the workers little CPU; responses waiting for them would pile up in the scraper)
            self.stats.inc_value("parse/pool/in_process/workers_busy")
            return None
        try:
            result = await worker.submit(page_job(spider, response))
        except WorkerDied as exc:
            self._fallback("worker_died", response, exc)
            return None
        except Exception as exc:  # a page that cannot be sent or sent back (pickling...)
            self._fallback("error", response, exc)
            return None
        self.stats.inc_value("parse/pool/pages")
        self.stats.inc_value("parse/pool/worker_cpu_ms", round(result.cpu * 1000))
        return result

    def _fallback(self, reason: str, response, exc: BaseException) -> None:
        self.stats.inc_value(f"parse/pool/fallback/{reason}")
        logger.error("parse pool could not parse %s (%s: %s): parsed in the crawl process", response.url, reason, exc)

    def take(self, response) -> PageResult | None:
        """The worker's result for ``response`` (once), None when this process is to parse it."""
        return self.results.pop(response, None)

    def replay(self, spider, response, result: PageResult):
        """What the worker's callback did, done again here: archive writes, stats, log lines; then
        its render retry (a request is this process's to make) or its items (their story signals
        handed to the stories pipeline)."""
        for method, args in result.writes:
            getattr(spider.archive, method)(*args)
        for key, value in result.stats.items():
            self.stats.inc_value(key, value)
        replay_logs(result.logs)
        if result.retry:
            retry = spider._browser_retry(response)
            if retry is None:  # the worker's response had what this one has: cannot happen, but counted
                self.stats.inc_value("parse/pool/retry_lost")
                logger.error("the worker asked for a render retry of %s, this process cannot make it", response.url)
            else:
                yield retry
        for item, item_signals in zip(result.items, result.story_signals):
            self._signal_keys[id(item)] = offer_signals(item, item_signals)
            yield item

    def _item_done(self, item, response=None, spider=None, **kwargs):
        """An item is out of the pipelines: its story signals, if the stories pipeline did not use
        them (a dropped item, a text the pipelines changed), are let go."""
        key = self._signal_keys.pop(id(item), None)
        if key is not None and withdraw_signals(key):
            self.stats.inc_value("parse/pool/story_signals_unused")

    def close(self, spider=None, reason=None) -> None:
        self.closed = True
        self._by_crawler.pop(self.crawler, None)
        for worker in self.pool:
            worker.stop()
        self.pool = []


class ParsePoolMiddleware:
    """The downloader middleware that hands article responses to the parse pool: the last to see a
    response (``DOWNLOADER_MIDDLEWARES`` 10), so the worker parses what the callback gets. It waits
    for the worker here, not in the callback: the callback stays the spider's plain ``parse_article``
    (a site's override included), which takes the result (:meth:`ParsePool.take`) instead of
    parsing; the request keeps its downloader slot meanwhile (``CONCURRENT_REQUESTS`` bounds the
    pages waiting for a worker). Responses leave here in the order they came (:meth:`ParsePool.turn`)."""

    def __init__(self, crawler, workers: int):
        self.crawler = crawler
        self.pool = ParsePool(crawler, workers)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    async def spider_opened(self, spider):
        """``PARSE_POOL_AFTER`` 0: the workers start with the crawl, which waits for them (every
        article page goes to the pool -- what a test of the pool wants)."""
        if self.pool.after == 0 and hasattr(spider, "parse_article_page") and not getattr(spider, "reparsing", False):
            await asyncio.gather(*self.pool._start(spider), return_exceptions=True)

    @classmethod
    def from_crawler(cls, crawler):
        try:
            workers = workers_setting(crawler.settings.get("PARSE_WORKERS", 0))
        except ValueError:
            raise NotConfigured(f"PARSE_WORKERS={crawler.settings.get('PARSE_WORKERS')!r}: a number or 'auto'") from None
        if not workers:
            raise NotConfigured("PARSE_WORKERS is 0: articles are parsed in the crawl process")
        return cls(crawler, workers)

    def _article(self, request, response, spider) -> bool:
        return (request.meta.get("article") and isinstance(response, TextResponse) and 200 <= response.status < 300
                and request.callback is not None and request.callback == getattr(spider, "parse_article", None)
                and hasattr(spider, "parse_article_page") and not getattr(spider, "reparsing", False))

    async def process_response(self, request, response, spider=None):
        spider = self.crawler.spider
        if not self._article(request, response, spider):
            return response
        turn = self.pool.turn()
        try:
            result = await self.pool.parse(spider, response)
            await turn.ready()
        finally:
            turn.done()
        if result is not None:
            self.pool.results[response] = result
        return response

"""The crawl's archive writes, off the reactor thread: one writer thread with its own connection.

Why: a crawl's CPU is one core's (the reactor thread), while the archive's writes -- SQLite or
PostgreSQL executing a statement, the WAL append, the JSON line, zlib -- release the GIL. The
writer thread lets them run on the second core while the reactor parses the next pages.

What it keeps, and how:

* **One article, one transaction, in arrival order.** The writer is a single thread fed FIFO,
  so articles are archived (and their stories linked) in the order the items reached the
  archive pipeline -- the order a synchronous pipeline would have written them. Each article is
  still committed on its own, with its seen-store row (crawler.storage.archive.Archive.add): a
  kill loses at most the articles queued and not yet committed, and those are not seen, so the
  next run fetches them again. Nothing is ever half-written.
* **Dedup sees what is queued.** The dedup pipeline reads the archive on the reactor thread's
  own connection, which sees only committed rows; an item queued for writing is registered
  here (:meth:`ArchiveWriter.queued`) until its transaction commits, so a second copy in the same
  run is still recognized as a duplicate of this run.
* **Its own connection.** The writer's :class:`Archive` is opened on the reactor thread (the
  crash-recovery and migration steps of opening run there, as before) and used only by the
  writer thread afterwards. The reactor thread's own archive (``Archive.for_crawler``) serves
  the reads and the small ledger writes. Both take the archive's locks in the same order
  (the directory lock, then the database's), so they never wait on each other in a cycle.

Off by default (``ARCHIVE_WRITER_THREAD = False``: writes on the calling thread, as do a caller
without an asyncio event loop): measured on two cores, it gains ~5 % when the crawl parses
in-process, and loses ~20 % once the parse pool (crawler.ops.parse_pool) has the second core --
the writes are mostly Python, and the GIL hand-offs cost more than the database time they overlap.
Stats are incremented on the reactor thread only (Scrapy's stats are not thread-safe):
a job returns its outcome and the pipeline counts it.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import signals

from crawler.storage.archive import Archive
from crawler.storage.backends import archive_location

logger = logging.getLogger(__name__)


class ArchiveWriter:
    """The crawl's writer: its archive (own connection), its thread, the articles queued."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, crawler):
        self.threaded = crawler.settings.getbool("ARCHIVE_WRITER_THREAD", True)
        reader = Archive.for_crawler(crawler)
        if self.threaded:  # a connection of its own, used by the writer thread alone
            self.archive = Archive(archive_location(crawler.settings))
            self.archive.run_id = reader.run_id  # one run: dedup tells "this run" from "an earlier one" by it
        else:  # writes on the reactor thread, on the crawl's one connection (as without a writer)
            self.archive = reader
        self._executor: ThreadPoolExecutor | None = None
        #: canonical URL -> fingerprint, and fingerprint -> canonical URL, of the queued articles
        self._urls: dict[str, str] = {}
        self._fingerprints: dict[str, str] = {}
        self._closed = False
        self._archive_closed = False
        # a safety net for a crawl whose archive pipeline is not enabled (the stories one alone)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def for_crawler(cls, crawler) -> ArchiveWriter:
        writer = cls._by_crawler.get(crawler)
        if writer is None:
            writer = cls._by_crawler[crawler] = cls(crawler)
        return writer

    # --- what is queued ------------------------------------------------------------------
    def queued(self, canonical_url: str, fp: str) -> str | None:
        """Why an item is a duplicate of a queued one: "url" (same URL, same text) or "fingerprint"
        (the same text under another URL), as :meth:`Archive.lookup` would once it is written."""
        if self._urls.get(canonical_url) == fp:
            return "url"
        other = self._fingerprints.get(fp)
        if other is not None and other != canonical_url:
            return "fingerprint"
        return None

    def _enqueue(self, canonical_url: str, fp: str) -> None:
        self._urls[canonical_url] = fp
        self._fingerprints.setdefault(fp, canonical_url)

    def _done(self, canonical_url: str, fp: str) -> None:
        if self._urls.get(canonical_url) == fp:
            del self._urls[canonical_url]
        if self._fingerprints.get(fp) == canonical_url:
            del self._fingerprints[fp]

    # --- running jobs --------------------------------------------------------------------
    def _loop(self) -> asyncio.AbstractEventLoop | None:
        if not self.threaded or self._closed:
            return None
        try:
            return asyncio.get_running_loop()
        except RuntimeError:  # no asyncio reactor (or a synchronous caller): write here
            return None

    def run(self, job: Callable[..., Any], *args, key: tuple[str, str] | None = None):
        """``job(*args)`` on the writer thread: an awaitable of its result -- or, without a writer
        thread, its result. ``key`` (canonical URL, fingerprint) marks an article as queued until
        the job is over."""
        loop = self._loop()
        if loop is None:
            return job(*args)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        if key is not None:
            self._enqueue(*key)
        future = loop.run_in_executor(self._executor, job, *args)
        if key is not None:
            future.add_done_callback(lambda _f: self._done(*key))
        return future

    def drain(self) -> None:
        """Wait for every queued job; later jobs run on the calling thread."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def close(self, *args, **kwargs) -> None:
        """:meth:`drain`, then close the writer's archive (clears its JSON Lines flags)."""
        self.drain()
        if not self._archive_closed:
            self._archive_closed = True
            self.archive.close()

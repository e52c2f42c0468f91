"""``scrapy reparse``: items re-derived from recorded WARCs -- no discovery, no network.

For re-reading months of recordings after a parser fix. Every article response in the WARCs
goes through its site's page object and the item pipelines into the project's archive:

* **Which responses.** The captures a replay would serve (crawler.fetching.warc.index: the
  latest capture of a URL wins, a 5xx never shadows a good one, revisits resolved), one per
  article (the site's canonical URL), in capture order. A capture belongs to the site spider
  whose ``allowed_domains`` hold its host, and is an article when the spider's own
  ``is_article_url`` -- the rule its discovery queues article links by -- says so. Discovery
  pages, other hosts, redirects and error statuses are counted and skipped.
* **Parsing** runs the spider's article callback in ``--workers`` processes: this one, between
  its writes, and ``--workers`` - 1 forked workers (crawler.ops.reparse_worker.Dispatcher: this
  process parses a chunk when the next one to write is still in a worker; ``--workers 1`` parses
  everything here). N processes, not N workers beside a writer: on N cores a writer competing with
  N workers cost ~10 % more CPU for the same work (measured with bench/bench_reparse.py).
* **One writer.** This process runs each site's item pipelines through Scrapy's own
  ``Scraper`` (``start_itemproc_async``: the drop log lines, the ``item_scraped`` /
  ``item_dropped`` signals the seen-store and the stats extensions listen to) on a real
  ``Crawler`` of the site spider with the project settings -- so ``ARCHIVE_DIR`` or whatever
  backend ``Archive.for_crawler`` opens is the crawl's. Results are taken in capture order, so
  of two URLs with the same text the first recorded is kept, whatever the number of workers.
* **Resume.** Each capture whose item went through the pipelines is journalled
  (``reparse.journal``); a run again over the same recordings skips journalled captures before
  reading them, when the archive still holds their item with the journalled fingerprint. The
  journal is kept in ``-s JOBDIR=DIR`` when given (and stays there), else in
  ``REPARSE_JOURNAL_DIR/<digest of the input files>`` -- removed once a run has gone through
  every capture, so a killed reparse resumes with the same command, and the next reparse after
  a parser fix reads everything again. The seen-store is not used for this: after a parser fix
  every archived URL is seen, and re-reading them is the point.

What differs from a replay crawl's items (``scrapy crawl SPIDER -s REPLAY_WARC=...``):
``fetched_at`` is the capture's ``WARC-Date`` (a crawl writes the time it ran), and
``discovery_date`` is empty (no listing, feed or sitemap was read) -- and so, for a page that
shows no date of its own or a day without its year, the date the pipeline derives from it
(``published_at``, ``date_source``, ``provenance['published_at']``) comes from the page alone,
the year from ``fetched_at``. Pages a crawl's discovery would not have reached (outside its
window, languages it does not ask for) are re-parsed too: reparse takes every recorded article.
"""
from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import multiprocessing
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.scraper import Scraper
from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter

from crawler.fetching.warc.index import WarcIndex
from crawler.ops.reparse_worker import Capture, ChunkResult, Dispatcher, Parser, init_worker
from crawler.ops.workers import replay_logs
from crawler.storage.archive import truncate_partial_line
from crawler.stories.signals import offer_signals, withdraw_signals

logger = logging.getLogger(__name__)

JOURNAL_NAME = "reparse.journal"


def default_journal_dir(settings, paths: list[Path]) -> Path:
    """Where a reparse without JOBDIR journals: one folder per set of input WARC files (``paths``, as
    ``replay_paths`` listed them: resolved path, size, mtime), so the same command after a kill finds
    its journal and other inputs do not."""
    listing = []
    for path in sorted(p.resolve() for p in paths):
        stat = path.stat()
        listing.append(f"{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
    digest = hashlib.sha1("\n".join(listing).encode("utf-8")).hexdigest()[:16]
    return Path(settings.get("REPARSE_JOURNAL_DIR") or "jobs/reparse") / digest


# --- which captures ---------------------------------------------------------------------------
class SiteRouter:
    """Host -> the site spider whose ``allowed_domains`` hold it (subdomains included)."""

    def __init__(self, spider_classes: dict[str, type]):
        self.spider_classes = spider_classes
        self._domains = sorted(((d.lower().lstrip("."), name) for name, cls in spider_classes.items()
                                for d in getattr(cls, "allowed_domains", None) or ()),
                               key=lambda pair: -len(pair[0]))

    def spider_for(self, url: str) -> str | None:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return None
        for domain, name in self._domains:
            if host == domain or host.endswith("." + domain):
                return name
        return None


def plan(index: WarcIndex, router: SiteRouter, spider, counts: Counter) -> list[Capture]:
    """The article captures to parse -- for each recorded URL the capture a replay serves for it --
    in capture order; every other capture counted by why. ``spider(name)`` is the site spider
    whose rules decide. An article recorded under several URLs (session ids, tracking queries)
    is read at each, in order, as the runs that recorded them read it: the pipelines keep the
    first of the same text (a duplicate URL) and let a changed text update the article."""
    out: list[Capture] = []
    for url, slots in index.exact.items():
        counts["records"] += 1
        name = router.spider_for(url)
        if name is None:
            counts["skipped/offsite"] += 1
            continue
        site = spider(name)
        if not site.is_article_url(url):
            counts["skipped/not_article"] += 1
            continue
        # what a crawl's article request asks the replay for (spiders.base: render meta)
        rendered = site.settings.getbool("RENDER_JS") or bool(site.render_js)
        entry = slots.get(rendered) or slots.get(not rendered)
        if entry.location:
            counts["skipped/redirect"] += 1  # its target is a capture of its own
            continue
        if not 200 <= entry.status < 300:
            counts[f"bad_record/http_{entry.status}"] += 1
            logger.info("recorded with status %d, skipped: %s", entry.status, url)
            continue
        retry = slots.get(True) if not rendered else None
        out.append(Capture(entry.seq, name, url, entry, retry if retry is not entry else None,
                           f"{url}\t{entry.loc.offset}\t{entry.seq}"))
    return sorted(out, key=lambda c: c.seq)


class Journal:
    """``JOBDIR/reparse.journal``: one line per capture whose pipelines ran -- its key, and the
    canonical URL and fingerprint of its item as archived (empty when it gave none to archive)."""

    def __init__(self, directory: str | None):
        self.path = Path(directory) / JOURNAL_NAME if directory else None
        self.done: dict[str, list[tuple[str, str]]] = {}
        self._fh = None
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            truncate_partial_line(self.path)  # a line cut by a kill: its capture is parsed again
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    url, offset, seq, items = line.split("\t", 3)
                    self.done[f"{url}\t{offset}\t{seq}"] = [tuple(pair) for pair in json.loads(items)]
                except ValueError:
                    logger.warning("%s: unreadable line skipped: %r", self.path, line[:200])
        self._fh = open(self.path, "a", encoding="utf-8")

    def record(self, capture: Capture, archived: list[tuple[str, str]]) -> None:
        if self._fh is not None:
            self._fh.write(f"{capture.key}\t{json.dumps(archived)}\n")
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            try:
                self.path.parent.rmdir()
            except OSError:
                pass  # not empty (another file someone put there): left as it is


# --- the writer: one crawler per site, the pipelines, the archive -----------------------------
class SiteWriter:
    """A site spider's crawler as a crawl builds it, minus the engine: spider, stats, extensions,
    spider middlewares (the seen-store listens to item signals) and the item pipelines."""

    def __init__(self, spidercls: type, settings, spider_args: dict):
        self.crawler = Crawler(spidercls, settings)
        # the health monitors judge a crawl's discovery and window; a reparse has neither
        self.crawler.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")
        # the writer awaits each item's pipelines before the next (capture order): a writer thread
        # would only add a hand-off per write here (measured: ~15 % more writing time), no overlap
        self.crawler.settings.set("ARCHIVE_WRITER_THREAD", False, priority="cmdline")
        self.crawler.spider = self.crawler._create_spider(**spider_args)
        self.crawler.spider.reparsing = True
        self.crawler._apply_settings()
        self.spider = self.crawler.spider
        self.stats = self.crawler.stats
        self.scraper = Scraper(self.crawler)

    async def open(self) -> None:
        await self.scraper.open_spider_async()
        self.stats.open_spider()
        await self.crawler.signals.send_catch_log_async(signals.spider_opened, spider=self.spider)

    async def write(self, parsed) -> list[tuple[str, str]]:
        """The capture's archive writes and items, as the crawl's scraper handles them; returns
        (canonical URL, fingerprint) of the items that reached the end of the pipelines."""
        for method, args in parsed.writes:
            getattr(self.spider.archive, method)(*args)
        done = []
        for item, story_signals in zip(parsed.items, parsed.story_signals):
            # the story graph's costly text signals, computed by the parsing process: used when the
            # pipelines left the text as the parser gave it (crawler.stories.signals.PRECOMPUTED)
            key = offer_signals(item, story_signals)
            before = self.stats.get_value("item_scraped_count", 0)
            try:
                await self.scraper.start_itemproc_async(item, response=None)
            finally:
                unused = withdraw_signals(key)
            self.stats.inc_value("reparse/story_signals/" + ("unused" if unused else "precomputed"))
            if self.stats.get_value("item_scraped_count", 0) > before:
                done.append((item.get("canonical_url"), item.get("fingerprint")))
        return done

    async def close(self, reason: str) -> None:
        await self.scraper.close_spider_async()
        await self.crawler.signals.send_catch_log_async(signals.spider_closed, spider=self.spider, reason=reason)
        self.stats.close_spider(reason=reason)


class Progress:
    """A plain line on stderr every ``interval`` seconds: records read, items parsed, archived,
    dropped, and the rate (0 turns it off)."""

    def __init__(self, interval: float, total: int, stream=None):
        self.interval, self.total, self.stream = interval, total, stream or sys.stderr
        self.started = self.last = time.monotonic()

    def line(self, done: int, parsed: int, archived: int, dropped: int) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"reparse: {done}/{self.total} records read, {parsed} items parsed, {archived} archived, "
                f"{dropped} dropped, {done / elapsed:.1f} records/s")

    def tick(self, *counts, force: bool = False) -> None:
        now = time.monotonic()
        if self.interval > 0 and (force or now - self.last >= self.interval):
            self.last = now
            print(self.line(*counts), file=self.stream, flush=True)


# --- the run ----------------------------------------------------------------------------------
class Reparse:
    """One reparse of ``paths`` (WARC files or folders) with ``workers`` parsing processes."""

    def __init__(self, settings, spider_classes: dict[str, type], paths: list[Path], *, workers: int = 1,
                 spider_args: dict | None = None, output: str | None = None, overwrite: bool = False):
        self.settings = settings.copy()
        # the responses come from these recordings, as in a replay: a render retry is answered from them
        self.settings.set("REPLAY_WARC", ",".join(str(p) for p in paths), priority="cmdline")
        # no engine, no downloader: the pipelines run in an asyncio loop of this process (asyncio.run)
        self.settings.set("TWISTED_REACTOR_ENABLED", False, priority="cmdline")
        self.settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")  # it throttles a downloader
        self.spider_classes = spider_classes
        self.paths = paths
        self.workers = max(1, workers)
        self.spider_args = dict(spider_args or {})
        self.output, self.overwrite = output, overwrite
        self.counts: Counter = Counter()
        self.writers: dict[str, SiteWriter] = {}
        self.bad_files: list[tuple[Path, str]] = []
        self.timings: Counter = Counter()

    def run(self) -> int:
        """Reparse everything; the exit status (1: a WARC file could not be read to its end)."""
        started = time.monotonic()
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before, children_before = own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime
        index = WarcIndex.build(self.paths)
        try:
            self.bad_files = list(index.bad_files)
            self.counts["bad_warc_files"] = len(self.bad_files)
            self.counts["revisits_unresolved"] = index.revisits_unresolved
            # planning needs only the site spiders' own rules (is_article_url, RENDER_JS): a worker's
            # spiders, which have no archive and load no extensions; with --workers 1 they parse too
            parser = Parser(self.settings, self.spider_classes, self.spider_args, capture_logs=False)
            captures = plan(index, SiteRouter(self.spider_classes), parser.spider, self.counts)
            self.timings["index"] = time.monotonic() - started
            jobdir = self.settings.get("JOBDIR")
            journal = Journal(jobdir or default_journal_dir(self.settings, self.paths))
            completed = False
            try:
                # forked before the writers exist (no archive connection, no event loop to inherit), so
                # the workers parse while this process builds them: loading the extensions, opening
                # the archive
                pool = self._pool() if self.workers > 1 and captures else None
                dispatcher = Dispatcher(parser, pool, self.workers - 1, chunk_size=self.settings.getint("REPARSE_CHUNK_SIZE", 16),
                                        timings=self.timings)
                try:
                    if not journal.done:  # nothing to skip: the workers start while the writers get ready
                        dispatcher.feed(captures)
                    began = time.monotonic()
                    self.writers = {name: SiteWriter(self.spider_classes[name], self.settings, self.spider_args)
                                    for name in dict.fromkeys(c.spider for c in captures)}
                    self.timings["writers"] = time.monotonic() - began
                    asyncio.run(self._write_all(captures, journal, dispatcher))
                except BaseException:
                    if pool is not None:
                        pool.terminate()
                    raise
                finally:
                    if pool is not None:
                        pool.close()
                        pool.join()
                completed = True
            finally:
                journal.close()
                if completed and not jobdir:
                    journal.remove()  # every capture went through: the next reparse reads all again
        finally:
            index.close()
        self.timings["total"] = time.monotonic() - started
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        self.timings["writer_cpu"] = own.ru_utime + own.ru_stime - cpu_before
        self.timings["workers_cpu"] = children.ru_utime + children.ru_stime - children_before
        return 1 if self.bad_files else 0

    def _pool(self):
        """Forked before any archive connection or event loop exists in this process (spawned where
        fork is unavailable): the workers start with the project already imported."""
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        # what exists now (the project, the index, the plan) lives as long as the run: out of the
        # collector's sight, a forked worker's collections do not touch -- and so copy -- those pages
        gc.freeze()
        return context.Pool(self.workers - 1, initializer=init_worker,
                            initargs=(self.settings, self.spider_classes, self.spider_args))

    async def _write_all(self, captures: list[Capture], journal: Journal, dispatcher: Dispatcher) -> None:
        for writer in self.writers.values():
            await writer.open()
        exporter = self._exporter()
        todo = self._skip_journalled(captures, journal)
        progress = Progress(self.settings.getfloat("REPARSE_PROGRESS_INTERVAL", 1.0), len(captures))
        reason = "finished"
        try:
            if not dispatcher.fed:
                dispatcher.feed(todo)
            done = len(captures) - len(todo)
            for chunk in dispatcher.results():
                began = time.monotonic()
                await self._write_chunk(chunk, journal, exporter)
                self.timings["writing"] += time.monotonic() - began
                done += len(chunk.parsed)
                progress.tick(done, *self._progress_counts())
            progress.tick(done, *self._progress_counts(), force=True)
        except BaseException:
            reason = "shutdown"
            raise
        finally:
            if exporter is not None:
                exporter[0].finish_exporting()
                exporter[1].close()
            for writer in self.writers.values():
                await writer.close(reason)

    def _skip_journalled(self, captures: list[Capture], journal: Journal) -> list[Capture]:
        """The captures a resumed run still has to parse: a journalled one is skipped when the
        archive still holds each of its items with the journalled fingerprint."""
        if not journal.done:
            return captures
        todo = []
        for capture in captures:
            archived = journal.done.get(capture.key)
            if archived is not None:
                archive = self.writers[capture.spider].spider.archive
                if all(archive.lookup(url, fp) is not None for url, fp in archived):
                    self.counts["skipped/journalled"] += 1
                    continue
            todo.append(capture)
        if self.counts["skipped/journalled"]:
            logger.info("resuming: %d capture(s) done by an earlier run of this job skipped", self.counts["skipped/journalled"])
        return todo

    async def _write_chunk(self, chunk: ChunkResult, journal: Journal, exporter) -> None:
        replay_logs(chunk.logs)
        for name, stats in chunk.stats.items():
            target = self.writers[name].stats
            for key, value in stats.items():
                target.inc_value(key, value)
        for parsed in chunk.parsed:
            self.counts[f"parsed/{parsed.outcome}"] += 1
            self.counts["items_parsed"] += len(parsed.items)
            done = await self.writers[parsed.capture.spider].write(parsed)
            if exporter is not None:
                for item in parsed.items:
                    if (item.get("canonical_url"), item.get("fingerprint")) in done:
                        exporter[0].export_item(item)
            journal.record(parsed.capture, done)

    def _exporter(self):
        if not self.output:
            return None
        fh = open(self.output, "wb" if self.overwrite else "ab")
        exporter = JsonLinesItemExporter(fh, encoding=self.settings.get("FEED_EXPORT_ENCODING") or "utf-8")
        exporter.start_exporting()
        return exporter, fh

    def _progress_counts(self) -> tuple[int, int, int]:
        archived = dropped = 0
        for writer in self.writers.values():
            archived += writer.stats.get_value("pipeline/archive/written", 0)
            dropped += writer.stats.get_value("item_dropped_count", 0)
        return self.counts["items_parsed"], archived, dropped

    def summary(self) -> dict:
        """Counts of the whole run, per site and in total, for the command's last lines."""
        out = {"records": dict(sorted(self.counts.items())), "sites": {}}
        for name, writer in self.writers.items():
            stats = writer.stats.get_stats()
            out["sites"][name] = {k: v for k, v in sorted(stats.items())
                                  if k.startswith(("item_", "pipeline/archive", "pipeline/dedup", "parse/", "reparse/"))
                                  and isinstance(v, int)}
        out["seconds"] = {k: round(v, 2) for k, v in self.timings.items()}
        return out

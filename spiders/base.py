"""What the four site spiders share: arguments, article requests, error accounting, day counts.

A site spider declares its knowledge (start URLs, how to recognize an article URL, its
page object) and writes its discovery callbacks; this base turns article URLs into
requests, runs the page object, tags scope, and accounts for every failure in the stats.

Spider arguments (``-a``):

* ``since=YYYY-MM-DD`` / ``until=YYYY-MM-DD`` -- a backfill of that date range: discovery
  is driven by the range and only in-range articles are kept. Without them the run is
  incremental (a catch-up): its window starts where the site's coverage ledger ends (the
  archive's ``coverage`` table; ``INCREMENTAL_DEFAULT_DAYS`` back from today when nothing is
  covered yet), discovery reaches back to that day through the site's dated discovery, and
  only what the seen-store (``crawler.storage.seen``) has not seen is fetched.

A run that finishes having reached its whole window records it in the ledger; one that
could not (a request failed, a page cap, a missing sitemap) says so in a warning and the
``coverage/unreached`` stat, and records nothing, so the next run starts from the same day.
* ``scope=fa|all`` -- keep only foreign-affairs articles from general-news sites (default
  ``fa``), or everything.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import scrapy
from charset_normalizer import from_bytes
from lxml import etree
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from crawler.extraction.dates import VN_TZ, parse_date
from crawler.extraction.layers import safe_urljoin
from crawler.extraction.page import PROVENANCE_FIELDS, HtmlArticle, NotAnArticle, ParseError
from crawler.extraction.topic import Tagger
from crawler.fetching.feeds import feed_entries
from crawler.ops.parse_pool import ParsePool
from crawler.storage.archive import Archive, open_archive
from spiders.arguments import SpiderArgumentError, check_argument_names, parse_day_argument


class SiteSpider(scrapy.Spider):
    #: one of crawler.items.SITES
    site: str = ""
    #: the page object that turns an article response into an ArticleItem
    article_page: type[HtmlArticle] = HtmlArticle
    #: matches the URLs of article pages (anything else is discovery or noise)
    article_url_re: re.Pattern = re.compile(r"$^")
    #: True when the whole source is foreign-affairs news (no scope filtering needed)
    foreign_affairs_source: bool = False
    #: CSS selector that is present once an article page has rendered (for the browser)
    wait_selector: str | None = None
    #: per-site default for rendering article pages through scrapy-playwright
    render_js: bool = False

    custom_settings: dict = {}
    #: the ``-a`` arguments the spider takes, name -> what it means; any other name is refused
    arguments: dict[str, str] = {
        "since": "first day of a backfill, YYYY-MM-DD",
        "until": "last day of a backfill, YYYY-MM-DD (default today)",
        "scope": "fa (foreign affairs only, default) or all",
    }
    #: the year the site began publishing online (rules.py, inferred): a range starting before it is warned about
    first_year: int | None = None
    #: discovery's dates are publication dates (listing cards, feed pubDates), not last changes (sitemap
    #: lastmods): a page date far from them is a warning sign (crawler.ops.monitors, ``dates``)
    discovery_dates_are_publication: bool = False
    #: share of the scraped items that must have each field (``time``: a date with its time); from rules.py
    field_coverage: dict[str, float] = {}
    #: ``scrapy reparse`` (crawler.ops.reparse): items re-derived from recorded responses, with no
    #: discovery and no window -- so the run records no coverage and no per-day counts
    reparsing: bool = False

    def __init__(self, since: str | None = None, until: str | None = None, scope: str = "fa",
                 rescope_urls=None, **kwargs):
        check_argument_names(self.name, kwargs, self.arguments)
        super().__init__(**kwargs)
        self.since_date = parse_day_argument(since, "since")
        self.until_date = parse_day_argument(until, "until")
        self.backfill = bool(self.since_date or self.until_date)
        #: ``scrapy rescope``: fetch these recorded off-topic drops again, no discovery
        self.rescope_urls = list(rescope_urls or [])
        #: why this run did not reach its whole window (empty: it did)
        self.coverage_gaps: list[str] = []
        if self.backfill:
            self.until_date = self.until_date or datetime.now(VN_TZ).date()
            self.since_date = self.since_date or self.until_date - timedelta(days=30)
            if self.since_date > self.until_date:
                raise SpiderArgumentError(f"-a since={self.since_date} is after until={self.until_date}")
        if scope not in ("fa", "all"):
            raise SpiderArgumentError(f"-a scope={scope!r}: expected 'fa' or 'all'")
        self.scope = scope
        self.day_counts: Counter[str] = Counter()
        self._queued: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.tagger = Tagger.from_settings(crawler.settings)
        #: the ``-a`` arguments as given, for the runs table (crawler.ops.monitors)
        spider.run_arguments = {k: v for k, v in kwargs.items() if k != "rescope_urls"}
        crawler.signals.connect(spider._count_day, signal=signals.item_scraped)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    def range_before_site(self) -> str | None:
        """Why a backfill's range starts before the site existed (None when it does not)."""
        if self.backfill and self.first_year and self.since_date and self.since_date.year < self.first_year:
            return (f"-a since={self.since_date} is before {self.site} existed (first publication ~{self.first_year}, "
                    f"inferred): the days before it will be empty")
        return None

    def warn_before_first_year(self) -> None:
        reason = self.range_before_site()
        if reason:
            self.logger.warning(reason)
            self.crawler.stats.set_value("arguments/since_before_site_existed", self.first_year)

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # the health monitors judge site crawls (crawler.ops.monitors); -s SPIDERMON_ENABLED=False turns them off
        settings.set("SPIDERMON_ENABLED", True, priority="spider")
        settings.set("SPIDERMON_SPIDER_CLOSE_MONITORS", ["crawler.ops.monitors.SiteHealthSuite"], priority="spider")
        try:
            from crawler.fetching.render import apply_render_settings
        except ImportError:  # rendering support not installed
            return
        apply_render_settings(settings, settings.getbool("RENDER_JS") or cls.render_js)

    async def start(self):
        """The site's discovery (:meth:`discover`), or, for ``scrapy rescope``, only the recorded
        off-topic drops that the current tagger calls foreign affairs."""
        if self.rescope_urls:
            for request in self.rescope_requests():
                yield request
            return
        self.warn_before_first_year()
        if not self.backfill:
            self._catch_up_window()
        async for request in self.discover():
            yield request

    async def discover(self):
        """Entry points of the site's discovery: sitemaps, feeds, listings (each site's own)."""
        return
        yield

    # --- range helpers ----------------------------------------------------------------
    def _catch_up_window(self) -> None:
        """An incremental run's window: from the last covered day of the site (inclusive: that
        day may have gone on after the run that covered it) up to today."""
        today = self.today()
        end = self.archive.coverage_end(self.site)
        if end is None:
            days = self.settings.getint("INCREMENTAL_DEFAULT_DAYS", 7)
            self.since_date, origin = today - timedelta(days=max(0, days)), f"no coverage yet: the last {days} days"
        else:
            self.since_date, origin = min(end, today), f"coverage ends {end}"
        self.until_date = today
        self.crawler.stats.set_value("coverage/window", f"{self.since_date}..{self.until_date}")
        self.logger.info("incremental run of %s from %s to %s (%s)", self.site, self.since_date, self.until_date, origin)

    def today(self) -> date:
        """Today in Hanoi; ``-s TODAY=YYYY-MM-DD`` pins it, so a recording replays as on the day it was made."""
        pinned = self.settings.get("TODAY")
        return date.fromisoformat(str(pinned)) if pinned else datetime.now(VN_TZ).date()

    def uses_seen_store(self) -> bool:
        """Incremental runs, and backfills resumed with ``JOBDIR``, skip what the seen-store holds."""
        return not self.backfill or bool(self.settings.get("JOBDIR"))

    def will_skip(self, url: str) -> bool:
        """The seen-store will drop this article's request (see crawler.storage.seen)."""
        return self.uses_seen_store() and self.already_seen(url)

    def archived_day(self, url: str) -> date | None:
        """The publication day of an archived article: what a skipped article tells discovery."""
        return self.archive.published_day(self.article_page.canonicalize(url))

    def in_range(self, day: date | None) -> bool:
        """True when ``day`` is inside the run's window: the backfill's range, or an incremental
        run's catch-up window (open-ended after today: a card dated ahead of Hanoi's clock is new)."""
        if day is None or self.since_date is None:
            return True
        if day < self.since_date:
            return False
        return not self.backfill or day <= self.until_date

    def coverage_gap(self, reason: str, detail: str = "") -> None:
        """This run cannot vouch for its whole window: logged, counted, and no ledger entry."""
        if reason not in self.coverage_gaps:
            self.coverage_gaps.append(reason)
            self.logger.warning("coverage of %s..%s will not be recorded: %s%s", self.since_date, self.until_date,
                                reason, f" ({detail})" if detail else "")
        self.crawler.stats.inc_value(f"coverage/unreached/{reason}")

    def range_days(self) -> list[date]:
        if self.since_date is None or self.until_date is None:
            return []
        n = (self.until_date - self.since_date).days
        return [self.since_date + timedelta(days=i) for i in range(n + 1)]

    def day_of(self, raw: str | None, language: str = "vi") -> date | None:
        """Publication day of a listing/sitemap/feed date string (None when unreadable, never raises)."""
        if not isinstance(raw, str) or not raw or len(raw) > 200:
            return None
        try:
            parsed = parse_date(raw, language)
        except Exception:  # dateparser on hostile input
            return None
        return parsed.day if parsed else None

    # --- discovery bookkeeping ----------------------------------------------------------
    def count(self, key: str, n: int = 1) -> None:
        """Count a discovery event in the stats as ``discovery/<spider>/<key>``."""
        self.crawler.stats.inc_value(f"discovery/{self.name}/{key}", n)

    def queue_article(self, url: str, meta: dict | None = None) -> scrapy.Request | None:
        """One request per article per run, whatever page listed it (None when already queued)."""
        key = self.article_page.canonicalize(url)
        if key in self._queued:
            return None
        self._queued.add(key)
        self.count("articles_queued")
        return self.article_request(url, meta=meta)

    def parse_feed(self, response):
        """An RSS/Atom feed: each article link, with its pubDate as the listing date."""
        entries = feed_entries(response.body)
        if not entries:
            self.count("empty_feeds")
        for link, when in entries:
            link = safe_urljoin(response, link)
            if not self.is_article_url(link):
                self.count("skipped_not_article")
                continue
            request = self.feed_request(link, when)
            if request is not None:
                yield request

    def feed_request(self, url: str, raw_date: str | None) -> scrapy.Request | None:
        """The request for an article a feed lists (None: already queued, or not wanted)."""
        return self.queue_article(url, meta={"listing_date": raw_date} if raw_date else None)

    def sitemap_body(self, response) -> bytes | None:
        """The XML of a sitemap response: gunzipped within DOWNLOAD_MAXSIZE when it is a .gz
        (checked first: a .gz may come typed as XML), as is when it is XML (as SitemapSpider does)."""
        if gzip_magic_number(response):
            max_size = response.meta.get("download_maxsize",
                                         getattr(self, "download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE")))
            try:
                return gunzip(response.body, max_size=max_size)
            except (ValueError, OSError, EOFError) as exc:  # too big once inflated, or a broken gzip
                self.logger.warning("cannot gunzip sitemap %s: %r", response.url, exc)
                return None
        if isinstance(response, XmlResponse) or response.url.split("?", 1)[0].endswith((".xml", ".xml.gz")) \
                or response.body.lstrip()[:1] == b"<":
            return response.body
        return None

    def read_sitemap(self, response) -> tuple[str | None, list[dict]]:
        """(``sitemapindex`` | ``urlset``, entries) with Scrapy's Sitemap (entities never resolved)."""
        body = self.sitemap_body(response)
        if not body:
            self.count("invalid_sitemaps")
            self.logger.warning("not a sitemap: %s", response.url)
            return None, []
        try:
            sitemap = Sitemap(body)
            return sitemap.type, list(sitemap)
        except (etree.XMLSyntaxError, StopIteration, ValueError) as exc:
            self.count("invalid_sitemaps")
            self.logger.warning("unreadable sitemap %s: %r", response.url, exc)
            return None, []

    # --- seen-store (incremental runs) ------------------------------------------------
    @property
    def archive(self) -> Archive:
        return Archive.for_crawler(self.crawler)

    def already_seen(self, url: str) -> bool:
        """An article this project fetched and handled in an earlier run."""
        return self.archive.is_seen(self.article_page.canonicalize(url))

    # --- requests -----------------------------------------------------------------------
    def is_article_url(self, url: str) -> bool:
        return bool(self.article_url_re.search(url))

    def article_request(self, url: str, *, meta: dict | None = None, priority: int = 10) -> scrapy.Request:
        """A request for an article page; ``meta`` may carry ``sitemap_date``/``listing_date``."""
        meta = dict(meta or {})
        meta["article"] = True
        if self.settings.getbool("RENDER_JS") or self.render_js:
            from crawler.fetching.render import render_meta

            meta.update(render_meta(self.wait_selector))
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta, priority=priority)

    def discovery_request(self, url: str, callback, *, meta: dict | None = None, priority: int = 0) -> scrapy.Request:
        """A listing/sitemap/feed request. ``dont_filter`` so a resumed job re-reads its discovery pages."""
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=dict(meta or {}),
                              priority=priority, dont_filter=True)

    def parse_article(self, response):
        """An article response, parsed here -- or by a worker of the crawl's parse pool (crawler.ops.parse_pool)."""
        pool = ParsePool.of(self.crawler)
        pooled = pool.take(response) if pool is not None else None
        yield from self.parse_article_page(response) if pooled is None else pool.replay(self, response, pooled)

    def parse_article_page(self, response):
        """The page object on an article response (in a parse pool's worker too): item, retry or seen."""
        stats = self.crawler.stats
        stats.inc_value("articles/responses")
        response = self._repair_encoding(response)
        try:
            page = self.article_page(response)
            item = page.to_item()
        except NotAnArticle as exc:
            stats.inc_value(f"parse/not_article/{self.name}")
            self.logger.info("not an article, marked seen: %s (%s)", response.url, exc)
            self.archive.mark_seen(self.article_page.canonicalize(response.url), self.site)
            return
        except ParseError as exc:
            retry = self._browser_retry(response)
            if retry is not None:
                stats.inc_value("render/fallback_requests")
                yield retry
                return
            stats.inc_value(f"parse/error/{self.name}")
            self.logger.error("cannot parse article %s: %s", response.url, exc)
            return
        except Exception as exc:  # a page the parser chokes on must not stop the crawl
            stats.inc_value(f"parse/crash/{self.name}")
            self.logger.exception("parser failed on %s: %r", response.url, exc)
            return
        for field in page.field_errors:  # a field that failed was left empty; the article goes on
            stats.inc_value(f"parse/field_error/{self.name}/{field}")
        for field in PROVENANCE_FIELDS:  # which layer produced each field (a drifting layout shows here)
            stats.inc_value(f"extract/{self.name}/{field}/{item.provenance.get(field, 'none')}")
        item["discovery_date"] = response.meta.get("listing_date") or response.meta.get("sitemap_date")
        item["fetched_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        # True, False, or None (unsure: archived and flagged, never dropped -- pipelines.scope)
        item["foreign_affairs"] = True if self.foreign_affairs_source else self.tagger.judge(
            item.get("title"), item.get("lead"), item.get("body"), item.get("language"), url=item.get("url"))
        stats.inc_value(f"parse/ok/{self.name}")
        yield item

    def _browser_retry(self, response):
        if response.meta.get("rendered_retry") or response.meta.get("playwright"):
            return None
        try:
            from crawler.fetching.render import browser_retry
        except ImportError:
            return None
        return browser_retry(response.request, self.wait_selector, self.settings)

    def _repair_encoding(self, response):
        """A page its declared charset cannot decode (a lying header or ``<meta charset>``,
        e.g. Windows-1258 bytes declared UTF-8) is decoded as the bytes say; counted."""
        if not isinstance(response, TextResponse) or "\ufffd" not in response.text:
            return response
        try:
            response.body.decode(response.encoding)
            return response  # the page really contains U+FFFD
        except (UnicodeDecodeError, LookupError):
            pass
        guess = from_bytes(response.body).best()
        if guess is None or guess.encoding == response.encoding:
            self.crawler.stats.inc_value(f"parse/encoding/undecodable/{self.name}")
            return response
        self.crawler.stats.inc_value(f"parse/encoding/repaired/{self.name}")
        self.logger.warning("%s declares %s but is %s", response.url, response.encoding, guess.encoding)
        return response.replace(encoding=guess.encoding)

    def on_error(self, failure, recovered: bool = False):
        """Every failed request is logged and counted by kind; the crawl goes on. Unless the
        caller ``recovered`` its purpose another way, the window is then not wholly reached."""
        request = failure.request
        message = str(failure.value)
        if failure.check(HttpError):
            status = failure.value.response.status
            kind = f"http_{status}"
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            kind = "timeout"
        elif failure.check(DNSLookupError, CannotResolveHostError):
            kind = "dns"
        elif failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
            kind = "connection_refused"
        elif failure.check(DownloadCancelledError) or (failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in message):
            # over DOWNLOAD_MAXSIZE: announced or received (the handler's only cancellation
            # besides timeouts), or while decompressing (HttpCompressionMiddleware)
            kind = "too_large"
        elif failure.check(IgnoreRequest) and "max redirections" in message:
            kind = "too_many_redirects"
        elif failure.check(IgnoreRequest) and "robots.txt" in message:
            kind = "robots_forbidden"
        else:
            kind = type(failure.value).__name__
        what = "article" if request.meta.get("article") else "discovery"
        self.crawler.stats.inc_value(f"errors/{what}/{kind}")
        self.logger.warning("failed %s request %s: %s", what, request.url, kind)
        if not recovered and not (what == "article" and kind in ("http_404", "http_410", "robots_forbidden")):
            # a gone or forbidden article stays so; anything else may hide articles of the window
            self.coverage_gap(f"{what}_failed", f"{request.url}: {kind}")

    def _dropped(self, request, spider=None):
        """A redirect back to a URL of its own chain is dropped by the dupefilter: count the loop."""
        if request.url in request.meta.get("redirect_urls", ()):
            what = "article" if request.meta.get("article") else "discovery"
            self.crawler.stats.inc_value(f"errors/{what}/redirect_loop")
            self.logger.warning("failed %s request %s: redirect_loop", what, request.meta["redirect_urls"][0])

    # --- per-day counts -------------------------------------------------------------------
    def _count_day(self, item, response=None, spider=None):
        published = item.get("published_at") if hasattr(item, "get") else None
        self.day_counts[(published or "undated")[:10]] += 1

    def closed(self, reason):
        if self.rescope_urls or self.reparsing:
            return
        try:
            archive = open_archive(self.settings)
        except Exception as exc:  # reporting must not turn a good crawl into a failure
            self.logger.error("could not open the archive to record the run: %r", exc)
            return
        try:
            if self.backfill:
                self._report_day_counts(archive)
            self._record_coverage(archive, reason)
        except Exception as exc:
            self.logger.error("could not record the run's coverage: %r", exc)
        finally:
            archive.close()

    def _record_coverage(self, archive: Archive, reason: str) -> None:
        window = f"{self.since_date}..{self.until_date}"
        if reason != "finished":
            self.coverage_gap(f"finish_reason_{reason}")
        if self.coverage_gaps:
            self.logger.warning("%s %s not recorded as covered: %s", self.site, window, ", ".join(self.coverage_gaps))
            return
        kind = "backfill" if self.backfill else "incremental"
        run_id = getattr(Archive._by_crawler.get(self.crawler), "run_id", None) or archive.run_id
        archive.record_coverage(self.site, self.since_date, self.until_date, run_id, kind)
        self.crawler.stats.set_value("coverage/recorded", window)
        self.logger.info("%s %s recorded as covered (%s)", self.site, window, kind)

    def _report_day_counts(self, archive: Archive) -> None:
        counts = {day.isoformat(): self.day_counts.get(day.isoformat(), 0) for day in self.range_days()}
        empty = [d for d, n in counts.items() if n == 0]
        self.logger.info("per-day counts %s..%s: %s", self.since_date, self.until_date,
                         ", ".join(f"{d}={n}" for d, n in counts.items()))
        if empty:
            self.logger.info("days with no article in range (%d): %s", len(empty), ", ".join(empty))
        self.crawler.stats.set_value("backfill/days_without_articles", len(empty))
        archive.record_day_counts(f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}", self.name, counts)

    # --- scrapy rescope: recorded off-topic drops, fetched again ---------------------------
    def rescope_requests(self):
        """Requests for ``rescope_urls`` (rows of ``Archive.scope_drops``), instead of discovery."""
        yield from self.rescope_requests_for(self.rescope_urls)

    def rescope_requests_for(self, rows):
        for row in rows:
            self.count("rescope_queued")
            yield self.article_request(row["url"], meta={"rescope": True})


__all__ = ["SiteSpider", "NotConfigured"]

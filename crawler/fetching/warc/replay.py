"""Offline replay: every http(s) request answered from ``REPLAY_WARC`` (see crawler.fetching.warc.record)."""
from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from crawler.fetching.warc.index import WarcIndex, replay_paths

logger = logging.getLogger(__name__)

#: schemes that are not the network; replay lets them through
_LOCAL_SCHEMES = ("file", "data")


def headers_from_pairs(pairs) -> Headers:
    """Scrapy ``Headers`` from (name, value) pairs, a repeated name kept as several values
    (``Headers(pairs)`` would keep only the last ``Set-Cookie``)."""
    headers = Headers()
    for name, value in pairs:
        headers.appendlist(name, value)
    return headers


def replayed_response(url: str, status: int, pairs, body: bytes, protocol: str | None, request):
    """A recorded capture as the response a crawl would have got: the class Scrapy picks from its
    headers and body, flagged ``replay`` (the recorder skips it). Also ``scrapy reparse``'s."""
    headers = headers_from_pairs(pairs)
    respcls = responsetypes.from_args(headers=headers, url=url, body=body)
    return respcls(url=url, status=status, headers=headers, body=body, request=request, flags=["replay"],
                   protocol=protocol)


class WarcReplayMiddleware:
    """Answer every http(s) request from ``REPLAY_WARC``; a 404 (``replay-miss``) for the rest.

    Place it after OffsiteMiddleware (50) and RobotsTxtMiddleware (100), so a replay takes
    the same offsite and robots.txt decisions as the live crawl, and before everything that
    would rewrite or answer a request (a mirror middleware, the HTTP cache): e.g. 120. The
    robots.txt fetch goes through it too (a miss is a 404: allow all). Responses it returns
    still go through every ``process_response``, so recorded 3xx are followed by
    RedirectMiddleware and cookies are kept.
    """

    #: what the recorder checks for, so that a replay never fetches the live sites
    answers_from_warc = True

    def __init__(self, crawler, paths: list[Path]):
        self.crawler = crawler
        self.stats = crawler.stats
        self.paths = paths
        self.index: WarcIndex | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        value = crawler.settings.get("REPLAY_WARC")
        if not value:
            raise NotConfigured  # a live crawl; no message, or Scrapy warns on every crawl
        return cls(crawler, replay_paths(value))

    def spider_opened(self, spider=None):
        self._ensure_index()

    def spider_closed(self, spider=None, reason=None):
        if self.index is not None:
            self.index.close()

    def _ensure_index(self) -> WarcIndex:
        if self.index is None:
            if not self.paths:
                logger.error("REPLAY_WARC=%r names no WARC file: every request will be a miss",
                             self.crawler.settings.get("REPLAY_WARC"))
            self.index = WarcIndex.build(self.paths)
            self.stats.set_value("warc/replay/files", len(self.index.files))
            self.stats.set_value("warc/replay/indexed_urls", len(self.index.exact))
            if self.index.bad_files:
                self.stats.inc_value("warc/replay/bad_file", len(self.index.bad_files))
            if self.index.revisits_unresolved:
                self.stats.inc_value("warc/replay/revisit_unresolved", self.index.revisits_unresolved)
            logger.info("replaying from %d WARC file(s): %d URL(s) indexed", len(self.index.files),
                        len(self.index.exact))
        return self.index

    def process_request(self, request):
        if request.url.split(":", 1)[0].lower() in _LOCAL_SCHEMES:
            return None
        index = self._ensure_index()
        rendered = bool(request.meta.get("playwright"))
        entry = None
        # request.url first: a mirror middleware (950) rewrites it only after this point, and a
        # redirected request carries the previous hop's original_url in its copied meta
        for url in dict.fromkeys(filter(None, (request.url, request.meta.get("original_url")))):
            entry = index.lookup(url, rendered)
            if entry is not None:
                break
        if entry is None:
            return self._miss(request)
        try:
            status, pairs, body, protocol = index.read(entry)
        except Exception as exc:
            self.stats.inc_value("warc/replay/read_error")
            logger.error("cannot read the capture of %s from %s: %r", request.url, entry.loc.path, exc)
            return self._miss(request)
        self.stats.inc_value("warc/replay/hit")
        return replayed_response(request.url, status, pairs, body, protocol, request)

    def _miss(self, request):
        self.stats.inc_value("warc/replay/miss")
        logger.debug("not in the WARC recordings: %s", request.url)
        return HtmlResponse(url=request.url, status=404, headers={"Content-Type": "text/html; charset=utf-8"},
                            body=b"", request=request, flags=["replay-miss"])



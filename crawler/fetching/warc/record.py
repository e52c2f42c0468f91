"""WARC recording of live crawls and offline replay from WARC files, through warcio.

Why: a WARC is the archivist's copy of what the sites served, and it lets a crawl be
replayed later -- to test a parser change on real pages, to benchmark, or to rebuild the
archive -- without touching the sites again.

Recording (``ARCHIVE_WARC``, on by default; off while replaying):

* :class:`WarcRecorderMiddleware` sits below ``HttpCompressionMiddleware`` (590), so its
  ``process_response`` sees the decoded body. It writes a ``request`` + ``response`` record
  pair per response into ``<ARCHIVE_DIR>/warc/<spider>-<UTC time>-<pid>.warc.gz`` (or
  ``WARC_DIR``). The recorded body is the decoded one, so ``Content-Encoding``,
  ``Transfer-Encoding`` and ``Content-Length`` are dropped from the recorded headers and a
  correct ``Content-Length`` is written. The target URI is ``meta['original_url']`` when a
  mirror middleware rewrote the host, else the request URL (without fragment).
* :class:`WarcRedirectRecorderMiddleware` sits above ``RedirectMiddleware`` (600), which
  turns 3xx responses into new requests before anything below it sees them; without it a
  recording would hold the redirect targets but not the redirects, and a replay would
  miss the URLs the spider actually asked for.
* Pages rendered by scrapy-playwright (a DOM snapshot, not what the server sent) are
  recorded as ``response`` records flagged with the WARC field :data:`RENDERED_FIELD`.
  Replay serves them to rendered requests and the raw capture to plain ones.
* Each record is flushed as a complete gzip member, so a killed crawl leaves a WARC that
  is valid up to its last record. Writing never stops the crawl: a failure is logged and
  counted (``warc/errors``); ``warc/records_written`` counts request and response records.

Replay (``-s REPLAY_WARC=FILE_OR_DIR[,...]``):

* :class:`WarcReplayMiddleware` answers every http(s) request from the WARC files, and
  with a 404 flagged ``replay-miss`` for what they lack: nothing reaches the network.
  ``file:`` and ``data:`` requests are local and pass through. Stats:
  ``warc/replay/hit``, ``warc/replay/miss``, ``warc/replay/bad_file`` (a missing,
  truncated or malformed file: logged, indexed as far as it could be read).

:func:`write_warc` builds a WARC from ``(url, status, headers, body)`` tuples, for tests and
benchmarks; :func:`iter_responses` reads one back.

Wiring (``DOWNLOADER_MIDDLEWARES``)::

    "crawler.fetching.warc.replay.WarcReplayMiddleware": 120,            # after Offsite (50) and RobotsTxt (100)
    "crawler.fetching.warc.record.WarcRecorderMiddleware": 585,          # below HttpCompression (590)
    "crawler.fetching.warc.record.WarcRedirectRecorderMiddleware": 650,  # above Redirect (600)

Each disables itself (``NotConfigured``) when not wanted. With ``REPLAY_WARC`` set but the
replay middleware not enabled, the recorder stops the crawl rather than let a "replay"
fetch the live sites.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from http import HTTPStatus
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import IO
from urllib.parse import urldefrag, urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

#: headers that describe the wire encoding, not the recorded (decoded) body
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: WARC extension field set on records of pages rendered by a browser (value: the renderer)
RENDERED_FIELD = "X-Rendered-By"
#: statuses RedirectMiddleware follows when a Location header is present
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _text(value: bytes | str) -> str:
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def header_pairs(headers: Mapping | Sequence | None) -> list[tuple[str, str]]:
    """(name, value) pairs from Scrapy Headers, a dict (values may be lists) or a pair list."""
    if not headers:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    pairs: list[tuple[str, str]] = []
    for name, values in items:
        if isinstance(values, (list, tuple)):
            pairs.extend((_text(name), _text(v)) for v in values)
        else:
            pairs.append((_text(name), _text(values)))
    return pairs


def _body_headers(headers, body_len: int) -> list[tuple[str, str]]:
    """Recorded headers for a decoded body: wire-encoding headers out, the true length in."""
    pairs = [(n, v) for n, v in header_pairs(headers) if n.lower() not in WIRE_HEADERS]
    pairs.append(("Content-Length", str(body_len)))
    return pairs


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def warc_directory(settings) -> Path:
    return Path(settings.get("WARC_DIR") or Path(settings.get("ARCHIVE_DIR", "archive")) / "warc")


def warc_filename(spider_name: str, when: datetime | None = None, pid: int | None = None) -> str:
    when = when or datetime.now(timezone.utc)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in spider_name) or "crawl"
    return f"{safe}-{when:%Y%m%dT%H%M%SZ}-{os.getpid() if pid is None else pid}.warc.gz"


# ============================================================================================
# recording
# ============================================================================================
class _WarcFile:
    """The one WARC file of a crawl, shared by both recorder middlewares; opened on first use.

    Opened lazily so a crawl that records nothing (``scrapy crawl seeds``, file:// only)
    leaves no empty WARC behind.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = warc_directory(crawler.settings)
        self.path: Path | None = None
        self.fh: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.broken = False
        #: set when WarcRedirectRecorderMiddleware records the redirects RedirectMiddleware eats
        self.redirects_recorded_upstream = False
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def for_crawler(cls, crawler) -> _WarcFile:
        warc = getattr(crawler, "_vnfa_warc_file", None)
        if warc is None:
            warc = cls(crawler)
            crawler._vnfa_warc_file = warc
        return warc

    def _open(self) -> WARCWriter:
        spider = self.crawler.spider
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / warc_filename(getattr(spider, "name", None) or "crawl")
        self.fh = open(self.path, "ab")  # append: a same-second restart adds members, never clobbers
        self.writer = WARCWriter(self.fh, gzip=True)
        settings = self.crawler.settings
        info = {
            "software": f"vnfa-crawler (Scrapy {_version('scrapy')}, warcio {_version('warcio')})",
            "format": "WARC File Format 1.0",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/",
            "isPartOf": getattr(spider, "name", None) or "crawl",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
        }
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, info))
        self.stats.set_value("warc/file", str(self.path))
        logger.info("recording WARC to %s", self.path)
        return self.writer

    def record(self, request: Request, response: Response, *, body: bytes | None = None,
               body_headers=None) -> None:
        """Write the request + response pair; log and count a failure, never raise."""
        if self.broken:
            self.stats.inc_value("warc/errors")
            return
        try:
            writer = self.writer or self._open()
        except Exception as exc:
            self.broken = True
            self.stats.inc_value("warc/errors")
            logger.error("cannot open a WARC file in %s, recording is off for this crawl: %r", self.directory, exc)
            return
        start = None
        try:
            start = self.fh.tell()
            self._write_pair(writer, request, response, response.body if body is None else body,
                             response.headers if body_headers is None else body_headers)
        except Exception as exc:
            self.stats.inc_value("warc/errors")
            logger.error("cannot record %s in %s: %r", request.url, self.path, exc, exc_info=True)
            self._cut_back(start)
            return
        self.stats.inc_value("warc/records_written", 2)

    def _cut_back(self, start: int | None) -> None:
        """Drop a half-written pair, so the records after it stay readable (a replay stops at a bad one)."""
        if start is None or self.fh is None:
            return
        try:
            self.fh.flush()
            self.fh.truncate(start)
        except Exception as exc:
            self.broken = True
            logger.error("cannot repair %s after a failed write, recording is off for this crawl: %r", self.path, exc)

    def _write_pair(self, writer: WARCWriter, request: Request, response: Response, body: bytes, headers) -> None:
        uri = urldefrag(request.meta.get("original_url") or request.url)[0]
        warc_headers = {}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        if "playwright" in response.flags or request.meta.get("playwright"):
            warc_headers[RENDERED_FIELD] = "scrapy-playwright"
        protocol = response.protocol or "HTTP/1.1"
        if not protocol.upper().startswith("HTTP/"):
            protocol = "HTTP/1.1"
        http = StatusAndHeaders(f"{response.status} {reason_phrase(response.status)}", _body_headers(headers, len(body)),
                                protocol=protocol)
        resp = writer.create_warc_record(uri, "response", payload=BytesIO(body), length=len(body),
                                         http_headers=http, warc_headers_dict=warc_headers)

        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = header_pairs(request.headers)
        if not any(n.lower() == "host" for n, _ in req_headers):
            req_headers.insert(0, ("Host", parts.netloc))
        req_body = request.body or b""
        if req_body and not any(n.lower() == "content-length" for n, _ in req_headers):
            req_headers.append(("Content-Length", str(len(req_body))))
        req_http = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", req_headers, is_http_request=True)
        req = writer.create_warc_record(uri, "request", payload=BytesIO(req_body), length=len(req_body),
                                        http_headers=req_http)
        writer.write_request_response_pair(req, resp)

    def close(self, spider=None, reason=None) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
                logger.info("closed WARC %s", self.path)
            except Exception as exc:
                self.stats.inc_value("warc/errors")
                logger.error("cannot close WARC %s: %r", self.path, exc)
            self.fh = self.writer = None


def _check_not_replaying(settings) -> None:
    if settings.get("REPLAY_WARC"):
        if not _replay_enabled(settings):
            # without the replay middleware the "replay" would quietly crawl the live sites
            raise ValueError("REPLAY_WARC is set but crawler.fetching.warc.replay.WarcReplayMiddleware is not enabled in "
                             "DOWNLOADER_MIDDLEWARES: refusing to crawl the live sites")
        raise NotConfigured  # no message: Scrapy would log it as a warning on every replay
    if not settings.getbool("ARCHIVE_WARC", True):
        raise NotConfigured


def _replay_enabled(settings) -> bool:
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.misc import load_object

    for component in build_component_list(settings.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")):
        try:
            if getattr(load_object(component), "answers_from_warc", False):  # WarcReplayMiddleware
                return True
        except Exception:
            continue
    return False


class WarcRecorderMiddleware:
    """Record every http(s) response with its request; place it below 590 (see module doc)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.warc = _WarcFile.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        _check_not_replaying(crawler.settings)
        return cls(crawler)

    def wants(self, request: Request, response: Response) -> bool:
        if not is_http(request.url) or {"replay", "replay-miss"} & set(response.flags):
            return False
        if self.warc.redirects_recorded_upstream and _is_followable_redirect(response):
            return False  # WarcRedirectRecorderMiddleware has recorded it already
        return True

    def process_response(self, request, response):
        if self.wants(request, response):
            self.warc.record(request, response)
        return response


def _is_followable_redirect(response: Response) -> bool:
    return response.status in REDIRECT_STATUSES and b"Location" in response.headers


class WarcRedirectRecorderMiddleware(WarcRecorderMiddleware):
    """Record the 3xx responses RedirectMiddleware (600) will turn into requests; place it above 600.

    It sees responses before HttpCompressionMiddleware, so a redirect body that is still
    content-encoded is recorded empty (a redirect's body carries nothing a replay needs).
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.warc.redirects_recorded_upstream = True

    def wants(self, request: Request, response: Response) -> bool:
        return (is_http(request.url) and _is_followable_redirect(response)
                and not {"replay", "replay-miss"} & set(response.flags))

    def process_response(self, request, response):
        if self.wants(request, response):
            encoded = bool(response.headers.get(b"Content-Encoding"))
            self.warc.record(request, response, body=b"" if encoded else response.body)
        return response



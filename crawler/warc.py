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

    "crawler.warc.WarcReplayMiddleware": 120,            # after Offsite (50) and RobotsTxt (100)
    "crawler.warc.WarcRecorderMiddleware": 585,          # below HttpCompression (590)
    "crawler.warc.WarcRedirectRecorderMiddleware": 650,  # above Redirect (600)

Each disables itself (``NotConfigured``) when not wanted. With ``REPLAY_WARC`` set but the
replay middleware not enabled, the recorder stops the crawl rather than let a "replay"
fetch the live sites.
"""
from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

#: headers that describe the wire encoding, not the recorded (decoded) body
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: WARC extension field set on records of pages rendered by a browser (value: the renderer)
RENDERED_FIELD = "X-Rendered-By"
#: statuses RedirectMiddleware follows when a Location header is present
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: recorded statuses that must not shadow an earlier good capture of the same URL
_TRANSIENT = frozenset({408, 429})
#: schemes that are not the network; replay lets them through
_LOCAL_SCHEMES = ("file", "data")


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _reason(status: int) -> str:
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


def _header_pairs(headers: Mapping | Sequence | None) -> list[tuple[str, str]]:
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
    pairs = [(n, v) for n, v in _header_pairs(headers) if n.lower() not in WIRE_HEADERS]
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
    def for_crawler(cls, crawler) -> "_WarcFile":
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
        http = StatusAndHeaders(f"{response.status} {_reason(response.status)}", _body_headers(headers, len(body)),
                                protocol=protocol)
        resp = writer.create_warc_record(uri, "response", payload=BytesIO(body), length=len(body),
                                         http_headers=http, warc_headers_dict=warc_headers)

        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = _header_pairs(request.headers)
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
            raise ValueError("REPLAY_WARC is set but crawler.warc.WarcReplayMiddleware is not enabled in "
                             "DOWNLOADER_MIDDLEWARES: refusing to crawl the live sites")
        raise NotConfigured  # no message: Scrapy would log it as a warning on every replay
    if not settings.getbool("ARCHIVE_WARC", True):
        raise NotConfigured


def _replay_enabled(settings) -> bool:
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.misc import load_object

    for component in build_component_list(settings.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")):
        try:
            if load_object(component) is WarcReplayMiddleware:
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
        if not _is_http(request.url) or {"replay", "replay-miss"} & set(response.flags):
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
        return (_is_http(request.url) and _is_followable_redirect(response)
                and not {"replay", "replay-miss"} & set(response.flags))

    def process_response(self, request, response):
        if self.wants(request, response):
            encoded = bool(response.headers.get(b"Content-Encoding"))
            self.warc.record(request, response, body=b"" if encoded else response.body)
        return response


# ============================================================================================
# replay
# ============================================================================================
@dataclass(frozen=True)
class _Loc:
    path: str
    offset: int


@dataclass(frozen=True)
class _Entry:
    loc: _Loc  # the record whose status line and headers are served
    status: int
    rendered: bool
    payload: _Loc | None = None  # a revisit: the record whose payload is served
    seq: int = 0  # capture order over all files: the later capture wins
    location: str | None = None  # a redirect's absolute Location
    original_headers: bool = False  # a revisit without usable HTTP headers (none, or a 304): serve the original's


def replay_paths(value) -> list[Path]:
    """The WARC files named by ``REPLAY_WARC`` (paths, comma-separated; a directory = its WARCs)."""
    if isinstance(value, str):
        value = value.split(",")
    out: list[Path] = []
    for raw in value or ():
        raw = str(raw).strip()
        if not raw:
            continue
        path = Path(raw).expanduser()
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith((".warc", ".warc.gz"))))
        else:
            out.append(path)
    return out


def _swap_scheme(url: str) -> str | None:
    if url.startswith("http://"):
        return "https://" + url[7:]
    if url.startswith("https://"):
        return "http://" + url[8:]
    return None


def _swap_www(url: str) -> str | None:
    """The same URL on ``www.<host>`` / ``<host>``: recordings hold either, the sites serve both."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = parts.netloc
    name = parts.hostname or ""
    if not host or "@" in host or "." not in name or name.replace(".", "").isdigit() or ":" in name:
        return None  # no user info, single-label host, or an IP address: nothing to vary
    other = host[4:] if host.lower().startswith("www.") else "www." + host
    if "." not in other.split(":")[0]:
        return None  # "www.vn" -> "vn"
    return urlunsplit((parts.scheme, other, parts.path, parts.query, parts.fragment))


def _variants(url: str) -> list[str]:
    """``url``, then with the other scheme, then on the other host (www / bare), then both."""
    www = _swap_www(url)
    return list(dict.fromkeys(filter(None, (url, _swap_scheme(url), www, www and _swap_scheme(www)))))


def _same_page(a: str, b: str) -> bool:
    """Whether two URLs differ only by scheme, a ``www.`` prefix or canonical form."""
    def key(url):
        url = _canonical(urldefrag(url)[0])
        parts = urlsplit(url)
        host = parts.netloc.lower()
        return (host[4:] if host.startswith("www.") else host, parts.path, parts.query)
    try:
        return key(a) == key(b)
    except ValueError:
        return False


#: content types whose body a replay must hand over as text: a gzip stream under one was
#: stored still encoded by a tool that dropped the Content-Encoding header
_TEXTUAL = ("text/", "html", "xml", "json", "rss", "atom", "javascript")
_GZIP_TYPES = ("gzip", "octet-stream", "zip", "compress")


def _maybe_gunzip(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    ctype = next((v for n, v in headers if n.lower() == "content-type"), "").lower()
    if not any(t in ctype for t in _TEXTUAL) or any(t in ctype for t in _GZIP_TYPES):
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        return body


def _canonical(url: str) -> str:
    try:
        return canonicalize_url(url)
    except Exception:
        return url


class WarcIndex:
    """URL -> where its response record is, over one or more WARC files.

    Lookup: the exact URL, then without fragment, then the w3lib canonical form, then the
    same three with http/https swapped, with ``www.`` added/dropped, and both (never a
    variant that only redirects back to the URL asked for). For each URL a raw capture and
    a browser-rendered one are kept apart; the latest capture (in file order, revisits
    included) wins, except that a 5xx/408/429 never shadows a good one (a retried fetch
    leaves both in the recording). Revisits resolve by ``WARC-Refers-To``, then payload
    digest, then ``WARC-Refers-To-Target-URI``; one without HTTP headers or with a 304
    serves the original's status and headers. A ``.warc.gz`` that is one gzip stream
    (``gzip file.warc``) is indexed from a decompressed temporary copy. A gzip body under a
    textual Content-Type with no Content-Encoding (a tool dropped the header) is decoded.
    """

    def __init__(self):
        self.exact: dict[str, dict[bool, _Entry]] = {}
        self.canonical: dict[str, dict[bool, _Entry]] = {}
        self.files: list[Path] = []
        self.bad_files: list[tuple[Path, str]] = []
        self.revisits_unresolved = 0
        self._handles: dict[str, IO[bytes]] = {}
        self._temp_files: list[Path] = []
        self._seq = 0

    def __len__(self) -> int:
        return sum(len(slots) for slots in self.exact.values())

    # --- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, paths: Iterable[Path]) -> "WarcIndex":
        index = cls()
        by_digest: dict[str, _Entry] = {}
        by_id: dict[str, _Entry] = {}
        revisits: list[dict] = []
        for path in paths:
            index._index_file(Path(path), by_digest, revisits, by_id)
        for rv in revisits:
            original = by_id.get(rv["refers_to_id"]) if rv["refers_to_id"] else None
            if original is None and rv["digest"]:
                original = by_digest.get(rv["digest"])
            if original is None and rv["refers_to"]:
                original = index.lookup(rv["refers_to"], rv["rendered"])
                if original is not None and original.location:
                    original = None  # a redirect is no payload
            if original is None:
                index.revisits_unresolved += 1
                continue
            status, own = rv["status"], rv["status"] is not None and rv["status"] != 304
            index._add(rv["url"], _Entry(rv["loc"], status if own else original.status, rv["rendered"],
                                         payload=original.payload or original.loc, seq=rv["seq"],
                                         location=rv["location"] if own else original.location,
                                         original_headers=not own))
        return index

    def _bad(self, path: Path, reason: str) -> None:
        if any(bad == path for bad, _ in self.bad_files):
            return
        self.bad_files.append((path, reason))  # one entry per file: indexing stops at the first fault
        logger.error("bad WARC file %s: %s (indexed what could be read)", path, reason)

    def _index_file(self, path: Path, by_digest: dict, revisits: list, by_id: dict | None = None,
                    shown: Path | None = None) -> None:
        by_id = {} if by_id is None else by_id
        if shown is None:
            self.files.append(path)
            if _is_single_gzip(path):
                # ``gzip file.warc``: one gzip stream, not one member per record, so no record
                # can be sought; index a decompressed copy instead
                copy = self._gunzipped_copy(path)
                if copy is not None:
                    self._index_file(copy, by_digest, revisits, by_id, shown=path)
                return
        try:
            size = path.stat().st_size
            fh = open(path, "rb")
        except OSError as exc:
            self._bad(path, f"cannot open: {exc}")
            return
        end = 0
        try:
            with fh:
                iterator = ArchiveIterator(fh)
                for record in iterator:
                    if record.format != "warc":  # warcio reads any text as (ARC) records
                        self._bad(path, f"not a WARC record at offset {end} (format {record.format!r})")
                        break
                    rec_type = record.rec_type
                    headers = record.rec_headers
                    http = record.http_headers
                    iterator.read_to_end()
                    offset, length = iterator.get_record_offset(), iterator.get_record_length()
                    end = offset + length
                    decompressor = getattr(iterator.reader, "decompressor", None)
                    if (getattr(record.raw_stream, "limit", 0) > 0 or not getattr(decompressor, "eof", True)
                            or not (headers.get_header("Content-Length") or "").strip().isdigit()):
                        # body shorter than its Content-Length, gzip member cut short, or the
                        # WARC header block itself cut (Content-Length is mandatory)
                        self._bad(path, f"record at offset {offset} is truncated")
                        break
                    if rec_type not in ("response", "revisit") or (http is None and rec_type == "response"):
                        continue
                    url = _field_uri(headers.get_header("WARC-Target-URI"))
                    if not url or not _is_http(url):
                        continue
                    status = None
                    if http is not None and http.statusline:
                        try:
                            status = int(http.get_statuscode())
                        except (TypeError, ValueError):
                            status = None
                    if status is None and rec_type == "response":
                        continue
                    self._seq += 1
                    loc = _Loc(str(path), offset)
                    rendered = bool(headers.get_header(RENDERED_FIELD))
                    digest = (headers.get_header("WARC-Payload-Digest") or "").strip() or None
                    location = None
                    if status in REDIRECT_STATUSES and http.get_header("Location"):
                        location = urljoin(url, http.get_header("Location").strip())
                    if rec_type == "response":
                        entry = _Entry(loc, status, rendered, seq=self._seq, location=location)
                        self._add(url, entry)
                        if digest and not location:
                            by_digest.setdefault(digest, entry)
                        record_id = (headers.get_header("WARC-Record-ID") or "").strip()
                        if record_id:
                            by_id[record_id] = entry
                    else:
                        revisits.append(dict(
                            url=url, loc=loc, status=status, rendered=rendered, digest=digest, seq=self._seq,
                            location=location,
                            refers_to=_field_uri(headers.get_header("WARC-Refers-To-Target-URI")) or None,
                            refers_to_id=(headers.get_header("WARC-Refers-To") or "").strip() or None))
                else:
                    self._check_tail(shown or path, fh, end, size)
        except Exception as exc:  # malformed or truncated: keep what was indexed
            self._bad(shown or path, f"unreadable after offset {end}: {exc!r}")

    def _gunzipped_copy(self, path: Path) -> Path | None:
        try:
            fd, name = tempfile.mkstemp(prefix="replay-", suffix=".warc")
        except OSError as exc:
            self._bad(path, f"one gzip stream, and no room to decompress it: {exc!r}")
            return None
        self._temp_files.append(Path(name))
        try:
            with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            return Path(name)
        except (OSError, EOFError, zlib.error) as exc:
            # a cut-short stream still leaves the records before the cut readable
            self._bad(path, f"one gzip stream, unreadable to its end: {exc!r}")
            return Path(name) if os.path.getsize(name) else None

    def _check_tail(self, path: Path, fh: IO[bytes], end: int, size: int) -> None:
        """warcio stops quietly at a truncated gzip member; bytes left after the last record mean one."""
        if end >= size:
            return
        fh.seek(end)
        rest = fh.read(min(size - end, 4096))
        if rest.strip() or size - end > 4096:
            self._bad(path, f"{size - end} bytes after the last complete record at offset {end} (truncated?)")

    def _add(self, url: str, entry: _Entry) -> None:
        for table, key in ((self.exact, url), (self.canonical, _canonical(url))):
            slots = table.setdefault(key, {})
            old = slots.get(entry.rendered)
            if old is not None:
                if _is_transient(entry.status) != _is_transient(old.status):
                    if _is_transient(entry.status):
                        continue  # an error never shadows a good capture, earlier or later
                elif old.seq > entry.seq:
                    continue  # revisits are resolved last: keep the later capture
            slots[entry.rendered] = entry

    # --- lookup -----------------------------------------------------------------------------
    def _find(self, candidate: str) -> dict[bool, _Entry] | None:
        return self.exact.get(candidate) or self.exact.get(urldefrag(candidate)[0]) \
            or self.canonical.get(_canonical(candidate))

    def lookup(self, url: str, rendered: bool = False) -> _Entry | None:
        """The capture for ``url``: a rendered one for a rendered request if there is one.

        Tried in turn: ``url`` (exact, fragmentless, canonical), the other scheme, the other
        host (``www.`` added or dropped), both. A capture found under a variant that only
        redirects back to ``url`` (``http://x`` -> ``https://x``) is skipped: serving it would
        send the request in a circle, to be dropped by the dupe filter as neither hit nor miss.
        """
        for candidate in _variants(url):
            slots = self._find(candidate)
            if not slots:
                continue
            entry = slots.get(rendered) or slots.get(not rendered)
            if candidate != url and entry.location and _same_page(entry.location, url):
                continue
            return entry
        return None

    # --- reading ----------------------------------------------------------------------------
    def _record(self, loc: _Loc):
        fh = self._handles.get(loc.path)
        if fh is None:
            fh = self._handles[loc.path] = open(loc.path, "rb")
        fh.seek(loc.offset)
        return next(iter(ArchiveIterator(fh)))

    def read(self, entry: _Entry) -> tuple[int, list[tuple[str, str]], bytes, str]:
        """(status, headers without wire encoding, decoded body, protocol) of one capture."""
        record = self._record(entry.loc)
        http = record.http_headers
        if entry.payload is None:
            body = record.content_stream().read()
        else:
            original = self._record(entry.payload)
            body = original.content_stream().read()
            if http is None or not http.headers or entry.original_headers:
                http = original.http_headers
        headers = [(n, v) for n, v in http.headers if n.lower() not in WIRE_HEADERS]
        return entry.status, headers, _maybe_gunzip(body, headers), http.protocol or "HTTP/1.1"

    def close(self) -> None:
        for fh in self._handles.values():
            fh.close()
        self._handles.clear()
        for path in self._temp_files:
            try:
                path.unlink()
            except OSError:
                pass
        self._temp_files.clear()


def _field_uri(value: str | None) -> str:
    """A WARC URI field's value: WARC/1.0 writers (wget among them) wrap it in ``<...>``."""
    value = (value or "").strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value


def _is_single_gzip(path: Path) -> bool:
    """A ``.warc.gz`` compressed as one gzip stream: its first member holds more than one record."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) != b"\x1f\x8b":
                return False
            fh.seek(0)
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            seen = b""
            while not decomp.eof:
                chunk = fh.read(1 << 16)
                if not chunk:
                    return False  # truncated first member: leave it to the usual checks
                seen += decomp.decompress(chunk)
                if seen.count(b"WARC/1.") > 1 and _second_record(seen):
                    return True
            return False
    except (OSError, zlib.error):
        return False


def _second_record(data: bytes) -> bool:
    """Whether ``data`` (the start of a decompressed member) runs past its first record."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    import re

    match = re.search(rb"(?im)^content-length:\s*(\d+)", data[:head_end])
    if not match:
        return False
    return len(data) > head_end + 4 + int(match[1]) + 4


def _is_transient(status: int) -> bool:
    return status >= 500 or status in _TRANSIENT


class WarcReplayMiddleware:
    """Answer every http(s) request from ``REPLAY_WARC``; a 404 (``replay-miss``) for the rest.

    Place it after OffsiteMiddleware (50) and RobotsTxtMiddleware (100), so a replay takes
    the same offsite and robots.txt decisions as the live crawl, and before everything that
    would rewrite or answer a request (a mirror middleware, the HTTP cache): e.g. 120. The
    robots.txt fetch goes through it too (a miss is a 404: allow all). Responses it returns
    still go through every ``process_response``, so recorded 3xx are followed by
    RedirectMiddleware and cookies are kept.
    """

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
        headers = Headers()
        for name, value in pairs:
            headers.appendlist(name, value)
        self.stats.inc_value("warc/replay/hit")
        respcls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return respcls(url=request.url, status=status, headers=headers, body=body, request=request,
                       flags=["replay"], protocol=protocol)

    def _miss(self, request):
        self.stats.inc_value("warc/replay/miss")
        logger.debug("not in the WARC recordings: %s", request.url)
        return HtmlResponse(url=request.url, status=404, headers={"Content-Type": "text/html; charset=utf-8"},
                            body=b"", request=request, flags=["replay-miss"])


# ============================================================================================
# building WARCs for tests and benchmarks
# ============================================================================================
def write_warc(path: str | os.PathLike, entries: Iterable[tuple], *, gzip_records: bool | None = None) -> Path:
    """Write ``response`` records from ``(url, status, headers, body)`` tuples; returns the path.

    ``headers`` is a dict (values may be lists) or a list of pairs and is written as given,
    so a test can record a body still ``Content-Encoding: gzip``-encoded or chunked, the way
    other tools do; ``Content-Length`` is added when neither it nor ``Transfer-Encoding`` is
    there. An optional fifth element is a dict of extra WARC header fields (e.g.
    ``{RENDERED_FIELD: "scrapy-playwright"}``). Records are gzip members when the name
    ends in ``.gz`` (or ``gzip_records=True``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    use_gzip = path.name.endswith(".gz") if gzip_records is None else gzip_records
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=use_gzip)
        for entry in entries:
            url, status, headers, body = entry[:4]
            warc_fields = dict(entry[4]) if len(entry) > 4 else {}
            body = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
            pairs = _header_pairs(headers)
            names = {n.lower() for n, _ in pairs}
            if not names & {"content-length", "transfer-encoding"}:
                pairs.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{int(status)} {_reason(int(status))}", pairs, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                          http_headers=http, warc_headers_dict=warc_fields))
    return path


def iter_responses(path: str | os.PathLike) -> Iterator[tuple[str, int, list[tuple[str, str]], bytes, dict]]:
    """``(url, status, http headers, decoded body, WARC headers)`` of each response record (for checks)."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            http = record.http_headers
            yield (record.rec_headers.get_header("WARC-Target-URI"), int(http.get_statuscode()),
                   list(http.headers), record.content_stream().read(), dict(record.rec_headers.headers))


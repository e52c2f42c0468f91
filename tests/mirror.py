"""A local HTTP mirror of recorded site pages, with fault injection (test and benchmark support).

The mirror serves ``{original URL: Page}`` over real HTTP on 127.0.0.1 (a free port, a
background thread), at the paths :mod:`tests.mirror_middleware` sends requests to
(``/https/baoquocte.vn/a-1.html?p=2``). Pages come from code, from a directory with a
``manifest.json`` (:meth:`Mirror.load_dir`) or from a WARC file (:meth:`Mirror.load_warc`).

Faults are set per URL (:meth:`Mirror.fail`) or drawn at random with a fixed seed
(:meth:`Mirror.inject_random`). A fault with ``times=N`` is *transient*: the first N
requests for the URL fail, later ones get the page; ``times=None`` fails for ever.

=============  ==============================================================================
``http``       an error status (500, 502, 503, 404, 429...), with ``Retry-After`` if given
``timeout``    reads the request, never answers, until the client gives up (or ``hang_limit``)
``stall``      status line, headers and half of the body, then hangs like ``timeout``
``reset``      closes the socket abruptly (RST: ``SO_LINGER`` 0) without answering
``truncate``   ``Content-Length`` of the whole body, sends half of it, closes
=============  ==============================================================================

Hostile *content* is made with the page builders below (:func:`redirect`, :func:`html`
with any charset or content type, :func:`oversized`, :func:`gzip_bomb`, :func:`sitemap`
with an XXE entity, :func:`malformed_sitemap`, :func:`gzipped`...).

Every request is recorded in :attr:`Mirror.log` (original URL, attempt, what was served),
so a test can check what the crawler fetched -- and what it never asked for.

    with Mirror(pages) as mirror:
        mirror.fail("https://baoquocte.vn/a-1.html", Fault.http(503, times=2))
        scrapy_crawl(..., "-s", f"MIRROR_ADDRESS={mirror.address}", ...)
        assert mirror.hits("https://baoquocte.vn/a-1.html") == 3
"""
from __future__ import annotations

import gzip
import http.server
import json
import random
import select
import socket
import struct
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from w3lib.url import safe_url_string

from tests.mirror_middleware import from_mirror, to_mirror

#: response headers the mirror computes itself (a recording's values would lie)
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}


def key(url: str) -> str:
    """The lookup key of a URL: as Scrapy sends it (percent-encoded), without fragment."""
    return urldefrag(safe_url_string(url))[0]


# --- pages ----------------------------------------------------------------------------------
@dataclass
class Page:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: the body, or a function making it (big bodies are built on first use only)
    body: bytes | Callable[[], bytes] = b""
    #: False: no Content-Length, the body ends when the connection closes
    length: bool = True

    def data(self) -> bytes:
        return self.body() if callable(self.body) else self.body


def html(text: str | bytes, *, charset: str | None = "utf-8", content_type: str = "text/html",
         encoding: str | None = None, status: int = 200) -> Page:
    """An HTML page; ``charset=None`` sends no charset, ``encoding`` is how the bytes are made."""
    body = text if isinstance(text, bytes) else encode(text, encoding or charset or "utf-8")
    ctype = f"{content_type}; charset={charset}" if charset else content_type
    return Page(status, [("Content-Type", ctype)], body)


def redirect(location: str, status: int = 301) -> Page:
    return Page(status, [("Location", location), ("Content-Type", "text/html")], b"moved")


def xml(body: str | bytes, content_type: str = "application/xml") -> Page:
    return Page(200, [("Content-Type", content_type)], body.encode() if isinstance(body, str) else body)


def gzipped(page: Page) -> Page:
    """A ``.xml.gz``-style file: the gzip bytes as the body (no Content-Encoding)."""
    return Page(page.status, [("Content-Type", "application/x-gzip")], gzip.compress(page.data(), 6))


def oversized(size: int = 30 * 1024 * 1024, *, length: bool = True) -> Page:
    """An HTML page of ``size`` bytes (``length=False``: streamed without Content-Length)."""
    return Page(200, [("Content-Type", "text/html; charset=utf-8")], lambda: _big_html(size), length)


def gzip_bomb(size: int = 2 * 1024 ** 3) -> Page:
    """``Content-Encoding: gzip`` whose ~``size / 1000`` bytes inflate to ``size`` bytes of zeros."""
    return Page(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                lambda: _bomb(size))


@lru_cache(maxsize=4)
def _big_html(size: int) -> bytes:
    head = b"<html><head><title>big</title></head><body>"
    para = b"<p>" + "Tin tức đối ngoại. ".encode() * 50 + b"</p>\n"
    n = max(0, size - len(head) - 14) // len(para) + 1
    return (head + para * n)[: size - 14] + b"</body></html>"


@lru_cache(maxsize=2)
def _bomb(size: int) -> bytes:
    member = gzip.compress(b"\0" * (1 << 20), 9)  # 1 MiB of zeros in ~1 kB; members concatenate
    return member * max(1, size >> 20)


def sitemap(urls: Iterable[str], *, index: bool = False, lastmod: str | None = None,
            entities: dict[str, str] | None = None, entity_locs: Iterable[str] = ()) -> str:
    """A sitemap (or sitemap index) XML. ``entities`` adds a DOCTYPE with external entities
    (name -> SYSTEM URI, e.g. ``file:///etc/passwd``), referenced in ``<loc>``s built from
    ``entity_locs`` templates such as ``"https://baoquocte.vn/&xxe;"``."""
    tag, root = ("sitemap", "sitemapindex") if index else ("url", "urlset")
    doctype = ""
    if entities:
        decls = "".join(f'  <!ENTITY {name} SYSTEM "{uri}">\n' for name, uri in entities.items())
        doctype = f"<!DOCTYPE {root} [\n{decls}]>\n"
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = [f"<{tag}><loc>{_xml_escape(u)}</loc>{mod}</{tag}>" for u in urls]
    entries += [f"<{tag}><loc>{loc}</loc>{mod}</{tag}>" for loc in entity_locs]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
            f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(entries) + f"\n</{root}>\n")


def malformed_sitemap(urls: Iterable[str]) -> str:
    """Broken XML: an unclosed element, a stray ``&``, junk, and no closing root tag."""
    entries = [f"<url><loc>{_xml_escape(u)}</loc></url>" for u in urls]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries) + "\n<url><loc>https://x & y</loc><lastmod>2026-13-45<url>\n\x00garbage <<<")


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode(text: str, encoding: str) -> bytes:
    """``text.encode(encoding)``; for Windows-1258 the tone marks go as combining characters."""
    if encoding.lower().replace("-", "") not in ("cp1258", "windows1258"):
        return text.encode(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _CP1258_TONES))
            out.append((base + "".join(c for c in parts if c in _CP1258_TONES)).encode("cp1258"))
    return b"".join(out)


# --- faults ---------------------------------------------------------------------------------
FAULT_KINDS = ("http", "timeout", "stall", "reset", "truncate")


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int = 500
    retry_after: str | None = None
    #: fail the first ``times`` requests of the URL, then serve it; None: fail for ever
    times: int | None = None

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")

    @classmethod
    def http(cls, status: int, *, retry_after: str | None = None, times: int | None = None) -> Fault:
        return cls("http", status, retry_after, times)

    def label(self) -> str:
        if self.kind == "http":
            return f"http_{self.status}" + ("+retry_after" if self.retry_after else "")
        return self.kind


#: what a flaky server does; each is retried by Scrapy's RetryMiddleware
TRANSIENT_FAULTS = (
    Fault.http(500), Fault.http(502), Fault.http(503), Fault.http(503, retry_after="1"),
    Fault.http(429), Fault.http(429, retry_after="1"),
    Fault("timeout"), Fault("stall"), Fault("reset"), Fault("truncate"),
)


@dataclass
class Hit:
    url: str | None  # the original URL (None: not a mirror path)
    path: str  # the path the mirror was asked for
    attempt: int  # 1 for the first request of this URL
    served: str  # "page", "missing", "bad_path", or a fault label

    @property
    def host(self) -> str | None:
        return urlsplit(self.url).hostname if self.url else None


# --- the server -----------------------------------------------------------------------------
class Mirror:
    """A started mirror serves ``pages`` (original URL -> Page) at :attr:`address`."""

    def __init__(self, pages: dict[str, Page] | None = None, faults: dict[str, Fault] | None = None,
                 *, hang_limit: float = 20.0):
        self.pages: dict[str, Page] = {}
        self.faults: dict[str, Fault] = {}
        self.hang_limit = hang_limit
        self.log: list[Hit] = []
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for url, page in (pages or {}).items():
            self.add(url, page)
        for url, fault in (faults or {}).items():
            self.fail(url, fault)

    # --- content and faults -------------------------------------------------------
    def add(self, url: str, page: Page) -> None:
        self.pages[key(url)] = page

    def fail(self, url: str, fault: Fault) -> None:
        self.faults[key(url)] = fault

    def inject_random(self, rate: float, seed: int, *, faults: Iterable[Fault] = TRANSIENT_FAULTS,
                      times: tuple[int, int] = (1, 2), urls: Iterable[str] | None = None) -> dict[str, Fault]:
        """Give about ``rate`` of the URLs (default: every page) a transient fault failing
        the first ``times[0]..times[1]`` tries. Same seed, same choice, whatever the
        crawl order: URLs are drawn in sorted order from ``random.Random(seed)``."""
        rng = random.Random(seed)
        faults = list(faults)
        chosen: dict[str, Fault] = {}
        for url in sorted(key(u) for u in (self.pages if urls is None else urls)):
            if rng.random() < rate:
                base = rng.choice(faults)
                chosen[url] = Fault(base.kind, base.status, base.retry_after, rng.randint(*times))
        self.faults.update(chosen)
        return chosen

    @classmethod
    def load_dir(cls, directory: str | Path, **kwargs) -> Mirror:
        """Pages listed in ``DIR/manifest.json``: ``[{"url", "file", "status"?, "headers"?}]``
        (``headers`` a dict or a list of pairs; ``file`` relative to DIR)."""
        directory = Path(directory)
        mirror = cls(**kwargs)
        entries = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        for entry in entries.get("pages", []) if isinstance(entries, dict) else entries:
            headers = entry.get("headers") or {}
            headers = list(headers.items()) if isinstance(headers, dict) else [tuple(h) for h in headers]
            mirror.add(entry["url"], Page(int(entry.get("status", 200)), headers,
                                          (directory / entry["file"]).read_bytes()))
        return mirror

    @classmethod
    def load_warc(cls, path: str | Path, **kwargs) -> Mirror:
        """The ``response`` records of a WARC file (payload decoded from chunking/gzip); a URL
        recorded more than once (a 503, then its retry) is served as its last record."""
        from warcio.archiveiterator import ArchiveIterator

        mirror = cls(**kwargs)
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode() or 200)
                headers = [(k, v) for k, v in record.http_headers.headers
                           if k.lower() not in _HOP_HEADERS and k.lower() != "content-encoding"]
                mirror.add(url, Page(status, headers, record.content_stream().read()))
        return mirror

    # --- what was asked -------------------------------------------------------------
    def url_for(self, url: str) -> str:
        """The mirror URL serving ``url`` (to fetch it directly)."""
        return to_mirror(url, self.address)

    def hits(self, url: str) -> int:
        with self._lock:
            return self._attempts.get(key(url), 0)

    def requested_hosts(self) -> set[str]:
        with self._lock:
            return {h.host for h in self.log if h.host}

    def served(self, what: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.served == what]

    # --- lifecycle ----------------------------------------------------------------------
    @property
    def address(self) -> str:
        assert self._server is not None, "mirror not started"
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Mirror:
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.mirror = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"mirror-{self.address}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # hanging handlers return
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- called by the handler ---------------------------------------------------------
    def _route(self, path: str) -> tuple[Hit, Page | None, Fault | None]:
        original = from_mirror(path)
        with self._lock:
            if original is None:
                hit = Hit(None, path, 0, "bad_path")
                self.log.append(hit)
                return hit, None, None
            k = key(original)
            attempt = self._attempts[k] = self._attempts.get(k, 0) + 1
            fault = self.faults.get(k)
            if fault is not None and (fault.times is None or attempt <= fault.times):
                served = fault.label()
            else:
                fault = None
            page = self.pages.get(k)
            if fault is None:
                served = "page" if page is not None else "missing"
            hit = Hit(original, path, attempt, served)
            self.log.append(hit)
            return hit, page, fault


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    mirror: Mirror


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real sites
    server: _Server

    def log_message(self, format, *args):  # the Mirror.log is the record
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ValueError, OSError):
            self.close_connection = True  # the client gave up (max size, timeout): fine

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        mirror = self.server.mirror
        hit, page, fault = mirror._route(self.path)
        if fault is not None:
            return getattr(self, f"_fault_{fault.kind}")(fault, page)
        if page is None:
            body = f"not in the mirror: {hit.url or self.path}".encode()
            return self._send(404 if hit.url else 400, [("Content-Type", "text/plain")], body, head)
        self._send(page.status, page.headers, page.data(), head, length=page.length)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes, head: bool = False,
              *, length: bool = True, content_length: int | None = None, send: int | None = None) -> None:
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(body if send is None else body[:send])
        self.wfile.flush()

    # --- faults ------------------------------------------------------------------------------
    def _fault_http(self, fault: Fault, page: Page | None) -> None:
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if fault.retry_after:
            headers.append(("Retry-After", fault.retry_after))
        self._send(fault.status, headers, f"<html><body>error {fault.status}</body></html>".encode())

    def _fault_timeout(self, fault: Fault, page: Page | None) -> None:
        self._hang()

    def _fault_stall(self, fault: Fault, page: Page | None) -> None:
        body = page.data() if page is not None else b"<html>" + b"x" * 8192
        headers = page.headers if page is not None else [("Content-Type", "text/html")]
        self._send(page.status if page else 200, headers, body, send=len(body) // 2)
        self._hang()

    def _fault_truncate(self, fault: Fault, page: Page | None) -> None:
        body = page.data() if page is not None else b"<html>" + b"x" * 8192
        headers = page.headers if page is not None else [("Content-Type", "text/html")]
        self._send(page.status if page else 200, headers, body, content_length=len(body) + 1000,
                   send=len(body) // 2)
        self.close_connection = True

    def _fault_reset(self, fault: Fault, page: Page | None) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _hang(self) -> None:
        """Say nothing until the client closes, the mirror stops, or ``hang_limit`` passes."""
        mirror = self.server.mirror
        deadline = time.monotonic() + mirror.hang_limit
        sock = self.connection
        while not mirror._stopping.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable:
                try:
                    if not sock.recv(4096):
                        break  # the client gave up
                except OSError:
                    break
        self.close_connection = True

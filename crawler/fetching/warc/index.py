"""The index that replay answers from: every capture in the WARC files, by URL and its variants."""
from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator

from crawler.fetching.warc.record import (
    REDIRECT_STATUSES,
    RENDERED_FIELD,
    WIRE_HEADERS,
    is_http,
)

logger = logging.getLogger(__name__)

#: recorded statuses that must not shadow an earlier good capture of the same URL
_TRANSIENT = frozenset({408, 429})

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
    def build(cls, paths: Iterable[Path]) -> WarcIndex:
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
                    if not url or not is_http(url):
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
        return self.read_capture(entry)[:4]

    def read_capture(self, entry: _Entry) -> tuple[int, list[tuple[str, str]], bytes, str, str | None]:
        """:meth:`read`, plus the capture's ``WARC-Date`` (the revisit's own for a revisit: when it
        was fetched) -- ``scrapy reparse`` dates its items with it (crawler.ops.reparse)."""
        record = self._record(entry.loc)
        warc_date = (record.rec_headers.get_header("WARC-Date") or "").strip() or None
        http = record.http_headers
        if entry.payload is None:
            body = record.content_stream().read()
        else:
            original = self._record(entry.payload)
            body = original.content_stream().read()
            if http is None or not http.headers or entry.original_headers:
                http = original.http_headers
        headers = [(n, v) for n, v in http.headers if n.lower() not in WIRE_HEADERS]
        return entry.status, headers, _maybe_gunzip(body, headers), http.protocol or "HTTP/1.1", warc_date

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



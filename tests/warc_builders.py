"""Building and reading WARC files in tests and benchmarks (warcio)."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.fetching.warc.record import header_pairs, reason_phrase


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
            pairs = header_pairs(headers)
            names = {n.lower() for n, _ in pairs}
            if not names & {"content-length", "transfer-encoding"}:
                pairs.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{int(status)} {reason_phrase(int(status))}", pairs, protocol="HTTP/1.1")
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


"""The SQLite archive's JSON Lines partitions: ``jsonl/<site>/<YYYY-MM>.jsonl`` beside the database.

Why this order of writes: a row is committed to SQLite (flagged ``jsonl_written=0``) before its
JSON line is appended, and the flag is cleared in the next transaction. A process killed anywhere
in between leaves a row that :func:`recover` finds on the next open: it appends the line only if
the partition does not hold it yet, and cuts off a partial last line. So a crash never loses an
archived article nor writes it twice. (The PostgreSQL archive has no partitions: ``scrapy
archive-export`` writes the same lines from any archive.)
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


def partition_for(site: str, published_at: str | None) -> str:
    month = published_at[:7] if published_at and len(published_at) >= 7 else "undated"
    safe_site = "".join(c for c in site if c.isalnum() or c in ".-_") or "unknown"
    return f"jsonl/{safe_site}/{month}.jsonl"


def append(directory: Path, part: str, lines: list[str]) -> None:
    path = directory / part
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def mark_written(conn, urls: list[str]) -> None:
    """Clear the pending flag of rows whose line is in their partition (inside a transaction)."""
    conn.executemany("UPDATE articles SET jsonl_written=1 WHERE canonical_url=?", [(u,) for u in urls])


def recover(archive) -> int:
    """Cut partial JSON lines and append the lines of rows committed but not yet written
    (``archive``: an open SQLite :class:`crawler.storage.archive.Archive`, its flock held)."""
    repaired = 0
    for path in (archive.dir / "jsonl").glob("*/*.jsonl"):
        repaired += truncate_partial_line(path)
    pending = archive.conn.execute(
        "SELECT canonical_url, partition, item_json FROM articles WHERE jsonl_written=0").fetchall()
    by_part: dict[str, list[tuple[str, str]]] = {}
    for url, part, line in pending:
        by_part.setdefault(part, []).append((url, line))
    for part, rows in by_part.items():
        present = jsonl_index(archive.dir / part)
        missing = [line for url, line in rows if present.get(url) != json.loads(line).get("fingerprint")]
        if missing:
            archive._append(part, missing)
            repaired += len(missing)
    if pending:
        with archive.transaction() as conn:
            mark_written(conn, [url for url, _, _ in pending])
    if repaired:
        logger.warning("archive %s: recovered %d JSON Lines entries after an interrupted run", archive.dir, repaired)
    return repaired


def truncate_partial_line(path: Path) -> int:
    """Cut a last line that has no newline (a write cut short); 1 if something was cut."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return 0
        # find the last newline, scanning back in blocks
        pos = size
        while pos > 0:
            step = min(65536, pos)
            fh.seek(pos - step)
            block = fh.read(step)
            idx = block.rfind(b"\n")
            if idx >= 0:
                fh.truncate(pos - step + idx + 1)
                return 1
            pos -= step
        fh.truncate(0)
        return 1


def jsonl_index(path: Path) -> dict[str, str]:
    """canonical_url -> fingerprint of the last line for it in one partition file."""
    index: dict[str, str] = {}
    if not path.exists():
        return index
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            index[obj.get("canonical_url")] = obj.get("fingerprint")
    return index

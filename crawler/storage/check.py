"""Cross-checks of an archive: SQLite, JSON Lines partitions and WARC files against each other.

Used by ``scrapy archive-check`` and by the reliability tests. Errors mean the archive
cannot be trusted as is; warnings are facts worth knowing (an article with no WARC record
because it came from a text replay, a line superseded by an update).
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    articles: int = 0
    jsonl_lines: int = 0
    warc_files: int = 0
    warc_responses: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        lines = [f"articles={self.articles} jsonl_lines={self.jsonl_lines} warc_files={self.warc_files} "
                 f"warc_responses={self.warc_responses} errors={len(self.errors)} warnings={len(self.warnings)}"]
        lines += [f"ERROR {e}" for e in self.errors] + [f"warning {w}" for w in self.warnings]
        return "\n".join(lines)


def _warc_urls(paths: list[Path], report: Report) -> set[str]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # pragma: no cover - warcio is a dependency
        report.warnings.append("warcio not installed: WARC files not checked")
        return set()
    urls: set[str] = set()
    for path in paths:
        report.warc_files += 1
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type == "response":
                        report.warc_responses += 1
                        urls.add(record.rec_headers.get_header("WARC-Target-URI"))
                    record.content_stream().read()
        except Exception as exc:
            report.errors.append(f"{path}: unreadable WARC ({exc!r})")
    return urls


def check_archive(directory: str | Path, check_warc: bool = True) -> Report:
    directory = Path(directory)
    report = Report()
    db = directory / "archive.sqlite3"
    if not db.exists():
        report.errors.append(f"{db}: missing")
        return report
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        report.errors.append(f"{db}: cannot be opened ({exc})")
        return report
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            report.errors.append(f"{db}: integrity_check says {integrity}")
        rows = {url: (fp, part, pending) for url, fp, part, pending in conn.execute(
            "SELECT canonical_url, fingerprint, partition, jsonl_written = 0 FROM articles")}
        dup_fps = conn.execute(
            "SELECT fingerprint, COUNT(*) FROM articles GROUP BY fingerprint HAVING COUNT(*) > 1").fetchall()
        source_urls = {url for (url,) in conn.execute("SELECT url FROM articles")}
    except sqlite3.DatabaseError as exc:  # garbage bytes, a truncated file: damage, not a crash
        report.errors.append(f"{db}: damaged database ({exc})")
        return report
    finally:
        conn.close()
    report.articles = len(rows)
    for fp, n in dup_fps:
        report.errors.append(f"fingerprint {fp} archived {n} times")
    # the last line for each URL in each partition wins (an update appends a new line)
    latest: dict[str, tuple[str, str]] = {}
    seen_lines: Counter[tuple[str, str, str]] = Counter()
    for path in sorted((directory / "jsonl").glob("*/*.jsonl")):
        part = path.relative_to(directory).as_posix()
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            report.errors.append(f"{part}: last line is partial")
        for n, raw in enumerate(data.splitlines(), 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                report.errors.append(f"{part}:{n}: not JSON")
                continue
            report.jsonl_lines += 1
            key = (obj.get("canonical_url"), obj.get("fingerprint"), part)
            seen_lines[key] += 1
            latest[obj.get("canonical_url")] = (obj.get("fingerprint"), part)
            if obj.get("canonical_url") not in rows:
                report.errors.append(f"{part}:{n}: {obj.get('canonical_url')} is not in the database")
    for (url, _fingerprint, part), n in seen_lines.items():
        if n > 1:
            report.errors.append(f"{part}: {url} written {n} times")
    for url, (fp, part, pending) in rows.items():
        if pending:
            report.warnings.append(f"{url}: JSON line pending (recovered on next open)")
        if latest.get(url) != (fp, part):
            if (url, fp, part) in seen_lines:
                continue
            report.errors.append(f"{url}: missing from {part} or out of date there")
    superseded = sum(1 for (url, fp, part) in seen_lines if rows.get(url, (None, None))[0:2] != (fp, part))
    if superseded:
        report.warnings.append(f"{superseded} JSON line(s) superseded by later updates")
    if check_warc:
        warcs = sorted((directory / "warc").glob("*.warc*")) if (directory / "warc").is_dir() else []
        if warcs:
            recorded = _warc_urls(warcs, report)
            missing = [u for u in source_urls if u.startswith("http") and u not in recorded]
            if missing:
                report.warnings.append(f"{len(missing)} archived article(s) have no WARC response record, "
                                       f"e.g. {missing[0]}")
    return report

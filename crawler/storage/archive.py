"""The embedded archive: SQLite (source of truth) + JSON Lines partitions by site and month.

Layout under ``ARCHIVE_DIR``::

    archive.sqlite3               articles, seen-store, run statistics (WAL mode)
    jsonl/<site>/<YYYY-MM>.jsonl  one line per article, partitioned by publication month
    jsonl/<site>/undated.jsonl    articles whose date could not be read
    warc/                         WARC recordings of live crawls (crawler.fetching.warc)

Why this order of writes: a row is committed to SQLite (flagged ``jsonl_written=0``)
before its JSON line is appended, and the flag is cleared in the next transaction. A
process killed anywhere in between leaves a row that :meth:`Archive.recover` finds on the
next open: it appends the line only if the partition does not hold it yet, and cuts off
a partial last line. So a crash never loses an archived article nor writes it twice, and
two processes may share one archive (SQLite locking + an exclusive ``flock`` around each
commit-and-append).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import random
import sqlite3
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from itemadapter import ItemAdapter

from crawler.storage.ledgers import Ledgers

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    site          TEXT NOT NULL,
    language      TEXT,
    published_at  TEXT,
    url           TEXT NOT NULL,
    partition     TEXT NOT NULL,
    item_json     TEXT NOT NULL,
    run_id        TEXT,
    jsonl_written INTEGER NOT NULL DEFAULT 0,
    archived_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_fingerprint ON articles (fingerprint);
CREATE INDEX IF NOT EXISTS articles_pending ON articles (jsonl_written) WHERE jsonl_written = 0;
CREATE TABLE IF NOT EXISTS seen (
    canonical_url TEXT PRIMARY KEY,
    site          TEXT,
    first_seen    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_counts (
    run_id  TEXT NOT NULL,
    spider  TEXT NOT NULL,
    day     TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (run_id, day)
);
CREATE TABLE IF NOT EXISTS coverage (
    site        TEXT NOT NULL,
    start_day   TEXT NOT NULL,
    end_day     TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS coverage_site ON coverage (site);
CREATE TABLE IF NOT EXISTS scope_drops (
    canonical_url  TEXT PRIMARY KEY,
    site           TEXT,
    url            TEXT NOT NULL,
    title          TEXT,
    language       TEXT,
    text           TEXT,
    reason         TEXT NOT NULL,
    tagger_version TEXT NOT NULL,
    dropped_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id        TEXT PRIMARY KEY,
    spider        TEXT NOT NULL,
    site          TEXT,
    arguments     TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    finish_reason TEXT,
    counts        TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    monitors      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_spider ON runs (spider, finished_at);
"""


class NoArchive(Exception):
    """A path that holds no readable archive (read-only commands refuse it, never create one)."""


def partition_for(site: str, published_at: str | None) -> str:
    month = published_at[:7] if published_at and len(published_at) >= 7 else "undated"
    safe_site = "".join(c for c in site if c.isalnum() or c in ".-_") or "unknown"
    return f"jsonl/{safe_site}/{month}.jsonl"


#: values ItemAdapter.asdict() returns as they are (no adapter claims them as items)
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def _plain(value):
    """``ItemAdapter._asdict(value)``: nested items, dicts and sequences made plain, recursively.
    The same rules, tested in the same order, after a fast path for the leaf values an article is
    made of (asking every adapter whether a string is an item was a third of :meth:`Archive.add`)."""
    if type(value) in _LEAF_TYPES:
        return value
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return value.__class__(_plain(v) for v in value)
    if isinstance(value, ItemAdapter):
        return value.asdict()
    if ItemAdapter.is_item(value):
        return ItemAdapter(value).asdict()
    return value


def item_to_json(item) -> str:
    """The item's JSON line: ``json.dumps(ItemAdapter(item).asdict(), ensure_ascii=False, sort_keys=True)``."""
    return json.dumps({key: _plain(value) for key, value in ItemAdapter(item).items()},
                      ensure_ascii=False, sort_keys=True)


class Archive(Ledgers):
    """One archive directory. Use :meth:`for_crawler` so every pipeline shares one connection."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, directory: str | os.PathLike):
        self.dir = Path(directory)
        (self.dir / "jsonl").mkdir(parents=True, exist_ok=True)
        self.db_path = self.dir / "archive.sqlite3"
        self._pending: list[str] = []
        self.run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        # Everything that opening does -- creating the file, switching it to WAL, the schema and
        # the recovery of an interrupted run -- happens under the directory's file lock, so any
        # number of processes may open one archive at the same moment (cron starts jobs on the
        # same minute). Switching a new file to WAL needs an exclusive lock SQLite does not wait
        # for (no busy handler), so a rare "database is locked" left by a reader outside the
        # file lock is retried with a bounded backoff.
        with self._lock():
            self.conn = retry_locked(self._connect)
            retry_locked(lambda: self.conn.executescript(SCHEMA))
            self._recover_locked()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=60000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    def open_readonly(cls, directory: str | os.PathLike) -> Archive:
        """The archive under ``directory`` opened read-only (SQLite ``mode=ro``): nothing is
        created, recovered or written. :class:`NoArchive` when it holds no readable archive."""
        self = cls.__new__(cls)
        self.dir = Path(directory)
        self.db_path = self.dir / "archive.sqlite3"
        self._pending, self.run_id, self.readonly = [], None, True
        if not self.db_path.is_file():
            raise NoArchive(f"no archive at {self.dir} ({self.db_path.name} missing; set -s ARCHIVE_DIR=...)")
        conn = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NoArchive(f"{self.db_path} is not a readable archive: {exc}") from None
        if "articles" not in tables:
            conn.close()
            raise NoArchive(f"{self.db_path} holds no archive (no articles table)")
        self.conn, self.tables = conn, tables
        return self

    @classmethod
    def for_crawler(cls, crawler) -> Archive:
        archive = cls._by_crawler.get(crawler)
        if archive is None:
            archive = cls(crawler.settings.get("ARCHIVE_DIR", "archive"))
            cls._by_crawler[crawler] = archive
        return archive

    # --- locking and transactions ---------------------------------------------------
    @contextmanager
    def _lock(self) -> Iterator[None]:
        with open(self.dir / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # --- queries ----------------------------------------------------------------------
    def lookup(self, canonical_url: str, fp: str) -> tuple[str, str | None] | None:
        """Why an item is already archived: ("url" | "fingerprint", run id that archived it)."""
        row = self.conn.execute("SELECT fingerprint, run_id FROM articles WHERE canonical_url=?",
                                (canonical_url,)).fetchone()
        if row and row[0] == fp:
            return "url", row[1]
        other = self.conn.execute("SELECT run_id FROM articles WHERE fingerprint=? AND canonical_url!=? LIMIT 1",
                                  (fp, canonical_url)).fetchone()
        if other:
            return "fingerprint", other[0]
        return None  # new, or the same URL with new text: an update

    def count(self, site: str | None = None) -> int:
        if site:
            return self.conn.execute("SELECT COUNT(*) FROM articles WHERE site=?", (site,)).fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def items(self) -> Iterator[dict]:
        for (raw,) in self.conn.execute("SELECT item_json FROM articles ORDER BY canonical_url"):
            yield json.loads(raw)

    # --- writes -----------------------------------------------------------------------
    def add(self, item) -> bool:
        """Upsert one article by canonical URL; True when the archive changed.

        Unchanged when the same URL holds the same text, or the same text is archived
        under another URL (a duplicate); an existing URL with new text is updated.
        """
        adapter = ItemAdapter(item)
        line = item_to_json(item)
        part = partition_for(adapter["site"], adapter.get("published_at"))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock():
            with self.transaction() as conn:
                if self.lookup(adapter["canonical_url"], adapter["fingerprint"]) is not None:
                    return False
                if self._pending:
                    conn.executemany("UPDATE articles SET jsonl_written=1 WHERE canonical_url=?",
                                     [(u,) for u in self._pending])
                    self._pending = []
                cur = conn.execute(
                    """INSERT INTO articles (canonical_url, fingerprint, site, language, published_at, url,
                                             partition, item_json, run_id, jsonl_written, archived_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                       ON CONFLICT (canonical_url) DO UPDATE SET
                           fingerprint=excluded.fingerprint, language=excluded.language,
                           published_at=excluded.published_at, url=excluded.url, partition=excluded.partition,
                           item_json=excluded.item_json, run_id=excluded.run_id, jsonl_written=0, archived_at=excluded.archived_at
                       WHERE articles.fingerprint != excluded.fingerprint""",
                    (adapter["canonical_url"], adapter["fingerprint"], adapter["site"], adapter.get("language"),
                     adapter.get("published_at"), adapter["url"], part, line, self.run_id, now),
                )
                changed = cur.rowcount > 0
                if changed:  # seen in the very transaction that archives it: one commit, never one without the other
                    self._insert_seen(conn, adapter["canonical_url"], adapter["site"])
            if changed:
                self._append(part, [line])
                self._pending.append(adapter["canonical_url"])
        return changed

    def _append(self, part: str, lines: list[str]) -> None:
        path = self.dir / part
        path.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def flush(self) -> None:
        if self._pending:
            with self.transaction() as conn:
                conn.executemany("UPDATE articles SET jsonl_written=1 WHERE canonical_url=?",
                                 [(u,) for u in self._pending])
            self._pending = []

    # --- seen-store (incremental runs) ------------------------------------------------
    def is_seen(self, canonical_url: str) -> bool:
        return self.conn.execute("SELECT 1 FROM seen WHERE canonical_url=?", (canonical_url,)).fetchone() is not None

    def mark_seen(self, canonical_url: str, site: str | None) -> None:
        """Handled for good; a recorded off-topic drop of the same URL is then moot. An article
        :meth:`add` archived is seen already (same transaction): no second write for it."""
        if self.is_seen(canonical_url):
            return
        with self.transaction() as conn:
            self._insert_seen(conn, canonical_url, site)

    @staticmethod
    def _insert_seen(conn, canonical_url: str, site: str | None) -> None:
        conn.execute("INSERT OR IGNORE INTO seen (canonical_url, site, first_seen) VALUES (?, ?, ?)",
                     (canonical_url, site, datetime.now(timezone.utc).isoformat(timespec="seconds")))
        conn.execute("DELETE FROM scope_drops WHERE canonical_url=?", (canonical_url,))


    def published_day(self, canonical_url: str) -> date | None:
        """The publication day of an archived article (None when not archived or undated)."""
        row = self.conn.execute("SELECT published_at FROM articles WHERE canonical_url=?", (canonical_url,)).fetchone()
        try:
            return date.fromisoformat(row[0][:10]) if row and row[0] else None
        except ValueError:
            return None


    # --- crash recovery ---------------------------------------------------------------
    def recover(self) -> int:
        """Cut partial JSON lines and append the lines of rows committed but not yet written."""
        with self._lock():
            return self._recover_locked()

    def _recover_locked(self) -> int:
        repaired = 0
        for path in (self.dir / "jsonl").glob("*/*.jsonl"):
            repaired += truncate_partial_line(path)
        pending = self.conn.execute(
            "SELECT canonical_url, partition, item_json FROM articles WHERE jsonl_written=0").fetchall()
        by_part: dict[str, list[tuple[str, str]]] = {}
        for url, part, line in pending:
            by_part.setdefault(part, []).append((url, line))
        for part, rows in by_part.items():
            present = jsonl_index(self.dir / part)
            missing = [line for url, line in rows if present.get(url) != json.loads(line).get("fingerprint")]
            if missing:
                self._append(part, missing)
                repaired += len(missing)
        if pending:
            with self.transaction() as conn:
                conn.executemany("UPDATE articles SET jsonl_written=1 WHERE canonical_url=?",
                                 [(url,) for url, _, _ in pending])
        if repaired:
            logger.warning("archive %s: recovered %d JSON Lines entries after an interrupted run", self.dir, repaired)
        return repaired

    def close(self) -> None:
        if getattr(self, "readonly", False):
            self.conn.close()
            return
        try:
            self.flush()
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            self.conn.close()


#: how often, and how long at most, opening retries SQLite's "database is locked"
LOCKED_RETRIES = 8
LOCKED_BACKOFF_MAX = 2.0


def retry_locked(operation, retries: int = LOCKED_RETRIES, backoff_max: float = LOCKED_BACKOFF_MAX):
    """Run ``operation``, retrying ``sqlite3.OperationalError: database is locked`` with a
    jittered exponential backoff (0.05 s doubling, capped at ``backoff_max``); the last error
    is raised once ``retries`` tries have failed, so a stuck lock still fails clearly."""
    for attempt in range(retries):
        try:
            return operation()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == retries - 1:
                raise
            delay = min(backoff_max, 0.05 * 2 ** attempt) * (0.5 + random.random() / 2)
            logger.debug("archive busy (%s); retrying in %.2f s", exc, delay)
            time.sleep(delay)


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

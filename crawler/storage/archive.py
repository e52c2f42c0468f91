"""The archive: one row per article, upserted by canonical URL, beside the seen-store and the ledgers.

Two backends hold it, behind this one class and one set of SQL (crawler.storage.backends):

* SQLite under ``ARCHIVE_DIR`` (the default), with JSON Lines partitions beside it::

    archive.sqlite3               articles, seen-store, ledgers, story graph (WAL mode)
    jsonl/<site>/<YYYY-MM>.jsonl  one line per article, partitioned by publication month
    jsonl/<site>/undated.jsonl    articles whose date could not be read
    warc/                         WARC recordings of live crawls (crawler.fetching.warc)

  Several processes may share one directory: SQLite's locking plus an exclusive ``flock``
  around each commit-and-append; a crash between the commit and the append is repaired on the
  next open (crawler.storage.jsonl).
* PostgreSQL at ``ARCHIVE_URL`` (``-s ARCHIVE_URL=postgresql://user@host/db``), for crawls on
  several machines: the same tables (crawler.storage.migrations), no partitions (``scrapy
  archive-export`` writes the same lines). Writers run at once: row-level upserts, and an
  advisory lock per fingerprint around :meth:`Archive.add`'s read-then-write.

On both, an article is archived in one transaction that also marks it seen: a crash never loses
an article nor archives it twice.
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

from crawler.storage import jsonl
from crawler.storage.backends import PgConnection, archive_location, connect_sqlite, dialect_of, is_database_url, redact
from crawler.storage.jsonl import jsonl_index, partition_for, truncate_partial_line
from crawler.storage.ledgers import Ledgers
from crawler.storage.migrations import migrate

logger = logging.getLogger(__name__)

__all__ = ["Archive", "NoArchive", "open_archive", "item_to_json", "partition_for", "truncate_partial_line",
           "jsonl_index", "retry_locked"]


class NoArchive(Exception):
    """A location that holds no readable archive (read-only commands refuse it, never create one)."""


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


UPSERT = """INSERT INTO articles (canonical_url, fingerprint, site, language, published_at, url,
                                  partition, item_json, run_id, jsonl_written, archived_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (canonical_url) DO UPDATE SET
                fingerprint=excluded.fingerprint, language=excluded.language,
                published_at=excluded.published_at, url=excluded.url, partition=excluded.partition,
                item_json=excluded.item_json, run_id=excluded.run_id, jsonl_written=excluded.jsonl_written,
                archived_at=excluded.archived_at
            WHERE articles.fingerprint != excluded.fingerprint"""


def open_archive(settings) -> Archive:
    """The archive the settings name: PostgreSQL at ``ARCHIVE_URL``, else SQLite under ``ARCHIVE_DIR``."""
    return Archive(archive_location(settings))


class Archive(Ledgers):
    """One archive: a directory (SQLite + JSON Lines) or a PostgreSQL URL. Use :meth:`for_crawler`
    so every pipeline of a crawl shares one connection."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, location: str | os.PathLike):
        self._pending: list[str] = []  # URLs whose JSON line is written, their flag not yet cleared
        self.readonly = False
        self.run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        if is_database_url(location):
            self.url, self.dir, self.db_path = location, None, None
            self.conn = PgConnection(location)
            try:
                migrate(self.conn)  # under an advisory lock: any number of processes may open at once
            except BaseException:
                self.conn.close()
                raise
            self.dialect = dialect_of(self.conn)
            return
        self.url = None
        self.dir = Path(location)
        (self.dir / "jsonl").mkdir(parents=True, exist_ok=True)
        self.db_path = self.dir / "archive.sqlite3"
        # Everything that opening does -- creating the file, switching it to WAL, the schema and
        # the recovery of an interrupted run -- happens under the directory's file lock, so any
        # number of processes may open one archive at the same moment (cron starts jobs on the
        # same minute). Switching a new file to WAL needs an exclusive lock SQLite does not wait
        # for (no busy handler), so a rare "database is locked" left by a reader outside the
        # file lock is retried with a bounded backoff.
        with self._lock():
            self.conn = retry_locked(lambda: connect_sqlite(self.db_path))
            self.dialect = dialect_of(self.conn)
            retry_locked(lambda: migrate(self.conn))
            self._recover_locked()

    @property
    def location(self) -> str:
        """Where the archive is, for messages and stats (a URL without its password)."""
        return redact(self.url) if self.url else str(self.dir)

    @classmethod
    def open_readonly(cls, location: str | os.PathLike) -> Archive:
        """The archive at ``location`` opened read-only (SQLite ``mode=ro``; a PostgreSQL session
        with read-only transactions): nothing is created, migrated, recovered or written.
        :class:`NoArchive` when it holds no readable archive."""
        self = cls.__new__(cls)
        self._pending, self.run_id, self.readonly = [], None, True
        if is_database_url(location):
            self.url, self.dir, self.db_path = location, None, None
            try:
                conn = PgConnection(location, readonly=True)
            except ImportError as exc:
                raise NoArchive(str(exc)) from None
            except Exception as exc:  # psycopg.OperationalError: unreachable, no such database, refused
                raise NoArchive(f"cannot open the archive at {redact(location)}: {str(exc).strip()}") from None
            where = redact(location)
        else:
            self.url, self.dir = None, Path(location)
            self.db_path = self.dir / "archive.sqlite3"
            if not self.db_path.is_file():
                raise NoArchive(f"no archive at {self.dir} ({self.db_path.name} missing; set -s ARCHIVE_DIR=...)")
            conn = connect_sqlite(self.db_path, readonly=True)
            where = str(self.db_path)
        self.dialect = dialect_of(conn)
        try:
            tables = self.dialect.tables(conn)
        except Exception as exc:  # sqlite3.DatabaseError (not a database), a PostgreSQL error
            conn.close()
            raise NoArchive(f"{where} is not a readable archive: {exc}") from None
        if "articles" not in tables:
            conn.close()
            raise NoArchive(f"{where} holds no archive (no articles table)")
        self.conn, self.tables = conn, tables
        return self

    @classmethod
    def for_crawler(cls, crawler) -> Archive:
        archive = cls._by_crawler.get(crawler)
        if archive is None:
            archive = cls(archive_location(crawler.settings))
            cls._by_crawler[crawler] = archive
        return archive

    # --- locking and transactions ---------------------------------------------------
    @contextmanager
    def _lock(self) -> Iterator[None]:
        """SQLite: the directory's exclusive flock (a commit and its JSON line append in one order
        for every process). PostgreSQL: nothing -- its writes are row-level, and a read-then-write
        names an advisory lock in :meth:`transaction`."""
        if self.dir is None:
            yield
            return
        with open(self.dir / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator:
        """One write transaction; ``lock`` names what no other writer may read-then-write meanwhile."""
        with self.dialect.transaction(self.conn, lock):
            yield self.conn

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

    def item_lines(self) -> Iterator[str]:
        """Every article's stored JSON (the line its partition holds), by canonical URL (byte order
        on both engines), streamed."""
        for (raw,) in self.dialect.stream(self.conn, "SELECT item_json FROM articles ORDER BY canonical_url"):
            yield raw

    def items(self) -> Iterator[dict]:
        for raw in self.item_lines():
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
        partitioned = self.dir is not None
        with self._lock():
            # the fingerprint's lock: two writers of one text under two URLs must not both find it new
            with self.transaction(lock=f"fingerprint:{adapter['fingerprint']}") as conn:
                if self.lookup(adapter["canonical_url"], adapter["fingerprint"]) is not None:
                    return False
                if self._pending:
                    jsonl.mark_written(conn, self._pending)
                    self._pending = []
                cur = conn.execute(UPSERT, (
                    adapter["canonical_url"], adapter["fingerprint"], adapter["site"], adapter.get("language"),
                    adapter.get("published_at"), adapter["url"], part, line, self.run_id, 0 if partitioned else 1, now))
                changed = cur.rowcount > 0
                if changed:  # seen in the very transaction that archives it: one commit, never one without the other
                    self._insert_seen(conn, adapter["canonical_url"], adapter["site"])
            if changed and partitioned:
                self._append(part, [line])
                self._pending.append(adapter["canonical_url"])
        return changed

    def _append(self, part: str, lines: list[str]) -> None:
        jsonl.append(self.dir, part, lines)

    def flush(self) -> None:
        if self._pending:
            with self.transaction() as conn:
                jsonl.mark_written(conn, self._pending)
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
        conn.execute("INSERT INTO seen (canonical_url, site, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
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
        """Cut partial JSON lines and append the lines of rows committed but not yet written
        (SQLite; a PostgreSQL archive has nothing to repair: each article is one transaction)."""
        with self._lock():
            return self._recover_locked()

    def _recover_locked(self) -> int:
        return jsonl.recover(self) if self.dir is not None else 0

    def close(self) -> None:
        if self.readonly:
            self.conn.close()
            return
        try:
            self.flush()
            if self.dir is not None:
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

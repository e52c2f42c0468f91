"""Where the archive's rows live: SQLite under ``ARCHIVE_DIR`` (the default) or PostgreSQL at
``ARCHIVE_URL`` -- and every difference between the two engines, so that the archive, its ledgers
and the story graph keep one set of SQL (``?`` placeholders, ``INSERT ... ON CONFLICT``).

The pattern is Scrapy's pluggable HTTP-cache storage: the logic above is written once against a
small connection interface -- ``execute(sql, params)`` returning a cursor (``fetchone``,
``fetchall``, iteration, ``rowcount``), ``executemany`` and ``in_transaction`` -- that a
``sqlite3.Connection`` has by itself and :class:`PgConnection` gives a psycopg connection. What
cannot be written once is asked of :func:`dialect_of` the connection:

* opening a write transaction (SQLite ``BEGIN IMMEDIATE``, which serializes the writers of the
  file, vs ``BEGIN``) and the transaction-scoped lock a multi-step read-then-write takes
  (nothing on SQLite, ``pg_advisory_xact_lock`` on PostgreSQL, where writers run at once);
* the table list (``sqlite_master`` vs ``information_schema``), the DDL's types and collation;
* streaming a large result without holding it in memory.

Why ``COLLATE "C"`` on PostgreSQL's text columns: SQLite compares text byte by byte, a
PostgreSQL database by its locale; with the C collation ``ORDER BY`` gives the same order on
both, so ``scrapy archive-export`` writes the same bytes from either.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

#: the URL schemes that select the PostgreSQL archive (``-s ARCHIVE_URL=postgresql://...``)
DATABASE_SCHEMES = ("postgresql", "postgres")


def is_database_url(location) -> bool:
    return isinstance(location, str) and location.split("://", 1)[0].lower() in DATABASE_SCHEMES \
        and "://" in location


def archive_location(settings) -> str:
    """``ARCHIVE_URL`` when set (a PostgreSQL URL), else the SQLite archive's ``ARCHIVE_DIR``."""
    url = (settings.get("ARCHIVE_URL") or "").strip()
    if url:
        if not is_database_url(url):
            raise ValueError(f"ARCHIVE_URL must be a postgresql:// URL, not {redact(url)!r}")
        return url
    return settings.get("ARCHIVE_DIR", "archive")


def redact(url: str) -> str:
    """The URL without its password, for logs, stats and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=netloc[0].split(":", 1)[0] + ":***@" + netloc[1]))


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks (not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=512)
def pg_placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and ``%`` -> ``%%`` outside quoted literals (psycopg's parameter style)."""
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        else:
            out.append("%%" if ch == "%" else ch)
    return "".join(out)


class PgConnection:
    """A psycopg connection (autocommit: transactions are explicit, as on the archive's SQLite
    connection) with sqlite3's calling conventions, so the archive's SQL runs unchanged."""

    def __init__(self, url: str, readonly: bool = False):
        try:
            import psycopg
        except ImportError as exc:
            raise ImportError(f"ARCHIVE_URL needs psycopg 3: pip install -e '.[postgres]' ({exc})") from exc

        self.url = url
        self.raw = psycopg.connect(url, autocommit=True)
        if readonly:
            self.raw.execute("SET default_transaction_read_only = on")
        self.schema = self.raw.execute("SELECT current_schema()").fetchone()[0]

    def execute(self, sql: str, params=()):
        if not params:
            return self.raw.execute(sql)
        return self.raw.execute(pg_placeholders(sql), tuple(params))

    def executemany(self, sql: str, seq):
        cur = self.raw.cursor()
        cur.executemany(pg_placeholders(sql), [tuple(p) for p in seq])
        return cur

    def stream(self, sql: str, params=()) -> Iterator[tuple]:
        """Rows one at a time from the server (a plain cursor would hold the whole result)."""
        cur = self.raw.cursor()
        yield from cur.stream(pg_placeholders(sql) if params else sql, tuple(params) if params else None)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class SqliteDialect:
    name = "sqlite"

    @staticmethod
    @contextmanager
    def transaction(conn, lock: str | None = None) -> Iterator[None]:
        """A write transaction. ``BEGIN IMMEDIATE`` takes the file's write lock at once, so a
        read-then-write inside it is never interleaved with another writer: ``lock`` is moot."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    @staticmethod
    def session_lock(conn, name: str):
        return nullcontext()  # the archive directory's flock is held by whoever opens it

    @staticmethod
    def tables(conn) -> set[str]:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    @staticmethod
    def ddl(sql: str) -> str:
        return sql

    @staticmethod
    def stream(conn, sql: str, params=()) -> Iterator[tuple]:
        return conn.execute(sql, params)  # a sqlite3 cursor reads lazily already


class PostgresDialect:
    name = "postgresql"

    @staticmethod
    @contextmanager
    def transaction(conn: PgConnection, lock: str | None = None) -> Iterator[None]:
        """A transaction (READ COMMITTED). Writers run at once, row by row; a read-then-write that
        must not interleave with another process's names a ``lock``, an advisory lock held until
        the commit, taken before anything is read."""
        with conn.raw.transaction():
            if lock:
                PostgresDialect.xact_lock(conn, lock)
            yield

    @staticmethod
    def xact_lock(conn: PgConnection, name: str) -> None:
        conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(f"{conn.schema}:{name}"),))

    @staticmethod
    @contextmanager
    def session_lock(conn: PgConnection, name: str) -> Iterator[None]:
        key = lock_key(f"{conn.schema}:{name}")
        conn.raw.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.raw.execute("SELECT pg_advisory_unlock(%s)", (key,))

    @staticmethod
    def tables(conn: PgConnection) -> set[str]:
        return {row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    @staticmethod
    def ddl(sql: str) -> str:
        """SQLite's DDL for PostgreSQL: byte-wise text comparison (see the module's docstring) and
        REAL as a double (PostgreSQL's REAL is 4 bytes: 0.9 would come back as 0.8999999761...)."""
        sql = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sql)
        return re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)

    @staticmethod
    def stream(conn: PgConnection, sql: str, params=()) -> Iterator[tuple]:
        return conn.stream(sql, params)


def dialect_of(conn) -> type[SqliteDialect] | type[PostgresDialect]:
    return PostgresDialect if isinstance(conn, PgConnection) else SqliteDialect


def transaction(conn, lock: str | None = None):
    """A write transaction on either engine (see the dialects' ``transaction``)."""
    return dialect_of(conn).transaction(conn, lock)


def connect_sqlite(path, readonly: bool = False) -> sqlite3.Connection:
    """The archive's SQLite connection: autocommit (transactions are explicit), WAL; read-only
    (``mode=ro``) for the commands that only read."""
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    # check_same_thread=False: a crawl's writer archive is opened on the reactor thread and then
    # used by the writer thread alone (crawler.storage.writer); never by two threads at once
    conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # a checkpoint (WAL -> database file, with an fsync) every ~40 MB of WAL instead of SQLite's
        # ~4 MB: a crawl commits twice per article, and the default checkpoints, paid by whichever
        # commit crosses the mark, came to ~0.1 ms per commit here (measured on the story graph's
        # inserts: 0.175 -> 0.076 ms a commit). Durability is unchanged: a commit is in the WAL.
        conn.execute("PRAGMA wal_autocheckpoint=10000")
    except BaseException:
        conn.close()
        raise
    return conn

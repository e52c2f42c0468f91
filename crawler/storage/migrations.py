"""The archive's schema as numbered migrations, the same steps on SQLite and PostgreSQL.

Each step is data: a version, a name and its DDL, written in SQLite's dialect (PostgreSQL's is
derived by :meth:`crawler.storage.backends.PostgresDialect.ddl`). :func:`migrate` applies the steps
an archive has not recorded in ``schema_migrations``, each in its own transaction with its row,
under a lock (SQLite: the archive directory's flock, held by whoever opens it; PostgreSQL: a
session advisory lock), so two processes starting on the same minute never race, and a rerun is a
no-op. The steps use ``IF NOT EXISTS``: a SQLite archive made before this table existed holds the
tables already, and records the steps without changing anything.

A new column or index is a new step at the end; an applied step is never edited.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

from crawler.storage.backends import dialect_of


class Migration(NamedTuple):
    version: int
    name: str
    ddl: str


ARCHIVE_TABLES = """
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

STORY_TABLES = """
CREATE TABLE IF NOT EXISTS story_nodes (
    url        TEXT PRIMARY KEY,
    site       TEXT,
    language   TEXT,
    day        TEXT,
    slug       TEXT,
    title_slug TEXT,
    credit     TEXT,
    named      INTEGER NOT NULL DEFAULT 0,
    archived   INTEGER NOT NULL DEFAULT 0,
    features   TEXT,
    text       TEXT,
    anchor     TEXT NOT NULL,
    story_id   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_nodes_day ON story_nodes (day);
CREATE INDEX IF NOT EXISTS story_nodes_slug ON story_nodes (slug);
CREATE INDEX IF NOT EXISTS story_nodes_title_slug ON story_nodes (title_slug);
CREATE INDEX IF NOT EXISTS story_nodes_story ON story_nodes (story_id);
CREATE TABLE IF NOT EXISTS story_links (
    src        TEXT NOT NULL,
    dst        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    confidence REAL NOT NULL,
    detail     TEXT,
    PRIMARY KEY (src, dst, kind)
);
CREATE INDEX IF NOT EXISTS story_links_dst ON story_links (dst);
"""

#: every step, oldest first; versions are never reused
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, seen-store, ledgers (day counts, coverage, scope drops, runs)", ARCHIVE_TABLES),
    Migration(2, "story graph (story_nodes, story_links)", STORY_TABLES),
)

SCHEMA_MIGRATIONS = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""


def statements(ddl: str) -> list[str]:
    """The DDL's statements (none of them holds a semicolon of its own)."""
    return [s.strip() for s in ddl.split(";") if s.strip()]


def migrate(conn, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the steps not yet recorded; returns the versions applied now ([] on a rerun)."""
    dialect = dialect_of(conn)
    applied_now = []
    with dialect.session_lock(conn, "schema_migrations"):
        conn.execute(dialect.ddl(SCHEMA_MIGRATIONS))
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for step in migrations:
            if step.version in done:
                continue
            with dialect.transaction(conn):
                for statement in statements(dialect.ddl(step.ddl)):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                             (step.version, step.name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            applied_now.append(step.version)
    return applied_now


def applied_versions(conn) -> list[int]:
    if "schema_migrations" not in dialect_of(conn).tables(conn):
        return []
    return sorted(row[0] for row in conn.execute("SELECT version FROM schema_migrations"))

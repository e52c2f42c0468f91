"""PostgreSQL for the tests: the server at ``TEST_POSTGRES_URL`` and a fresh schema per test.

Each test gets its own schema (``vnfa_test_<random>``), named in the URL it is given
(``options=-csearch_path=...``), so tests never see each other's rows, and the schema is dropped
afterwards. When the server cannot be reached the tests are skipped with the reason -- except
under CI (``CI=true``), where a missing service is a failure, never a silent skip.
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from crawler.storage.backends import redact
from tests.support import service_unavailable

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def unavailable(reason: str):
    service_unavailable("PostgreSQL", reason)


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose sessions use ``schema`` (tables created there, names looked up there)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def admin_connection():
    """An autocommit connection to the test server (creates and drops the schemas): the body
    of a session fixture, ``yield from admin_connection()``."""
    try:
        import psycopg
    except ImportError as exc:
        unavailable(f"psycopg is not installed (pip install -e '.[test]'): {exc}")
    try:
        conn = psycopg.connect(TEST_POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        unavailable(f"no PostgreSQL server at {redact(TEST_POSTGRES_URL)} (set TEST_POSTGRES_URL): {exc}")
    yield conn
    conn.close()


def new_schema(admin) -> str:
    schema = f"vnfa_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def fresh_schema_url(admin):
    """A PostgreSQL archive URL on a fresh, empty schema, dropped afterwards: the body of a
    fixture, ``yield from fresh_schema_url(pg_admin)``."""
    schema = new_schema(admin)
    try:
        yield with_search_path(TEST_POSTGRES_URL, schema)
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pg_support import admin_connection, fresh_schema_url  # noqa: E402
from tests.support import SEEDS, read_jsonl, scrapy_crawl, stats_from_log  # noqa: E402


@pytest.fixture(scope="session")
def seeds_crawl(tmp_path_factory):
    """One real ``scrapy crawl seeds`` over the project's seeds: items, stats and archive dir."""
    tmp = tmp_path_factory.mktemp("seeds_crawl")
    out = tmp / "out.jsonl"
    proc = scrapy_crawl("seeds", "-a", f"path={SEEDS}", "-O", str(out), "-s", f"ARCHIVE_DIR={tmp / 'archive'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"items": read_jsonl(out), "stats": stats_from_log(proc.stderr), "archive": tmp / "archive",
            "log": proc.stderr}


@pytest.fixture(scope="module")
def pg_admin():
    """An autocommit connection to the PostgreSQL test server (skips, or fails under CI=true, without one)."""
    yield from admin_connection()


@pytest.fixture
def pg_url(pg_admin):
    """A PostgreSQL archive URL on a fresh schema of its own, dropped after the test."""
    yield from fresh_schema_url(pg_admin)

"""Issue #10 (2): archive commands report damage and never create an archive where there is none."""
import os
import sqlite3
import subprocess
import sys

import pytest

from crawler.storage.archive import Archive
from crawler.storage.check import check_archive
from tests.support import ROOT


def scrapy(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def _archive(tmp_path):
    archive = Archive(tmp_path / "a")
    archive.add({"url": "https://baoquocte.vn/a-1.html", "canonical_url": "https://baoquocte.vn/a-1.html",
                 "site": "baoquocte.vn", "fingerprint": "fp1", "published_at": "2024-01-02", "body": "x" * 100})
    archive.close()
    return tmp_path / "a"


def test_garbage_database_is_damage_not_a_crash(tmp_path):
    directory = _archive(tmp_path)
    for extra in ("-wal", "-shm"):
        (directory / f"archive.sqlite3{extra}").unlink(missing_ok=True)
    (directory / "archive.sqlite3").write_bytes(b"\x00garbage\xff" * 500)
    report = check_archive(directory)
    assert not report.ok and any("damaged" in e for e in report.errors)
    proc = scrapy("archive-check", "--archive", str(directory))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "damaged" in proc.stdout


def test_read_only_commands_refuse_a_path_without_archive(tmp_path):
    empty = tmp_path / "nothing-here"
    for args in (["archive-summary", "--archive", str(empty)], ["coverage", "-s", f"ARCHIVE_DIR={empty}"],
                 ["health", "-s", f"ARCHIVE_DIR={empty}"]):
        proc = scrapy(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr[-2000:])
        assert "no archive at" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert not empty.exists(), f"{args[0]} created {empty}"


def test_read_only_commands_open_the_archive_read_only(tmp_path):
    directory = _archive(tmp_path)
    def files():  # SQLite's own -wal/-shm companions aside
        return sorted(p.name for p in directory.rglob("*") if not p.name.endswith(("-wal", "-shm")))

    before, db = files(), (directory / "archive.sqlite3").read_bytes()
    proc = scrapy("archive-summary", "--archive", str(directory))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 article(s)" in proc.stdout
    assert files() == before and (directory / "archive.sqlite3").read_bytes() == db
    archive = Archive.open_readonly(directory)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            archive.conn.execute("DELETE FROM articles")
    finally:
        archive.close()


def test_garbage_database_is_refused_by_read_only_commands(tmp_path):
    directory = tmp_path / "g"
    directory.mkdir()
    (directory / "archive.sqlite3").write_bytes(b"not a database at all" * 100)
    proc = scrapy("archive-summary", "--archive", str(directory))
    assert proc.returncode == 2 and "not a readable archive" in proc.stderr and "Traceback" not in proc.stderr

"""scrapy archive-check finds every kind of mismatch between SQLite and JSON Lines."""
import sqlite3
import subprocess
import sys

import pytest

from crawler.storage.archive import Archive
from crawler.storage.check import check_archive
from tests.support import ROOT

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)


def _item(n, month="2024-01"):
    return {"url": f"https://baoquocte.vn/a-{n}.html", "canonical_url": f"https://baoquocte.vn/a-{n}.html",
            "site": "baoquocte.vn", "fingerprint": f"fp{n}", "published_at": f"{month}-0{n % 9 + 1}",
            "body": "x" * 100}


@pytest.fixture
def archive_dir(tmp_path):
    archive = Archive(tmp_path)
    for n in range(3):
        archive.add(_item(n))
    archive.close()
    return tmp_path


def test_clean_archive_passes(archive_dir):
    report = check_archive(archive_dir)
    assert report.ok, report.summary()
    assert (report.articles, report.jsonl_lines) == (3, 3)


def test_partial_line_is_an_error(archive_dir):
    part = archive_dir / "jsonl" / "baoquocte.vn" / "2024-01.jsonl"
    with open(part, "ab") as fh:
        fh.write(b'{"canonical_url": "htt')
    report = check_archive(archive_dir)
    assert any("partial" in e for e in report.errors)


def test_missing_and_duplicated_lines_are_errors(archive_dir):
    part = archive_dir / "jsonl" / "baoquocte.vn" / "2024-01.jsonl"
    lines = part.read_text().splitlines(keepends=True)
    part.write_text(lines[0] + lines[0] + lines[1])  # line 3 lost, line 1 twice
    report = check_archive(archive_dir)
    assert any("written 2 times" in e for e in report.errors)
    assert any("a-2.html" in e and "missing" in e for e in report.errors)


def test_line_without_row_is_an_error(archive_dir):
    conn = sqlite3.connect(archive_dir / "archive.sqlite3")
    conn.execute("DELETE FROM articles WHERE canonical_url LIKE '%a-1.html'")
    conn.commit()
    conn.close()
    report = check_archive(archive_dir)
    assert any("not in the database" in e for e in report.errors)


def test_update_supersedes_a_line_without_error(archive_dir):
    archive = Archive(archive_dir)
    changed = dict(_item(1), fingerprint="fp1-v2", body="y" * 100)
    assert archive.add(changed)
    archive.close()
    report = check_archive(archive_dir)
    assert report.ok, report.summary()
    assert any("superseded" in w for w in report.warnings)


def test_command_exit_code(archive_dir):
    def run():
        return subprocess.run([sys.executable, "-m", "scrapy", "archive-check", "--archive", str(archive_dir)],
                              cwd=ROOT, capture_output=True, text=True)
    ok = run()
    assert ok.returncode == 0 and "errors=0" in ok.stdout
    (archive_dir / "jsonl" / "baoquocte.vn" / "2024-01.jsonl").write_text("not json\n")
    bad = run()
    assert bad.returncode == 1 and "ERROR" in bad.stdout

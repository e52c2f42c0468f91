"""``scrapy coverage``: the ledger's merged ranges per site and the gaps between them."""
import json
import os
import subprocess
import sys
from datetime import date

from crawler.storage.archive import Archive
from crawler.storage.ledgers import gaps, merge_ranges
from tests.support import ROOT


def _coverage(archive_dir, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", "coverage", *args, "-s", f"ARCHIVE_DIR={archive_dir}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_ranges_that_touch_or_overlap_are_merged_and_the_rest_are_gaps():
    d = date.fromisoformat
    ranges = merge_ranges([(d("2024-03-01"), d("2024-03-10")), (d("2024-01-01"), d("2024-01-31")),
                           (d("2024-02-01"), d("2024-02-10")), (d("2024-03-05"), d("2024-03-20"))])
    assert ranges == [(d("2024-01-01"), d("2024-02-10")), (d("2024-03-01"), d("2024-03-20"))]
    assert gaps(ranges) == [(d("2024-02-11"), d("2024-02-29"))]


def test_coverage_command_shows_ranges_and_gaps(tmp_path):
    archive = Archive(tmp_path)
    d = date.fromisoformat
    archive.record_coverage("cantho", d("2024-10-01"), d("2024-12-31"), "r1", "backfill")
    archive.record_coverage("cantho", d("2025-02-01"), d("2025-03-15"), "r2", "incremental")
    archive.record_coverage("baoquocte.vn", d("2025-01-01"), d("2025-01-02"), "r3", "incremental")
    archive.close()
    proc = _coverage(tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["site"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert rows["cantho"]["covered"] == [["2024-10-01", "2024-12-31"], ["2025-02-01", "2025-03-15"]]
    assert rows["cantho"]["gaps"] == [["2025-01-01", "2025-01-31"]] and rows["cantho"]["end"] == "2025-03-15"
    assert rows["baoquocte.vn"]["gaps"] == []
    text = _coverage(tmp_path).stdout
    assert "gap 2025-01-01..2025-01-31 (31 day(s)): backfill it with -a since=2025-01-01 -a until=2025-01-31" in text


def test_coverage_command_refuses_a_path_without_an_archive(tmp_path):
    proc = _coverage(tmp_path / "nothing-here")
    assert proc.returncode != 0 and "no archive" in (proc.stderr + proc.stdout)
    assert not (tmp_path / "nothing-here").exists()

"""Two crawls writing to one archive at the same time lose nothing and duplicate nothing."""
import subprocess
import sys

import pytest

from crawler.storage.archive import Archive
from crawler.storage.check import check_archive
from tests.support import ROOT, SEEDS, stats_from_log

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

TEMPLATE = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


def _dumps(directory, prefix, n):
    """n distinct Can Tho text dumps, made from the seed by changing title and story."""
    directory.mkdir()
    for i in range(n):
        text = TEMPLATE.replace("Conference of the foreign service sector", f"{prefix} meeting number {i}")
        text = text.replace("On the morning of January 10, 2023,",
                            f"On the morning of January {1 + i % 28}, 2023, in session {prefix}-{i},")
        (directory / f"{prefix}-{i}.txt").write_text(text, encoding="utf-8")


def test_two_crawls_share_one_archive(tmp_path):
    _dumps(tmp_path / "a", "alpha", 40)
    _dumps(tmp_path / "b", "beta", 40)
    archive_dir = tmp_path / "archive"
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "seeds", "-a", f"path={tmp_path / d}",
                               "-s", f"ARCHIVE_DIR={archive_dir}", "-s", "CONCURRENT_REQUESTS=4"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for d in ("a", "b")]
    logs = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    written = sum(stats_from_log(log).get("pipeline/archive/written", 0) for log in logs)
    assert written == 80
    archive = Archive(archive_dir)
    titles = sorted(item["title"] for item in archive.items())
    archive.close()
    assert len(titles) == len(set(titles)) == 80
    report = check_archive(archive_dir)
    assert report.ok, report.summary()
    assert report.jsonl_lines == 80

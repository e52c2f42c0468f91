"""Bad dumps are logged and counted, the crawl finishes, and the archive keeps what it had."""
import shutil

import pytest

from crawler.storage.archive import Archive
from tests.support import SEEDS, read_jsonl, scrapy_crawl, stats_from_log

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)


def test_bad_dumps_are_skipped_and_counted(tmp_path):
    archive_dir = tmp_path / "archive"
    good = tmp_path / "good"
    good.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, good / seed.name)
    proc = scrapy_crawl("seeds", "-a", f"path={good}", "-s", f"ARCHIVE_DIR={archive_dir}")
    assert proc.returncode == 0
    before = sorted(a["canonical_url"] for a in Archive(archive_dir).items())
    assert len(before) == 5

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_bytes("\u00a0\n \n".encode())
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 40)
    seed_text = next(SEEDS.glob("001_*.txt")).read_bytes()
    cut = seed_text.index("đại".encode()) + 1  # inside a multi-byte character
    (bad / "truncated.txt").write_bytes(seed_text[:cut])
    (bad / "unknown.txt").write_text("Lorem ipsum dolor sit amet.\n\nNothing any site would write.\n")
    shutil.copy(next(SEEDS.glob("002_*.txt")), bad / "good-one.txt")
    out = tmp_path / "out.jsonl"
    proc = scrapy_crawl("seeds", "-a", f"path={bad}", "-O", str(out), "-s", f"ARCHIVE_DIR={archive_dir}")
    assert proc.returncode == 0
    stats = stats_from_log(proc.stderr)
    assert stats["finish_reason"] == "finished"
    assert stats["seeds/skipped/empty"] == 2
    assert stats["seeds/skipped/binary"] == 1
    assert stats["seeds/skipped/bad_encoding"] == 1
    assert stats["seeds/skipped/unrecognized"] == 1
    assert "skipped" in proc.stderr and "unrecognized" in proc.stderr
    assert len(read_jsonl(out)) == 1  # the good dump among the bad still comes through
    after = sorted(a["canonical_url"] for a in Archive(archive_dir).items())
    assert after == before  # nothing lost; the good one was already archived (same text)


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    proc = scrapy_crawl("seeds", "-a", f"path={tmp_path / 'nope'}", "-s", f"ARCHIVE_DIR={tmp_path / 'a'}")
    assert proc.returncode == 0
    assert stats_from_log(proc.stderr)["seeds/skipped/missing_path"] == 1


def test_truncated_dump_of_a_known_site_still_parses_when_decodable(tmp_path):
    """A dump cut at a character boundary keeps what it has: the article up to the cut."""
    text = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    d = tmp_path / "d"
    d.mkdir()
    (d / "cut.txt").write_text(text[: int(len(text) * 0.6)], encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = scrapy_crawl("seeds", "-a", f"path={d}", "-O", str(out), "-s", f"ARCHIVE_DIR={tmp_path / 'a'}")
    assert proc.returncode == 0
    items = read_jsonl(out)
    assert len(items) == 1 and items[0]["title"] == "Conference of the foreign service sector"

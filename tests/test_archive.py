"""Dedup across runs and archive idempotence, through real crawls."""
import hashlib
import shutil
import sqlite3

from crawler.storage.archive import Archive, truncate_partial_line
from tests.support import SEEDS, read_jsonl, scrapy_crawl, stats_from_log


def _snapshot(archive_dir):
    """Content hash of every article row and JSON Lines file (WAL checkpointed)."""
    conn = sqlite3.connect(archive_dir / "archive.sqlite3")
    rows = conn.execute("SELECT canonical_url, fingerprint, item_json FROM articles ORDER BY canonical_url").fetchall()
    conn.close()
    files = {p.relative_to(archive_dir).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
             for p in sorted((archive_dir / "jsonl").rglob("*.jsonl"))}
    return rows, files


def _crawl(tmp_path, path, name):
    out = tmp_path / f"{name}.jsonl"
    proc = scrapy_crawl("seeds", "-a", f"path={path}", "-O", str(out), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return read_jsonl(out), stats_from_log(proc.stderr)


def test_same_replay_twice_leaves_archive_unchanged(tmp_path):
    items1, stats1 = _crawl(tmp_path, SEEDS, "first")
    before = _snapshot(tmp_path / "archive")
    items2, stats2 = _crawl(tmp_path, SEEDS, "second")
    after = _snapshot(tmp_path / "archive")
    assert stats1["pipeline/archive/written"] == 5
    assert len(before[0]) == 5 and sum(len(read_jsonl(tmp_path / "archive" / f)) for f in before[1]) == 5
    assert before == after
    # the second run still exports its items, but counts them as already archived
    assert len(items2) == 5 and stats2["pipeline/dedup/already_archived"] == 5
    assert "pipeline/archive/written" not in stats2


def test_same_text_at_two_urls_is_one_article(tmp_path):
    seeds = tmp_path / "dumps"
    seeds.mkdir()
    src = next(SEEDS.glob("002_*.txt"))
    shutil.copy(src, seeds / "a.txt")
    shutil.copy(src, seeds / "b.txt")
    items, stats = _crawl(tmp_path, seeds, "run")
    assert len(items) == 1
    assert stats["pipeline/dedup/duplicate_fingerprint"] == 1
    assert stats["pipeline/archive/written"] == 1


def test_dedup_across_runs_by_fingerprint(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    src = next(SEEDS.glob("003_*.txt"))
    shutil.copy(src, first / "x.txt")
    shutil.copy(src, second / "y.txt")  # same text under another name: another URL
    _crawl(tmp_path, first, "one")
    _, stats = _crawl(tmp_path, second, "two")
    assert stats["pipeline/dedup/already_archived"] == 1
    assert Archive(tmp_path / "archive").count() == 1


def test_recover_appends_committed_rows_and_cuts_partial_lines(tmp_path):
    archive = Archive(tmp_path)
    item = {"url": "https://baoquocte.vn/a-1.html", "canonical_url": "https://baoquocte.vn/a-1.html",
            "site": "baoquocte.vn", "fingerprint": "f1", "published_at": "2024-01-02", "body": "x" * 100}
    archive.add(item)
    archive.close()
    part = tmp_path / "jsonl" / "baoquocte.vn" / "2024-01.jsonl"
    # simulate a kill between the commit and the append: row pending, line missing, partial line written
    conn = sqlite3.connect(tmp_path / "archive.sqlite3")
    conn.execute("UPDATE articles SET jsonl_written=0")
    conn.commit()
    conn.close()
    part.write_bytes(b'{"canonical_url": "https://baoq')
    archive = Archive(tmp_path)
    lines = read_jsonl(part)
    assert [line["canonical_url"] for line in lines] == ["https://baoquocte.vn/a-1.html"]
    assert truncate_partial_line(part) == 0
    archive.close()
    # reopening again changes nothing
    Archive(tmp_path).close()
    assert len(read_jsonl(part)) == 1

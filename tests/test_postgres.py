"""The PostgreSQL archive (ARCHIVE_URL) in-process: the same guarantees as the SQLite archive.

Every test runs on a fresh schema of the server at TEST_POSTGRES_URL (tests/pg_support.py);
where the SQLite archive is the reference, the same calls go to both and the answers are compared.
"""
from __future__ import annotations

import importlib
import io
import logging
import sqlite3
import threading
from datetime import date

import pytest

from crawler.storage.archive import Archive, NoArchive, open_archive
from crawler.storage.backends import PgConnection, archive_location, pg_placeholders, redact
from crawler.storage.migrations import ARCHIVE_TABLES, MIGRATIONS, applied_versions, migrate
from crawler.storage.stories import StoryGraph
from tests.pg_support import TEST_POSTGRES_URL, new_schema, with_search_path

pytestmark = pytest.mark.postgres



U1, U2 = "https://baoquocte.vn/a-1.html", "https://baoquocte.vn/b-2.html"


def article(url: str, fp: str = "f1", **fields) -> dict:
    return {"url": url, "canonical_url": url, "site": "baoquocte.vn", "language": "vi", "fingerprint": fp,
            "title": "Hội nghị ngoại giao", "published_at": "2024-01-02T08:00:00+07:00", "body": "x" * 100,
            "authors": ["Minh Anh"], **fields}


def test_upsert_by_canonical_url_only_when_the_fingerprint_changed(pg_url):
    archive = Archive(pg_url)
    try:
        assert archive.add(article(U1)) is True
        assert archive.add(article(U1)) is False  # same URL, same text: unchanged
        assert archive.add(article(U2)) is False  # same text at another URL: a duplicate
        assert archive.lookup(U2, "f1") == ("fingerprint", archive.run_id)
        assert archive.lookup(U1, "f1") == ("url", archive.run_id)
        assert archive.add(article(U1, "f2", title="Tiêu đề mới")) is True  # new text: an update
        assert archive.count() == 1 and archive.count("baoquocte.vn") == 1 and archive.count("vietnam.vn") == 0
        assert [item["title"] for item in archive.items()] == ["Tiêu đề mới"]
        # no JSON Lines partitions on PostgreSQL: nothing is ever pending
        assert archive.conn.execute("SELECT fingerprint, jsonl_written FROM articles").fetchall() == [("f2", 1)]
        assert archive.published_day(U1) == date(2024, 1, 2) and archive.published_day(U2) is None
    finally:
        archive.close()


def test_an_archived_article_is_seen_in_the_transaction_that_archives_it(pg_url, monkeypatch):
    archive = Archive(pg_url)
    try:
        archive.add(article(U1))
        other = Archive.open_readonly(pg_url)  # another session sees both, committed
        assert other.is_seen(U1) and other.count() == 1
        other.close()

        def fail(conn, canonical_url, site):
            raise RuntimeError("the seen write failed")

        monkeypatch.setattr(Archive, "_insert_seen", staticmethod(fail))
        with pytest.raises(RuntimeError):
            archive.add(article(U2, "f2"))
        monkeypatch.undo()
        assert archive.count() == 1 and not archive.is_seen(U2)  # the article's row went with it
        archive.mark_seen(U2, "baoquocte.vn")
        archive.mark_seen(U2, "baoquocte.vn")
        assert archive.is_seen(U2)
    finally:
        archive.close()


def exercise_ledgers(archive: Archive) -> dict:
    """The same ledger calls on any archive; what they read back."""
    archive.record_day_counts("r1", "baohatinh", {"2024-01-02": 3, "2024-01-01": 0})
    archive.record_day_counts("r1", "baohatinh", {"2024-01-02": 4})  # a rerun of the day: replaced
    archive.record_coverage("baohatinh.vn", date(2024, 1, 1), date(2024, 1, 5), "r1", "backfill")
    archive.record_coverage("baohatinh.vn", date(2024, 1, 6), date(2024, 1, 9), "r2", "incremental")
    archive.record_coverage("baohatinh.vn", date(2024, 1, 20), date(2024, 1, 21), "r3", "incremental")
    archive.record_coverage("cantho", date(2024, 2, 1), date(2024, 2, 1), "r4", "incremental")
    for url, version in ((U1, "t1"), (U2, "t1"), ("https://vietnam.vn/x-1.html", "t1")):
        archive.record_scope_drop(url, "baoquocte.vn", url, "Bóng đá", "vi", "văn bản 50%", "article", version)
    archive.record_scope_drop(U2, "baoquocte.vn", U2, "Bóng đá 2", "vi", "khác", "article", "t1")  # replaced
    archive.rejudge_scope_drop(U1, "t2")
    archive.mark_seen("https://vietnam.vn/x-1.html", "vietnam.vn")  # handled for good: its drop is moot
    archive.forget_scope_drop("https://nowhere.example/")
    for run_id, finished in (("r1", "2024-01-05T10:00:00+00:00"), ("r2", None), ("r3", "2024-01-06T10:00:00+00:00")):
        archive.record_run({"run_id": run_id, "spider": "baohatinh", "site": "baohatinh.vn", "arguments": {"since": "x"},
                            "started_at": None, "finished_at": finished, "finish_reason": "finished",
                            "counts": {"items": 2}, "verdict": "pass", "monitors": {"m": {"status": "pass"}}})
    archive.record_run({"run_id": "r1", "spider": "baohatinh", "site": "baohatinh.vn", "arguments": {},
                        "finished_at": "2024-01-05T10:00:00+00:00", "verdict": "fail", "monitors": {}})
    return {
        "day_counts": archive.conn.execute("SELECT run_id, spider, day, count FROM day_counts ORDER BY day").fetchall(),
        "coverage": archive.coverage("baohatinh.vn"), "coverage_end": archive.coverage_end("baohatinh.vn"),
        "coverage_sites": archive.coverage_sites(), "nothing": archive.coverage_end("vietnam.vn"),
        "drops": archive.scope_drops(), "drops_other_than_t2": archive.scope_drops("baoquocte.vn", other_than="t2"),
        "dropped": [archive.is_scope_dropped(U1, "t2"), archive.is_scope_dropped(U1, "t1")],
        "runs": archive.runs(), "runs_limited": archive.runs("baohatinh", limit=1),
    }


def test_ledgers_read_back_what_the_sqlite_archive_does(pg_url, tmp_path):
    sqlite_archive, pg_archive = Archive(tmp_path / "archive"), Archive(pg_url)
    try:
        expected, got = exercise_ledgers(sqlite_archive), exercise_ledgers(pg_archive)
    finally:
        sqlite_archive.close(), pg_archive.close()
    assert got == expected
    # and what they read back is right in itself
    assert got["day_counts"] == [("r1", "baohatinh", "2024-01-01", 0), ("r1", "baohatinh", "2024-01-02", 4)]
    assert got["coverage"] == [(date(2024, 1, 1), date(2024, 1, 9)), (date(2024, 1, 20), date(2024, 1, 21))]
    assert got["coverage_sites"] == ["baohatinh.vn", "cantho"]
    assert [d["canonical_url"] for d in got["drops"]] == [U1, U2] and got["drops"][1]["title"] == "Bóng đá 2"
    assert [d["canonical_url"] for d in got["drops_other_than_t2"]] == [U2] and got["dropped"] == [True, False]
    assert [r["run_id"] for r in got["runs"]] == ["r3", "r1", "r2"]  # newest first, unfinished last
    assert got["runs"][1]["verdict"] == "fail" and got["runs"][0]["counts"] == {"items": 2}


def test_story_graph_is_the_same_as_on_sqlite(pg_url, tmp_path):
    from bench.stories_corpus import load

    logging.disable(logging.WARNING)
    try:
        items = list(load("dumps").values()) + list(load("pages").values())
    finally:
        logging.disable(logging.NOTSET)
    results = []
    for location in (tmp_path / "archive", pg_url):
        archive = Archive(location)
        try:
            graph = StoryGraph(archive.conn)
            # the same evidence per article; its order is the candidate queries' row order (unordered)
            evidence = [sorted(graph.add(item), key=lambda e: (e["target"], e["kind"])) for item in items]
            results.append({"evidence": evidence, "stories": graph.stories(),
                            "links": sorted(graph.links(), key=lambda k: (k["src"], k["dst"], k["kind"])),
                            "recomputed": graph.recompute(), "exists": graph.exists()})
        finally:
            archive.close()
    sqlite_result, pg_result = results
    assert pg_result == sqlite_result
    assert len(pg_result["stories"]) >= 3 and pg_result["recomputed"] == 0 and pg_result["exists"]
    readonly = Archive.open_readonly(pg_url)
    try:
        assert StoryGraph(readonly.conn, readonly=True).stories() == pg_result["stories"]
    finally:
        readonly.close()


def test_migrations_are_recorded_and_a_rerun_is_a_no_op(pg_url):
    archive = Archive(pg_url)
    try:
        assert applied_versions(archive.conn) == [m.version for m in MIGRATIONS] == [1, 2]
        assert migrate(archive.conn) == []
        archive.add(article(U1))
    finally:
        archive.close()
    again = Archive(pg_url)  # a second open: nothing applied, nothing lost
    try:
        assert again.count() == 1
        assert again.conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == 2
    finally:
        again.close()


def test_processes_starting_at_once_apply_each_migration_once(pg_admin):
    schema = new_schema(pg_admin)
    url = with_search_path(TEST_POSTGRES_URL, schema)
    try:
        conns = [PgConnection(url) for _ in range(4)]
        barrier, applied, errors = threading.Barrier(len(conns)), [], []

        def start(conn):
            barrier.wait()
            try:
                applied.append(migrate(conn))
            except Exception as exc:  # pragma: no cover - the failure the lock prevents
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sorted(applied) == [[], [], [], [1, 2]]
        assert applied_versions(conns[0]) == [1, 2]
        for conn in conns:
            conn.close()
    finally:
        pg_admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_sqlite_archive_older_than_the_migrations_keeps_its_rows(tmp_path):
    directory = tmp_path / "old"
    directory.mkdir()
    conn = sqlite3.connect(directory / "archive.sqlite3")
    conn.executescript(ARCHIVE_TABLES)  # what every open ran before schema_migrations existed
    conn.execute("INSERT INTO seen VALUES ('https://x.vn/1', 'x.vn', '2024-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    archive = Archive(directory)
    try:
        assert archive.is_seen("https://x.vn/1") and applied_versions(archive.conn) == [1, 2]
        assert migrate(archive.conn) == []
    finally:
        archive.close()


def test_writers_of_one_text_under_two_urls_at_once_archive_it_once(pg_url):
    """The read-then-write of add() (is this text archived under another URL?) under the
    fingerprint's advisory lock: two sessions adding the same texts at once never both win."""
    archives = [Archive(pg_url), Archive(pg_url)]
    n = 40
    barrier, results = threading.Barrier(2), {0: [], 1: []}

    def write(k):
        for i in range(n):
            barrier.wait()
            results[k].append(archives[k].add(article(f"https://baoquocte.vn/w{k}-{i}.html", f"fp{i}")))

    threads = [threading.Thread(target=write, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert sum(results[0]) + sum(results[1]) == n
        rows = archives[0].conn.execute("SELECT fingerprint, COUNT(*) FROM articles GROUP BY fingerprint").fetchall()
        assert len(rows) == n and {c for _, c in rows} == {1}
    finally:
        for archive in archives:
            archive.close()


def test_export_is_byte_identical_from_both_backends(pg_url, tmp_path):
    """Byte order on both: locale collation would sort "B" after "a", "_" before "-", đ elsewhere."""
    urls = ["https://vietnam.vn/a_b", "https://vietnam.vn/a-b", "https://vietnam.vn/B", "https://vietnam.vn/a",
            "https://vietnam.vn/đường", "https://vietnam.vn/duong", "https://vietnam.vn/Ä", "https://vietnam.vn/z"]
    items = [article(u, f"fp-{i}", site="vietnam.vn", tags=["ngoại giao", "50%"], images=[{"url": u, "caption": None}])
             for i, u in enumerate(urls)]
    export = importlib.import_module("crawler.commands.archive-export").Command._write
    outputs = []
    for location, order in ((tmp_path / "archive", items), (pg_url, list(reversed(items)))):
        archive = Archive(location)
        for item in order:
            archive.add(item)
        archive.close()
        archive = Archive.open_readonly(location)
        buffer = io.BytesIO()
        assert export(archive, buffer) == len(urls)
        archive.close()
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
    lines = outputs[1].decode("utf-8").splitlines()
    assert [line.split('"canonical_url": "')[1].split('"')[0] for line in lines] == sorted(urls)
    partitions = sorted((tmp_path / "archive" / "jsonl").rglob("*.jsonl"))
    assert sorted(lines) == sorted(line for p in partitions for line in p.read_text(encoding="utf-8").splitlines())


def test_readonly_opening(pg_url):
    with pytest.raises(NoArchive, match="no articles table"):
        Archive.open_readonly(pg_url)
    Archive(pg_url).close()
    archive = Archive.open_readonly(pg_url)
    try:
        assert archive.runs() == [] and archive.count() == 0
        import psycopg

        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            archive.conn.execute("DELETE FROM articles")
    finally:
        archive.close()
    bad = "postgresql://nobody:secret@127.0.0.1:9/none"
    with pytest.raises(NoArchive) as info:
        Archive.open_readonly(bad)
    assert "secret" not in str(info.value) and redact(bad) in str(info.value)


def test_settings_choose_the_backend(pg_url, tmp_path):
    assert archive_location({"ARCHIVE_DIR": str(tmp_path)}) == str(tmp_path)
    assert archive_location({"ARCHIVE_DIR": str(tmp_path), "ARCHIVE_URL": pg_url}) == pg_url
    with pytest.raises(ValueError, match="postgresql://"):
        archive_location({"ARCHIVE_URL": "mysql://x"})
    archive = open_archive({"ARCHIVE_URL": pg_url})
    try:
        assert archive.dir is None and archive.location == pg_url
    finally:
        archive.close()


def test_placeholders_are_translated_outside_literals_only():
    assert pg_placeholders("SELECT '?', \"a?\" FROM t WHERE a=? AND b LIKE '5%' AND c=?") == \
        "SELECT '?', \"a?\" FROM t WHERE a=%s AND b LIKE '5%%' AND c=%s"
    assert redact("postgresql://u:pw@h:5/db?x=1") == "postgresql://u:***@h:5/db?x=1"


def test_a_nul_in_a_page_text_is_cleaned_before_it_reaches_postgresql(pg_url):
    """PostgreSQL's text type cannot hold U+0000: the normalize pipeline removes it (both backends)."""
    from crawler.extraction.text import normalize_line, normalize_text

    dirty = article(U1, title="Hội\x00 nghị", body="Đoạn\x00 một " * 20)
    dirty["title"], dirty["body"] = normalize_line(dirty["title"]), normalize_text(dirty["body"])
    assert "\x00" not in dirty["title"] + dirty["body"] and dirty["title"] == "Hội nghị"
    archive = Archive(pg_url)
    try:
        assert archive.add(dirty) is True
        StoryGraph(archive.conn).add(dirty)  # the story tables keep the text too
        assert [item["body"] for item in archive.items()] == [dirty["body"]]
    finally:
        archive.close()

"""The archive writer thread (crawler.storage.writer): FIFO, its own connection, dedup of what is queued."""
from __future__ import annotations

import asyncio
import threading

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import Handled
from crawler.storage.archive import Archive
from crawler.storage.writer import ArchiveWriter
from pipelines.archive import ArchivePipeline
from pipelines.dedup import DedupPipeline


def article(url: str, fp: str) -> dict:
    return {"url": url, "canonical_url": url, "site": "baoquocte.vn", "language": "vi", "fingerprint": fp,
            "title": "Hội nghị", "published_at": "2024-01-02T08:00:00+07:00", "body": "x" * 100}


def crawler_for(tmp_path, **settings):
    return get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path / "archive"), "ARCHIVE_WRITER_THREAD": True, **settings})


def test_jobs_run_on_one_other_thread_in_order_and_share_the_run_id(tmp_path):
    crawler = crawler_for(tmp_path)
    writer = ArchiveWriter.for_crawler(crawler)
    assert writer.archive is not Archive.for_crawler(crawler)  # its own connection
    assert writer.archive.run_id == Archive.for_crawler(crawler).run_id
    seen: list[tuple[int, str]] = []

    def job(n):
        seen.append((n, threading.current_thread().name))
        return n

    async def main():
        return await asyncio.gather(*[writer.run(job, n) for n in range(50)])

    assert asyncio.run(main()) == list(range(50))
    assert [n for n, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {next(name for _, name in seen)}
    assert seen[0][1] != threading.current_thread().name
    writer.close()
    Archive.for_crawler(crawler).close()


def test_without_the_thread_or_an_event_loop_jobs_run_inline(tmp_path):
    crawler = crawler_for(tmp_path / "off", ARCHIVE_WRITER_THREAD=False)
    off = ArchiveWriter.for_crawler(crawler)
    assert off.archive is Archive.for_crawler(crawler)  # the crawl's one connection, as without a writer

    async def in_a_loop():
        return off.run(lambda: threading.current_thread().name)

    assert asyncio.run(in_a_loop()) == threading.current_thread().name
    on = ArchiveWriter.for_crawler(crawler_for(tmp_path / "on"))
    assert on.run(lambda: 7) == 7  # no running loop: a synchronous caller (bench, tests) gets the value
    off.close()
    on.close()


def test_a_copy_arriving_while_the_first_is_queued_is_a_duplicate_of_this_run(tmp_path):
    """The dedup pipeline reads committed rows only; the writer's queue covers the gap."""
    crawler = crawler_for(tmp_path)
    crawler.spider = crawler._create_spider("test")
    dedup, archive = DedupPipeline.from_crawler(crawler), ArchivePipeline.from_crawler(crawler)
    dedup.open_spider()
    archive.open_spider()
    release = threading.Event()
    real_add = archive.archive.add

    def slow_add(item):
        release.wait(10)  # the first write is still under way when the copies arrive
        return real_add(item)

    archive.archive.add = slow_add

    async def main():
        first = asyncio.ensure_future(archive.process_item(dedup.process_item(article("https://baoquocte.vn/a-1.html", "f1"))))
        await asyncio.sleep(0)
        assert Archive.for_crawler(crawler).lookup("https://baoquocte.vn/a-1.html", "f1") is None  # not committed
        with pytest.raises(Handled, match="duplicate in this run"):
            dedup.process_item(article("https://baoquocte.vn/a-1.html", "f1"))  # same URL, same text
        with pytest.raises(Handled, match="duplicate in this run"):
            dedup.process_item(article("https://baoquocte.vn/b-2.html", "f1"))  # same text, another URL
        assert dedup.process_item(article("https://baoquocte.vn/c-3.html", "f3"))  # another article passes
        release.set()
        await first

    asyncio.run(main())
    assert crawler.stats.get_value("pipeline/dedup/duplicate_url") == 1
    assert crawler.stats.get_value("pipeline/dedup/duplicate_fingerprint") == 1
    assert crawler.stats.get_value("pipeline/archive/written") == 1
    assert archive.writer.queued("https://baoquocte.vn/a-1.html", "f1") is None  # committed: off the queue
    archive.close_spider()
    assert Archive.for_crawler(crawler).lookup("https://baoquocte.vn/a-1.html", "f1")[0] == "url"
    assert Archive.for_crawler(crawler).is_seen("https://baoquocte.vn/a-1.html")
    Archive.for_crawler(crawler).close()

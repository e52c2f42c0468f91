"""Archive: every item upserted by canonical URL into the configured archive (SQLite + JSON Lines
under ``ARCHIVE_DIR`` by default, or PostgreSQL at ``ARCHIVE_URL``), on the archive writer thread."""
from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from crawler.storage.writer import ArchiveWriter
from pipelines.base import ArchiveBackedPipeline

logger = logging.getLogger(__name__)


class ArchivePipeline(ArchiveBackedPipeline):
    """Upserts each item by canonical URL in one transaction (see crawler.storage.archive), on the
    crawl's archive writer thread (crawler.storage.writer): the item goes on once it is committed."""

    def open_spider(self):
        super().open_spider()
        self.writer = ArchiveWriter.for_crawler(self.crawler)
        self.archive = self.writer.archive  # every add goes to the writer's archive, on its thread
        if self.archive.dir is not None:
            self.stats.set_value("archive/dir", str(self.archive.dir))
        else:
            self.stats.set_value("archive/url", self.archive.location)  # without the password

    def process_item(self, item):
        a = ItemAdapter(item)
        written = self.writer.run(self.archive.add, item, key=(a["canonical_url"], a["fingerprint"]))
        if isinstance(written, bool):  # no writer thread: written already
            return self._count(item, written)
        return self._when_written(item, written)

    async def _when_written(self, item, written):
        return self._count(item, await written)

    def _count(self, item, changed: bool):
        if changed:
            self.stats.inc_value("pipeline/archive/written")
            self.stats.inc_value(f"pipeline/archive/written/{ItemAdapter(item)['site']}")
        else:
            self.stats.inc_value("pipeline/archive/unchanged")
        return item

    def close_spider(self):
        if self.archive is not None:
            self.writer.drain()
            self.stats.set_value("archive/articles_total", self.archive.count())
            self.writer.close()

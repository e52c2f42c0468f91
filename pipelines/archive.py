"""Archive: the embedded default store (SQLite + JSON Lines) under ``ARCHIVE_DIR``, or PostgreSQL at ``ARCHIVE_URL``."""
from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from pipelines.base import ArchiveBackedPipeline

logger = logging.getLogger(__name__)


class ArchivePipeline(ArchiveBackedPipeline):
    """Upserts each item by canonical URL in one transaction (see crawler.storage.archive)."""

    def open_spider(self):
        super().open_spider()
        if self.archive.dir is not None:
            self.stats.set_value("archive/dir", str(self.archive.dir))
        else:
            self.stats.set_value("archive/url", self.archive.location)  # without the password

    def process_item(self, item):
        if self.archive.add(item):
            self.stats.inc_value("pipeline/archive/written")
            self.stats.inc_value(f"pipeline/archive/written/{ItemAdapter(item)['site']}")
        else:
            self.stats.inc_value("pipeline/archive/unchanged")
        return item

    def close_spider(self):
        if self.archive is not None:
            self.stats.set_value("archive/articles_total", self.archive.count())
            self.archive.close()

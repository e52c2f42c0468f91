"""Dedup: within a run and across runs, by canonical URL and by content fingerprint."""
from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.items import Handled
from crawler.storage.writer import ArchiveWriter
from pipelines.base import ArchiveBackedPipeline


class DedupPipeline(ArchiveBackedPipeline):
    """Drops an item whose canonical URL or fingerprint was already seen in this run.

    The lookup goes to the archive's indexes, so memory does not grow with the archive; the
    articles queued on the archive writer thread and not yet committed are looked up in the
    writer's queue first (crawler.storage.writer), so a copy arriving meanwhile is still
    caught as a duplicate of this run. The same text at two URLs is one article; a translation has another
    fingerprint and is kept.

    An item archived by an earlier run is counted (``pipeline/dedup/already_archived``)
    and, by default, still passed on to feed exports -- so ``-O out.jsonl`` gives the same
    items whatever the archive holds -- but the archive does not store it twice. Set
    ``DEDUP_DROP_ARCHIVED = True`` to drop those too.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.drop_archived = crawler.settings.getbool("DEDUP_DROP_ARCHIVED", False)

    def open_spider(self):
        super().open_spider()
        self.writer = ArchiveWriter.for_crawler(self.crawler)

    def process_item(self, item):
        a = ItemAdapter(item)
        queued = self.writer.queued(a["canonical_url"], a["fingerprint"])  # passed, not yet committed
        found = (queued, self.archive.run_id) if queued else self.archive.lookup(a["canonical_url"], a["fingerprint"])
        if found is None:
            return item
        kind, run_id = found
        if run_id == self.archive.run_id:
            self.stats.inc_value(f"pipeline/dedup/duplicate_{kind}")
            what = a["canonical_url"] if kind == "url" else f"the text of {a['url']}"
            raise Handled(f"duplicate in this run: {what} was already archived")
        self.stats.inc_value("pipeline/dedup/already_archived")
        if self.drop_archived:
            raise Handled(f"already archived by an earlier run: {a['canonical_url']}")
        return item

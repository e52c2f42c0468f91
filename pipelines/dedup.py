"""Dedup: within a run and across runs, by canonical URL and by content fingerprint."""
from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.items import Handled
from pipelines.base import ArchiveBackedPipeline


class DedupPipeline(ArchiveBackedPipeline):
    """Drops an item whose canonical URL or fingerprint was already seen in this run.

    The lookup goes to the archive's indexes (the archive pipeline writes each item
    before the next one is checked, on the same connection), so memory does not grow with
    the archive. The same text at two URLs is one article; a translation has another
    fingerprint and is kept.

    An item archived by an earlier run is counted (``pipeline/dedup/already_archived``)
    and, by default, still passed on to feed exports -- so ``-O out.jsonl`` gives the same
    items whatever the archive holds -- but the archive does not store it twice. Set
    ``DEDUP_DROP_ARCHIVED = True`` to drop those too.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.drop_archived = crawler.settings.getbool("DEDUP_DROP_ARCHIVED", False)

    def process_item(self, item):
        a = ItemAdapter(item)
        found = self.archive.lookup(a["canonical_url"], a["fingerprint"])
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

"""Stories: after the archive write, link the article to the other versions of its story.

The links go to the archive's story tables (crawler.storage.stories), a graph over the
archive, and story ids are recomputed there incrementally as articles arrive. The item gets
what was known at its arrival (``story_id``, ``translation_of`` / ``republished_from``,
``link_evidence``) for feed exports; ``scrapy stories`` reads the live graph.
"""
from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from crawler.storage.stories import StoryGraph
from crawler.storage.writer import ArchiveWriter
from pipelines.base import ArchiveBackedPipeline

logger = logging.getLogger(__name__)


class StoriesPipeline(ArchiveBackedPipeline):
    """Links each archived article into the story graph, on the archive writer thread (its
    connection, in arrival order: crawler.storage.writer); counts on the calling thread."""

    def open_spider(self):
        super().open_spider()
        self.writer = ArchiveWriter.for_crawler(self.crawler)
        self.graph = StoryGraph(self.writer.archive.conn)

    def process_item(self, item):
        outcome = self.writer.run(self._link, item)
        if isinstance(outcome, tuple):  # no writer thread: linked already
            return self._count(item, outcome)
        return self._when_linked(item, outcome)

    async def _when_linked(self, item, outcome):
        return self._count(item, await outcome)

    def _link(self, item) -> tuple[list[dict], bool]:
        """On the writer thread: (evidence, True), or ([], False) when linking failed."""
        adapter = ItemAdapter(item)
        try:
            evidence = self.graph.add(item)
        except Exception:  # the article is archived already: a failed link must not lose it
            logger.exception("stories: could not link %s", adapter.get("url"))
            return [], False
        fill_story_fields(self.graph, adapter, evidence)
        return evidence, True

    def _count(self, item, outcome: tuple[list[dict], bool]):
        evidence, linked = outcome
        if not linked:
            self.stats.inc_value("stories/error")
        for link in evidence:
            self.stats.inc_value(f"stories/link/{link['kind']}")
        return item


def fill_story_fields(graph: StoryGraph, adapter: ItemAdapter, evidence: list[dict]) -> None:
    url = adapter.get("canonical_url") or adapter.get("url")
    story = graph.story_of(url)
    adapter["story_id"] = story
    adapter["link_evidence"] = evidence
    if story is None:
        return
    members = graph.members(story)
    me = next((m for m in members if m["url"] == url), None)
    original = next((m for m in members if m["role"] == "original"), None)
    if me is None or original is None or me is original:
        return
    if me["role"] == "translation":
        adapter["translation_of"] = original["url"]
    else:
        adapter["republished_from"] = original["url"]

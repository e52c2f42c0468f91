"""The project's stats collector (crawler.ops.stats): Scrapy's MemoryStatsCollector without the
per-access shim -- the same behaviour."""
from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.ops.stats import StatsCollector


def test_the_project_uses_it():
    assert load_object(get_project_settings()["STATS_CLASS"]) is StatsCollector


def test_it_behaves_as_scrapys():
    crawler = get_crawler()
    ours, scrapys = StatsCollector(crawler), MemoryStatsCollector(crawler)
    for stats in (ours, scrapys):
        stats.open_spider()
        stats.inc_value("a")
        stats.inc_value("a", 2)
        stats.inc_value("b")
        stats.max_value("m", 5)
        stats.max_value("m", 3)
        stats.min_value("n", 5)
        stats.min_value("n", 3)
        stats.set_value("s", "x")
    assert ours.get_stats() == scrapys.get_stats() == {"a": 3, "b": 1, "m": 5, "n": 3, "s": "x"}
    assert ours.get_value("missing", 7) == 7
    ours.clear_stats()
    assert ours.get_stats() == {}
    # no per-access wrapper: the class's own methods, not the shim's wrappers
    assert type(ours).__getattribute__ is object.__getattribute__
    assert ours.inc_value.__func__ is MemoryStatsCollector.inc_value

"""Item pipelines, in order: normalize + validate -> dates -> dedup -> archive -> stories.

Each is a small Scrapy component built with ``from_crawler`` and configured by settings;
every drop is logged with its reason and counted in the Scrapy stats.
"""
from pipelines.archive import ArchivePipeline
from pipelines.dates import DatesPipeline
from pipelines.dedup import DedupPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.stories import StoriesPipeline

__all__ = ["NormalizePipeline", "DatesPipeline", "DedupPipeline", "ArchivePipeline", "StoriesPipeline"]

"""``scrapy crawl seeds``: replay text-only page dumps through the real engine and pipelines.

Files are read through Scrapy itself (``file://`` requests), so downloader, stats and
item pipelines are the production ones. The site is recognized from the text by each
site's text parser (``TEXT_PARSERS``), never from the file name. A file that is empty,
binary, not valid UTF-8, or that no site recognizes is logged, counted in the stats
(``seeds/skipped/<reason>``) and skipped; the crawl goes on.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import scrapy
from scrapy.utils.misc import load_object
from w3lib.url import path_to_file_uri

from crawler.extraction.page import ParseError
from crawler.extraction.text import normalize_text

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: files in a seed directory that are not dumps (expected outputs, notes)
_NOT_DUMPS = (".json", ".md")


class SeedsSpider(scrapy.Spider):
    name = "seeds"
    custom_settings = {"ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}

    def __init__(self, path: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.path = Path(path) if path else DEFAULT_SEEDS

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.parsers = [load_object(p) for p in crawler.settings.getlist("TEXT_PARSERS")]
        return spider

    def dump_files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(p for p in self.path.iterdir()
                          if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_NOT_DUMPS))
        return [self.path]

    async def start(self):
        if not self.path.exists():
            self.logger.error("seed path %s does not exist", self.path)
            self.crawler.stats.inc_value("seeds/skipped/missing_path")
            return
        for path in self.dump_files():
            yield scrapy.Request(path_to_file_uri(str(path.resolve())), callback=self.parse,
                                 errback=self.on_error, dont_filter=True)

    def skip(self, reason: str, url: str, detail: str = "") -> None:
        self.logger.error("skipped %s: %s%s", url, reason, f" ({detail})" if detail else "")
        self.crawler.stats.inc_value(f"seeds/skipped/{reason}")

    def parse(self, response):
        body = response.body
        if b"\x00" in body[:8192]:
            self.skip("binary", response.url)
            return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.skip("bad_encoding", response.url, str(exc))
            return
        if not normalize_text(text):
            self.skip("empty", response.url)
            return
        parser_cls = next((p for p in self.parsers if p.recognize(text)), None)
        if parser_cls is None:
            self.skip("unrecognized", response.url, "no site's text rules match this dump")
            return
        try:
            item = parser_cls(text, response.url).to_item()
        except (ParseError, StopIteration, ValueError, IndexError) as exc:
            self.skip("parse_error", response.url, f"{parser_cls.__name__}: {exc}")
            return
        item["fetched_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.crawler.stats.inc_value(f"seeds/parsed/{item['site']}")
        yield item

    def on_error(self, failure):
        self.skip("unreadable", failure.request.url, repr(failure.value))

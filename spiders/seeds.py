"""``scrapy crawl seeds``: replay text-only page dumps through the real engine and pipelines.

Files are read through Scrapy itself (``file://`` requests), so downloader, stats and
item pipelines are the production ones. Without a manifest, the site is recognized from
the text by each site's text parser (``TEXT_PARSERS``, first match wins), never from the
file name. A file that is empty, binary, not valid UTF-8, that no site recognizes, or
that its parser refuses (a listing page, no body) is logged, counted in the stats
(``seeds/skipped/<reason>``) and skipped; the crawl goes on.

``-a manifest=FILE`` names a CSV or TSV file (delimiter sniffed) with a header row and at
least the columns ``file`` (relative to ``path``) and ``url``: a dump it lists gets that
URL as its page URL (``url``, and ``canonical_url`` by the site's rules), and goes
straight to the parser of the site the URL belongs to -- no recognition; vietnam.vn's
language comes from the URL's ``/<lang>/`` segment. An optional ``fetched_at`` column (ISO 8601) gives the page's capture
time; without it the capture time of a listed dump is unknown, and a dateline without a year
("Sáng 15/10") leaves the article undated rather than dated by the replay's clock. A row whose file is missing or whose
URL is no known site's is logged and counted (``seeds/manifest/missing_file``,
``seeds/manifest/unknown_site``); the run goes on (an unknown site's dump is recognized
from its text as without a manifest).
"""
from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import scrapy
from scrapy.utils.misc import load_object
from w3lib.url import path_to_file_uri

from crawler.extraction.page import NotAnArticle, ParseError
from crawler.extraction.text import normalize_text, strip_store_artefacts
from spiders.arguments import SpiderArgumentError, check_argument_names

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: files in a seed directory that are not dumps (expected outputs, notes, manifests)
_NOT_DUMPS = (".json", ".md", ".csv", ".tsv")


class Skip(Exception):
    """A dump that yields no item: ``reason`` is the stats key, ``detail`` the log's."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


def parser_for_url(url: str, parsers) -> type | None:
    """The text parser of the site ``url`` belongs to (by host), or None."""
    return next((p for p in parsers if p.owns_url(url)), None)


def decode_dump(body: bytes) -> str:
    if b"\x00" in body[:8192]:
        raise Skip("binary")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Skip("bad_encoding", str(exc)) from exc
    if not normalize_text(text):
        raise Skip("empty")
    return text


def dump_to_item(body: bytes, url: str, parsers, parser_cls: type | None = None, capture_time_known: bool = True):
    """One dump -> one item (not yet through the pipelines), or :class:`Skip`. ``parser_cls``
    given (a manifest URL's site): no recognition. ``capture_time_known`` False: a page store's
    text whose capture time is unknown (a year-less dateline stays undated, see
    crawler.extraction.page.TextArticle.date)."""
    text = decode_dump(body)
    if parser_cls is None:
        cleaned = strip_store_artefacts(text)
        parser_cls = next((p for p in parsers if p.recognize(cleaned)), None)
        if parser_cls is None:
            raise Skip("unrecognized", "no site's text rules match this dump")
    try:
        return parser_cls(text, url, capture_time_known=capture_time_known).to_item()
    except NotAnArticle as exc:
        raise Skip("not_an_article", f"{parser_cls.__name__}: {exc}") from exc
    except (ParseError, StopIteration, ValueError, IndexError) as exc:
        raise Skip("parse_error", f"{parser_cls.__name__}: {exc}") from exc


def read_manifest(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV/TSV manifest (header row; delimiter sniffed among tab, comma, semicolon)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(8192)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters="\t,;")
        except csv.Error:
            dialect = csv.excel_tab if "\t" in sample.split("\n", 1)[0] else csv.excel
        rows = list(csv.DictReader(fh, dialect=dialect))
    if rows and not {"file", "url"} <= {(k or "").strip() for k in rows[0]}:
        raise ValueError(f"manifest {path}: needs the columns 'file' and 'url', has {sorted(rows[0])}")
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in rows]


class SeedsSpider(scrapy.Spider):
    name = "seeds"
    custom_settings = {"ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}

    #: the ``-a`` names this spider takes
    arguments = ("path", "manifest")

    def __init__(self, path: str | None = None, manifest: str | None = None, **kwargs):
        check_argument_names(self.name, kwargs, self.arguments)
        if path is not None and not str(path).strip():
            # never a silent fallback to the bundled seeds: a job meant to replay other dumps
            raise SpiderArgumentError("-a path= is empty: give a dump file or a folder of dumps "
                                      "(leave -a path out to replay the bundled seeds)")
        super().__init__(**kwargs)
        self.path = Path(path) if path is not None else DEFAULT_SEEDS
        self.manifest = Path(manifest) if manifest else None

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

    def manifest_urls(self) -> dict[Path, dict[str, str]]:
        """{resolved dump path: its manifest row} of the rows whose file exists."""
        root = self.path if self.path.is_dir() else self.path.parent
        urls: dict[Path, dict[str, str]] = {}
        for row in read_manifest(self.manifest):
            file = (root / row["file"]).resolve()
            if not row["file"] or not file.is_file():
                self.logger.error("manifest %s: no file %r under %s", self.manifest, row["file"], root)
                self.crawler.stats.inc_value("seeds/manifest/missing_file")
                continue
            urls[file] = row
        return urls

    async def start(self):
        if not self.path.exists():
            self.logger.error("seed path %s does not exist", self.path)
            self.crawler.stats.inc_value("seeds/skipped/missing_path")
            return
        urls: dict[Path, dict[str, str]] = {}
        if self.manifest is not None:
            if not self.manifest.is_file():
                self.logger.error("manifest %s does not exist", self.manifest)
                self.crawler.stats.inc_value("seeds/manifest/missing")
            else:
                urls = self.manifest_urls()
        files = list(urls) + [p for p in self.dump_files() if p.resolve() not in urls]
        for path in files:
            row = urls.get(path.resolve()) or {}
            page_url, fetched_at = row.get("url"), row.get("fetched_at") or None
            parser = None
            if page_url:
                parser = parser_for_url(page_url, self.parsers)
                if parser is None:
                    self.logger.error("manifest %s: %s is no known site's URL (%s recognized from its text)",
                                      self.manifest, page_url, path.name)
                    self.crawler.stats.inc_value("seeds/manifest/unknown_site")
                    page_url = None
            yield scrapy.Request(path_to_file_uri(str(path.resolve())), callback=self.parse,
                                 errback=self.on_error, dont_filter=True,
                                 meta={"page_url": page_url, "text_parser": parser, "fetched_at": fetched_at,
                                       "capture_time_known": not page_url or bool(fetched_at)})

    def skip(self, reason: str, url: str, detail: str = "") -> None:
        self.logger.error("skipped %s: %s%s", url, reason, f" ({detail})" if detail else "")
        self.crawler.stats.inc_value(f"seeds/skipped/{reason}")

    def parse(self, response):
        page_url = response.meta.get("page_url") or response.url
        try:
            item = dump_to_item(response.body, page_url, self.parsers, response.meta.get("text_parser"),
                                response.meta.get("capture_time_known", True))
        except Skip as skip:
            self.skip(skip.reason, response.url, skip.detail)
            return
        item["fetched_at"] = response.meta.get("fetched_at") or datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.crawler.stats.inc_value(f"seeds/parsed/{item['site']}")
        yield item

    def on_error(self, failure):
        self.skip("unreadable", failure.request.url, repr(failure.value))

"""vietnam.vn -- national platform republishing papers' articles, machine-translated.

Everything this project knows about vietnam.vn lives in this package -- ``rules`` (data), ``text`` and
``page`` (parsers), ``spider`` (discovery); the facts and their evidence are in docs/sites.md#vietnamvn:

* URLs: ``https://www.vietnam.vn/<vietnamese-slug>`` (vi, no prefix, no ID, no ``.html``) and
  ``/<lang>/<same-slug>`` for the other languages (the slug is never translated) [C].
* Discovery: ``/sitemap.xml`` is a ``<sitemapindex>`` whose children are one file per day,
  ``/sitemap/sitemap-post/YYYY-MM-DD.xml``, plus 16 others (news, pages, tags, authors...) that
  are not needed [C]. Each daily ``<url>`` has a ``<lastmod>`` in ISO UTC with milliseconds [C].
  About 1,500 articles a day [C], so off-topic slugs are skipped before fetching.
* Page (server-rendered [C]; tags and class names unknown [?]): header, H1, optional sapo,
  the source paper's logo (``<img alt="Báo Quốc Tế">``) + its name + ``dd/mm/yyyy``, body, a
  localized "Source" link to the original (or ``Source : <url>``), then ``Comment (N)`` [C].
  Machine-translation artefacts are real: a stray "Français " at a paragraph start, untranslated
  Vietnamese alt texts, ``… - Ảnh 1.`` alts, caption cells of tables copied from the paper [C].
  So the HTML parser keys on structure and text (H1, ``<article>``/``<p>``, the "Source" label,
  the ``dd/mm/yyyy`` line, ``<html lang>``), never on class names.
* Text dumps (``scrapy crawl seeds``): the same reading order, as lines.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from crawler.extraction.dates import VN_TZ, parse_date
from spiders.arguments import SpiderArgumentError
from spiders.base import SiteSpider
from spiders.vietnamvn.page import VietnamvnArticle
from spiders.vietnamvn.rules import FIELD_COVERAGE, FIRST_PUBLICATION_YEAR, LANGUAGES, SITE

HOME = "https://www.vietnam.vn"
#: an article URL: one slug of lowercase ASCII words, optionally under a 2-letter language prefix
ARTICLE_URL_RE = re.compile(r"^https?://(?:www\.)?vietnam\.vn/(?:[a-z]{2}/)?[a-z0-9]+(?:-[a-z0-9]+)+/?$")
#: the daily post sitemaps, the only children of /sitemap.xml this spider reads
DAILY_SITEMAP_RE = re.compile(r"/sitemap/sitemap-post/(\d{4}-\d{2}-\d{2})\.xml(?:\.gz)?$")


def url_slug(url: str) -> str | None:
    """The Vietnamese slug of an article URL, with or without a language prefix (None if not one)."""
    if not ARTICLE_URL_RE.match(url):
        return None
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) == 2 and parts[0] not in LANGUAGES:
        return None
    return parts[-1]


def article_url(slug: str, language: str) -> str:
    return f"{HOME}/{slug}" if language == "vi" else f"{HOME}/{language}/{slug}"


class VietnamvnSpider(SiteSpider):
    """Reads the daily post sitemaps for the days wanted, and each candidate slug in each language.

    Arguments (besides ``since``/``until``/``scope``, see spiders.base):

    * ``languages=vi,en,fr,nl,id`` -- the language versions to fetch for each slug (any of
      spiders.vietnamvn.rules.LANGUAGES, or ``all`` for every one of them).

    An incremental run reads the daily sitemaps of its catch-up window (from where the site's
    coverage ends to today, see spiders.base); a past day of the window that the index does not
    list leaves the window unreached.

    Only ``/sitemap/sitemap-post/YYYY-MM-DD.xml[.gz]`` children of the index are fetched, only
    for days in range; in each, only ``<loc>``s whose ``<lastmod>`` (UTC, read as a +07:00 day)
    is in range, and -- unless ``scope=all`` -- whose slug names a foreign-affairs term
    (:meth:`crawler.extraction.topic.Tagger.slug_is_candidate`; a slug left out is recorded for
    ``scrapy rescope``). Whether a daily file is named after the UTC or
    the Hanoi day is unknown; the day before ``since`` is read only when the in-range files show
    UTC naming (see :meth:`edge_request`). Without a usable index the daily files are asked for
    by name (:meth:`daily_sitemaps_by_name`).
    """

    name = "vietnamvn"
    site = SITE
    first_year = FIRST_PUBLICATION_YEAR
    field_coverage = FIELD_COVERAGE
    arguments = {**SiteSpider.arguments, "languages": "language versions to fetch, comma-separated (default vi,en,fr,nl,id)"}
    article_page = VietnamvnArticle
    allowed_domains = ["vietnam.vn"]
    article_url_re = ARTICLE_URL_RE
    wait_selector = "h1"
    foreign_affairs_source = False
    sitemap_index_url = f"{HOME}/sitemap.xml"
    default_languages = ("vi", "en", "fr", "nl", "id")

    def __init__(self, *args, languages: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = [code.strip().lower() for code in (languages or "").split(",") if code.strip()]
        if "all" in wanted:
            wanted = [code for code in wanted if code != "all"] + list(LANGUAGES)
        unknown = [code for code in wanted if code not in LANGUAGES]
        if unknown:
            raise SpiderArgumentError(f"-a languages: unknown language(s) {', '.join(unknown)}; known: {', '.join(LANGUAGES)}")
        self.languages = tuple(dict.fromkeys(wanted)) or self.default_languages
        self._queued: set[str] = set()
        self._days_requested: set[date] = set()

    def is_article_url(self, url: str) -> bool:
        """An article URL as the daily sitemaps' entries are read (:func:`url_slug`): a slug, under
        a known language prefix or none -- the one rule, also for ``scrapy reparse``."""
        return url_slug(url) is not None

    def wanted_days(self) -> list[date]:
        return self.range_days()

    async def discover(self):
        self._wanted = set(self.wanted_days())
        #: the daily file before ``since``, read only once the files show they are named by UTC day
        self._edge: set[date] = set()
        self._edge_url: str | None = None
        self.logger.info("vietnam.vn: daily sitemaps %s..%s, languages %s, scope %s",
                         min(self._wanted), max(self._wanted), ",".join(self.languages), self.scope)
        request = self.discovery_request(self.sitemap_index_url, self.parse_sitemap_index)
        yield request.replace(errback=self.sitemap_index_failed)

    # --- sitemaps -------------------------------------------------------------------------
    def daily_sitemaps_by_name(self, why: str):
        """No usable sitemap index: the daily files of the wanted days, by their confirmed names
        (``/sitemap/sitemap-post/YYYY-MM-DD.xml`` [C]); logged and counted."""
        self.count("sitemap_index_fallback")
        self.logger.warning("sitemap index %s %s: reading the daily sitemaps by name", self.sitemap_index_url, why)
        for day in sorted(self._wanted - self._days_requested):
            self._days_requested.add(day)
            self.count("sitemaps_queued")
            yield self.discovery_request(f"{HOME}/sitemap/sitemap-post/{day.isoformat()}.xml", self.parse_daily_sitemap,
                                         meta={"sitemap_day": day})

    def sitemap_index_failed(self, failure):
        self.on_error(failure, recovered=True)  # the daily files by name reach every day
        yield from self.daily_sitemaps_by_name("failed")

    def parse_sitemap_index(self, response):
        kind, entries = self.read_sitemap(response)
        self.count("sitemap_index")
        if kind != "sitemapindex":
            self.logger.warning("%s is not a sitemap index (%s)", response.url, kind)
            yield from self.daily_sitemaps_by_name(f"is not a sitemap index ({kind})")
            return
        for entry in entries:
            loc = entry.get("loc", "").strip()
            m = DAILY_SITEMAP_RE.search(loc)
            if not m:
                self.count("skipped_other_sitemaps")
                continue
            try:
                day = date.fromisoformat(m[1])
            except ValueError:
                self.count("skipped_other_sitemaps")
                continue
            if day not in self._wanted:
                if day == self.since_date - timedelta(days=1):
                    self._edge_url = response.urljoin(loc)  # kept in case the files are named by UTC day
                self.count("skipped_out_of_range_sitemaps")
                continue
            if day in self._days_requested:  # listed both as .xml and .xml.gz
                continue
            self._days_requested.add(day)
            self.count("sitemaps_queued")
            yield self.discovery_request(response.urljoin(loc), self.parse_daily_sitemap, meta={"sitemap_day": day})
        missing = sorted(self._wanted - self._days_requested)
        if missing:
            self.logger.info("no daily sitemap listed for %s", ", ".join(map(str, missing)))
        today = self.today()
        past = [day for day in missing if day < today]  # today's file may not be out yet
        if past:
            self.coverage_gap("sitemap_missing", ", ".join(map(str, past)))

    def lastmod_day(self, lastmod: str | None) -> date | None:
        parsed = parse_date(lastmod) if lastmod else None
        return parsed.day if parsed else None

    def edge_request(self, file_day: date, lastmod: str | None):
        """The daily file before ``since``, once an in-range file shows it is named by UTC day.

        Whether a daily file is named after the UTC or the Hanoi day of its lastmods is unknown
        [?]. The two agree for lastmods from 00:00 to 16:59 UTC; a lastmod from 17:00 UTC on in the
        file of that UTC day (07:00 the next morning and earlier, Hanoi time) shows UTC naming, and
        then the first hours of ``since`` sit in the previous day's file, which is read for its
        in-range lastmods only. Without that evidence no file outside the range is fetched."""
        if self._edge or self._edge_url is None or not lastmod:
            return None
        try:
            when = datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None or when.utcoffset() != timedelta(0):
            return None
        if when.date() != file_day or when.astimezone(VN_TZ).date() == file_day:
            return None
        edge = self.since_date - timedelta(days=1)
        self._edge.add(edge)
        self.count("sitemaps_named_by_utc_day")
        self.count("sitemaps_queued")
        return self.discovery_request(self._edge_url, self.parse_daily_sitemap, meta={"sitemap_day": edge})

    def parse_daily_sitemap(self, response):
        kind, entries = self.read_sitemap(response)
        self.count("sitemaps")
        if kind != "urlset":
            self.logger.warning("%s is not a urlset (%s)", response.url, kind)
            return
        file_day = response.meta.get("sitemap_day")
        is_edge = file_day in self._edge
        for entry in entries:
            loc, lastmod = entry.get("loc", "").strip(), entry.get("lastmod")
            self.count("sitemap_entries")
            slug = url_slug(loc)
            if slug is None:
                self.count("skipped_not_article")
                continue
            if not is_edge and file_day is not None:
                edge = self.edge_request(file_day, lastmod)
                if edge is not None:
                    yield edge
            day = self.lastmod_day(lastmod)
            if is_edge and day is None:
                self.count("skipped_out_of_range")  # the edge file: only what its lastmod puts in range
                continue
            if day is not None and not self.in_range(day):
                self.count("skipped_out_of_range")
                continue
            if self.scope != "all" and not self.tagger.slug_is_candidate(loc):
                self.count("skipped_off_topic_slug")
                self.archive.record_scope_drop(self.article_page.canonicalize(loc), self.site, loc, None, None,
                                               slug, "slug", self.tagger.version)
                continue
            for language in self.languages:
                url = article_url(slug, language)
                key = self.article_page.canonicalize(url)
                if key in self._queued:
                    self.count("skipped_duplicate")
                    continue
                self._queued.add(key)
                if not self.backfill and self.already_seen(url):
                    self.count("skipped_seen")
                    continue
                self.count("articles_queued")
                yield self.article_request(url, meta={"sitemap_date": lastmod} if lastmod else None)

    def rescope_requests(self):
        """A slug the prefilter left out is asked for in every wanted language."""
        for row in self.rescope_urls:
            if row.get("reason") != "slug":
                yield from super().rescope_requests_for([row])
                continue
            slug = url_slug(row["url"])
            for language in self.languages if slug else ():
                self.count("rescope_queued")
                yield self.article_request(article_url(slug, language), meta={"rescope": True})

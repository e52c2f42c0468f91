"""Can Tho Department of External Relations portal (Liferay 6), ``1cua.songoaivu.cantho.gov.vn``.

Everything this project knows about the portal lives in this package -- ``rules`` (data), ``text`` and
``page`` (parsers), ``spider`` (discovery); the facts and their evidence are in docs/sites.md#cantho:

* Liferay 6.0/6.1 [C for Liferay, I for the version], served over http with ``;jsessionid=``
  path parameters [C]. The foreign-affairs section is ``/web/cms/tin-doi-ngoai-can-tho``
  (``/en/web/...`` for the English UI) [C].
* Articles: friendly ``<section>/-/asset_publisher/<instance>/content/<url-title>`` or the
  non-friendly ``<section>?p_p_id=101_INSTANCE_<instance>&...&_101_INSTANCE_<instance>_urlTitle=<url-title>``
  (with ``assetEntryId``, ``p_p_auth``, ``redirect``) [C]. Noise varies (jsessionid, redirect,
  cur, p_p_auth, the locale prefix), so articles are deduplicated on the URL title (else the
  asset entry id), never on the full URL.
* Listing pagination: Liferay's ``cur`` parameter, plain or namespaced
  (``_101_INSTANCE_<instance>_cur=N``) [C plain, I namespaced]. Listing items may carry no date.
* Page (stored text [C]; generic Liferay markup, not verified on this site [I]): "Useful
  information" side portlet ("No records"), the portlet title "Can Tho Foreign Affairs News",
  ``span.header-back-to`` "« Back" / "« Quay lại", ``h1.header-title > span`` title, the
  representative image (``alt="Hình đại diện"``) and its caption, the English body in
  ``div.asset-full-content … div.journal-content-article``, a byline, other articles, the footer.
  Articles are in English whatever the UI locale, so ``<html lang>`` says nothing about them.
  Dates appear only in the prose ("On the afternoon of January 19, 2024, …") [C].
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import scrapy

from crawler.extraction.dates import parse_date
from crawler.extraction.text import (
    normalize_line,
)
from crawler.items import ArticleItem
from spiders.base import SiteSpider
from spiders.cantho.page import CanthoArticle
from spiders.cantho.rules import FIELD_COVERAGE, FIRST_PUBLICATION_YEAR, METADATA_DATE_RE, NS_PARAM_RE, SITE, article_key

HOST = "1cua.songoaivu.cantho.gov.vn"
SECTION_URL = f"http://{HOST}/en/web/cms/tin-doi-ngoai-can-tho"


class CanthoSpider(SiteSpider):
    """Walks the section's asset-publisher listing, page by page, newest first.

    * Article links: ``div.asset-abstract`` items (``h3.asset-title > a``, friendly or
      non-friendly), else any article link of the page. One request per article: links are
      deduplicated by :meth:`CanthoArticle.canonicalize` (jsessionid, redirect, cur, p_p_auth,
      locale and friendly/non-friendly forms do not make a second request).
    * Pagination: the next page's link as the page shows it (``?cur=N`` or
      ``_101_INSTANCE_<id>_cur=N``), each page number once; at most ``CANTHO_MAX_PAGES`` (200).
    * Backfill, and incremental runs over their catch-up window (see spiders.base): a listing
      date, when an item shows one, filters before fetching (``listing_date``); otherwise the
      article's date comes from its prose, so the next page is requested as soon as one article
      of the page is not older than ``since`` (or undated), and paginating stops once all of a
      page's articles, fetched, are older. Articles already seen are not requested again; the
      date the archive holds for them decides in their place. Reaching ``CANTHO_MAX_PAGES``
      first leaves the window unreached.
    """

    name = "cantho"
    site = SITE
    first_year = FIRST_PUBLICATION_YEAR
    field_coverage = FIELD_COVERAGE
    discovery_dates_are_publication = True  # listing cards and feed pubDates
    article_page = CanthoArticle
    allowed_domains = [HOST]
    article_url_re = re.compile(
        r"/-/asset_publisher/[^/]+/content/[^/?#;]+|[?&]_101_INSTANCE_[^=&]+_(?:urlTitle|assetEntryId)=[^&]")
    wait_selector = "div.journal-content-article, h1.header-title"
    foreign_affairs_source = True
    start_urls = (SECTION_URL,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queued: set[str] = set()
        self._pages: dict[int, dict] = {}

    async def discover(self):
        for url in self.start_urls:
            yield self.listing_request(url, 1)

    def listing_request(self, url: str, page: int):
        self._pages[page] = {"url": url, "pending": set(), "go_on": False, "next_url": None, "next_done": False,
                             "parsed": False}
        return self.discovery_request(url, self.parse_listing, meta={"listing_page": page})

    # --- listing ----------------------------------------------------------------------------
    def listing_entries(self, response) -> list[tuple[str, str | None]]:
        """(article URL, listing date text or None) for each item, in page order; an item's
        several links (title, image, "Read More »") count once, the title link first."""
        out: list[tuple[str, str | None]] = []
        for item in response.css("div.asset-abstract"):
            hrefs = item.css(".asset-title a::attr(href)").getall() + item.css("a::attr(href)").getall()
            urls = [response.urljoin(h.strip()) for h in hrefs]
            url = next((u for u in urls if self.is_article_url(u)), None)
            if url:
                raw = " ".join(item.css(".metadata-publish-date ::text, .metadata-entry ::text, "
                                        ".asset-metadata ::text").getall())
                out.append((url, normalize_line(raw) or None))
        if not out:  # unknown listing markup: every article link of the page
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href.strip())
                if self.is_article_url(url):
                    out.append((url, None))
        return out

    def listing_day(self, raw: str | None) -> tuple[str | None, date | None]:
        """A ``dd/mm/yyyy`` shown by a listing item (Liferay's publish-date metadata), if any."""
        if not raw:
            return None, None
        m = METADATA_DATE_RE.search(raw)
        if not m:
            return None, None
        parsed = parse_date(m.group(0), "en")
        return (m.group(0), parsed.day) if parsed else (None, None)

    def next_page_url(self, response, page: int, instances: set[str]) -> str | None:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url) or (urlsplit(url).hostname or "").lower() != HOST:
                continue
            for name, value in parse_qsl(urlsplit(url).query):
                if not value.isdigit() or int(value) != page + 1:
                    continue
                m = NS_PARAM_RE.match(name)
                if name == "cur" or (m and m["name"] == "cur" and (not instances or m["instance"] in instances)):
                    return url
        return None

    def parse_listing(self, response):
        page = response.meta.get("listing_page", 1)
        state = self._pages.setdefault(page, {"url": response.url, "pending": set(), "go_on": False,
                                              "next_url": None, "next_done": False, "parsed": False})
        self.count("listing_pages")
        entries = self.listing_entries(response)
        instances = {k[1] for k in (article_key(u) for u, _ in entries) if k}
        state["next_url"] = self.next_page_url(response, page, instances)
        new = seen = 0
        for url, raw in entries:
            key = self.article_page.canonicalize(url)
            if key in self._queued:
                self.count("skipped_duplicate_link")
                continue
            self._queued.add(key)
            meta = {"listing_page": page, "listing_key": key}
            shown, day = self.listing_day(raw)
            if day is not None:
                if day >= self.since_date:
                    state["go_on"] = True
                if not self.in_range(day):
                    self.count("skipped_out_of_range")
                    continue
                meta["listing_date"] = shown
            if self.will_skip(url):
                seen += 1
                self.count("skipped_seen")
                archived = day or self.archived_day(url)
                if archived is None or archived >= self.since_date:
                    state["go_on"] = True
                continue
            new += 1
            state["pending"].add(key)
            self.count("articles_queued")
            yield self.article_request(url, meta=meta)
        state["parsed"] = True
        if not entries:
            self.logger.info("listing page %d has no article: stop", page)
            return
        if not new and not state["go_on"]:
            self.logger.info("listing page %d: nothing new in range: stop", page)
        yield from self._maybe_next(page)

    def _maybe_next(self, page: int):
        state = self._pages.get(page)
        if not state or state["next_done"] or not state["parsed"]:
            return
        if state["go_on"]:
            state["next_done"] = True
            if not state["next_url"]:
                self.logger.info("listing page %d is the last one", page)
                return
            if page + 1 in self._pages:
                return
            if page + 1 > self.settings.getint("CANTHO_MAX_PAGES", 200):
                self.count("stopped_max_pages")
                self.coverage_gap("page_cap", f"{page} listing pages read, {self.since_date} not reached")
                return
            yield self.listing_request(state["next_url"], page + 1)
        elif not state["pending"]:
            state["next_done"] = True
            if state["next_url"]:
                self.count("stopped_older")
                self.logger.info("listing page %d: every article is older than %s: stop", page, self.since_date)

    # --- articles: their dates decide whether the listing goes on ---------------------------
    def _article_done(self, request, day: date | None):
        page = request.meta.get("listing_page")
        state = self._pages.get(page)
        if state is None:
            return
        state["pending"].discard(request.meta.get("listing_key"))
        if day is None or day >= self.since_date:
            state["go_on"] = True
        yield from self._maybe_next(page)

    def parse_article(self, response):
        done, day = True, None
        for result in super().parse_article(response):
            if isinstance(result, ArticleItem):  # the item: its day decides for the listing
                parsed = parse_date(result.get("published_at_raw"), result.get("language"),
                                    "\n".join(filter(None, (result.get("title"), result.get("body")))))
                day = parsed.day if parsed else None
            elif isinstance(result, scrapy.Request):
                done = False  # a retry of this article (rendered): decided when it comes back
            yield result
        if done and response.meta.get("listing_page") is not None:
            yield from self._article_done(response.request, day)

    def on_error(self, failure):
        super().on_error(failure)
        request = failure.request
        if request.meta.get("article") and request.meta.get("listing_page") is not None:
            yield from self._article_done(request, None)

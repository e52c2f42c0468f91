"""baoquocte.vn -- Báo Thế giới & Việt Nam (TG&VN), the Ministry of Foreign Affairs paper (MasterCMS).

Everything this project knows about baoquocte.vn lives in this package -- ``rules`` (data), ``text`` and
``page`` (parsers), ``spider`` (discovery); the facts and their evidence are in docs/sites.md#baoquocte:

* URLs: articles at ``/<slug>-<ID>.html`` [C]. The diplomacy section ``/ngoai-giao`` pages as
  ``/ngoai-giao&s_cond=&BRSR=<offset>`` (``&`` right after the path, 15 per page) through
  ``div.__MB_ARTICLE_PAGING … div.rt > a[href]`` [C]. Cards: ``div.bx-listing … div.article``
  with ``h3.article-title > a`` [C] and a date (``span.time``; format [?], parsed tolerantly).
* Feeds: ``/rss_feed/<section>`` (RSS 2.0) [C]; ``/rss/<x>.rss`` is a 404 [C].
* Article markup [C]: kicker, ``h1.article-detail-title``, byline ``div.article-member`` /
  ``span.cms-author`` ("Name/Agency"), date ``div.article-date`` / ``span.format_time``
  (``23/12/2023 09:15`` or ``10:00 | 08/11/2020``, trailing ``|``), sapo
  ``div.article-detail-desc`` (often ``TGVN.``), the "Theo dõi Baoquocte.vn trên" widget, body
  ``div#__MB_MASTERCMS_EL_3`` in ``div.__MASTERCMS_CONTENT`` with image tables
  ``table.MASTERCMS_TPL_TABLE`` (caption in row 2), inline "Tin liên quan" boxes
  ``.__MB_ARTICLE_A`` and in-image promos ``.__mb_article_in_image``; breadcrumb
  ``li.menu-alias > a``. No meta/JSON-LD was observed [?]; they are used when present.
* Text dumps (``scrapy crawl seeds``): the follow widget or the ``TGVN.`` sapo identify the site.
"""

from __future__ import annotations

import re
from datetime import date

from crawler.extraction.layers import safe_urljoin
from crawler.extraction.text import (
    normalize_line,
)
from crawler.items import ArticleItem
from spiders.arguments import int_argument
from spiders.baoquocte.page import BaoquocteArticle
from spiders.baoquocte.rules import ARTICLE_URL_RE, FIELD_COVERAGE, FIRST_PUBLICATION_YEAR, HOME, SITE
from spiders.base import SiteSpider

#: the offset of a listing page: ``…/ngoai-giao&s_cond=&BRSR=30``
_BRSR_RE = re.compile(r"[&?]BRSR=(\d+)")
#: card dates must be explicit (a relative "2 giờ trước" is treated as no date)
_CARD_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")


def _offset(url: str) -> int:
    m = _BRSR_RE.search(url)
    return int(m.group(1)) if m else 0


class BaoquocteSpider(SiteSpider):
    """baoquocte.vn's diplomacy section (the whole source is foreign affairs).

    * Backfill (``-a since= -a until=``): the section listing, newest first, page after page.
      Cards dated after ``until`` or before ``since`` are skipped without fetching them; the
      crawl stops paginating once a page reaches past ``since`` (its last dated card is older).
      A page whose cards carry no readable date at all has its articles read first, and the
      next page is read only if one of them is not older than ``since``.
    * Incremental (no ``since``): the section's RSS feed, and the listing as for a backfill of the
      catch-up window (see spiders.base): pages are read until one reaches past the day the site's
      coverage ends; articles already seen are not fetched again, their archived dates still
      tell how far the listing has reached. ``-a pages=N`` caps the pages read; a run stopped by
      the cap has not reached its window and says so.
    """

    name = "baoquocte"
    site = SITE
    first_year = FIRST_PUBLICATION_YEAR
    field_coverage = FIELD_COVERAGE
    discovery_dates_are_publication = True  # listing cards and feed pubDates
    arguments = {**SiteSpider.arguments, "pages": "listing pages read at most",
                 "feed": "feed URL instead of the section's"}
    article_page = BaoquocteArticle
    allowed_domains = ["baoquocte.vn"]
    article_url_re = ARTICLE_URL_RE
    foreign_affairs_source = True
    wait_selector = "div#__MB_MASTERCMS_EL_3, h1.article-detail-title"

    section_url = f"{HOME}/ngoai-giao"
    feed_url = f"{HOME}/rss_feed/ngoai-giao"
    page_size = 15
    card_css = ("div.bx-listing div.article",)
    card_link_css = ("h3.article-title > a::attr(href)", ".article-title a::attr(href)", "a::attr(href)")
    card_date_css = ("span.time", ".article-date", ".format_time", "span.date", "time")
    next_css = "div.__MB_ARTICLE_PAGING div.rt > a[href]::attr(href)"
    #: safety net for a backfill whose cards carry no readable dates
    backfill_max_pages = 2000

    def __init__(self, *args, pages: str | int | None = None, feed: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_pages = int_argument(pages, "pages", 1) if pages else self.backfill_max_pages
        if feed:
            self.feed_url = feed
        self._queued: set[str] = set()
        self._pages_seen: set[int] = set()
        #: undated listing pages (backfill) waiting for their articles: offset -> state
        self._deferred: dict[int, dict] = {}

    async def discover(self):
        if not self.backfill:  # the freshest articles, whatever the listing shows
            self.count("feeds")
            yield self.discovery_request(self.feed_url, self.parse_feed, priority=5)
        yield self.listing_request(self.section_url, 1)

    def listing_request(self, url: str, page: int):
        self.count("listing_pages")
        self._pages_seen.add(_offset(url))
        return self.discovery_request(url, self.parse_listing, meta={"page": page})

    # --- feed ------------------------------------------------------------------------------------

    # --- listing ---------------------------------------------------------------------------------
    def cards(self, response) -> list[tuple[str, str | None]]:
        """``(article URL, raw date or None)`` per listing card, in page order."""
        out: list[tuple[str, str | None]] = []
        nodes = [n for q in self.card_css for n in response.css(q)]
        for node in nodes:
            href = next((h for q in self.card_link_css for h in node.css(q).getall()
                         if self.is_article_url(safe_urljoin(response, h))), None)
            if not href:
                continue
            raw = None
            for q in self.card_date_css:
                text = normalize_line(" ".join(node.css(f"{q} ::text").getall()))
                if text and _CARD_DATE_RE.search(text):
                    raw = text.strip(" |").strip()
                    break
            if raw is None:  # the date element changed: a short dated text outside title and summary
                for text in node.xpath(".//text()[not(ancestor::h2 or ancestor::h3 or ancestor::a"
                                       " or ancestor::*[contains(@class,'desc') or contains(@class,'sapo')])]").getall():
                    text = normalize_line(text)
                    if text and len(text) <= 40 and _CARD_DATE_RE.search(text):
                        raw = text.strip(" |").strip()
                        break
            out.append((safe_urljoin(response, href), raw))
        if not out:  # the card markup changed: every article link in the listing area, undated
            links = response.css("div.bx-listing a::attr(href), .article-title a::attr(href)").getall() \
                or response.css("a::attr(href)").getall()
            out = [(u, None) for u in dict.fromkeys(safe_urljoin(response, h) for h in links)
                   if self.is_article_url(u)]
        seen: set[str] = set()
        unique = []
        for url, raw in out:
            key = self.article_page.canonicalize(url)
            if key not in seen:
                seen.add(key)
                unique.append((url, raw))
        return unique

    def parse_listing(self, response):
        page = response.meta.get("page", 1)
        cards = self.cards(response)
        if not cards:
            self.count("empty_listing_pages")
            return
        days = [self.day_of(raw) if raw else None for _, raw in cards]
        undated_page = not any(days)
        offset = _offset(response.url)
        queued: dict[str, int] = {}
        known: dict[int, date | None] = {}
        for index, ((url, raw), day) in enumerate(zip(cards, days)):
            if day is not None and not self.in_range(day):
                self.count("skipped_out_of_range")
                continue
            if day is None:
                self.count("undated_queued")
            meta = {"listing_date": raw} if raw else {}
            if undated_page:
                meta["listing_page"] = offset
            request = self.queue_article(url, meta=meta)
            if request is not None:
                if self.will_skip(url):  # the seen-store drops it: its archived date reports back
                    known[index] = self.archived_day(url)
                else:
                    queued[self.article_page.canonicalize(url)] = index
                yield request
        if undated_page:  # what the archive knows of the articles it will not fetch again
            days = [known.get(i) for i in range(len(cards))]
        if not self._should_paginate(cards, days, page):
            return
        next_url = self.next_page(response)
        if next_url is None:
            return
        if undated_page and queued:
            # no card says when it was published: the page's articles decide (see _settle)
            self.count("pagination_deferred")
            self._deferred[offset] = {"pending": queued, "days": {i: d for i, d in known.items() if d},
                                      "next": next_url, "page": page}
            return
        yield self.listing_request(next_url, page + 1)

    # --- listings without dates (backfill): the articles decide whether to read on ---------------
    def parse_article(self, response):
        offset = response.meta.get("listing_page")
        day = None
        for out in super().parse_article(response):
            if offset is not None and isinstance(out, ArticleItem):
                day = self.day_of(out.get("published_at_raw")) or day
            yield out
        if offset is not None:
            yield from self._settle(offset, self.article_page.canonicalize(response.request.url), day)

    def on_error(self, failure):
        super().on_error(failure)
        offset = failure.request.meta.get("listing_page")
        if offset is not None:
            yield from self._settle(offset, self.article_page.canonicalize(failure.request.url), None)

    def _settle(self, offset: int, key: str, day):
        """One article of an undated listing page is done; once all are, read the next page
        unless the page reached past ``since`` -- its last dated article, in page order, is
        older (the listing is newest first), the rule dated cards follow."""
        state = self._deferred.get(offset)
        if state is None or key not in state["pending"]:
            return
        index = state["pending"].pop(key)
        if day is not None:
            state["days"][index] = day
        if state["pending"]:
            return
        del self._deferred[offset]
        dated = [state["days"][i] for i in sorted(state["days"])]
        if dated and dated[-1] < self.since_date:
            self.count("pagination_stopped_since")
            return
        yield self.listing_request(state["next"], state["page"] + 1)

    def _should_paginate(self, cards, days, page: int) -> bool:
        dated = [d for d in days if d is not None]
        if dated and dated[-1] < self.since_date:  # newest first: the next page is all older
            self.count("pagination_stopped_since")
            return False
        if page >= self.max_pages:
            self.count("pagination_stopped_max_pages")
            self.coverage_gap("page_cap", f"{self.max_pages} listing pages read, {self.since_date} not reached")
            return False
        return True

    def next_page(self, response) -> str | None:
        """The page after this one: the smallest ``BRSR`` above the current offset among the
        pager's links (the last link when none carries one)."""
        current = _offset(response.url)
        links = [u for u in (safe_urljoin(response, h) for h in response.css(self.next_css).getall()) if u]
        ahead = sorted((o, u) for u in links if (o := _offset(u)) > current and o not in self._pages_seen)
        if ahead:
            return ahead[0][1]
        if links and _offset(links[-1]) not in self._pages_seen and links[-1] != response.url:
            return links[-1]
        return None

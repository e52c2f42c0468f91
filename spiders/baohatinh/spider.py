"""baohatinh.vn -- Báo Hà Tĩnh, the Hà Tĩnh provincial paper.

Everything this project knows about baohatinh.vn lives in this package -- ``rules`` (data), ``text`` and
``page`` (parsers), ``spider`` (discovery); the facts and their evidence are in docs/sites.md#baohatinh:

* URLs: articles at ``/<slug>-post<ID>.html`` [C], also on ``daihoidang.baohatinh.vn`` [C]; TV items
  ``/tv/<slug>-<ID>.html``, tag pages
  ``-tag<ID>.html``, ``/video/ /epaper/ /multimedia/ /short-video/ /podcast/ /emagazine/`` are not
  articles [C]. Categories ``/<slug>/`` list articles as ``a.cms-link[href]`` [C].
* Feeds: ``/rss/home.rss`` [C]. Sitemap: ``/sitemap.xml``, an index of monthly news sitemaps
  ``/sitemaps/news-YYYY-M.xml`` (plain or ``.xml.gz``) with ``<lastmod>`` per URL [C-sib, I].
* Article markup (sibling CMS of sggp.org.vn) [C]/[C-sib]: ``h1.article__title.cms-title``,
  ``div.article__sapo.cms-desc`` starting ``(Baohatinh.vn) - ``, body
  ``div.article__body.zce-content-body.cms-body[itemprop=articleBody]`` with inline ad slots
  (``.ads_middle``, ``[id^=adsWeb_]``) and a ``.related-news`` box, ``figure``s with captions,
  author ``.article__author.cms-author``, tags ``div.article__tag a``, ``time[datetime]`` and
  ``article:*`` meta; a "Đọc thêm" block of related articles follows the body.
* Text dumps (``scrapy crawl seeds``): the sapo prefix identifies the site.

The site publishes on every topic, so articles go through the foreign-affairs tagger
(``-a scope=all`` keeps everything).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from crawler.extraction.layers import safe_urljoin
from spiders.arguments import int_argument
from spiders.baohatinh.page import BaohatinhArticle
from spiders.baohatinh.rules import ARTICLE_URL_RE, FIELD_COVERAGE, FIRST_PUBLICATION_YEAR, HOME, SITE
from spiders.base import SiteSpider

#: the monthly news sitemaps listed by the sitemap index [C-sib, I]
MONTHLY_SITEMAP_RE = re.compile(r"/sitemaps/news-(?P<y>\d{4})-(?P<m>\d{1,2})\.xml(?:\.gz)?(?:[?#].*)?$")
#: a year-month in a sitemap file name of an unknown layout ("news-2023-12", "2023_12", "2023/12")
_ANY_MONTH_RE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-_/]?(?P<m>\d{1,2})(?!\d)")
#: parts of a listing page that are not the listing (their links are other sections' articles)
_PAGE_FURNITURE = ("self::aside or self::nav or self::header or self::footer or contains(@class,'sidebar')"
                   " or contains(@class,'most-read') or contains(@class,'box-most')")
#: days after ``until`` a sitemap ``<lastmod>`` may fall and still be read (``-a lastmod_grace=N``):
#: a lastmod is the last change, so an in-range article edited later carries a later one. Off by
#: default: a backfill fetches no article whose lastmod is outside the range unless asked to.
LASTMOD_GRACE_DAYS = 0


def _month_overlaps(year: int, month: int, since: date, until: date) -> bool:
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    return first <= until and last > since


class BaohatinhSpider(SiteSpider):
    """baohatinh.vn, every topic (the foreign-affairs tagger and ``-a scope`` decide what is kept).

    * Backfill (``-a since= -a until=``): the sitemap index, then only the monthly news
      sitemaps of the months in range, then only the ``<loc>``s whose ``<lastmod>`` can belong
      to an article of the range. ``<lastmod>`` is the last *change*, never before publication:
      a lastmod before ``since`` rules the article out, but an article of the range corrected
      the next morning carries a lastmod after ``until``: with ``-a lastmod_grace=N`` entries up to
      N days after ``until`` are read too and their page date decides (default 0: none). Without
      a readable sitemap index it falls back to the feed and the category pages (logged, counted
      ``sitemap_fallback``).
    * Incremental (no ``since``): the home RSS feed for the freshest articles, and the sitemaps
      as for a backfill of the catch-up window (see spiders.base), so a run after days of downtime
      reaches back to where the site's coverage ends. Without a readable sitemap index it falls
      back to the feed and the /chinh-tri/ and /the-gioi/ category pages (at most ``-a pages=N``
      pages per category, default 3), which cannot vouch for the window: it is left unrecorded.
    """

    name = "baohatinh"
    site = SITE
    first_year = FIRST_PUBLICATION_YEAR
    field_coverage = FIELD_COVERAGE
    arguments = {**SiteSpider.arguments,
                 "pages": "category pages read per category when the sitemaps fail (default 3)",
                 "feed": "feed URL(s), comma-separated, instead of the home feed",
                 "lastmod_grace": "also read sitemap entries up to N days after until"}
    article_page = BaohatinhArticle
    allowed_domains = ["baohatinh.vn"]
    article_url_re = ARTICLE_URL_RE
    foreign_affairs_source = False
    wait_selector = "div.article__body, h1.article__title"

    sitemap_index = f"{HOME}/sitemap.xml"
    feeds = (f"{HOME}/rss/home.rss",)
    categories = (f"{HOME}/chinh-tri/", f"{HOME}/the-gioi/")
    #: links to articles on category pages [C]
    link_css = "a.cms-link[href]"
    _link_xpath = "//a[contains(concat(' ', normalize-space(@class), ' '), ' cms-link ')][@href]"
    #: "next page" on a category page: the scheme is unknown [?], so rel=next and usual pagers
    next_page_css = ('link[rel="next"]::attr(href)', 'a[rel="next"]::attr(href)',
                     ".pagination a.next::attr(href)", ".pagination__next::attr(href)",
                     "a.next-page::attr(href)")

    def __init__(self, *args, pages: str | int = 3, feed: str | None = None,
                 lastmod_grace: str | int = LASTMOD_GRACE_DAYS, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_pages = int_argument(pages, "pages", 1)
        self.lastmod_grace = timedelta(days=int_argument(lastmod_grace, "lastmod_grace"))
        if feed:
            self.feeds = tuple(f.strip() for f in str(feed).split(",") if f.strip())
        self._queued: set[str] = set()
        self._sitemaps_read: set[str] = {self.sitemap_index}

    # --- bookkeeping ---------------------------------------------------------------------------
    # --- start ------------------------------------------------------------------------------------
    async def discover(self):
        if not self.backfill:
            for url in self.feeds:
                self.count("feeds")
                yield self.discovery_request(url, self.parse_feed, priority=5)
        self.count("sitemaps")
        request = self.discovery_request(self.sitemap_index, self.parse_sitemap)
        yield request.replace(errback=self.sitemap_failed)

    def feed_and_category_requests(self):
        for url in self.feeds if self.backfill else ():  # an incremental run reads them already
            self.count("feeds")
            yield self.discovery_request(url, self.parse_feed, priority=5)
        for url in self.categories:
            self.count("listing_pages")
            yield self.discovery_request(url, self.parse_category, meta={"page": 1})

    def sitemap_fallback(self, why: str):
        """No readable sitemap index (the sitemap is [I] for this site): a backfill falls back to
        the feed and the category pages, whose articles are placed by their own dates. It can
        then reach only as far back as those pages list, so it says so."""
        self.count("sitemap_fallback")
        self.coverage_gap("sitemap_fallback", f"sitemap index {why}")
        self.logger.warning("sitemap index %s %s: falls back to the feed and the category pages "
                            "(at most %d pages each), which may not reach back to %s",
                            self.sitemap_index, why, self.max_pages, self.since_date)
        yield from self.feed_and_category_requests()

    def sitemap_failed(self, failure):
        self.on_error(failure, recovered=True)  # sitemap_fallback reports the gap
        yield from self.sitemap_fallback("failed")

    # --- sitemaps (backfill) ----------------------------------------------------------------------
    def parse_sitemap(self, response):
        """A sitemap index (or, if the site serves one, a urlset directly)."""
        kind, entries = self.read_sitemap(response)
        if kind == "urlset":
            yield from self._urlset(entries)
        elif kind == "sitemapindex":
            yield from self._index(entries)
        else:
            yield from self.sitemap_fallback("is not a sitemap")

    def parse_news_sitemap(self, response):
        kind, entries = self.read_sitemap(response)
        if kind == "urlset":
            yield from self._urlset(entries)
        elif kind == "sitemapindex":  # a nested index
            yield from self._index(entries)

    def _index(self, entries: list[dict]):
        """Only the monthly news sitemaps of the months in range. If the index has no monthly
        children (its layout changed), a child named with a year-month follows the same rule and
        an undated child is read unless its ``<lastmod>`` is before ``since`` (a sitemap last
        changed before the range cannot list an article published in it)."""
        monthly = [(e.get("loc", ""), MONTHLY_SITEMAP_RE.search(e.get("loc", ""))) for e in entries]
        monthly = [(loc, m) for loc, m in monthly if m]
        if not monthly and entries:
            self.count("sitemap_layout_unknown")
            self.logger.warning("no news-YYYY-M sitemap in the index: falling back to dated/lastmod children")
        children = []
        for loc, m in monthly:
            children.append((loc, _month_overlaps(int(m["y"]), int(m["m"]), self.since_date, self.until_date)))
        if not monthly:
            for entry in entries:
                loc = entry.get("loc", "")
                name = loc.rsplit("/", 1)[-1]
                m = _ANY_MONTH_RE.search(name)
                if m and 1 <= int(m["m"]) <= 12:
                    keep = _month_overlaps(int(m["y"]), int(m["m"]), self.since_date, self.until_date)
                else:
                    changed = self.day_of(entry.get("lastmod")) if entry.get("lastmod") else None
                    keep = changed is None or changed >= self.since_date
                children.append((loc, keep))
        for loc, keep in children:
            if not loc.startswith(("http://", "https://")):
                continue
            if not keep:
                self.count("sitemaps_skipped_out_of_range")
                continue
            if loc in self._sitemaps_read:
                continue
            self._sitemaps_read.add(loc)
            self.count("sitemaps")
            yield self.discovery_request(loc, self.parse_news_sitemap)

    def _urlset(self, entries: list[dict]):
        """Articles whose ``<lastmod>`` is in range (an entry without one is read: its page dates it)."""
        for entry in entries:
            url = entry.get("loc", "")
            if not self.is_article_url(url):
                self.count("skipped_not_article")
                continue
            lastmod = entry.get("lastmod") or None
            day = self.day_of(lastmod) if lastmod else None
            if day is not None and (day < self.since_date
                                    or (self.backfill and day > self.until_date + self.lastmod_grace)):
                self.count("skipped_out_of_range")
                continue
            if day is not None and self.backfill and day > self.until_date:
                self.count("lastmod_after_until_queued")
            if day is None:
                self.count("undated_queued")
            request = self.queue_article(url, meta={"sitemap_date": lastmod} if lastmod else None)
            if request is not None:
                yield request

    # --- feeds and category pages (incremental) ------------------------------------------------
    def feed_request(self, url: str, raw_date: str | None):
        return self._listed(url, raw_date)

    def _listed(self, url: str, raw_date: str | None):
        """An article found on a feed or listing; out-of-range ones are skipped when dated."""
        if raw_date:
            day = self.day_of(raw_date)
            if day is not None and not self.in_range(day):
                self.count("skipped_out_of_range")
                return None
        return self.queue_article(url, meta={"listing_date": raw_date} if raw_date else None)

    def category_links(self, response) -> list[str]:
        """The category's own article links, not the sidebar's "most read" or the header and footer."""
        hrefs = response.xpath(f"{self._link_xpath}[not(ancestor::*[{_PAGE_FURNITURE}])]/@href").getall() \
            or response.css(f"{self.link_css}::attr(href)").getall()
        links = [safe_urljoin(response, h) for h in hrefs]
        articles = [u for u in links if self.is_article_url(u)]
        if not articles:  # the link class changed: any article-shaped link on the page
            articles = [u for u in (safe_urljoin(response, h) for h in response.css("a[href]::attr(href)").getall())
                        if self.is_article_url(u)]
        self.count("skipped_not_article", len(links) - len([u for u in links if self.is_article_url(u)]))
        return list(dict.fromkeys(articles))

    def parse_category(self, response):
        links = self.category_links(response)
        for url in links:
            request = self._listed(url, None)
            if request is not None:
                yield request
        page = response.meta.get("page", 1)
        if links and all(self.already_seen(u) for u in links):
            self.count("pagination_stopped_seen")
            return
        if page >= self.max_pages:
            self.count("pagination_stopped_max_pages")
            return
        next_url = next((safe_urljoin(response, h) for q in self.next_page_css for h in response.css(q).getall()
                         if h and h.strip()), None)
        if next_url and next_url != response.url:
            self.count("listing_pages")
            yield self.discovery_request(next_url, self.parse_category, meta={"page": page + 1})

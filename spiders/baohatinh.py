"""baohatinh.vn -- Báo Hà Tĩnh, the Hà Tĩnh provincial paper.

Everything this project knows about baohatinh.vn lives in this module (see SITES.md §1):

* URLs: articles at ``/<slug>-post<ID>.html`` [C], also on ``daihoidang.baohatinh.vn`` [C]; TV items ``/tv/<slug>-<ID>.html``, tag pages
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

import json
import re
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from crawler.dates import find_text_date
from crawler.extract import safe_urljoin
from crawler.page import HtmlArticle, NotAnArticle, ParseError, TextArticle
from crawler.text import (
    is_photo_caption, is_running_text, looks_like_headline, looks_like_name, normalize_line, split_authors, word_count,
)
from crawler.urls import canonicalize as default_canonicalize
from spiders.base import SiteSpider, feed_entries

SITE = "baohatinh.vn"
LANGUAGES = ("vi",)
HOME = "https://baohatinh.vn"

#: "(Baohatinh.vn) - " at the start of the sapo
LEAD_PREFIX_RE = re.compile(r"^\(\s*Baohatinh(?:\.vn)?\s*\)\s*[-–—:]?\s*", re.IGNORECASE)
#: the labels that start the related-articles block after the body
END_LABELS = frozenset({"đọc thêm", "tin liên quan", "bài liên quan", "xem thêm", "tin cùng chuyên mục",
                        "cùng chuyên mục", "tin khác"})
#: an inline related link written as one paragraph: "Xem thêm: <headline of another article>"
_LABELLED_LINK_RE = re.compile(r"^(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|tin cùng chuyên mục)\s*[:：>»]+\s*(?P<rest>\S.*)$",
                               re.IGNORECASE)
#: the labels of the block of related cards that closes the page (never an inline box when no
#: other label follows them): "Đọc thêm" in the real dumps
CLOSING_LABELS = frozenset({"đọc thêm", "tin cùng chuyên mục", "cùng chuyên mục", "tin khác"})
_DATE_LINE_RE = re.compile(r"^(?:(?:Thứ\s+\w+|Chủ\s+nhật),?\s*)?\d{1,2}/\d{1,2}/\d{4}(?:\s*[-|,]?\s*\d{1,2}:\d{2})?"
                           r"(?:\s*\(GMT[+-]\d+\))?$", re.IGNORECASE)

#: a caption's photo credit without parentheses at its end: "… tại buổi tiếp. Ảnh: Ngọc Loan",
#: "Ảnh: Thu Hà" on its own line; the credit is a short name, never a clause
_TRAILING_CREDIT_RE = re.compile(
    r"(?:^|[.!?…”\")]\s+|\s[-–]\s)(?:ảnh|ảnh\s+minh\s+họa|ảnh\s+tư\s+liệu|video|đồ\s*họa|clip)\s*[:：]"
    r"\s*(?P<who>[^.!?:;]{1,60})$", re.IGNORECASE)
#: a body paragraph that opens with an adverbial clause ("Dịp này, …", "Tại buổi làm việc, …")
_CLAUSE_OPENING_RE = re.compile(r"^(?:\S+\s+){0,3}\S+,")
#: a news dateline sits in the opening words of its paragraph ("Sáng 18/12, …",
#: "Trong khuôn khổ chuyến thăm, chiều 18/12, …"); a date deep in a sentence is an event's
_DATELINE_REACH = 60
#: a full date before this year in running text is history, not the article's date (the
#: site's web archive starts in the 2000s)
_MIN_TEXT_YEAR = 2005
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _is_credit_caption(line: str) -> bool:
    """A caption that ends with (or is only) an unparenthesized photo credit."""
    m = _TRAILING_CREDIT_RE.search(line)
    return bool(m) and word_count(m["who"]) <= 6 and word_count(line) <= 60


#: the longest caption sentence, in words (Vietnamese words are syllables: "Đồng chí Nguyễn Hồng Lĩnh -
#: Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh trao quà cho …" is a 35-word caption)
_CAPTION_MAX_WORDS = 40


def _is_link_headline(text: str) -> bool:
    """The headline of a linked article: short, not a sentence (a question mark is allowed)."""
    return 0 < word_count(text) <= 30 and not text.rstrip().endswith((".", "…"))


def _is_caption_sentence(line: str) -> bool:
    """The one-sentence line under a photo ("Quang cảnh buổi làm việc.")."""
    text = line.strip()
    if not text or word_count(text) > _CAPTION_MAX_WORDS or text.startswith(("“", '"', "-", "+", "•")):
        return False
    if re.search(r"[.!?…]\s+\S", text):  # two sentences: a paragraph
        return False
    if is_running_text(text):
        return False
    return not _CLAUSE_OPENING_RE.match(text)


class BaohatinhText(TextArticle):
    site = SITE
    languages = LANGUAGES

    @classmethod
    def recognize(cls, text: str) -> bool:
        return any(LEAD_PREFIX_RE.match(line.strip()) for line in text.split("\n")[:40])

    @staticmethod
    def _related_block_end(lines: list[str], start: int, stop: int, title: str | None = None) -> int | None:
        """Where an inline related box opened by the label at ``start`` ends (the index of the
        first line after its headlines), or None when the label opens the trailing block of
        related cards (their headline repeated: thumbnail alt + link) that closes the article.

        The last label of the dump opens the closing block when it is one of :data:`CLOSING_LABELS`
        or when a card (a headline twice, not the article's own title: two photos in a row) follows
        anywhere after it: its first card may have no thumbnail ("Title", summary, "Title", "Title"...)."""
        later = [k for k in range(start + 1, stop) if lines[k].casefold().strip(" :") in END_LABELS]
        if not later:
            if lines[start].casefold().strip(" :") in CLOSING_LABELS:
                return None
            if any(lines[k] == lines[k + 1] != title for k in range(start + 1, stop - 1)):
                return None
        j = start + 1
        while j < stop and j <= start + 4:
            if j + 1 < stop and lines[j] == lines[j + 1]:
                return None  # cards: "Title", "Title", summary...
            if not looks_like_headline(lines[j], 30):
                break
            j += 1
        if j == start + 1 or j >= stop:
            return None  # nothing but headlines to the end: the trailing block
        return j

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        sapo = next(i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line))
        head = lines[:sapo]
        day = next((line for line in head if _DATE_LINE_RE.match(line)), None)
        head = [line for line in head if line != day]
        title = next((line for line in head if looks_like_headline(line)), head[0] if head else None)
        after_title = head[head.index(title) + 1:] if title in head else []
        authors = [a for line in after_title if looks_like_name(line) for a in split_authors(line)]
        body: list[str] = []
        i = sapo + 1
        while i < len(lines):
            if lines[i].casefold().strip(" :") in END_LABELS:
                resume = self._related_block_end(lines, i, len(lines), title)
                if resume is None:
                    break
                i = resume  # an inline "Tin liên quan" box: its label and headlines go
                continue
            body.append(lines[i])
            i += 1
        # a trailing byline, possibly with a note after the name ("Thu Hà (thực hiện)", "Minh Anh (tổng hợp)")
        name = _PAREN_TAIL_RE.sub("", body[-1]) if body else ""
        if not authors and name and word_count(name) <= 6 and looks_like_name(name):
            body.pop()
            authors = split_authors(name)
        return {"title": title, "lead": LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None,
                "body": body, "day": day, "authors": authors}

    def clean_body(self, lines: list[str]) -> list[str]:
        """Before the shared rules: a related card inside the body (its headline twice: thumbnail
        alt + link), captions ending with a photo credit, and the one-sentence caption right
        under a photo (the title repeated as its alt)."""
        title = self.title()
        kept: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if (i + 1 < len(lines) and lines[i + 1] == line and line != title
                    and looks_like_headline(line, 30)):
                i += 2
                continue
            if _is_credit_caption(line):
                i += 1
                continue
            labelled = _LABELLED_LINK_RE.match(line)
            if labelled and _is_link_headline(labelled["rest"]):
                i += 1  # "Xem thêm: <headline>", an inline related link
                continue
            if line == title and i + 1 < len(lines) and _is_credit_caption(lines[i + 1]):
                i += 2  # a photo (its alt) and its credited caption: the photo ends there
                continue
            kept.append(line)
            if line == title and i + 1 < len(lines) and lines[i + 1] != title \
                    and _is_caption_sentence(lines[i + 1]):
                i += 2
                continue
            i += 1
        return super().clean_body(kept)

    def date(self):
        """The date line; else the dateline that opens a paragraph ("Sáng 18/12, …"); else the
        first date in the story that is not history (a full date before the web era)."""
        if self.layout.get("day"):
            return self.layout["day"], "page"
        paras = (self.body() or "").split("\n\n")
        fallback = None
        for para in paras:
            rest, offset = para, 0
            while rest:
                raw = find_text_date(rest, self.page_language)
                if not raw:
                    break
                at = rest.find(raw)
                digits = re.search(r"\d", raw)
                pos = offset + max(at, 0) + (digits.start() if digits else 0)
                years = [int(y) for y in _YEAR_RE.findall(raw)]
                historic = any(y < _MIN_TEXT_YEAR for y in years)
                if not historic:
                    if pos <= _DATELINE_REACH:
                        return raw, "text"
                    if fallback is None:
                        fallback = raw
                cut = max(at, 0) + len(raw)
                rest, offset = rest[cut:], offset + cut
        return (fallback, "text") if fallback else (None, None)


# --- HTML pages ------------------------------------------------------------------------------

#: the media sections: their pages (video players, e-magazine layouts) are not articles [C]
MEDIA_SECTIONS = ("tv", "video", "short-video", "podcast", "epaper", "multimedia", "emagazine")
_MEDIA = "|".join(MEDIA_SECTIONS)
#: article pages: ``/<slug>-post<ID>.html`` on the main host or the daihoidang.baohatinh.vn event
#: subdomain (same URL scheme [C]), outside the media sections [C]
ARTICLE_URL_RE = re.compile(
    r"^https?://(?:www\.|daihoidang\.)?baohatinh\.vn/"
    rf"(?!(?:{_MEDIA})/)"
    r"(?:[\w-]+/)*[\w-]+-post\d+\.html(?:[?#].*)?$"
)
MEDIA_PATH_RE = re.compile(rf"^/(?:{_MEDIA})(?:/|$)", re.IGNORECASE)
#: the monthly news sitemaps listed by the sitemap index [C-sib, I]
MONTHLY_SITEMAP_RE = re.compile(r"/sitemaps/news-(?P<y>\d{4})-(?P<m>\d{1,2})\.xml(?:\.gz)?(?:[?#].*)?$")
#: a year-month in a sitemap file name of an unknown layout ("news-2023-12", "2023_12", "2023/12")
_ANY_MONTH_RE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-_/]?(?P<m>\d{1,2})(?!\d)")
#: "Bài và ảnh:", "Tác giả:" ... before a byline
_BYLINE_LABEL_RE = re.compile(r"^(?:bài\s*(?:và|,|&|\+)?\s*ảnh|bài|tác giả|thực hiện|nhóm thực hiện)\s*[:：]\s*",
                              re.IGNORECASE)
#: "Ảnh: Thiên Vỹ" -- a photo credit written as a paragraph (not a byline)
_PHOTO_CREDIT_RE = re.compile(r"^(?:ảnh|video|đồ\s*họa|clip)\s*[:：]", re.IGNORECASE)
_VISIBLE_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
#: a byline that is the paper itself (JSON-LD publisher-as-author, meta author)
_SITE_NAMES = frozenset({"báo hà tĩnh", "baohatinh", "baohatinh.vn", "báo hà tĩnh điện tử"})
_HOME_CRUMBS = frozenset({"trang chủ", "home", ""})
#: nodes inside which a date or byline belongs to another article (related boxes, cards)
_OTHER_ARTICLE = ("contains(@class,'related') or contains(@class,'story') or self::aside or self::footer"
                  " or self::nav or (self::header and not(.//h1))")
#: boxes whose breadcrumb-like links are another article's (a trail may sit in a ``<nav>``)
_NOT_THIS_TRAIL = "contains(@class,'related') or contains(@class,'story') or self::footer or self::aside"
#: parts of a listing page that are not the listing (their links are other sections' articles)
_PAGE_FURNITURE = ("self::aside or self::nav or self::header or self::footer or contains(@class,'sidebar')"
                   " or contains(@class,'most-read') or contains(@class,'box-most')")
#: a date or byline element in an unknown layout: the first one after the headline
_NEAR_TITLE = "(//h1)[1]/following::*[contains(@class,'{0}')][not(ancestor-or-self::*[{1}])][position() <= 12]"


#: "Minh Anh (tổng hợp)", "Thu Trang (theo TTXVN)": a note after the name
_PAREN_TAIL_RE = re.compile(r"\s*\([^()]*\)\s*$")
#: a date or time after the name in a byline box ("Thu Hà | 13/03/2024 10:30")
_DATE_TAIL_RE = re.compile(r"\s*[|•·,–-]?\s*(?:\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b.*$", re.DOTALL)




def _is_byline(para: str) -> bool:
    """A short paragraph that is only a name ("Thu Hà", "Bài và ảnh: Thiên Vỹ")."""
    name = _BYLINE_LABEL_RE.sub("", para).strip()
    return 0 < word_count(name) <= 5 and looks_like_name(name) and not _VISIBLE_DATE_RE.search(name)


class BaohatinhArticle(HtmlArticle):
    """An article page of baohatinh.vn: structured data, then the CMS selectors, then the generic fallback."""

    site = SITE
    article_url_re = ARTICLE_URL_RE
    languages = LANGUAGES

    title_css = ("h1.article__title", "h1.cms-title", "div.article h1")
    title_suffix_re = re.compile(r"\s*[-|–—]\s*(?:Báo\s+Hà\s+Tĩnh|Baohatinh\.vn)(?:\s+điện\s+tử)?\s*$", re.IGNORECASE)
    lead_css = ("div.article__sapo.cms-desc", "div.article__sapo", "div.cms-desc")
    lead_prefix_re = LEAD_PREFIX_RE
    body_css = (
        'div.article__body.zce-content-body.cms-body[itemprop="articleBody"]',
        "div.article__body.zce-content-body.cms-body",
        "div.article__body",
    )
    body_exclude_css = (
        ".ads_middle", "[id^=adsWeb_]", ".related-news", "[class*=relate]", "[class*=banner]", ".article__tag",
        ".article__author", ".cms-author", ".box-related", "article.story", ".story",
    )
    author_css = (".article__author .cms-author", ".article__author.cms-author", "div.article__author .name",
                  "div.article__author", ".cms-author")
    #: visible date text when no ``datetime`` is given (its format is unconfirmed [?])
    date_css = ("div.article__meta time", "div.article__meta .time", ".article__time", "div.article time",
                "div.article__meta")
    #: breadcrumb trails (``div.breadcrumb``, ``ul.breadcrumbs``, ``li.breadcrumb-item``...) and the
    #: category link above the headline; their class names are unconfirmed [C-sib, I]
    section_css = ("div.breadcrumb a", "ul.breadcrumb a", ".article__breadcrumb a")
    section_fallback_css = ("[class*=breadcrumb] a", ".article__category a", ".article__cate a")
    tags_css = ("div.article__tag a",)

    @classmethod
    def canonicalize(cls, url: str) -> str:
        """``https://baohatinh.vn/<path>`` for articles (``https://daihoidang.baohatinh.vn/<path>`` on the
        event subdomain): no www, no query (tracking), no fragment."""
        if ARTICLE_URL_RE.match(url):
            parts = urlsplit(url)
            host = (parts.hostname or "").removeprefix("www.")
            return (HOME if host == "baohatinh.vn" else f"https://{host}") + parts.path
        return default_canonicalize(url)

    def to_item(self):
        """A page of a media section (``/tv/``, ``/emagazine/``...) is not an article, even when a
        link or a redirect led there: it is refused, never archived."""
        for url in {self.url, self.response.url}:
            if MEDIA_PATH_RE.match(urlsplit(url).path or "/"):
                raise NotAnArticle(f"not an article (media section): {url}")
        return super().to_item()

    # --- title / lead / body ---------------------------------------------------------------
    @cached_property
    def _title(self) -> str | None:
        return super().title()

    def title(self) -> str | None:
        return self._title

    @cached_property
    def _lead(self) -> str | None:
        """The sapo (its ``(Baohatinh.vn) -`` prefix removed); else the description meta; else (a
        changed layout without meta) the first block that starts with that prefix. A page
        without a sapo often fills its description meta with the headline: that is no lead."""
        value = super().lead()
        if value and value.casefold() != (self.title() or "").casefold():
            return value  # a description that only repeats the headline is no sapo
        for node in self.sel.xpath("//p | //h2 | //h3 | //div[not(*)] | //div[not(div or p or table)]"):
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and LEAD_PREFIX_RE.match(text) and word_count(text) >= 8:
                return LEAD_PREFIX_RE.sub("", text).strip() or None
        return None

    def lead(self) -> str | None:
        return self._lead

    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        """Drop what the selectors cannot see: the sapo repeated in a fallback container, a
        related-box label and its link, photo credits written as paragraphs, a trailing byline
        (kept for :meth:`authors`)."""
        title, lead = self.title(), self.lead()
        captions = set(self._paragraph_captions.values())
        out: list[str] = []
        skip_next = False
        for i, para in enumerate(paras):
            if skip_next:
                skip_next = False
                continue
            if para in (title, lead) or LEAD_PREFIX_RE.match(para) or self.is_other_article_link(para):
                continue
            labelled = _LABELLED_LINK_RE.match(para)
            if labelled and (self.is_other_article_link(labelled["rest"]) or _is_link_headline(labelled["rest"])):
                continue  # "Xem thêm: <link to another article>"
            label = para.casefold().strip(" :")
            if label in END_LABELS:
                if label != "xem thêm" and i >= 0.6 * len(paras):
                    break  # the related-articles block that closes the body
                skip_next = True  # an inline "Xem thêm: <link>"
                continue
            if (is_photo_caption(para) or _PHOTO_CREDIT_RE.match(para)) and word_count(para) <= 40:
                continue
            if _is_credit_caption(para) or para in captions:  # "… tại buổi tiếp. Ảnh: Ngọc Loan"
                continue
            out.append(para)
        self._byline_para = None
        if len(out) > 2 and _is_byline(out[-1]):
            self._byline_para = out.pop()
        return out


    @property
    def _tail_byline(self) -> list[str]:
        """A byline written as the body's last short paragraph (older templates, changed layouts)."""
        self.body_paragraphs  # noqa: B018 -- computes (and caches) the body, which sets _byline_para
        para = getattr(self, "_byline_para", None)
        return split_authors(_BYLINE_LABEL_RE.sub("", para)) if para else []

    @cached_property
    def _paragraph_captions(self) -> dict[str, str]:
        """``{image url: caption}`` for an image set in its own paragraph and captioned by the
        paragraph right after it (italic only, or ending with a photo credit)."""
        container = next((nodes[0] for nodes in (self.sel.css(q) for q in self.body_css) if nodes), None)
        captions: dict[str, str] = {}
        if container is None:
            return captions
        for img in container.xpath(".//p[.//img][not(ancestor::figure or ancestor::table)]//img"):
            holder = img.xpath("ancestor::p[1]")
            if normalize_line(" ".join(holder.css("::text").getall())):
                continue  # the image sits inside running text
            nxt = holder.xpath("following-sibling::*[1][self::p or self::div]")
            if not nxt or nxt.xpath(".//img"):
                continue
            text = normalize_line(" ".join(nxt.css("::text").getall()))
            emphasized = normalize_line(" ".join(nxt.xpath(".//em//text() | .//i//text()").getall()))
            if text and word_count(text) <= 60 and (text == emphasized or _is_credit_caption(text)):
                src = img.attrib.get("data-src") or img.attrib.get("data-original") or img.attrib.get("src") or ""
                captions[safe_urljoin(self.response, src.strip())] = text
        return captions

    def images(self) -> list[dict]:
        """Figures and image tables (shared rules), then captions of paragraph-set images."""
        found = super().images()
        if all(image["caption"] for image in found):
            return found
        captions = self._paragraph_captions
        return [dict(image, caption=image["caption"] or captions.get(image["url"])) for image in found]

    # --- byline, date, section, tags ---------------------------------------------------------
    def authors(self) -> list[str]:
        names: list[str] = []
        for query in self.author_css:
            for node in self.sel.css(query):
                if node.xpath(f"ancestor::*[{_OTHER_ARTICLE}]"):
                    continue
                text = normalize_line(" ".join(node.css("::text").getall()))
                if text:
                    names.extend(split_authors(_DATE_TAIL_RE.sub("", _BYLINE_LABEL_RE.sub("", text))))
            if names:
                break
        if not names:
            names = [n for n in self._structured_authors() if n.casefold() not in _SITE_NAMES]
        if not names:
            names = self._tail_byline
        if not names:  # a changed layout: an element classed "author" after the headline
            for node in self.sel.xpath(_NEAR_TITLE.format("author", _OTHER_ARTICLE))[:1]:
                text = normalize_line(" ".join(node.css("::text").getall()))
                if text and _is_byline(text):
                    names = split_authors(_BYLINE_LABEL_RE.sub("", text))
        out: list[str] = []
        for name in names:
            name = _PAREN_TAIL_RE.sub("", name.split("/")[0]).strip(" .-–:")
            # a byline box may also hold a date, a label or a "follow" button: keep names only
            if (name and name not in out and not name.startswith("http") and not any(c.isdigit() for c in name)
                    and word_count(name) <= 6 and looks_like_name(name)):
                out.append(name)
        return out

    def _structured_authors(self) -> list[str]:
        from crawler.extract import jsonld_authors

        names = jsonld_authors(self.jsonld)
        if not names:
            names = [a for a in [self.meta("author", "article:author")] if a]
        return names

    def date(self) -> tuple[str | None, str | None]:
        if self.jsonld.get("datePublished"):
            return str(self.jsonld["datePublished"]), "jsonld"
        value = self.meta("article:published_time", "datePublished", "pubdate", "og:published_time")
        if value:
            return value, "meta"
        value = self.sel.xpath(f"//time[@datetime][not(ancestor::*[{_OTHER_ARTICLE}])]/@datetime").get()
        if value and value.strip():
            return value.strip(), "meta"
        value = self._visible_date()
        if value:
            return value, "page"
        return super().date()

    def _visible_date(self) -> str | None:
        for query in self.date_css:
            for node in self.sel.css(query):
                if node.xpath(f"ancestor-or-self::*[{_OTHER_ARTICLE}]"):
                    continue
                text = normalize_line(" ".join(node.css("::text").getall()))
                if text and _VISIBLE_DATE_RE.search(text) and len(text) <= 80:
                    return text
        for word in ("time", "date"):  # a changed layout: the dated element after the headline
            for node in self.sel.xpath(_NEAR_TITLE.format(word, _OTHER_ARTICLE)):
                text = normalize_line(" ".join(node.css("::text").getall()))
                if text and _VISIBLE_DATE_RE.search(text) and len(text) <= 80:
                    return text
        return None

    def section(self) -> str | None:
        value = self.meta("article:section") or self.jsonld.get("articleSection")
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return normalize_line(str(value))
        crumbs = self._jsonld_breadcrumbs()
        for css in (self.section_css, self.section_fallback_css):
            if crumbs:
                break
            crumbs = [normalize_line(" ".join(a.css("::text").getall())) for q in css for a in self.sel.css(q)
                      if not a.xpath(f"ancestor::*[{_NOT_THIS_TRAIL}]")]
            crumbs = [c for c in crumbs if c and c.casefold() not in _HOME_CRUMBS]
        return crumbs[-1] if crumbs else None

    def _jsonld_breadcrumbs(self) -> list[str]:
        """Names of a JSON-LD ``BreadcrumbList`` (home left out), in trail order."""
        for raw in self.sel.css('script[type="application/ld+json"]::text').getall():
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
            for obj in (data if isinstance(data, list) else [data]):
                if not isinstance(obj, dict) or obj.get("@type") != "BreadcrumbList":
                    continue
                rows = [e for e in obj.get("itemListElement") or [] if isinstance(e, dict)]
                rows.sort(key=lambda e: e.get("position") if isinstance(e.get("position"), int) else 0)
                names = []
                for row in rows:
                    item = row.get("item")
                    name = row.get("name") or (item.get("name") if isinstance(item, dict) else None)
                    if isinstance(name, str) and normalize_line(name).casefold() not in _HOME_CRUMBS:
                        names.append(normalize_line(name))
                if names:
                    return names
        return []

    def tags(self) -> list[str]:
        tags = super().tags()
        if not tags:  # a changed layout: the links to the site's tag pages (``-tag<ID>.html``) [C]
            links = self.sel.xpath(f"//a[re:test(@href, '-tag\\d+\\.html$')][not(ancestor::*[{_OTHER_ARTICLE}])]",
                                   namespaces={"re": "http://exslt.org/regular-expressions"})
            tags = [normalize_line(" ".join(a.css("::text").getall())) for a in links]
        return list(dict.fromkeys(t.lstrip("#").strip() for t in tags if t and t.lstrip("#").strip()))


# --- discovery helpers (site-independent in shape, kept here with their only user) ----------------



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
        self.max_pages = int(pages)
        self.lastmod_grace = timedelta(days=max(0, int(lastmod_grace)))
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
    def parse_feed(self, response):
        entries = feed_entries(response.body)
        if not entries:
            self.count("empty_feeds")
        for link, when in entries:
            link = safe_urljoin(response, link)
            if not self.is_article_url(link):
                self.count("skipped_not_article")
                continue
            request = self._listed(link, when)
            if request is not None:
                yield request

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

"""baoquocte.vn -- Báo Thế giới & Việt Nam (TG&VN), the Ministry of Foreign Affairs paper (MasterCMS).

Everything this project knows about baoquocte.vn lives in this module (see SITES.md §2):

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
import unicodedata
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit

from crawler.dates import find_text_date
from crawler.extract import safe_urljoin
from crawler.page import HtmlArticle, ParseError, TextArticle
from crawler.text import (
    ends_sentence, is_photo_caption, looks_like_headline, looks_like_name, normalize_line, split_authors, word_count,
)
from crawler.urls import canonicalize as default_canonicalize
from spiders.base import SiteSpider, feed_entries
from spiders.vietnamvn import HEADER as PLATFORM_HEADER  # the platform that republishes TG&VN articles

SITE = "baoquocte.vn"
LANGUAGES = ("vi", "en")
HOME = "https://baoquocte.vn"

LEAD_PREFIX_RE = re.compile(r"^(?:TGVN|TG&VN|WVR)\s*[.:\-–]\s*")
#: the follow-on-Google-News widget; the English edition words it "Follow Baoquocte.vn on"
FOLLOW_WIDGET_RE = re.compile(r"^(?:Theo dõi|Follow)\s+(?:Baoquocte\.vn|TG&VN|Báo TG&VN|WVR|(?:the )?World (?:and|&) Vietnam Report)\b",
                              re.IGNORECASE)
#: the follow widget and whatever follows it, inside a longer text (a sapo that nests the widget)
_FOLLOW_ANYWHERE = re.compile(r"\s*(?:Theo dõi\s+(?:Baoquocte\.vn|TG&VN|Báo TG&VN)|Follow\s+Baoquocte\.vn\s+on)\b.*$",
                              re.IGNORECASE | re.DOTALL)
DATE_LINE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
#: the English edition's date line may name the month ("December 04, 2023 | 20:15", "4 December 2023")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
MONTH_DATE_RE = re.compile(rf"\b(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}})\b",
                           re.IGNORECASE)
#: separators a date box puts around its date ("23/12/2023 09:15 |")
_DATE_BOX_EDGES = " |•·-–"
RELATED_LABELS = frozenset({"tin liên quan", "bài liên quan", "related news", "related articles", "xem thêm",
                            "read more", "see more"})
END_LABELS = frozenset({"tin cùng chuyên mục", "bài viết cùng chuyên mục", "cùng chuyên mục", "tin bài liên quan",
                        "tin khác", "tin bài khác", "bình luận", "gửi bình luận", "ý kiến bạn đọc", "tin mới nhất",
                        "đọc nhiều", "other news", "more news", "most read", "comments", "your comment",
                        "same category", "in the same category", "latest news", "most viewed"})


#: footer lines: the text after them is never the article (copyright, publisher, licence)
#: (short lines only, see _is_footer)
FOOTER_RE = re.compile(r"^(?:©\s*(?:\d{4}\s*)?(?:bản quyền|báo|tg&vn|thế giới|the world|world and vietnam|baoquocte|copyright)"
                       r"|copyright\b|bản quyền thuộc|giấy phép (?:số|hoạt động)|tổng biên tập\s*:|editor[- ]in[- ]chief\s*:)"
                       r"|\bcơ quan chủ quản\s*:"
                       # the paper's name alone on a line: the footer's masthead
                       r"|^(?:báo\s+)?(?:thế giới (?:và|&) việt nam|tg&vn)\s*$|^(?:the\s+)?world (?:and|&) vietnam report\s*$",
                       re.IGNORECASE)
#: the paper's own name in a footer line ("© Copyright en.baoquocte.vn", "Báo Thế giới & Việt Nam")
_OWN_NAME_RE = re.compile(r"baoquocte\.vn|thế giới (?:và|&) việt nam|tg&vn|world (?:and|&) vietnam report", re.IGNORECASE)
#: a hashtag line of the tag box ("#Bộ trưởng Bùi Thanh Sơn"): a tag, never article text
_HASHTAG_RE = re.compile(r"^#\s*(?P<tag>[^#\s][^#]{0,80}?)\s*$")
#: a related-news item as a text extractor writes it: the linked thumbnail's alt/title, then the
#: link text -- the same headline twice on one line ("Title Title")
_DOUBLED_RE = re.compile(r"^(?P<t>.{8,}?)\s+(?P=t)\s*$")
#: the old layout's related item: the article slug folded to ASCII words, then the headline
_SLUG_ALT_RE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+){2,} (?=[^\W\d_a-z])")
#: vietnam.vn's source line ("Báo Quốc TếBáo Quốc Tế23/12/2023"): a republication, not this site's page
_REPUBLISHED_SOURCE_RE = re.compile(r"^(?P<name>\D{2,80}?)(?P=name)\s*\d{1,2}/\d{1,2}/\d{4}$")


#: a line of lowercase ASCII words only: the old layout's alt text (the slug's words); Vietnamese prose has diacritics
_ASCII_ALT_RE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+){3,}$")


def _ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _is_footer(line: str) -> bool:
    return word_count(line) <= 20 and bool(FOOTER_RE.search(line))


def _is_related_item(line: str) -> bool:
    return bool(_DOUBLED_RE.match(line) or _SLUG_ALT_RE.match(line))


def _same_start(a: str, b: str, words: int = 5) -> bool:
    """Two lines opening with the same words (an image's alt text and its caption)."""
    wa, wb = a.casefold().split(), b.casefold().split()
    n = min(words, len(wa), len(wb))
    return n >= 3 and wa[:n] == wb[:n]


class BaoquocteText(TextArticle):
    site = SITE
    languages = LANGUAGES
    related_labels = RELATED_LABELS

    @classmethod
    def recognize(cls, text: str) -> bool:
        head = [line.strip() for line in text.split("\n")[:60]]
        if PLATFORM_HEADER in text or any(_REPUBLISHED_SOURCE_RE.match(line) for line in head):
            return False  # a vietnam.vn republication of a TG&VN article
        if any(FOLLOW_WIDGET_RE.match(line) or LEAD_PREFIX_RE.match(line) for line in head):
            return True
        # no widget, no prefix (an English page, a trimmed dump): the paper's own footer names it
        tail = [line.strip() for line in text.split("\n")[-40:] if line.strip()]
        return any(_is_footer(line) and _OWN_NAME_RE.search(line) for line in tail)

    @cached_property
    def layout(self) -> dict:
        lines: list[str] = []
        widget = None
        for line in self.lines:
            if FOLLOW_WIDGET_RE.match(line):
                widget = len(lines) if widget is None else widget
                continue
            cut = normalize_line(_FOLLOW_ANYWHERE.sub("", line))  # the widget on the sapo's line
            if cut != line and cut:
                widget = len(lines) + 1 if widget is None else widget
            if cut:
                lines.append(cut)
        sapo = next((i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line)), None)
        if sapo is None and widget and word_count(lines[widget - 1]) >= 8 and not looks_like_name(lines[widget - 1]):
            sapo = widget - 1  # the follow widget sits right under the sapo
        if sapo is None:
            sapo = next((i for i, line in enumerate(lines) if word_count(line) > 25), None)
        if sapo is None:
            raise ParseError(f"no sapo found in {self.url}")
        head = lines[:sapo]
        day = next((line for line in lines[:sapo + 3]
                    if (DATE_LINE_RE.search(line) or MONTH_DATE_RE.search(line)) and word_count(line) <= 8), None)
        head = [line for line in head if line != day]
        kicker = [line for line in head if line.endswith(":") and line.upper() == line]
        head = [line for line in head if line not in kicker]
        title = self._pick_title(head, lines[sapo + 1:])
        rest = head[head.index(title) + 1:] if title in head else []
        # "Thu Trang/TTXVN": the name before the slash (the agency after it), as on the HTML page
        # "Thu Trang (thực hiện)", "Minh Anh (tổng hợp)": the note in brackets is not the name
        byline = _PAREN_TAIL_RE.sub("", rest[0].split("/")[0]).strip() if rest else ""
        authors = split_authors(byline) if byline and looks_like_name(byline) else []
        body_start = sapo + 1
        if body_start < len(lines) and lines[body_start] == day:
            body_start += 1
        end = next((i for i in range(body_start, len(lines))
                    if lines[i].casefold().strip(" :") in END_LABELS or _is_footer(lines[i])), len(lines))
        body = [line for line in lines[body_start:end] if line != day]
        tags = [m["tag"] for m in map(_HASHTAG_RE.match, body) if m]
        body = [line for line in body if not _HASHTAG_RE.match(line)]
        return {"title": title, "lead": LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None, "body": body,
                "day": day.strip(_DATE_BOX_EDGES) if day else None, "authors": authors, "tags": tags,
                "section": self._breadcrumb(title, kicker)}

    def _breadcrumb(self, title: str | None, kicker: list[str]) -> str | None:
        """The breadcrumb: a block of one to three short lines (blank-line separated) right above
        the block that opens with the kicker or the title; its last crumb, as on the HTML page.
        A longer block there is the main menu, not a breadcrumb."""
        firsts = set(kicker) | ({title} if title else set())
        blocks = [[normalize_line(x) for x in b.split("\n") if x.strip()] for b in re.split(r"\n\s*\n", self.text)]
        blocks = [b for b in blocks if b]
        at = next((i for i, b in enumerate(blocks) if b[0] in firsts), None)
        if not at:
            return None
        crumbs = [c for c in blocks[at - 1] if c.casefold() not in ("trang chủ", "home")]
        if not crumbs or len(blocks[at - 1]) > 3 or any(
                word_count(c) > 5 or re.search(r"\d", c) or ends_sentence(c) or c.endswith(":") or _is_footer(c)
                or c.casefold() in _SITE_NAMES or FOLLOW_WIDGET_RE.match(c) for c in crumbs):
            return None
        return crumbs[-1]

    def section(self) -> str | None:
        return self.layout.get("section")

    def tags(self) -> list[str]:
        return list(dict.fromkeys(self.layout.get("tags") or []))

    def date(self):
        """The date line; else the first date of the story; else one in the sapo ("Ngày 22/12, tại ...")."""
        raw, source = super().date()
        if raw is None and self.lead():
            raw = find_text_date(self.lead(), self.page_language)
            source = "text" if raw else None
        return raw, source

    @staticmethod
    def _pick_title(head: list[str], after: list[str]) -> str | None:
        """The headline among the lines above the sapo (breadcrumb, kicker, title, byline, the
        byline's title line): the one the lead image repeats as its alt text; else the headline
        the byline follows; else the last headline-shaped line."""
        # the masthead ("The World and Vietnam Report") is repeated by the footer, never the headline
        shaped = [line for line in head if looks_like_headline(line) and word_count(line) > 3 and not _is_footer(line)]
        later = set(after[:80])
        for line in shaped:
            if line in later:
                return line
        # the byline sits right above the date/sapo (at most its title line after it): a name-shaped
        # line higher up is a menu or breadcrumb entry ("Khoa học - Công nghệ", "Người Việt")
        for i in range(max(0, len(head) - 3), len(head) - 1):
            line = head[i]
            if line in shaped and looks_like_name(head[i + 1]) and word_count(head[i + 1]) <= 5 \
                    and not looks_like_name(line):
                return line
        # a headline right after a byline is the byline's title line ("Nguyên Phó Thủ tướng ...")
        plain = [line for i, line in enumerate(head) if line in shaped and not (i and looks_like_name(head[i - 1]))]
        return (plain or shaped or head or [None])[-1]

    def clean_body(self, lines: list[str]) -> list[str]:
        """Related-news blocks go whole (the label and every "Title Title" item after it) and an
        image's alt text goes when the caption under it repeats it; then the shared rules."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.casefold().strip(" :") in self.related_labels:
                i += 1
                if i < len(lines) and not _is_related_item(lines[i]) and looks_like_headline(lines[i]):
                    # plain items: the headline-shaped lines up to the next paragraph
                    i += 1
                    while (i < len(lines) and looks_like_headline(lines[i], 30) and not ends_sentence(lines[i])
                           and not is_photo_caption(lines[i])):
                        i += 1
                while i < len(lines) and _is_related_item(lines[i]):
                    i += 1
                continue
            if _ASCII_ALT_RE.match(line) and (self.page_language == "vi" or line == _ascii_fold(self.title() or "")):
                i += 1  # the old layout's image alt: the headline folded to lowercase ASCII
                continue
            if i + 1 < len(lines) and is_photo_caption(lines[i + 1]) and not is_photo_caption(line) \
                    and _same_start(line, lines[i + 1]):
                i += 1  # the alt text; the caption itself goes below
                continue
            out.append(line)
            i += 1
        return super().clean_body(out)


# --- HTML pages ------------------------------------------------------------------------------

#: article pages: ``/<slug>-<ID>.html`` [C]
ARTICLE_URL_RE = re.compile(r"^https?://(?:www\.)?baoquocte\.vn/(?:[\w-]+/)*[\w-]+-\d+\.html(?:[?#].*)?$")
#: "dd/mm/yyyy" somewhere in a short text (both date forms carry it)
_VISIBLE_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_OTHER_ARTICLE = ("contains(@class,'bx-listing') or contains(@class,'related') or contains(@class,'__MB_ARTICLE_A')"
                  " or contains(@class,'article-relation') or self::aside or self::footer or self::nav"
                  " or (self::header and not(.//h1))")
_NEAR_TITLE = "(//h1)[1]/following::*[contains(@class,'{0}')][not(ancestor-or-self::*[{1}])][position() <= 12]"
_SITE_NAMES = frozenset({"báo thế giới và việt nam", "báo thế giới & việt nam", "tg&vn", "baoquocte.vn",
                         "báo quốc tế", "thế giới và việt nam"})
_BYLINE_LABEL_RE = re.compile(r"^(?:bài\s*(?:và|,|&|\+)?\s*ảnh|bài|tác giả|thực hiện)\s*[:：]\s*", re.IGNORECASE)
#: inline block elements of the sapo that are not its own text (widgets, related links, images)
_LEAD_OWN_TEXT = ("./text() | ./*[not(self::div or self::table or self::ul or self::ol or self::iframe"
                  " or self::script or self::style or self::figure or self::img)]//text()")


#: "Minh Anh (tổng hợp)", "Thu Trang (theo TTXVN)": a note after the name
_PAREN_TAIL_RE = re.compile(r"\s*\([^()]*\)\s*$")
#: a date or time after the name in a byline box ("Thu Hà | 13/03/2024 10:30")
_DATE_TAIL_RE = re.compile(r"\s*[|•·,–-]?\s*(?:\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b.*$", re.DOTALL)




def _is_byline(text: str) -> bool:
    name = _BYLINE_LABEL_RE.sub("", text).split("/")[0].strip()
    return 0 < word_count(name) <= 6 and looks_like_name(name) and not _VISIBLE_DATE_RE.search(name)


class BaoquocteArticle(HtmlArticle):
    """An article page of baoquocte.vn (MasterCMS): structured data if any, the CMS selectors, the fallback."""

    site = SITE
    article_url_re = ARTICLE_URL_RE
    languages = LANGUAGES

    title_css = ("h1.article-detail-title", "div.article-detail h1")
    title_suffix_re = re.compile(r"\s*[-|–—]\s*(?:Báo\s+)?(?:Thế\s+giới\s+(?:và|&)\s+Việt\s+Nam|TG&VN|Baoquocte\.vn|"
                                 r"Báo\s+Quốc\s+tế)\s*$", re.IGNORECASE)
    lead_css = ("div.article-detail-desc",)
    lead_prefix_re = LEAD_PREFIX_RE
    body_css = ("div#__MB_MASTERCMS_EL_3", "div.__MASTERCMS_CONTENT div.__MB_MASTERCMS_EL", "div.__MASTERCMS_CONTENT")
    body_exclude_css = (".__MB_ARTICLE_A", "[class*=__MB_ARTICLE]", ".__mb_article_in_image", "[class*=__mb_article]",
                        "[class*=__MB_BANNER]", "[class*=follow]")
    author_css = ("div.article-member", "span.cms-author", ".article-detail-author")
    date_css = ("div.article-date", "span.format_time", ".article-detail-date")
    section_css = ("li.menu-alias > a",)
    tags_css = ("ul.tagsCould li a", "div.article-tags a", "div.article-tag a")

    @classmethod
    def canonicalize(cls, url: str) -> str:
        """``https://baoquocte.vn/<path>`` for articles: no www, no query (``?rt=``, tracking), no fragment."""
        if ARTICLE_URL_RE.match(url):
            return HOME + urlsplit(url).path
        return default_canonicalize(url)

    @cached_property
    def _title(self) -> str | None:
        return super().title()

    def title(self) -> str | None:
        return self._title

    @cached_property
    def _lead(self) -> str | None:
        """The sapo's own text (not the widgets nested in it), without the ``TGVN.`` prefix; else
        the description meta; else (a changed layout) the first block that starts ``TGVN.``."""
        for query in self.lead_css:
            for node in self.sel.css(query):
                own = node.xpath(_LEAD_OWN_TEXT).getall()
                for texts in (own, node.css("::text").getall()):
                    text = normalize_line(_FOLLOW_ANYWHERE.sub("", normalize_line(" ".join(texts)) or ""))
                    if text:
                        return LEAD_PREFIX_RE.sub("", text).strip() or None
        value = super().lead()
        if value:
            return normalize_line(_FOLLOW_ANYWHERE.sub("", value)) or None
        for node in self.sel.xpath("//p | //h2 | //h3 | //div[not(*)] | //div[not(div or p or table)]"):
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and LEAD_PREFIX_RE.match(text) and word_count(text) >= 8:
                return LEAD_PREFIX_RE.sub("", normalize_line(_FOLLOW_ANYWHERE.sub("", text)) or "").strip() or None
        return None

    def lead(self) -> str | None:
        return self._lead


    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        """Drop the follow widget, "Tin liên quan" labels and their link, related links, the sapo
        repeated in a fallback container, and photo captions written as paragraphs."""
        title, lead = self.title(), self.lead()
        out: list[str] = []
        skip_next = False
        for para in paras:
            if skip_next:
                skip_next = False
                continue
            folded = para.casefold().strip(" :")
            if folded in RELATED_LABELS:
                skip_next = True
                continue
            if (para in (title, lead) or FOLLOW_WIDGET_RE.match(para) or self.is_other_article_link(para)
                    or (lead and LEAD_PREFIX_RE.match(para) and LEAD_PREFIX_RE.sub("", para).strip() == lead)):
                continue
            if is_photo_caption(para) and word_count(para) <= 40:
                continue
            out.append(para)
        return out

    # --- byline, date, section -----------------------------------------------------------------
    def authors(self) -> list[str]:
        names: list[str] = []
        for query in self.author_css:
            for node in self.sel.css(query):
                if node.xpath(f"ancestor::*[{_OTHER_ARTICLE}]"):
                    continue
                # the name is the first line; a second line is the author's title ("Nguyên Đại sứ ...")
                lines = [normalize_line(t) for t in node.css("::text").getall()]
                lines = [t for t in lines if t]
                if lines:
                    names.extend(split_authors(_DATE_TAIL_RE.sub("", _BYLINE_LABEL_RE.sub("", lines[0]).split("/")[0])))
            if names:
                break
        if not names:
            from crawler.extract import jsonld_authors

            names = jsonld_authors(self.jsonld) or [a for a in [self.meta("author", "article:author")] if a]
            names = [n for n in names if n.casefold() not in _SITE_NAMES]
        if not names:  # a changed layout: an element classed "author"/"member" after the headline
            for word in ("author", "member"):
                for node in self.sel.xpath(_NEAR_TITLE.format(word, _OTHER_ARTICLE))[:1]:
                    lines = [t for t in (normalize_line(x) for x in node.css("::text").getall()) if t]
                    if lines and _is_byline(lines[0]):
                        names = split_authors(_BYLINE_LABEL_RE.sub("", lines[0]).split("/")[0])
                if names:
                    break
        out: list[str] = []
        for name in names:
            name = _PAREN_TAIL_RE.sub("", name.split("/")[0]).strip(" .-–:")
            # a byline box may also hold a date, a label or a "follow" button: keep names only
            if (name and name not in out and not name.startswith("http") and not any(c.isdigit() for c in name)
                    and word_count(name) <= 6 and looks_like_name(name)):
                out.append(name)
        return out

    def date(self) -> tuple[str | None, str | None]:
        if self.jsonld.get("datePublished"):
            return str(self.jsonld["datePublished"]), "jsonld"
        value = self.meta("article:published_time", "datePublished", "pubdate", "og:published_time")
        if value:
            return value, "meta"
        value = self._visible_date()
        if value:
            return value, "page"
        value = self.sel.xpath(f"//time[@datetime][not(ancestor::*[{_OTHER_ARTICLE}])]/@datetime").get()
        if value and value.strip():
            return value.strip(), "meta"
        return super().date()

    def _visible_date(self) -> str | None:
        """``23/12/2023 09:15``, ``10:00 | 08/11/2020`` or (English edition) ``December 04, 2023 | 20:15``
        (a trailing ``|`` removed)."""
        candidates = [node for q in self.date_css for node in self.sel.css(q)]
        for word in ("time", "date"):  # a changed layout: the dated element after the headline
            candidates.extend(self.sel.xpath(_NEAR_TITLE.format(word, _OTHER_ARTICLE)))
        for node in candidates:
            if node.xpath(f"ancestor-or-self::*[{_OTHER_ARTICLE}]"):
                continue
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and (_VISIBLE_DATE_RE.search(text) or MONTH_DATE_RE.search(text)) and len(text) <= 80:
                return text.strip(" |").strip()
        return None

    def section(self) -> str | None:
        crumbs = [normalize_line(t) for q in self.section_css for t in self.sel.css(q + " ::text").getall()]
        crumbs = [c for c in crumbs if c and c.casefold() not in ("trang chủ", "home")]
        if crumbs:
            return crumbs[-1]
        value = self.meta("article:section") or self.jsonld.get("articleSection")
        if isinstance(value, list):
            value = value[0] if value else None
        return normalize_line(str(value)) if value else None

    def tags(self) -> list[str]:
        tags = [t.lstrip("#").strip() for t in super().tags() if t.lstrip("#").strip()]
        if not tags:
            tags = self._tag_box_links()
        return tags

    def _tag_box_links(self) -> list[str]:
        """The current layout's tag box is unconfirmed: links of an element classed ``*tag*`` (or links
        to ``/tags/``, ``/tag/`` pages) after the headline, inside the article and outside its body,
        related boxes and listings. A sidebar "hot tags" box lies outside the article's container."""
        scope = self.sel.xpath("(//h1)[1]/ancestor::*[.//*[@id='__MB_MASTERCMS_EL_3' or "
                               "contains(@class,'__MASTERCMS_CONTENT')]][1]")
        if not scope:
            return []
        links = scope[0].xpath(
            ".//a[ancestor::*[contains(translate(@class,'TAG','tag'),'tag')] or contains(@href,'/tags/') or contains(@href,'/tag/')]"
            f"[preceding::h1][not(ancestor::*[{_OTHER_ARTICLE}])]"
            "[not(ancestor::*[@id='__MB_MASTERCMS_EL_3' or contains(@class,'__MASTERCMS_CONTENT')])]")
        out: list[str] = []
        for link in links:
            text = normalize_line(" ".join(link.css("::text").getall()))
            text = text.lstrip("#").strip() if text else ""
            if text and 0 < word_count(text) <= 8 and text.casefold().strip(" :") not in ("tags", "tag", "từ khóa") and text not in out:
                out.append(text)
        return out


# --- discovery --------------------------------------------------------------------------------

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
        self.max_pages = int(pages) if pages else self.backfill_max_pages
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
    def parse_feed(self, response):
        entries = feed_entries(response.body)
        if not entries:
            self.count("empty_feeds")
        for link, when in entries:
            link = safe_urljoin(response, link)
            if not self.is_article_url(link):
                self.count("skipped_not_article")
                continue
            request = self.queue_article(link, meta={"listing_date": when} if when else None)
            if request is not None:
                yield request

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
            if offset is not None and not hasattr(out, "url") and hasattr(out, "get"):
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

"""baoquocte: the HTML page object (an article response -> ArticleItem)."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.extraction.page import HtmlArticle
from crawler.extraction.text import (
    is_photo_caption,
    looks_like_name,
    normalize_line,
    split_authors,
    word_count,
)
from crawler.extraction.urls import canonicalize as default_canonicalize
from spiders.baoquocte.rules import (
    ARTICLE_URL_RE,
    BYLINE_LABEL_RE,
    DATE_TAIL_RE,
    FOLLOW_ANYWHERE,
    FOLLOW_WIDGET_RE,
    HOME,
    LANGUAGES,
    LEAD_OWN_TEXT,
    LEAD_PREFIX_RE,
    MONTH_DATE_RE,
    NEAR_TITLE,
    OTHER_ARTICLE,
    PAREN_TAIL_RE,
    RELATED_LABELS,
    SITE,
    SITE_NAMES,
    VISIBLE_DATE_RE,
)


def _is_byline(text: str) -> bool:
    name = BYLINE_LABEL_RE.sub("", text).split("/")[0].strip()
    return 0 < word_count(name) <= 6 and looks_like_name(name) and not VISIBLE_DATE_RE.search(name)


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
                own = node.xpath(LEAD_OWN_TEXT).getall()
                for texts in (own, node.css("::text").getall()):
                    text = normalize_line(FOLLOW_ANYWHERE.sub("", normalize_line(" ".join(texts)) or ""))
                    if text:
                        return LEAD_PREFIX_RE.sub("", text).strip() or None
        value = super().lead()
        if value:
            return normalize_line(FOLLOW_ANYWHERE.sub("", value)) or None
        for node in self.sel.xpath("//p | //h2 | //h3 | //div[not(*)] | //div[not(div or p or table)]"):
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and LEAD_PREFIX_RE.match(text) and word_count(text) >= 8:
                return LEAD_PREFIX_RE.sub("", normalize_line(FOLLOW_ANYWHERE.sub("", text)) or "").strip() or None
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
                if node.xpath(f"ancestor::*[{OTHER_ARTICLE}]"):
                    continue
                # the name is the first line; a second line is the author's title ("Nguyên Đại sứ ...")
                lines = [normalize_line(t) for t in node.css("::text").getall()]
                lines = [t for t in lines if t]
                if lines:
                    names.extend(split_authors(DATE_TAIL_RE.sub("", BYLINE_LABEL_RE.sub("", lines[0]).split("/")[0])))
            if names:
                break
        if not names:
            from crawler.extraction.layers import jsonld_authors

            names = jsonld_authors(self.jsonld) or [a for a in [self.meta("author", "article:author")] if a]
            names = [n for n in names if n.casefold() not in SITE_NAMES]
        if not names:  # a changed layout: an element classed "author"/"member" after the headline
            for word in ("author", "member"):
                for node in self.sel.xpath(NEAR_TITLE.format(word, OTHER_ARTICLE))[:1]:
                    lines = [t for t in (normalize_line(x) for x in node.css("::text").getall()) if t]
                    if lines and _is_byline(lines[0]):
                        names = split_authors(BYLINE_LABEL_RE.sub("", lines[0]).split("/")[0])
                if names:
                    break
        out: list[str] = []
        for name in names:
            name = PAREN_TAIL_RE.sub("", name.split("/")[0]).strip(" .-–:")
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
        value = self.sel.xpath(f"//time[@datetime][not(ancestor::*[{OTHER_ARTICLE}])]/@datetime").get()
        if value and value.strip():
            return value.strip(), "meta"
        return super().date()

    def _visible_date(self) -> str | None:
        """``23/12/2023 09:15``, ``10:00 | 08/11/2020`` or (English edition) ``December 04, 2023 | 20:15``
        (a trailing ``|`` removed)."""
        candidates = [node for q in self.date_css for node in self.sel.css(q)]
        for word in ("time", "date"):  # a changed layout: the dated element after the headline
            candidates.extend(self.sel.xpath(NEAR_TITLE.format(word, OTHER_ARTICLE)))
        for node in candidates:
            if node.xpath(f"ancestor-or-self::*[{OTHER_ARTICLE}]"):
                continue
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and (VISIBLE_DATE_RE.search(text) or MONTH_DATE_RE.search(text)) and len(text) <= 80:
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
            f"[preceding::h1][not(ancestor::*[{OTHER_ARTICLE}])]"
            "[not(ancestor::*[@id='__MB_MASTERCMS_EL_3' or contains(@class,'__MASTERCMS_CONTENT')])]")
        out: list[str] = []
        for link in links:
            text = normalize_line(" ".join(link.css("::text").getall()))
            text = text.lstrip("#").strip() if text else ""
            if text and 0 < word_count(text) <= 8 and text.casefold().strip(" :") not in ("tags", "tag", "từ khóa") and text not in out:
                out.append(text)
        return out

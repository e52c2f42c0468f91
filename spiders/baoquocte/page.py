"""baoquocte: the HTML page object (an article response -> ArticleItem)."""

from __future__ import annotations

import re

from crawler.extraction.limits import CAPTION_MAX_WORDS
from crawler.extraction.page import AUTHOR_MAX_WORDS, HtmlArticle
from crawler.extraction.text import (
    is_photo_caption,
    normalize_line,
    word_count,
)
from spiders.baoquocte.rules import (
    ARTICLE_URL_RE,
    BYLINE_LABEL_RE,
    FOLLOW_ANYWHERE,
    FOLLOW_WIDGET_RE,
    LANGUAGES,
    LEAD_OWN_TEXT,
    LEAD_PREFIX_RE,
    MONTH_DATE_RE,
    OTHER_ARTICLE,
    RELATED_LABELS,
    SITE,
    SITE_NAMES,
    TAG_MAX_WORDS,
    VISIBLE_DATE_RE,
    canonical_url,
)


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
    other_article_xpath = OTHER_ARTICLE
    byline_label_re = BYLINE_LABEL_RE
    byline_first_line = True
    byline_near_title = ("author", "member")
    byline_max_words = AUTHOR_MAX_WORDS
    site_names = SITE_NAMES
    #: ``23/12/2023 09:15``, ``10:00 | 08/11/2020`` or (English edition) ``December 04, 2023 | 20:15``
    visible_date_res = (VISIBLE_DATE_RE, MONTH_DATE_RE)
    date_layers = ("jsonld", "meta", "visible", "time")

    canonicalize = staticmethod(canonical_url)

    def extract_lead(self) -> str | None:
        """The sapo's own text (not the widgets nested in it), without the ``TGVN.`` prefix; else
        the description meta; else (a changed layout) the first block that starts ``TGVN.``."""
        for query in self.lead_css:
            for node in self.sel.css(query):
                own = node.xpath(LEAD_OWN_TEXT).getall()
                for texts in (own, node.css("::text").getall()):
                    text = normalize_line(FOLLOW_ANYWHERE.sub("", normalize_line(" ".join(texts)) or ""))
                    if text:
                        return LEAD_PREFIX_RE.sub("", text).strip() or None
        value = super().extract_lead()
        if value:
            return normalize_line(FOLLOW_ANYWHERE.sub("", value)) or None
        return self.prefixed_lead_block(lambda text: normalize_line(FOLLOW_ANYWHERE.sub("", text)) or "")

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
            if is_photo_caption(para) and word_count(para) <= CAPTION_MAX_WORDS:
                continue
            out.append(para)
        return out

    # --- section, tags --------------------------------------------------------------------
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
            ".//a[ancestor::*[contains(translate(@class,'TAG','tag'),'tag')]"
            " or contains(@href,'/tags/') or contains(@href,'/tag/')]"
            f"[preceding::h1][not(ancestor::*[{OTHER_ARTICLE}])]"
            "[not(ancestor::*[@id='__MB_MASTERCMS_EL_3' or contains(@class,'__MASTERCMS_CONTENT')])]")
        out: list[str] = []
        for link in links:
            text = normalize_line(" ".join(link.css("::text").getall()))
            text = text.lstrip("#").strip() if text else ""
            label = text.casefold().strip(" :") in ("tags", "tag", "từ khóa")
            if text and 0 < word_count(text) <= TAG_MAX_WORDS and not label and text not in out:
                out.append(text)
        return out

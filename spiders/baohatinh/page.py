"""baohatinh: the HTML page object (an article response -> ArticleItem)."""

from __future__ import annotations

import json
import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.extraction.layers import safe_urljoin
from crawler.extraction.limits import CAPTION_MAX_WORDS
from crawler.extraction.page import HtmlArticle, NotAnArticle
from crawler.extraction.text import (
    is_photo_caption,
    normalize_line,
    split_authors,
    word_count,
)
from spiders.baohatinh.rules import (
    ARTICLE_URL_RE,
    BYLINE_LABEL_RE,
    CAPTION_LINE_MAX_WORDS,
    END_LABELS,
    HOME_CRUMBS,
    LABELLED_LINK_RE,
    LANGUAGES,
    LEAD_PREFIX_RE,
    MEDIA_PATH_RE,
    NOT_THIS_TRAIL,
    OTHER_ARTICLE,
    PHOTO_CREDIT_RE,
    SITE,
    SITE_NAMES,
    VISIBLE_DATE_RE,
    canonical_url,
    is_credit_caption,
    is_link_headline,
)


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
        # the real sibling page (baolaocai.vn) names its slots sda_middle / sdaWeb_ [C-sib]
        ".ads_middle", "[id^=adsWeb_]", ".sda_middle", "[id^=sdaWeb_]",
        ".related-news", "[class*=relate]", "[class*=banner]", ".article__tag", ".article__author", ".cms-author",
        ".box-related", "article.story", ".story",
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
    #: ``div.article__tags`` (plural, "Từ khóa:" before the links) on the real sibling page [C-sib]
    tags_css = ("div.article__tags a", "div.article__tag a")
    other_article_xpath = OTHER_ARTICLE
    byline_label_re = BYLINE_LABEL_RE
    site_names = SITE_NAMES
    visible_date_res = (VISIBLE_DATE_RE,)
    date_layers = ("jsonld", "meta", "time", "visible")

    canonicalize = staticmethod(canonical_url)

    def to_item(self):
        """A page of a media section (``/tv/``, ``/emagazine/``...) is not an article, even when a
        link or a redirect led there: it is refused, never archived."""
        for url in {self.url, self.response.url}:
            if MEDIA_PATH_RE.match(urlsplit(url).path or "/"):
                raise NotAnArticle(f"not an article (media section): {url}")
        return super().to_item()

    # --- lead / body ------------------------------------------------------------------------
    def extract_lead(self) -> str | None:
        """The sapo (its ``(Baohatinh.vn) -`` prefix removed); else the description meta; else (a
        changed layout without meta) the first block that starts with that prefix. A page
        without a sapo often fills its description meta with the headline: that is no lead."""
        value = super().extract_lead()
        if value and value.casefold() != (self.title() or "").casefold():
            return value  # a description that only repeats the headline is no sapo
        return self.prefixed_lead_block()

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
            labelled = LABELLED_LINK_RE.match(para)
            if labelled and (self.is_other_article_link(labelled["rest"]) or is_link_headline(labelled["rest"])):
                continue  # "Xem thêm: <link to another article>"
            label = para.casefold().strip(" :")
            if label in END_LABELS:
                if label != "xem thêm" and i >= 0.6 * len(paras):
                    break  # the related-articles block that closes the body
                skip_next = True  # an inline "Xem thêm: <link>"
                continue
            if (is_photo_caption(para) or PHOTO_CREDIT_RE.match(para)) and word_count(para) <= CAPTION_MAX_WORDS:
                continue
            if is_credit_caption(para) or para in captions:  # "… tại buổi tiếp. Ảnh: Ngọc Loan"
                continue
            out.append(para)
        self._byline_para = None
        if len(out) > 2 and self.is_byline(out[-1]):
            self._byline_para = out.pop()
        return out


    def tail_byline(self) -> list[str]:
        """A byline written as the body's last short paragraph (older templates, changed layouts)."""
        self.body_paragraphs  # noqa: B018 -- computes (and caches) the body, which sets _byline_para
        para = getattr(self, "_byline_para", None)
        return split_authors(BYLINE_LABEL_RE.sub("", para)) if para else []

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
            if text and word_count(text) <= CAPTION_LINE_MAX_WORDS and (text == emphasized or is_credit_caption(text)):
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

    # --- section, tags ------------------------------------------------------------------------
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
                      if not a.xpath(f"ancestor::*[{NOT_THIS_TRAIL}]")]
            crumbs = [c for c in crumbs if c and c.casefold() not in HOME_CRUMBS]
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
                    if isinstance(name, str) and normalize_line(name).casefold() not in HOME_CRUMBS:
                        names.append(normalize_line(name))
                if names:
                    return names
        return []

    def tags(self) -> list[str]:
        tags = super().tags()
        if not tags:  # a changed layout: the links to the site's tag pages (``-tag<ID>.html``) [C]
            links = self.sel.xpath(f"//a[re:test(@href, '-tag\\d+\\.html$')][not(ancestor::*[{OTHER_ARTICLE}])]",
                                   namespaces={"re": "http://exslt.org/regular-expressions"})
            tags = [normalize_line(" ".join(a.css("::text").getall())) for a in links]
        return list(dict.fromkeys(t.lstrip("#").strip() for t in tags if t and t.lstrip("#").strip()))

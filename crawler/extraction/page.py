"""Page objects: one page in, one ArticleItem out, no crawling involved (web-poet style).

Two bases, one per kind of input:

* :class:`HtmlArticle` parses an HTML response in layers -- structured data (JSON-LD,
  OpenGraph / ``article:*`` meta, ``<time datetime>``, ``<html lang>``), then the site's
  declared selectors, then a generic fallback (the largest block of paragraphs) -- so a
  partly unknown or drifting layout still yields an item.
* :class:`TextArticle` parses a text-only dump of a page (what ``scrapy crawl seeds``
  replays). The text carries no tags, so each site declares line rules instead.

A site module (``spiders/<site>.py``) subclasses both and declares its knowledge field by
field; everything site-independent lives here and in :mod:`crawler.extraction.layers`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cached_property

from parsel import Selector

from crawler.extraction import layers
from crawler.extraction.text import (
    detect_language,
    looks_like_name,
    normalize_line,
    normalize_text,
    split_authors,
    word_count,
)
from crawler.extraction.urls import canonicalize
from crawler.items import ArticleItem, new_item

logger = logging.getLogger(__name__)

#: a link text this long may be a headline (menu links are shorter)
LINK_TEXT_MIN_WORDS = 4
#: a block opening with the sapo prefix must be this long to be the sapo, not a label
LEAD_BLOCK_MIN_WORDS = 8
#: the most words of a byline paragraph, and of one author's name
BYLINE_MAX_WORDS = 5
AUTHOR_MAX_WORDS = 6
#: a visible date is a short text ("10:00 | 08/11/2020"), never a sentence
DATE_TEXT_MAX_CHARS = 80
#: dd/mm/yyyy or ISO, as the Vietnamese CMSs show dates
NUMERIC_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
#: the element right after the headline whose class holds a word ({0}), outside other articles ({1})
NEAR_TITLE = "(//h1)[1]/following::*[contains(@class,'{0}')][not(ancestor-or-self::*[{1}])][position() <= 12]"
#: "Minh Anh (tổng hợp)", "Thu Trang (theo TTXVN)": a note after the name
PAREN_TAIL_RE = re.compile(r"\s*\([^()]*\)\s*$")
#: a date or time after the name in a byline box ("Thu Hà | 13/03/2024 10:30")
DATE_TAIL_RE = re.compile(r"\s*[|•·,–-]?\s*(?:\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b.*$", re.DOTALL)


class ParseError(ValueError):
    """The page is not an article this parser can read (logged and counted, never raised out)."""


class NotAnArticle(ParseError):
    """The page is not an article and never will be (a media section's player or e-magazine):
    refused like any unparsable page, and also marked seen so no later run fetches it again."""


class BasePage:
    site: str = ""
    #: languages this site publishes in; the first one is the default
    languages: tuple[str, ...] = ("vi",)

    url: str

    @classmethod
    def canonicalize(cls, url: str) -> str:
        """The dedup key for an article URL; sites override to drop their own noise (sessions...)."""
        return canonicalize(url)

    def canonical_url(self) -> str:
        return self.canonicalize(self.url)

    # --- fields; subclasses override field by field ---------------------------------
    def title(self) -> str | None: return None
    def lead(self) -> str | None: return None
    def body(self) -> str | None: return None
    def authors(self) -> list[str]: return []
    def date(self) -> tuple[str | None, str | None]: return None, None
    def language(self) -> str | None: return None
    def section(self) -> str | None: return None
    def tags(self) -> list[str]: return []
    def images(self) -> list[dict]: return []
    def source_name(self) -> str | None: return None
    def original_url(self) -> str | None: return None
    def alternates(self) -> dict[str, str]: return {}

    #: fields without which a page is no article: if one fails, the page is refused
    required_fields: tuple[str, ...] = ("body", "language")

    def field_value(self, name: str, empty):
        """One field, isolated: a field method that raises leaves that field ``empty`` (logged,
        and kept in :attr:`field_errors` for the spider's ``parse/field_error/<site>/<field>``
        stats) -- unless the field is required, and then the page is refused as before."""
        try:
            return getattr(self, name)()
        except ParseError:
            raise
        except Exception as exc:
            if name in self.required_fields:
                raise
            logger.warning("%s: field %s failed, left empty: %r", self.url, name, exc)
            self.field_errors.append(name)
            return empty

    def to_item(self) -> ArticleItem:
        self.field_errors: list[str] = []
        body = self.body()
        if not body:
            raise ParseError(f"no article body found in {self.url}")
        raw, source = self.field_value("date", (None, None))
        return new_item(
            url=self.url,
            canonical_url=self.canonical_url(),
            site=self.site,
            language=self.language(),
            title=self.field_value("title", None),
            lead=self.field_value("lead", None),
            body=body,
            authors=self.field_value("authors", []),
            published_at_raw=raw,
            date_source=source if raw else None,
            section=self.field_value("section", None),
            tags=self.field_value("tags", []),
            images=self.field_value("images", []),
            source_name=self.field_value("source_name", None),
            original_url=self.field_value("original_url", None),
            alternates=self.field_value("alternates", {}),
        )


class HtmlArticle(BasePage):
    """Layered HTML extraction, field by field. A site states its differences as data: the
    ``*_css`` selectors, label patterns, the XPath of boxes that belong to other articles, the
    order of the date layers; the layers themselves live here, once."""

    title_css: tuple[str, ...] = ()
    lead_css: tuple[str, ...] = ()
    body_css: tuple[str, ...] = ()  # article body containers, most specific first
    body_exclude_css: tuple[str, ...] = ()  # ads, related boxes... removed from the body
    author_css: tuple[str, ...] = ()
    date_css: tuple[str, ...] = ()  # visible date text
    section_css: tuple[str, ...] = ()
    tags_css: tuple[str, ...] = ()
    title_suffix_re: re.Pattern | None = None  # " - Báo Hà Tĩnh" and the like
    lead_prefix_re: re.Pattern | None = None  # "(Baohatinh.vn) - " and the like
    article_url_re: re.Pattern | None = None  # the site's article URLs (for is_other_article_link)
    #: XPath condition of the boxes inside which a byline or a date is another article's
    #: (related boxes, cards, page furniture)
    other_article_xpath: str = "self::aside or self::footer or self::nav"
    #: the label before the names in a byline ("Bài:", "Tác giả:", "Bài và ảnh:")
    byline_label_re: re.Pattern | None = None
    #: a byline box whose first line is the name and the next ones the author's title
    #: ("Nguyên Đại sứ ..."), and whose name may be followed by "/ agency"
    byline_first_line: bool = False
    #: words of the class of an element after the headline that holds the byline when the
    #: declared selectors find none (a changed layout)
    byline_near_title: tuple[str, ...] = ("author",)
    #: the most words a byline paragraph may have (a name, or a few names)
    byline_max_words: int = BYLINE_MAX_WORDS
    #: names the paper itself goes by: a publisher given as the author is no byline
    site_names: frozenset[str] = frozenset()
    #: what a visible date looks like ("23/12/2023 09:15", "December 04, 2023"), for the dates
    #: found after the headline and to tell a byline from a date
    visible_date_res: tuple[re.Pattern, ...] = (NUMERIC_DATE_RE,)
    #: the site's own date layers, tried in this order before the generic ones (:meth:`date`):
    #: ``jsonld``, ``meta`` (article:published_time...), ``time`` (``<time datetime>`` outside
    #: other articles), ``visible`` (the date text after the headline)
    date_layers: tuple[str, ...] = ()

    def __init__(self, response):
        self.response = response
        self.url = response.meta.get("original_url") or response.url
        # the response's parsed tree, queried through a plain parsel Selector: Scrapy's subclass
        # registers every selector it derives in trackref (a page object derives thousands)
        self.sel = Selector(root=response.selector.root, type=response.selector.type)

    @cached_property
    def jsonld(self) -> dict:
        return layers.jsonld_article(self.sel)

    def meta(self, *names: str) -> str | None:
        return layers.meta(self.sel, *names)

    @cached_property
    def _link_hrefs(self) -> dict[str, list[str]]:
        """The hrefs of each link text of 4+ words on the page (menu links have fewer)."""
        out: dict[str, list[str]] = {}
        for href, text in layers.link_texts(self.sel):
            if text and word_count(text) >= LINK_TEXT_MIN_WORDS:
                out.setdefault(text, []).append(href)
        return out

    def is_other_article_link(self, text: str) -> bool:
        """``text`` is the text of a link to another article of the site: a paragraph that is
        only that is a related link, not body text. Hrefs are resolved only for such texts."""
        hrefs = self._link_hrefs.get(text)
        if not hrefs or self.article_url_re is None:
            return False
        here = self.canonical_url()
        for href in hrefs:
            url = layers.safe_urljoin(self.response, href)
            if self.article_url_re.match(url) and self.canonicalize(url) != here:
                return True
        return False

    def first_text(self, css: Iterable[str]) -> str | None:
        for query in css:
            for node in self.sel.css(query):
                text = normalize_line(" ".join(layers.text_nodes(node)))
                if text:
                    return text
        return None

    def node_text(self, node) -> str | None:
        return normalize_line(" ".join(node.css("::text").getall()))

    # --- title and lead (computed once: the body and the byline rules ask for them too) -------
    def title(self) -> str | None:
        return self._title

    @cached_property
    def _title(self) -> str | None:
        return self.extract_title()

    def extract_title(self) -> str | None:
        value = (self.first_text(self.title_css) or self.jsonld.get("headline")
                 or self.meta("og:title", "twitter:title") or self.first_text(("h1",)))
        value = normalize_line(value)
        if value and self.title_suffix_re:
            value = self.title_suffix_re.sub("", value).strip()
        return value or None

    def lead(self) -> str | None:
        return self._lead

    @cached_property
    def _lead(self) -> str | None:
        return self.extract_lead()

    def extract_lead(self) -> str | None:
        value = self.first_text(self.lead_css)
        if not value:
            value = self.jsonld.get("description") or self.meta("description", "og:description")
        value = normalize_line(value)
        if value and self.lead_prefix_re:
            value = self.lead_prefix_re.sub("", value).strip()
        return value or None

    def prefixed_lead_block(self, tidy=lambda text: text) -> str | None:
        """A changed layout without sapo markup or meta: the first block that opens with the
        site's sapo prefix ("(Baohatinh.vn) - ", "TGVN. ") is the sapo, prefix removed."""
        if self.lead_prefix_re is None:
            return None
        for node in self.sel.xpath("//p | //h2 | //h3 | //div[not(*)] | //div[not(div or p or table)]"):
            text = self.node_text(node)
            if text and self.lead_prefix_re.match(text) and word_count(text) >= LEAD_BLOCK_MIN_WORDS:
                return self.lead_prefix_re.sub("", tidy(text)).strip() or None
        return None

    @cached_property
    def body_paragraphs(self) -> list[str]:
        exclude = layers.DEFAULT_BODY_EXCLUDE + tuple(self.body_exclude_css)
        for query in self.body_css:
            nodes = self.sel.css(query)
            if nodes:
                paras = layers.paragraphs(nodes[0], exclude)
                if paras:
                    return self.clean_paragraphs(paras)
        return self.clean_paragraphs(layers.largest_block(self.sel, exclude))

    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        """Site hook: drop caption-like or boilerplate paragraphs the selectors cannot see."""
        title, lead = self.title(), self.lead()
        return [p for p in paras if p not in (title, lead)]

    def body(self) -> str | None:
        return normalize_text("\n\n".join(self.body_paragraphs))

    # --- byline ---------------------------------------------------------------------------
    def byline_names(self, text: str) -> str:
        """A byline's text without its label (and, for first-line bylines, without "/ agency")."""
        if self.byline_label_re is not None:
            text = self.byline_label_re.sub("", text)
        return text.split("/")[0] if self.byline_first_line else text

    def is_byline(self, text: str) -> bool:
        """A short block that is only a name ("Thu Hà", "Bài và ảnh: Thiên Vỹ"), never a date."""
        name = self.byline_names(text).strip()
        return (0 < word_count(name) <= self.byline_max_words and looks_like_name(name)
                and not any(r.search(name) for r in self.visible_date_res))

    def _byline_text(self, node) -> str | None:
        if self.byline_first_line:
            lines = [t for t in (normalize_line(x) for x in node.css("::text").getall()) if t]
            return lines[0] if lines else None
        return self.node_text(node)

    def tail_byline(self) -> list[str]:
        """Site hook: names of a byline written as the body's last short block."""
        return []

    def authors(self) -> list[str]:
        """The byline boxes the site declares (the first selector that finds names wins), else
        the structured authors that are not the paper itself, else a byline closing the body,
        else an element classed like a byline right after the headline; names only."""
        names: list[str] = []
        for query in self.author_css:
            for node in self.sel.css(query):
                if node.xpath(f"ancestor::*[{self.other_article_xpath}]"):
                    continue
                text = self._byline_text(node)
                if text:
                    names.extend(split_authors(DATE_TAIL_RE.sub("", self.byline_names(text))))
            if names:
                break
        if not names:
            names = layers.jsonld_authors(self.jsonld) or [a for a in [self.meta("author", "article:author")] if a]
            names = [n for n in names if n.casefold() not in self.site_names]
        if not names:
            names = self.tail_byline()
        for word in self.byline_near_title if not names else ():
            for node in self.sel.xpath(NEAR_TITLE.format(word, self.other_article_xpath))[:1]:
                text = self._byline_text(node)
                if text and self.is_byline(text):
                    names = split_authors(self.byline_names(text))
            if names:
                break
        out: list[str] = []
        for name in names:
            name = PAREN_TAIL_RE.sub("", name.split("/")[0]).strip(" .-–:")
            # a byline box may also hold a date, a label or a "follow" button: keep names only
            if (name and name not in out and not name.startswith("http") and not any(c.isdigit() for c in name)
                    and word_count(name) <= AUTHOR_MAX_WORDS and looks_like_name(name)):
                out.append(name)
        return out

    # --- date -----------------------------------------------------------------------------
    def structured_date(self) -> tuple[str | None, str | None]:
        """The structured layers of :meth:`date`: JSON-LD, then meta, then ``<time datetime>``."""
        if self.jsonld.get("datePublished"):
            return self.jsonld["datePublished"], "jsonld"
        value = self.meta("article:published_time", "datePublished", "pubdate", "og:published_time",
                          "dc.date.issued", "publish-date")
        if value:
            return value, "meta"
        value = self.sel.css("time[datetime]::attr(datetime), [itemprop=datePublished]::attr(content)").get()
        if value and value.strip():
            return value.strip(), "meta"
        return None, None

    def visible_date(self) -> str | None:
        """The date text the page shows: the declared date elements, else an element classed
        ``time``/``date`` after the headline (a changed layout); never another article's."""
        candidates = [node for q in self.date_css for node in self.sel.css(q)]
        for word in ("time", "date"):
            candidates.extend(self.sel.xpath(NEAR_TITLE.format(word, self.other_article_xpath)))
        for node in candidates:
            if node.xpath(f"ancestor-or-self::*[{self.other_article_xpath}]"):
                continue
            text = self.node_text(node)
            if text and len(text) <= DATE_TEXT_MAX_CHARS and any(r.search(text) for r in self.visible_date_res):
                return text.strip(" |").strip()
        return None

    def _date_layer(self, name: str) -> tuple[str | None, str]:
        if name == "jsonld":
            value = self.jsonld.get("datePublished")
            return (str(value) if value else None), "jsonld"
        if name == "meta":
            return self.meta("article:published_time", "datePublished", "pubdate", "og:published_time"), "meta"
        if name == "time":
            value = self.sel.xpath(f"//time[@datetime][not(ancestor::*[{self.other_article_xpath}])]/@datetime").get()
            return (value.strip() if value and value.strip() else None), "meta"
        if name == "visible":
            return self.visible_date(), "page"
        raise ValueError(f"unknown date layer {name!r}")

    def date(self) -> tuple[str | None, str | None]:
        """The site's own layers (:attr:`date_layers`), then structured data, the declared date
        text, a dateline in the story, a date in the URL, and what discovery saw."""
        for layer in self.date_layers:
            raw, source = self._date_layer(layer)
            if raw:
                return raw, source
        raw, source = self.structured_date()
        if raw:
            return raw, source
        value = self.first_text(self.date_css)
        if value:
            return value, "page"
        value = layers.text_date(self.body() or "", self.language() or self.languages[0])
        if value:
            return value, "text"
        value = layers.url_date(self.url)
        if value:
            return value, "url"
        for source in ("sitemap", "listing"):
            value = self.response.meta.get(f"{source}_date")
            if value:
                return value, source
        return None, None

    def language(self) -> str | None:
        lang = layers.html_lang(self.sel) or self.meta("og:locale", "content-language")
        if lang:
            return lang.replace("_", "-").split("-")[0].lower()
        return detect_language(self.body() or "") or self.languages[0]

    def alternates(self) -> dict[str, str]:
        """The page's other language versions, ``<link rel="alternate" hreflang="xx" href>``:
        ``{language: absolute URL}``, without ``x-default`` and without the page itself."""
        out: dict[str, str] = {}
        own = canonicalize(self.url)
        for link in self.sel.xpath("//link[@hreflang][@href]"):
            if "alternate" not in (link.attrib.get("rel") or "").lower().split():
                continue
            lang = link.attrib["hreflang"].strip().replace("_", "-").split("-")[0].lower()
            href = self.response.urljoin(link.attrib["href"].strip())
            if lang and lang != "x" and href.startswith(("http://", "https://")) and canonicalize(href) != own:
                out.setdefault(lang, href)
        return out

    def section(self) -> str | None:
        crumbs = [normalize_line(t) for q in self.section_css for t in self.sel.css(q + " ::text").getall()]
        crumbs = [c for c in crumbs if c]
        return crumbs[-1] if crumbs else (self.jsonld.get("articleSection") or self.meta("article:section"))

    def tags(self) -> list[str]:
        tags = [normalize_line(t) for q in self.tags_css for t in self.sel.css(q + " ::text").getall()]
        if not tags:
            tags = self.sel.css('meta[property="article:tag"]::attr(content)').getall()
        if not tags and self.jsonld.get("keywords"):
            kw = self.jsonld["keywords"]
            tags = kw if isinstance(kw, list) else str(kw).split(",")
        return list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))

    def images(self) -> list[dict]:
        """Images of the body container -- or, in an unknown layout, of the block the body fallback read."""
        exclude = layers.DEFAULT_BODY_EXCLUDE_NO_FIGURES + tuple(self.body_exclude_css)
        container = next((nodes[0] for nodes in (self.sel.css(q) for q in self.body_css) if nodes), None)
        if container is None:
            container = layers.largest_block_node(self.sel)
        if container is None:
            return []
        return layers.images(container, lambda href: layers.safe_urljoin(self.response, href), exclude)

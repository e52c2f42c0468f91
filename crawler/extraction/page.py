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
from crawler.extraction.byline import NEAR_TITLE, BylineLayer
from crawler.extraction.limits import (  # noqa: F401 -- AUTHOR_MAX_WORDS: sites read it here too
    AUTHOR_MAX_WORDS,
    BYLINE_MAX_WORDS,
    DATE_TEXT_MAX_CHARS,
    LEAD_BLOCK_MIN_WORDS,
    LINK_TEXT_MIN_WORDS,
)
from crawler.extraction.text import (
    detect_language,
    normalize_line,
    normalize_text,
    word_count,
)
from crawler.extraction.urls import canonicalize
from crawler.items import ArticleItem, new_item

logger = logging.getLogger(__name__)

#: a year in a date text (a date without one is a day and month only)
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: dd/mm/yyyy or ISO, as the Vietnamese CMSs show dates
NUMERIC_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")


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
    #: the layer credited with a field when the field's method recorded none (a site's own method,
    #: or a text dump's line rules)
    default_layer: str = "text"

    def record_layer(self, field: str, layer: str) -> None:
        """Which layer produced ``field``: ``structured`` (JSON-LD, meta), ``site`` (the site's declared
        selectors), ``fallback`` (generic: largest block, ``<h1>``, elements classed like it), ``text``
        (rules on the text: a closing byline, a dateline), ``url``, ``discovery`` (listing, feed, sitemap)."""
        self.__dict__.setdefault("_layers", {})[field] = layer

    def provenance(self, item: ArticleItem) -> dict[str, str]:
        """The layer of each filled field of :data:`PROVENANCE_FIELDS`."""
        layers_ = self.__dict__.get("_layers", {})
        out = {}
        for name in PROVENANCE_FIELDS:
            if name == "date":
                if item.date_source:
                    out["date"] = DATE_SOURCE_LAYERS.get(item.date_source, self.default_layer)
            elif item.get(name):
                out[name] = layers_.get(name, self.default_layer)
        return out

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
        item = new_item(
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
        item.provenance = self.provenance(item)
        return item


#: the fields whose layer is recorded (``ArticleItem.provenance``, stats ``extract/<spider>/<field>/<layer>``)
PROVENANCE_FIELDS = ("title", "lead", "authors", "date", "body")
#: the layer of each ``date_source``
DATE_SOURCE_LAYERS = {"jsonld": "structured", "meta": "structured", "page": "site", "text": "text", "url": "url",
                      "sitemap": "discovery", "listing": "discovery"}


class HtmlArticle(BylineLayer, BasePage):
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
    #: what a visible date looks like ("23/12/2023 09:15", "December 04, 2023"), for the dates
    #: found after the headline and to tell a byline from a date
    visible_date_res: tuple[re.Pattern, ...] = (NUMERIC_DATE_RE,)
    #: the site's own date layers, tried in this order before the generic ones (:meth:`date`):
    #: ``jsonld``, ``meta`` (article:published_time...), ``time`` (``<time datetime>`` outside
    #: other articles), ``visible`` (the date text after the headline)
    date_layers: tuple[str, ...] = ()
    default_layer = "site"

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
        for href, text in layers.link_texts(self.sel, LINK_TEXT_MIN_WORDS):
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
        value, layer = self.first_text(self.title_css), "site"
        if not value:
            value, layer = self.jsonld.get("headline") or self.meta("og:title", "twitter:title"), "structured"
        if not value:
            value, layer = self.first_text(("h1",)), "fallback"
        value = normalize_line(value)
        if value:
            self.record_layer("title", layer)
        if value and self.title_suffix_re:
            value = self.title_suffix_re.sub("", value).strip()
        return value or None

    def lead(self) -> str | None:
        return self._lead

    @cached_property
    def _lead(self) -> str | None:
        return self.extract_lead()

    def extract_lead(self) -> str | None:
        value, layer = self.first_text(self.lead_css), "site"
        if not value:
            value, layer = self.jsonld.get("description") or self.meta("description", "og:description"), "structured"
        value = normalize_line(value)
        if value:
            self.record_layer("lead", layer)
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
                self.record_layer("lead", "fallback")
                return self.lead_prefix_re.sub("", tidy(text)).strip() or None
        return None

    @cached_property
    def body_paragraphs(self) -> list[str]:
        exclude = layers.DEFAULT_BODY_EXCLUDE + tuple(self.body_exclude_css)
        for query in self.body_css:
            nodes = self._body_nodes(query)
            if nodes:
                paras = layers.paragraphs(nodes[0], exclude)
                if paras:
                    self.record_layer("body", "site")
                    return self.clean_paragraphs(paras)
        self.record_layer("body", "fallback")
        best = self._largest_block_node
        return self.clean_paragraphs(layers.paragraphs(best, exclude) if best is not None else [])

    def _body_nodes(self, query: str):
        """``self.sel.css(query)`` for a :attr:`body_css` query, once per page (the body and the images ask)."""
        cache = self.__dict__.setdefault("_body_nodes_cache", {})
        if query not in cache:
            cache[query] = self.sel.css(query)
        return cache[query]

    @cached_property
    def _largest_block_node(self):
        """The generic body container (:func:`layers.largest_block_node`), once per page."""
        return layers.largest_block_node(self.sel)

    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        """Site hook: drop caption-like or boilerplate paragraphs the selectors cannot see."""
        title, lead = self.title(), self.lead()
        return [p for p in paras if p not in (title, lead)]

    def body(self) -> str | None:
        return normalize_text("\n\n".join(self.body_paragraphs))

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
        discovered = self.discovery_date()
        value = layers.text_date(self.body() or "", self.language() or self.languages[0])
        # a date in the story is often an event's ("from 18 to 23/12/2023"): a listing card's or a feed's
        # date (the publication day) wins over it, a sitemap lastmod (the last change) over a day and
        # month without a year
        if value and not (discovered[1] == "listing" or (discovered[0] and not YEAR_RE.search(value))):
            return value, "text"
        value = layers.url_date(self.url)
        if value:
            return value, "url"
        return discovered

    def discovery_date(self) -> tuple[str | None, str | None]:
        """The date discovery showed for this page (sitemap ``lastmod``, listing card or feed ``pubDate``)."""
        for source in ("sitemap", "listing"):
            value = self.response.meta.get(f"{source}_date")
            if value:
                return value, source
        return None, None

    def language(self) -> str | None:
        lang = layers.html_lang(self.sel) or self.meta("og:locale", "content-language")
        if lang:
            return lang.replace("_", "-").split("-")[0].lower()
        return detect_language(self.body() or "", self.languages) or self.languages[0]

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
        container = next((nodes[0] for nodes in map(self._body_nodes, self.body_css) if nodes), None)
        if container is None:
            container = self._largest_block_node
        if container is None:
            return []
        return layers.images(container, lambda href: layers.safe_urljoin(self.response, href), exclude)

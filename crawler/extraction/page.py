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

import re
from functools import cached_property
from typing import Iterable
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extraction import layers as extract
from crawler.extraction.dates import find_text_date, text_gives_year
from crawler.extraction.text import (
    detect_language,
    is_image_file_name,
    is_numbered_alt,
    is_photo_caption,
    is_running_text,
    is_slug_alt,
    is_table_caption,
    is_vietnamese,
    looks_like_headline,
    normalize_line,
    normalize_text,
    strip_store_artefacts,
    strip_table_pipes,
    word_count,
)
from crawler.extraction.urls import canonicalize
from crawler.items import ArticleItem, new_item


#: a four-digit year written in a date phrase
YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


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

    def to_item(self) -> ArticleItem:
        body = self.body()
        if not body:
            raise ParseError(f"no article body found in {self.url}")
        raw, source = self.date()
        return new_item(
            url=self.url,
            canonical_url=self.canonical_url(),
            site=self.site,
            language=self.language(),
            title=self.title(),
            lead=self.lead(),
            body=body,
            authors=self.authors(),
            published_at_raw=raw,
            date_source=source if raw else None,
            section=self.section(),
            tags=self.tags(),
            images=self.images(),
            source_name=self.source_name(),
            original_url=self.original_url(),
        )


class HtmlArticle(BasePage):
    """Layered HTML extraction. Site subclasses fill in the ``*_css`` declarations."""

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

    def __init__(self, response):
        self.response = response
        self.url = response.meta.get("original_url") or response.url
        # the response's parsed tree, queried through a plain parsel Selector: Scrapy's subclass
        # registers every selector it derives in trackref (a page object derives thousands)
        self.sel = Selector(root=response.selector.root, type=response.selector.type)

    @cached_property
    def jsonld(self) -> dict:
        return extract.jsonld_article(self.sel)

    def meta(self, *names: str) -> str | None:
        return extract.meta(self.sel, *names)

    @cached_property
    def _link_hrefs(self) -> dict[str, list[str]]:
        """The hrefs of each link text of 4+ words on the page (menu links have fewer)."""
        out: dict[str, list[str]] = {}
        for href, text in extract.link_texts(self.sel):
            if text and word_count(text) >= 4:
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
            url = extract.safe_urljoin(self.response, href)
            if self.article_url_re.match(url) and self.canonicalize(url) != here:
                return True
        return False

    def first_text(self, css: Iterable[str]) -> str | None:
        for query in css:
            for node in self.sel.css(query):
                text = normalize_line(" ".join(extract.text_nodes(node)))
                if text:
                    return text
        return None

    def title(self) -> str | None:
        value = (self.first_text(self.title_css) or self.jsonld.get("headline")
                 or self.meta("og:title", "twitter:title") or self.first_text(("h1",)))
        value = normalize_line(value)
        if value and self.title_suffix_re:
            value = self.title_suffix_re.sub("", value).strip()
        return value or None

    def lead(self) -> str | None:
        value = self.first_text(self.lead_css)
        if not value:
            value = self.jsonld.get("description") or self.meta("description", "og:description")
        value = normalize_line(value)
        if value and self.lead_prefix_re:
            value = self.lead_prefix_re.sub("", value).strip()
        return value or None

    @cached_property
    def body_paragraphs(self) -> list[str]:
        exclude = extract.DEFAULT_BODY_EXCLUDE + tuple(self.body_exclude_css)
        for query in self.body_css:
            nodes = self.sel.css(query)
            if nodes:
                paras = extract.paragraphs(nodes[0], exclude)
                if paras:
                    return self.clean_paragraphs(paras)
        return self.clean_paragraphs(extract.largest_block(self.sel, exclude))

    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        """Site hook: drop caption-like or boilerplate paragraphs the selectors cannot see."""
        title, lead = self.title(), self.lead()
        return [p for p in paras if p not in (title, lead)]

    def body(self) -> str | None:
        return normalize_text("\n\n".join(self.body_paragraphs))

    def authors(self) -> list[str]:
        names = [normalize_line(" ".join(n.css("::text").getall())) for q in self.author_css for n in self.sel.css(q)]
        names = [n for n in names if n]
        if not names:
            names = extract.jsonld_authors(self.jsonld) or [a for a in [self.meta("author", "article:author")] if a]
        out: list[str] = []
        for name in names:
            name = name.split("/")[0].strip()
            if name and name not in out and not name.startswith("http"):
                out.append(name)
        return out

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

    def date(self) -> tuple[str | None, str | None]:
        raw, source = self.structured_date()
        if raw:
            return raw, source
        value = self.first_text(self.date_css)
        if value:
            return value, "page"
        value = extract.text_date(self.body() or "", self.language() or self.languages[0])
        if value:
            return value, "text"
        value = extract.url_date(self.url)
        if value:
            return value, "url"
        for source in ("sitemap", "listing"):
            value = self.response.meta.get(f"{source}_date")
            if value:
                return value, source
        return None, None

    def language(self) -> str | None:
        lang = extract.html_lang(self.sel) or self.meta("og:locale", "content-language")
        if lang:
            return lang.replace("_", "-").split("-")[0].lower()
        return detect_language(self.body() or "", self.languages) or self.languages[0]

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
        exclude = extract.DEFAULT_BODY_EXCLUDE_NO_FIGURES + tuple(self.body_exclude_css)
        container = next((nodes[0] for nodes in (self.sel.css(q) for q in self.body_css) if nodes), None)
        if container is None:
            container = extract.largest_block_node(self.sel)
        if container is None:
            return []
        return extract.images(container, lambda href: extract.safe_urljoin(self.response, href), exclude)


class TextArticle(BasePage):
    """A text-only dump of a page. Subclasses declare how to recognize and split their site's text.

    The dump has no tags, so images show up as their alt text and captions show up as
    lines. :meth:`clean_body` removes them with rules that hold for every site (an alt
    line repeating the title or left untranslated, a photo-credit caption, a caption cell
    of a copied table, a short headline-like line right after an image); a site adds its
    own labels (related-news boxes) through :attr:`related_labels`.
    """

    #: the site's hosts: a URL on one of them or a subdomain of one belongs to this parser
    hosts: tuple[str, ...] = ()
    #: URLs of the site that are never an article (tag and listing pages)
    listing_url_re: re.Pattern | None = None
    #: casefolded labels of inline related-article boxes; the label and the line after it go
    related_labels: frozenset[str] = frozenset()
    #: what is stripped around a label before it is looked up ("Tin liên quan:")
    label_strip = " :"

    def __init__(self, text: str, url: str, capture_time_known: bool = True):
        self.text = normalize_text(self.clean_dump(text)) or ""
        self.url = url
        #: False for a page store's dump (a manifest row without ``fetched_at``): when the page
        #: was captured is unknown, so the fetch time cannot complete a year-less dateline
        self.capture_time_known = capture_time_known
        self.lines = [line for line in self.text.split("\n") if line.strip()]
        #: the language the page URL names (vietnam.vn's ``/<lang>/``): the strongest evidence
        self.url_lang = self.url_language(url) if self.owns_url(url) else None

    @classmethod
    def recognize(cls, text: str) -> bool:
        raise NotImplementedError

    @classmethod
    def owns_url(cls, url: str) -> bool:
        """``url`` is a page of this site (its host or a subdomain of it)."""
        host = (urlsplit(url).hostname or "").lower() if url.startswith(("http://", "https://")) else ""
        return bool(host) and any(host == h or host.endswith("." + h) for h in cls.hosts)

    @classmethod
    def url_language(cls, url: str) -> str | None:
        """The language a page URL of the site names, if the site puts it there."""
        return None

    @classmethod
    def clean_dump(cls, text: str) -> str:
        """The dump without what a page store adds around a page's text (its date prefix, markdown
        image stubs, ad placeholders): see :func:`crawler.extraction.text.strip_store_artefacts`."""
        return strip_store_artefacts(text)

    def not_article(self) -> str | None:
        """Why this page is not an article (a tag or listing page), or None."""
        if self.listing_url_re is not None and self.owns_url(self.url) and self.listing_url_re.search(self.url):
            return "a listing page by its URL"
        return None

    def to_item(self) -> ArticleItem:
        reason = self.not_article()
        if reason:
            raise NotAnArticle(f"{self.url}: {reason}")
        return super().to_item()

    @cached_property
    def layout(self) -> dict:
        """The dump split into zones: ``title``, ``lead``, ``body`` (lines), ``authors``,
        ``day`` (a date line), ``source``, ``original``. Each site defines it; the fields
        below read it."""
        raise NotImplementedError

    def title(self):
        return self.layout.get("title")

    def lead(self):
        return self.layout.get("lead")

    def body(self):
        return "\n\n".join(self.clean_body(self.layout["body"])) or None

    def authors(self):
        return self.layout.get("authors") or []

    def source_name(self):
        return self.layout.get("source")

    def original_url(self):
        return self.layout.get("original")

    #: a dateline sits in the opening words of its paragraph ("Sáng 18/12, …", "On the morning of
    #: January 10, 2023, …", "Trong khuôn khổ chuyến thăm, chiều 18/12, …"): a date deeper in a
    #: sentence is an event's or a document's ("Chỉ thị số 15-CT/TW ngày 10/8/2022")
    dateline_reach = 60
    #: the story's opening paragraphs that may carry its dateline (after the sapo, if any)
    dateline_paragraphs = 1
    #: a full date before this year is history, not the article's date
    min_text_year = 2005

    def date(self):
        """The page's own date line when the dump has one; else the dateline that opens the sapo
        or the story's first paragraph (not a date deep in a sentence or further down the story:
        an event's; not history). Its year is the text's own (written in it, or a full date
        elsewhere in the text), else the fetch time's (crawler.extraction.dates.infer_year) --
        unless the dump's capture time is unknown (a page store's text): then a year-less
        dateline is not guessed, and the article stays undated (tests/fixtures/real/README.md,
        "Dates: the convention")."""
        if self.layout.get("day"):
            return self.layout["day"], "page"
        raw = self.dateline()
        return (raw, "text") if raw else (None, None)

    def dateline(self) -> str | None:
        """The raw dateline of :meth:`date`, or None."""
        lead = self.lead()
        body = self.body() or ""
        context = "\n".join(filter(None, (self.title(), lead, body)))
        for para in ([lead] if lead else []) + body.split("\n\n")[:self.dateline_paragraphs]:
            rest, offset = para, 0
            while rest:
                raw = find_text_date(rest, self.page_language)
                if not raw:
                    break
                at = max(rest.find(raw), 0)
                digits = re.search(r"\d", raw)
                if offset + at + (digits.start() if digits else 0) > self.dateline_reach:
                    break
                year = text_gives_year(raw, context, self.page_language)
                if year is None and self.capture_time_known and not YEAR_RE.search(raw):
                    return raw  # the pipeline completes it from the fetch time
                if year is not None and year >= self.min_text_year:
                    return raw
                cut = at + len(raw)
                rest, offset = rest[cut:], offset + cut
        return None

    @cached_property
    def page_language(self) -> str:
        """The article's language: the URL's when it names one; else judged on the lines not in
        Vietnamese (alt texts stay Vietnamese)."""
        if self.url_lang:
            return self.url_lang
        foreign = [line for line in self.lines if not is_vietnamese(line)]
        if sum(map(len, foreign)) < 0.3 * max(1, sum(map(len, self.lines))):
            return "vi"
        return detect_language("\n".join(foreign), tuple(c for c in self.languages if c != "vi") or None) \
            or self.languages[0]

    def language(self) -> str | None:
        return self.page_language

    def is_alt(self, line: str) -> bool:
        """An image alt text: the title repeated, a numbered alt, or Vietnamese in a translation."""
        return (line == self.title() or is_numbered_alt(line) or is_image_file_name(line)
                or is_slug_alt(line, self.title(), self.page_language)
                or (self.page_language != "vi" and is_vietnamese(line)))

    # --- hooks of clean_body: a site whose text differs (other scripts...) overrides them ------
    def is_caption(self, line: str) -> bool:
        """A photo caption or a copied table's caption cell."""
        return is_photo_caption(line) or is_table_caption(line)

    def is_short_headline(self, line: str, max_words: int) -> bool:
        return looks_like_headline(line, max_words)

    def is_further_related_item(self, first: str, line: str) -> bool:
        """After a related label and its first item, whether ``line`` is one more item of the box."""
        return False

    def tidy(self, line: str) -> str:
        """A last per-line repair of a body line."""
        return line

    def clean_body(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        after_image = skip_next = False
        first_item = None  # the related box being skipped: its first item
        for line in lines:
            if skip_next:
                skip_next, first_item = False, line
                continue
            if first_item is not None:
                if self.is_further_related_item(first_item, line):
                    continue
                first_item = None
            if line.casefold().strip(self.label_strip) in self.related_labels:
                skip_next, after_image = True, False
                continue
            if self.is_alt(line):
                after_image = True
                continue
            if self.is_caption(line):
                after_image = False
                continue
            if after_image and self.is_short_headline(line, 30) and not is_running_text(line):
                after_image = False
                continue
            line, after_image = strip_table_pipes(line)
            line = self.tidy(line) if line else line
            if line:
                out.append(line)
        return out

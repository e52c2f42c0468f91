"""Site-independent HTML extraction layers used by :class:`crawler.extraction.page.HtmlArticle`.

Structured data first (JSON-LD, meta, ``<html lang>``), then -- when a site's selectors
find nothing -- a generic fallback that takes the largest block of paragraphs.
"""
from __future__ import annotations

import copy
import functools
import json
import re

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from crawler.extraction.dates import find_text_date
from crawler.extraction.text import normalize_line

#: never article text, whatever the site
DEFAULT_BODY_EXCLUDE_NO_FIGURES = (
    "script", "style", "noscript", "iframe", "form", "button", "nav", "aside", "footer",
    "[class*=related]", "[class*=advert]", "[id^=ads]", "[class^=ads]", "[class*=share]",
    "[class*=comment]", ".hidden",
)
#: ... and neither are figures, captions and image tables
DEFAULT_BODY_EXCLUDE = DEFAULT_BODY_EXCLUDE_NO_FIGURES + ("figure", "figcaption", "table:has(img)", "[class*=caption]")

_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre", "td"}
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
#: how ``Selector(root=<element>).css()`` translates (an element root makes an "html" selector)
_CSS = HTMLTranslator()
#: the namespaces parsel evaluates XPath with
_XPATH_NS = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_URL_DATE = re.compile(r"/(20\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|\.|-|$)")


#: compiled once (``Selector.xpath`` compiles its expression on every call)
_META_CONTENT = etree.XPath("//meta[@property=$n or @name=$n or @itemprop=$n]/@content", smart_strings=False)
_LINKS = etree.XPath("descendant-or-self::a[@href]")
_TEXT_NODES = etree.XPath("descendant-or-self::text()", smart_strings=False)


def meta(sel: Selector, *names: str) -> str | None:
    for name in names:
        found = _META_CONTENT(sel.root, n=name)
        value = found[0] if found else None
        if value and value.strip():
            return value.strip()
    return None


def text_nodes(node: Selector) -> list[str]:
    """``node.css("::text").getall()``, without a Selector per text node when ``node`` is an element."""
    if isinstance(node.root, etree._Element):
        return _TEXT_NODES(node.root)
    return node.css("::text").getall()


def link_texts(sel: Selector, min_words: int = 0) -> list[tuple[str | None, str | None]]:
    """``(href, text)`` of every ``a[href]`` under ``sel``, in document order: the raw ``href``
    (as ``link.xpath("@href").get()``) and the normalized text (as
    ``normalize_line(" ".join(link.css("::text").getall()))``), straight from lxml.

    ``min_words``: only the links whose normalized text has at least that many words. Most links
    of a page (menus) have fewer; they are told apart before normalizing, from the raw text:
    normalizing never adds a word, except where it turns U+200B/U+FEFF into spaces."""
    out = []
    for link in _LINKS(sel.root):
        raw = " ".join(link.itertext())
        if min_words and len(raw.split()) < min_words and "\u200b" not in raw and "\ufeff" not in raw:
            continue
        text = normalize_line(raw)
        if min_words and (not text or len(text.split()) < min_words):
            continue
        # .get() reads one attribute (``.attrib`` would choke on a hostile attribute name elsewhere)
        out.append((link.get("href"), text))
    return out


def html_lang(sel: Selector) -> str | None:
    value = sel.xpath("/html/@lang | /html/@xml:lang").get()
    return value.strip() if value and value.strip() else None


def _walk_jsonld(data):
    if isinstance(data, list):
        for entry in data:
            yield from _walk_jsonld(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_jsonld(data["@graph"])


def jsonld_article(sel: Selector) -> dict:
    """The first Article-like JSON-LD object on the page ({} when none or malformed)."""
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        for obj in _walk_jsonld(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                return obj
    return {}


def jsonld_authors(obj: dict) -> list[str]:
    authors = obj.get("author") or []
    authors = authors if isinstance(authors, list) else [authors]
    names = []
    for a in authors:
        name = a.get("name") if isinstance(a, dict) else a
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _order_free(query: str) -> bool:
    """A query whose matches never change when other matches are removed first: no pseudo-class
    (``:has()``, ``:empty``, ``:nth-child()``...) and no sibling combinator."""
    return not any(c in query for c in ":+~")


@functools.lru_cache(maxsize=128)
def _exclude_steps(exclude: tuple[str, ...]) -> tuple[etree.XPath, ...]:
    """The CSS queries of ``exclude`` as few compiled XPath evaluations as give the same result.

    Consecutive order-free queries are one union, evaluated once (a page's ~25 queries become
    3 evaluations); any other query (``table:has(img)``) stays a step of its own, evaluated after
    the removals before it, as in query order. A query cssselect/lxml cannot handle is left out,
    as ``Selector.css`` would have failed on it.
    """
    steps: list[list[str]] = []
    for query in exclude:
        xpath = _css_xpath(query)
        if xpath is None:
            continue
        if _order_free(query) and steps and steps[-1][0] == "union":
            steps[-1].append(xpath)
        else:
            steps.append(["union" if _order_free(query) else "one", xpath])
    return tuple(etree.XPath(" | ".join(step[1:]), namespaces=_XPATH_NS, smart_strings=False) for step in steps)


def _css_xpath(query: str) -> str | None:
    """The XPath of a CSS query, or None for one cssselect/lxml cannot handle."""
    try:
        xpath = _CSS.css_to_xpath(query)
        etree.XPath(xpath, namespaces=_XPATH_NS)
    except Exception:  # a selector lxml/cssselect does not support
        return None
    return xpath


@functools.lru_cache(maxsize=128)
def _css_union(queries: tuple[str, ...]) -> etree.XPath | None:
    parts = [xpath for xpath in map(_css_xpath, queries) if xpath is not None]
    return etree.XPath(" | ".join(parts), namespaces=_XPATH_NS, smart_strings=False) if parts else None


def css_matches(root, queries: tuple[str, ...]) -> list:
    """The elements under the lxml element ``root`` matched by any of the CSS ``queries`` (one
    XPath evaluation; a query cssselect/lxml cannot handle is left out, as ``Selector.css`` fails on it)."""
    union = _css_union(tuple(queries))
    return [el for el in union(root) if hasattr(el, "getparent")] if union is not None else []


def remove_keeping_tail(el, keep_blank_tail: bool = True) -> None:
    """Remove ``el`` from its tree but keep its tail -- the text after it belongs to its parent
    (``<p>a <span class=ad>x</span> b</p>`` keeps ``a  b``); a blank tail only if asked."""
    parent = el.getparent() if hasattr(el, "getparent") else None
    if parent is None:
        return
    if el.tail and (keep_blank_tail or el.tail.strip()):
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _pruned(node: Selector, exclude: tuple[str, ...]):
    """A copy of ``node``'s element with every ``exclude`` match removed (tails kept)."""
    root = copy.deepcopy(node.root)
    for step in _exclude_steps(tuple(exclude)):
        for el in step(root):
            remove_keeping_tail(el)
    return root


def _block_texts(el, out: list[str]) -> None:
    text = normalize_line(el.text or "")
    if text and el.tag not in _BLOCK_TAGS:
        out.append(text)
    for child in el:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag in _BLOCK_TAGS and not any(isinstance(d.tag, str) and d.tag.lower() in _BLOCK_TAGS
                                          for d in child.iterdescendants()):
            value = normalize_line("".join(child.itertext()))
            if value:
                out.append(value)
        elif tag == "br":
            pass
        else:
            _block_texts(child, out)
        tail = normalize_line(child.tail or "")
        if tail:
            out.append(tail)


def paragraphs(node: Selector, exclude: tuple[str, ...] = DEFAULT_BODY_EXCLUDE) -> list[str]:
    """Paragraph texts of a body container, minus the excluded parts, in reading order."""
    root = _pruned(node, exclude)
    out: list[str] = []
    _block_texts(root, out)
    return [p for p in out if p]


def largest_block_node(sel: Selector) -> Selector | None:
    """The element whose direct ``<p>`` children hold the most text (the generic body container)."""
    best, best_len = None, 0
    for parent in sel.xpath("//*[p]"):
        length = sum(len(" ".join(p.css("::text").getall()).strip()) for p in parent.xpath("./p"))
        if length > best_len:
            best, best_len = parent, length
    return best


def largest_block(sel: Selector, exclude: tuple[str, ...] = DEFAULT_BODY_EXCLUDE) -> list[str]:
    """Generic fallback: the paragraphs of :func:`largest_block_node`."""
    best = largest_block_node(sel)
    return paragraphs(best, exclude) if best is not None else []


def safe_urljoin(response, href: str | None) -> str:
    """``response.urljoin`` that never raises on a hostile ``href`` ("" instead)."""
    try:
        return response.urljoin((href or "").strip())
    except ValueError:  # e.g. "http://[" (an invalid IPv6 host)
        return ""


def images(node: Selector, urljoin, exclude: tuple[str, ...] = DEFAULT_BODY_EXCLUDE_NO_FIGURES) -> list[dict]:
    """``{url, caption}`` for each image in a body container (lazy ``data-src`` first)."""
    if isinstance(node.root, etree._Element) and next(node.root.iter("img"), None) is None:
        return []  # no image to find: no pruned copy to make
    # the queries ``Selector(root=...).css("img")``, ``img.xpath("ancestor::figure[1]")``... made,
    # compiled once and evaluated on lxml directly: no Selector per image, row and text node
    out, seen = [], set()
    for img in _IMG(_pruned(node, exclude)):
        attrib = dict(img.attrib)  # as Selector.attrib (which fails on the same hostile attributes)
        src = attrib.get("data-src") or attrib.get("data-original") or attrib.get("src")
        if not src or src.startswith("data:"):
            continue
        url = urljoin(src.strip())
        if url in seen:
            continue
        seen.add(url)
        caption = None
        fig = _FIGURE(img)
        if fig:
            caption = normalize_line(" ".join(_FIGCAPTION_TEXT(fig[0])))
        else:
            table = _TABLE(img)
            if table:
                rows = _ROWS(table[0])
                texts = [normalize_line(" ".join(_TEXT_NODES(r))) for r in rows[1:]]
                caption = " ".join(t for t in texts if t) or None
        out.append({"url": url, "caption": caption or None})
    return out


_IMG = etree.XPath(_CSS.css_to_xpath("img"), smart_strings=False)
_FIGURE = etree.XPath("ancestor::figure[1]")
_FIGCAPTION_TEXT = etree.XPath(_CSS.css_to_xpath("figcaption ::text"), smart_strings=False)
_TABLE = etree.XPath("ancestor::table[1]")
_ROWS = etree.XPath(".//tr")


def text_date(text: str, language: str) -> str | None:
    return find_text_date(text, language)


def url_date(url: str) -> str | None:
    m = _URL_DATE.search(url)
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def parse_html(html: str | bytes) -> Selector:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    return Selector(text=html)


__all__ = [
    "DEFAULT_BODY_EXCLUDE", "meta", "html_lang", "jsonld_article", "jsonld_authors", "paragraphs",
    "largest_block", "images", "text_date", "url_date", "parse_html", "etree",
]

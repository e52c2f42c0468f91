"""vietnam.vn: element rules of the page object -- tags, text, noise, the page header, related boxes, captions."""


from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction import layers
from crawler.extraction.limits import HEADLINE_MAX_WORDS
from crawler.extraction.text import (
    normalize_line,
)
from spiders.vietnamvn.rules import (
    AD_CLASS_RE,
    CAPTION_CLASS_RE,
    LANGUAGES,
    RELATED_LABELS,
    SKIP_TAGS,
    STRING_VALUE,
    is_credit_caption,
    words,
)


def is_noise(el) -> bool:
    """An ad slot or a caption holder, by its class tokens (case-insensitive), small enough not
    to be a wrapper of the article itself."""
    tokens = (el.get("class") or "").split() if tag_of(el) else []
    if not tokens:
        return False
    if any(CAPTION_CLASS_RE.search(t) for t in tokens):
        return len(STRING_VALUE(el)) < 600
    return any(AD_CLASS_RE.match(t) for t in tokens) and len(STRING_VALUE(el)) < 300


def url_language(url: str) -> str | None:
    """The language of a vietnam.vn URL from its prefix: ``/fr/<slug>`` -> fr, no prefix -> None."""
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] in LANGUAGES:
        return parts[0]
    return None


def tag_of(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def text_of(el) -> str:
    """The element's text in reading order, scripts left out (none for a comment or processing instruction)."""
    if not tag_of(el):
        return ""
    if next(el.iter(*SKIP_TAGS), None) is None:  # nothing to leave out (HTML tags are lower case)
        return normalize_line("".join(el.itertext())) or ""
    parts: list[str] = []

    def walk(node):
        if tag_of(node) in SKIP_TAGS:
            return
        if tag_of(node):
            parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return normalize_line("".join(parts)) or ""


def is_page_header(el) -> bool:
    """The page's own ``<header>`` (logo, menu), not an article's (HTML5 ``<article><header>`` with
    the H1 and the sapo): one outside any ``<article>``, ``<main>`` or ``<section>``."""
    return tag_of(el) == "header" and not any(tag_of(a) in ("article", "main", "section") for a in el.iterancestors())


def is_inside(el, container) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def matching(root, queries) -> set:
    """The elements under ``root`` (a lxml element) matched by any CSS query."""
    return set(layers.css_matches(root, tuple(queries)))


def related_box(el, root) -> list:
    """The inline related box ``el`` labels ("Tin liên quan", "相关新闻"...) inside ``root``: the
    label's block grown up to the box, plus the next element when the label stands alone."""
    text = text_of(el)
    if not text or text.casefold().strip(" :：") not in RELATED_LABELS:
        return []
    box = el
    while box.getparent() is not None and box.getparent() is not root:
        parent = box.getparent()
        extra = len(text_of(parent)) - len(text_of(box))
        if extra > 300 or any(tag_of(c) == "p" and c is not box and not is_inside(box, c) for c in parent):
            break
        box = parent
    if box is el and el.getnext() is not None:
        return [box, el.getnext()]  # the label alone: the related link follows it
    return [box]


def is_caption_block(el) -> bool:
    """A paragraph right under a bare image that reads like its caption (italic or centred, short)."""
    text = text_of(el)
    if not text:
        return False
    if is_credit_caption(text):
        return True
    if words(text) > HEADLINE_MAX_WORDS:  # a caption is headline-short
        return False
    style = (el.get("style") or "").replace(" ", "").lower()
    italic = [c for c in el if tag_of(c) in ("em", "i", "small")]
    if "text-align:center" in style or (italic and text_of(italic[0]) == text):
        return True  # set apart under the image: its caption, full stop or not
    return False

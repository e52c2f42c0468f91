"""vietnamvn: the HTML page object (an article response -> ArticleItem)."""

from __future__ import annotations

import copy
import re
from functools import cached_property
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extraction import layers as extract
from crawler.extraction.dates import parse_date
from crawler.extraction.page import HtmlArticle
from crawler.extraction.text import (
    is_numbered_alt,
    is_table_caption,
    is_vietnamese,
    normalize_line,
    strip_table_pipes,
    word_count,
)
from spiders.vietnamvn.rules import (
    AD_CLASS_RE,
    AD_LABELS,
    CAPTION_CLASS_RE,
    CELL_MIN_WORDS,
    CLASSED,
    COMMENT_RE,
    DATE_RE,
    EXCLUDE,
    HEADER,
    LANGUAGES,
    LEAD_MIN_WORDS,
    PAPER_PREFIX_RE,
    RELATED_LABELS,
    SITE,
    SKIP_TAGS,
    SOURCE_LINE_LOOSE_RE,
    SOURCE_LINE_RE,
    STRING_VALUE,
    TAG_PATH_RE,
    headline_like,
    is_credit_caption,
    source_label,
    source_line_name,
    split_trailer,
    strip_language_artefact,
    words,
)


def _noise_class(el) -> bool:
    """An ad slot or a caption holder, by its class tokens (case-insensitive), small enough not
    to be a wrapper of the article itself."""
    tokens = (el.get("class") or "").split() if _tag(el) else []
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


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _text(el) -> str:
    """The element's text in reading order, scripts left out."""
    if next(el.iter(*SKIP_TAGS), None) is None:  # nothing to leave out (HTML tags are lower case)
        return normalize_line("".join(el.itertext())) or ""
    parts: list[str] = []

    def walk(node):
        if _tag(node) in SKIP_TAGS:
            return
        if _tag(node):
            parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return normalize_line("".join(parts)) or ""


def _page_header(el) -> bool:
    """The page's own ``<header>`` (logo, menu), not an article's (HTML5 ``<article><header>`` with
    the H1 and the sapo): one outside any ``<article>``, ``<main>`` or ``<section>``."""
    return _tag(el) == "header" and not any(_tag(a) in ("article", "main", "section") for a in el.iterancestors())


def _inside(el, container) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def _matches(root, queries) -> set:
    """The elements under ``root`` (a lxml element) matched by any CSS query."""
    return set(extract.css_matches(root, tuple(queries)))


class VietnamvnArticle(HtmlArticle):
    """A vietnam.vn article page. Markup is unknown [?]: everything keys on structure and text.

    * title: the article's ``<h1>`` (not a logo or the platform header), else JSON-LD / og:title;
    * source_name + date (``page``): the short line after the H1 holding the paper's name (and its
      logo, ``<img alt="Báo Quốc Tế">``) and ``dd/mm/yyyy``;
    * lead: sentences between the H1 and the body container (the sapo), if any;
    * body: the ``<p>``s of the deepest element holding most paragraph text inside ``<article>``
      (else the page), minus figures, image tables, related boxes (by their localized label),
      captions, untranslated alt texts, the "Source" line and the comment counter;
    * original_url: the href of the localized "Source"/"Nguồn"/"Bron"/"Sumber" link after the body,
      or the URL of a ``Source : https://…`` line;
    * language: ``<html lang>``, else the URL prefix (``/fr/``...), else vi.
    """

    site = SITE
    languages = LANGUAGES
    title_suffix_re = re.compile(r"\s+[-|–]\s+Vietnam\.vn\b.*$", re.IGNORECASE)

    # --- structure ------------------------------------------------------------------------
    @cached_property
    def root(self):
        return self.sel.root

    @cached_property
    def h1(self):
        """The article's H1: with text, not the platform header, not in a page header/nav; in <article> first."""
        candidates = [h for h in self.root.iter("h1") if _text(h) and _text(h) != HEADER
                      and not any(_tag(a) == "nav" or _page_header(a) for a in h.iterancestors())]
        in_article = [h for h in candidates if any(_tag(a) == "article" for a in h.iterancestors())]
        return (in_article or candidates or [None])[0]

    @cached_property
    def scope(self):
        """Where the article lives: the <article> around the H1, else the <article> with most text, else <body>."""
        if self.h1 is not None:
            for anc in self.h1.iterancestors():
                if _tag(anc) == "article":
                    return anc
        articles = [a for a in self.root.iter("article")]
        if articles:
            best = max(articles, key=lambda a: sum(len(_text(p)) for p in a.iter("p")))
            if any(True for _ in best.iter("p")):
                return best
        body = self.root.find(".//body")
        return body if body is not None else self.root

    @cached_property
    def excluded(self) -> set:
        found = _matches(self.scope, EXCLUDE) | {el for el in CLASSED(self.scope) if _noise_class(el)}
        return {el for el in found if _tag(el) != "header" or _page_header(el)}

    @cached_property
    def _excluded_subtrees(self) -> set:
        """Every element inside an excluded one (one pass, instead of walking each element's ancestors)."""
        return {d for el in self.excluded for d in el.iter()}

    def _is_excluded(self, el) -> bool:
        return el in self._excluded_subtrees

    @cached_property
    def container(self):
        """The deepest element of the scope that still holds most (60 %) of its paragraph text."""
        scores: dict = {}
        for p in self.scope.iter("p"):
            if self._is_excluded(p):
                continue
            n = len(_text(p))
            node = p.getparent()
            while node is not None:
                scores[node] = scores.get(node, 0) + n
                if node is self.scope:
                    break
                node = node.getparent()
        total = scores.get(self.scope, 0)
        node = self.scope
        while total:
            children = [c for c in node if _tag(c) and scores.get(c, 0)]
            if not children:
                break
            best = max(children, key=lambda c: scores[c])
            if scores[best] < 0.6 * total:
                break
            node = best
        return node

    @cached_property
    def source_block(self) -> dict:
        """The paper's name, its logo alt and the day, from the short line after the H1."""
        start = self.h1
        nodes = start.xpath("following::*[position() <= 600]") if start is not None else self.scope.xpath(".//*")[:600]
        if start is not None:  # a page may put the line above its title [I]: the scope before the H1 next
            nodes += [el for el in start.xpath("preceding::*") if _inside(el, self.scope)][-100:]
        for el in nodes:
            if _tag(el) in SKIP_TAGS or not _tag(el):
                continue
            raw = STRING_VALUE(el)
            if len(raw) > 400 or not DATE_RE.search(raw):
                continue
            text = _text(el)
            if len(text) > 160:
                continue
            m = SOURCE_LINE_RE.match(text) or SOURCE_LINE_LOOSE_RE.match(text)
            if not m:
                continue
            alts = [normalize_line(i.get("alt")) for i in el.iter("img") if normalize_line(i.get("alt"))]
            name = source_line_name(m["name"]) or (alts[0] if alts else None)
            when = m["when"] if "when" in m.re.groupindex else m["date"]
            return {"el": el, "text": text, "name": name or None, "date": when}
        return {"el": None, "text": None, "name": None, "date": None}

    # --- fields ---------------------------------------------------------------------------
    def title(self) -> str | None:
        value = _text(self.h1) if self.h1 is not None else None
        value = value or self.jsonld.get("headline") or self.meta("og:title", "twitter:title")
        value = normalize_line(value)
        if value and self.title_suffix_re:
            value = self.title_suffix_re.sub("", value).strip()
        return value or None

    @cached_property
    def lead_lines(self) -> list[str]:
        """Sentences between the H1 (or the scope's start) and the body container: the sapo."""
        container, h1 = self.container, self.h1
        if h1 is not None and _inside(h1, container) and container is not h1:
            return self._flat_lead_lines()
        if container is self.scope:
            return []
        skip = set(self.excluded) | _matches(self.scope, extract.DEFAULT_BODY_EXCLUDE)
        if self.source_block["el"] is not None:
            skip.add(self.source_block["el"])
        state = {"started": h1 is None or not _inside(h1, self.scope), "stop": False}
        lines: list[str] = []

        def holds(el, target) -> bool:
            return target is not None and _inside(target, el)

        def walk(el):
            for child in el:
                if state["stop"]:
                    return
                if child is container:
                    state["stop"] = True
                    return
                if child is h1:
                    state["started"] = True
                elif _tag(child) and _tag(child) not in SKIP_TAGS and child not in skip:
                    if holds(child, container) or holds(child, h1) or any(_inside(s, child) for s in skip):
                        walk(child)
                    elif state["started"]:
                        lines.append(_text(child))
                if state["started"] and child.tail and child.tail.strip():
                    lines.append(normalize_line(child.tail))

        walk(self.scope)
        out = []
        for line in lines:
            if (not line or words(line) < LEAD_MIN_WORDS or line == HEADER or source_label(line) is not None
                    or COMMENT_RE.match(line) or SOURCE_LINE_LOOSE_RE.match(line)):
                continue
            out.append(line)
        return out

    def _flat_lead_lines(self) -> list[str]:
        """A flat page (title, sapo, source line and body in one block): the sapo is the text
        between the H1 and the source line, as in the text dumps -- one or two blocks at most,
        else the "source line" found is not the one under the title."""
        src = self.source_block["el"]
        if src is None or not _inside(src, self.container):
            return []
        blocks = []
        for el in self.h1.xpath("following::*"):
            if el is src or _inside(src, el):
                break
            if _inside(el, self.h1) or self._is_excluded(el) or _tag(el) not in ("p", "h2", "h3", "h4", "div"):
                continue
            if any(_tag(c) in ("p", "div", "h2", "h3", "h4", "table", "figure", "ul") for c in el.iterdescendants()):
                continue  # a wrapper: its blocks come next
            blocks.append(_text(el))
        else:
            return []  # the source line is not after the title
        blocks = [b for b in blocks if b and words(b) >= LEAD_MIN_WORDS and b != HEADER
                  and source_label(b) is None and not is_credit_caption(b)]
        return blocks if len(blocks) <= 2 else []

    def lead(self) -> str | None:
        """The sapo, without the source paper's prefix it was copied with ("(Baohatinh.vn) - ")."""
        lead = normalize_line(" ".join(self.lead_lines))
        return PAPER_PREFIX_RE.sub("", lead).strip() or None if lead else None

    def _pruned_container(self):
        """A copy of the body container without related boxes, image-table captions and captions
        under bare images."""
        root = copy.deepcopy(self.container)
        # the copy's elements in the same order as the container's: its related boxes map across
        original = {el: i for i, el in enumerate(self.container.iter())}
        copied = list(root.iter())
        boxes = {}
        for el, box in self._related_boxes.items():
            i = original[el]
            if all(b in original for b in box):
                boxes[i] = [copied[original[b]] for b in box]
            else:  # a box grown past the container (from the container itself): on the copy it cannot
                boxes[i] = self._related_box(copied[i], root)
        targets = []
        for i, el in enumerate(copied):
            if not _tag(el):
                continue
            if el is not root and _noise_class(el):
                targets.append(el)  # an ad slot or a caption holder
                continue
            box = boxes.get(i)
            if box:
                targets.extend(box)
            elif _tag(el) == "table" and any(True for _ in el.iter("img")):
                for cell in el.iter("td", "th"):
                    if any(True for _ in cell.iter("img")) or word_count(_text(cell)) < CELL_MIN_WORDS:
                        targets.append(cell)  # the image and its caption; a long cell is a paragraph
            elif _tag(el) == "img" and not any(_tag(a) in ("figure", "table") for a in el.iterancestors()):
                holder = el.getparent() if _tag(el.getparent()) == "p" and not _text(el.getparent()) else el
                nxt = holder.getnext()
                if nxt is not None and self._is_caption(nxt):
                    targets.append(nxt)
        for el in targets:
            parent = el.getparent()
            if parent is not None and not any(_inside(el, t) for t in targets if t is not el):
                if el.tail and el.tail.strip():
                    prev = el.getprevious()
                    if prev is not None:
                        prev.tail = (prev.tail or "") + el.tail
                    else:
                        parent.text = (parent.text or "") + el.tail
                parent.remove(el)
        return root

    @cached_property
    def _related_boxes(self) -> dict:
        """``{label element: its related box}`` inside the body container."""
        out = {}
        for el in self.container.iter():
            if _tag(el):
                box = self._related_box(el, self.container)
                if box:
                    out[el] = box
        return out

    @staticmethod
    def _related_box(el, root) -> list:
        """The inline related box ``el`` labels ("Tin liên quan", "相关新闻"...) inside ``root``: the
        label's block grown up to the box, plus the next element when the label stands alone."""
        text = _text(el)
        if not text or text.casefold().strip(" :：") not in RELATED_LABELS:
            return []
        box = el
        while box.getparent() is not None and box.getparent() is not root:
            parent = box.getparent()
            extra = len(_text(parent)) - len(_text(box))
            if extra > 300 or any(_tag(c) == "p" and c is not box and not _inside(box, c) for c in parent):
                break
            box = parent
        if box is el and el.getnext() is not None:
            return [box, el.getnext()]  # the label alone: the related link follows it
        return [box]

    def _caption_after(self, node) -> str | None:
        """The caption right after an image (or its holder) in the image's own block: the next
        element with text, when it ends in a photo credit ("… (Foto: VNA)")."""
        nxt = node.getnext()
        while nxt is not None and not _text(nxt) and not any(True for _ in nxt.iter("img")):
            nxt = nxt.getnext()
        if nxt is None or any(True for _ in nxt.iter("img")) or not is_credit_caption(_text(nxt)):
            return None  # (a short centred/italic line stays out of the body, but is not given as the
        return _text(nxt)  # caption: tests/fixtures/vietnamvn/s1_fr expects None there)

    @staticmethod
    def _is_caption(el) -> bool:
        """A paragraph right under a bare image that reads like its caption (italic or centred, short)."""
        text = _text(el)
        if not text:
            return False
        if is_credit_caption(text):
            return True
        if words(text) > 30:
            return False
        style = (el.get("style") or "").replace(" ", "").lower()
        italic = [c for c in el if _tag(c) in ("em", "i", "small")]
        if "text-align:center" in style or (italic and _text(italic[0]) == text):
            return True  # set apart under the image: its caption, full stop or not
        return False

    @cached_property
    def layout(self) -> dict:
        lines = extract.paragraphs(Selector(root=self._pruned_container()), EXCLUDE)
        language = self.language()
        title, lead = self.title(), self.lead()
        if self.h1 is not None and _inside(self.h1, self.container) and title in lines:
            lines = lines[lines.index(title) + 1:]  # no body block of its own: the body starts under the title
        source_text = self.source_block["text"]
        out: list[str] = []
        skip_next = False
        for line in lines:
            if skip_next:
                skip_next = False
                continue
            if source_label(line) is not None or COMMENT_RE.match(line):
                break  # the "Source" line and the comments close the article
            if line.casefold().strip(" :：") in RELATED_LABELS:
                skip_next = True
                continue
            if line.casefold().strip(" :.") in AD_LABELS:
                continue
            if line in (title, lead, HEADER, source_text) or line in self.lead_lines:
                continue
            if is_numbered_alt(line) or is_credit_caption(line) or is_table_caption(line):
                continue
            if language != "vi" and is_vietnamese(line) and headline_like(line, 40):
                continue  # an untranslated alt text or caption
            line, _ = strip_table_pipes(line)
            line = strip_language_artefact(line, language)
            if line:
                out.append(line)
        body, authors = split_trailer(out)
        return {"body": body, "authors": authors}

    @cached_property
    def body_paragraphs(self) -> list[str]:
        return self.layout["body"]

    def authors(self) -> list[str]:
        if self.layout["authors"]:
            return self.layout["authors"]
        return [a for a in extract.jsonld_authors(self.jsonld) if "vietnam.vn" not in a.lower()]

    def tags(self) -> list[str]:
        """Metadata tags (meta, JSON-LD keywords), else the article's links to ``/tag/<slug>``
        (``/<lang>/tag/<slug>``) outside the page's header, navigation and footer."""
        tags = super().tags()
        if tags:
            return tags
        found = []
        for link in self.scope.iter("a"):
            path = urlsplit(link.get("href") or "").path
            if not TAG_PATH_RE.match(path) or urlsplit(self.response.urljoin(link.get("href"))).hostname not in (
                    "vietnam.vn", "www.vietnam.vn"):
                continue
            if any(_tag(a) in ("header", "nav", "footer") for a in link.iterancestors()):
                continue
            text = _text(link)
            if text:
                found.append(text.lstrip("#").strip())
        return list(dict.fromkeys(t for t in found if t))

    def source_name(self) -> str | None:
        return self.source_block["name"]

    def original_url(self) -> str | None:
        """The localized "Source" link after the body (its href), or a ``Source : https://…`` line."""
        start = self.h1
        nodes = start.xpath("following::*") if start is not None else self.root.xpath("//body//*")
        for el in nodes:
            if not _tag(el) or _tag(el) in SKIP_TAGS:
                continue
            raw = STRING_VALUE(el)
            if len(raw) > 600:
                continue
            text = _text(el)
            found = source_label(text) if text else None
            if found is None:
                continue
            links = ([el] if _tag(el) == "a" else []) + el.xpath(".//a[@href]")
            if not links and found == "":
                sib = el.getnext()
                links = ([sib] if sib is not None and _tag(sib) == "a" else []) + \
                    (sib.xpath(".//a[@href]") if sib is not None else [])
            for link in links:
                href = self._external(link.get("href"))
                if href:
                    return href
            return found or None
        return None

    def _external(self, href: str | None) -> str | None:
        if not href or href.strip().startswith(("#", "javascript:", "mailto:")):
            return None
        url = self.response.urljoin(href.strip())
        host = (urlsplit(url).hostname or "").lower()
        if not url.startswith(("http://", "https://")) or host == "vietnam.vn" or host.endswith(".vietnam.vn"):
            return None
        return url

    def date(self) -> tuple[str | None, str | None]:
        """The source line's day; a structured date (JSON-LD, meta, ``<time datetime>``) wins when it
        adds a time on that same day (Hanoi time), or when the page shows no day at all. A structured
        date of another day is not trusted over the visible one [I]: the platform may stamp its own
        republication time."""
        day = self.source_block["date"]
        raw, source = self.structured_date()
        if not day:
            return (raw, source) if raw else super().date()
        if raw:
            structured, shown = parse_date(raw), parse_date(day)
            if structured and structured.has_time and shown and structured.day == shown.day:
                return raw, source
        return day, "page"

    def language(self) -> str | None:
        lang = extract.html_lang(self.sel)
        if lang:
            return lang.replace("_", "-").split("-")[0].lower()
        return url_language(self.url) or "vi"

    def images(self) -> list[dict]:
        found = extract.images(Selector(root=self.container), self.response.urljoin,
                               extract.DEFAULT_BODY_EXCLUDE_NO_FIGURES + ("header",))
        related = {self.response.urljoin(src.strip())
                   for box in self._related_boxes.values() for part in box
                   for img in part.iter("img")
                   for src in [img.get("data-src") or img.get("data-original") or img.get("src")] if src}
        src = self.source_block["el"]
        if src is not None:  # the paper's logo beside its name
            related |= {self.response.urljoin(u.strip()) for img in src.iter("img")
                        for u in [img.get("data-src") or img.get("data-original") or img.get("src")] if u}
        found = [image for image in found if image["url"] not in related]  # a related card's thumbnail
        if any(image["caption"] is None for image in found):
            captions = self._loose_captions()
            for image in found:
                if image["caption"] is None:
                    image["caption"] = captions.get(image["url"])
        return found

    def _loose_captions(self) -> dict:
        """Captions outside ``<figure>``/tables: the CMS photo block copied from the paper
        (``<div type="Photo"><div><img></div><div class="PhotoCMS_Caption"><p>…</p></div></div>``),
        a caption-classed element in the image's own block. ``{image url: caption}``."""
        out: dict = {}
        for img in self.container.iter("img"):
            src = img.get("data-src") or img.get("data-original") or img.get("src")
            if not src or src.startswith("data:"):
                continue
            caption = None
            node = img
            for _ in range(3):  # the image's own block: a few levels up, never the body itself
                parent = node.getparent()
                if parent is None:
                    break
                if parent is not self.container and sum(1 for _ in parent.iter("img")) == 1:
                    holders = [el for el in parent.iter() if el is not img and _tag(el)
                               and any(CAPTION_CLASS_RE.search(t) for t in (el.get("class") or "").split())]
                    if holders:
                        caption = _text(holders[0]) or None
                        break
                # the image (or the block holding only it), then its credited caption
                after = self._caption_after(node) if node is img or not _text(node) else None
                if after:
                    caption = after
                    break
                if parent is self.container or sum(1 for _ in parent.iter("img")) > 1:
                    break
                node = parent
            if caption:
                out[self.response.urljoin(src.strip())] = caption
        return out

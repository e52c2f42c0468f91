"""cantho: the HTML page object (an article response -> ArticleItem)."""

from __future__ import annotations

from functools import cached_property

from lxml import etree

from crawler.extraction import layers
from crawler.extraction.dates import find_text_date, parse_date
from crawler.extraction.page import HtmlArticle
from crawler.extraction.text import (
    detect_language,
    is_vietnamese,
    normalize_line,
)
from spiders.cantho.rules import (
    BACK_LINKS,
    BLOCK_XPATH,
    FOOTER_LINE_RE,
    IMAGE_ALT,
    LANGUAGES,
    METADATA_DATE_RE,
    SITE,
    UI_LINES,
    canonical_url,
    is_image_caption,
    split_byline,
)


def text_language(lines: list[str]) -> str:
    """The article's language from its text (the UI locale says nothing): Vietnamese when most of
    the text is, else the best stop-word match among the other languages."""
    foreign = [line for line in lines if not is_vietnamese(line)]
    if sum(map(len, foreign)) < 0.3 * max(1, sum(map(len, lines))):
        return "vi"
    return detect_language("\n".join(foreign), tuple(c for c in LANGUAGES if c != "vi")) or LANGUAGES[0]


class CanthoArticle(HtmlArticle):
    """An article page of the portal (Liferay 6.1 asset publisher, full-content view).

    * title: ``h1.header-title > span`` (or ``h3.header-title``), else the first text after the
      "« Back" link, else og:title / the H1;
    * body: ``div.asset-full-content … div.journal-content-article``, else the largest block of
      paragraphs; the back link, UI strings, the "Hình đại diện" alt, the caption under the
      representative image and the footer lines are not body;
    * authors: a short name-like last paragraph;
    * lead: none -- Liferay's ``<meta name="description">`` describes the page, not the article;
    * date: ``listing_date`` from the listing when it gave one (``listing``), else the first date in
      the prose (``text``);
    * language: detected from the text (``<html lang>`` is only the UI locale).
    """

    site = SITE
    languages = LANGUAGES
    title_css = ("h1.header-title > span", "h1.header-title", "h3.header-title > span", "h3.header-title")
    #: the asset publisher's full-content view; the first of these found is the body
    body_css = ("div.asset-full-content div.journal-content-article", "div.asset-full-content div.asset-content")
    #: looser containers: Liferay's Web Content Display portlets (side links, ads) render
    #: ``div.journal-content-article`` too, so of these the one with the most text wins, and only
    #: if it holds more than the page's largest block of paragraphs
    loose_body_css = ("[id^=p_p_id_101_INSTANCE_] div.journal-content-article", "div.journal-content-article",
                      "div.asset-content")
    body_exclude_css = ("span.header-back-to", ".taglib-header", ".asset-metadata", ".taglib-social-bookmarks",
                        ".taglib-ratings", ".asset-ratings", ".lfr-discussion", ".taglib-discussion",
                        ".asset-links", ".taglib-asset-links", ".portlet-title", ".portlet-topper",
                        ".taglib-page-iterator", ".lfr-pagination")

    canonicalize = staticmethod(canonical_url)

    @cached_property
    def _back_link(self):
        for node in self.sel.xpath("//a | //span"):
            text = normalize_line(" ".join(node.css("::text").getall()))
            if text and text.casefold() in BACK_LINKS:
                return node
        return None

    def title(self) -> str | None:
        value = self.first_text(self.title_css)
        if not value and self._back_link is not None:
            following = self._back_link.xpath("following::text()[normalize-space()]").getall()
            value = next((normalize_line(t) for t in following
                          if normalize_line(t) and normalize_line(t).casefold() not in UI_LINES), None)
        value = value or self.jsonld.get("headline") or self.meta("og:title") or self.first_text(("h1",))
        return normalize_line(value) or None

    def lead(self) -> str | None:
        return None

    @cached_property
    def _exclude(self) -> tuple[str, ...]:
        return layers.DEFAULT_BODY_EXCLUDE + tuple(self.body_exclude_css)

    @cached_property
    def _container_and_paragraphs(self) -> tuple:
        """The body container and its paragraphs: the full-content view, else the loose container
        or the largest block of paragraphs, whichever holds more text."""
        for query in self.body_css:
            for node in self.sel.css(query):
                paras = layers.paragraphs(node, self._exclude)
                if paras:
                    return node, paras
        candidates = [node for query in self.loose_body_css for node in self.sel.css(query)]
        block = layers.largest_block_node(self.sel)
        if block is not None:
            candidates.append(block)
        read = [(node, layers.paragraphs(node, self._exclude)) for node in candidates]
        return max(read, key=lambda pair: sum(map(len, pair[1])), default=(None, []))

    @property
    def _container(self):
        return self._container_and_paragraphs[0]

    @cached_property
    def body_paragraphs(self) -> list[str]:
        return self.clean_paragraphs(self._container_and_paragraphs[1])

    def _is_representative(self, img) -> bool:
        return (normalize_line(img.attrib.get("alt")) or "").casefold() == IMAGE_ALT

    @cached_property
    def _image_nodes(self) -> list:
        """The article's images: the body container's, plus the representative image when Liferay
        shows it beside the body (``div.asset-small-image`` of the full-content view)."""
        node = self._container
        if node is None:
            return []
        inside = node.css("img")
        roots = {i.root for i in inside}
        beside = [img for img in self.sel.css("div.asset-full-content img, div.asset-small-image img")
                  if img.root not in roots and self._is_representative(img)]
        return beside[:1] + list(inside)

    def _own_frame(self, img):
        """The ``figure`` or ``table`` an image sits in inside the body container (a layout table
        around the whole page is not the image's)."""
        node = self._container
        outer = set(node.root.iterancestors()) | {node.root} if node is not None else set()
        for frame in img.xpath("ancestor::figure[1] | ancestor::table[1]"):
            if frame.root not in outer:
                return frame
        return None

    def _caption_block(self, img) -> str | None:
        """The paragraph right under an image, when it reads as the image's caption: under the
        representative image a short undated paragraph; under another image one that is also set
        apart (all in italics, or centred). Images in a figure or table carry their own caption."""
        if self._own_frame(img) is not None:
            return None
        own = img.xpath(f"ancestor::*[{BLOCK_XPATH}][1]")
        if own and not own[0].xpath(f".//*[{BLOCK_XPATH} or self::table]") \
                and normalize_line("".join(own[0].root.itertext())):
            # CKEditor's ``<p><img/><br/><em>caption</em></p>``: the image and its caption share one
            # block; the caption is that block's text when the image is its only image and opens it
            block, text = own, _text_after_image(own[0], img)
        else:
            leaf = img.xpath("following::*[normalize-space()][not(*[normalize-space()])][1]")
            if not leaf:
                return None
            block = leaf[0].xpath(f"ancestor-or-self::*[{BLOCK_XPATH}][1]")
            if not block or block[0].xpath(".//img"):
                return None
            text = normalize_line(" ".join(block[0].css("::text").getall()))
        after = block[0].xpath("following::*[normalize-space()][not(*[normalize-space()])][1]")
        following = normalize_line(" ".join(after[0].xpath("ancestor-or-self::*[self::p or self::div or self::td"
                                                           " or self::li][1]//text()").getall())) if after else None
        if not text or not is_image_caption(text, following):
            return None
        if self._is_representative(img):
            return text
        italic = normalize_line(" ".join(block[0].css("em ::text, i ::text").getall()))
        style = " ".join(block[0].xpath("ancestor-or-self::*/@style").getall()).replace(" ", "").casefold()
        return text if italic == text or "text-align:center" in style else None

    @cached_property
    def _captions(self) -> dict:
        """{img element: caption paragraph}"""
        out = {}
        for img in self._image_nodes:
            caption = self._caption_block(img)
            if caption:
                out[img.root] = caption
        return out

    def clean_paragraphs(self, paras: list[str]) -> list[str]:
        paras = [p for p in super().clean_paragraphs(paras)
                 if p.casefold() not in UI_LINES and p.casefold() != IMAGE_ALT and not p.startswith("«")
                 and not FOOTER_LINE_RE.match(p)]
        captions = set(self._captions.values())
        return [p for p in paras if p not in captions]  # the text right under an image is its caption

    def images(self) -> list[dict]:
        """The container's images, the representative image first (also when Liferay shows it
        beside the body); captions of figures and copied tables as :func:`layers.images` reads them."""
        node = self._container
        if node is None:
            return []
        urljoin = lambda href: layers.safe_urljoin(self.response, href)  # noqa: E731
        exclude = layers.DEFAULT_BODY_EXCLUDE_NO_FIGURES + tuple(self.body_exclude_css)
        kept = {i["url"]: i["caption"] for i in layers.images(node, urljoin, exclude)}
        out, seen = [], set()
        for img in self._image_nodes:
            src = img.attrib.get("data-src") or img.attrib.get("data-original") or img.attrib.get("src")
            url = urljoin(src) if src and not src.startswith("data:") else ""
            if not url or url in seen or (url not in kept and not self._is_representative(img)):
                continue
            seen.add(url)
            # a figure's or table's own caption; else the caption paragraph under the image
            framed = self._own_frame(img) is not None
            out.append({"url": url, "caption": (kept.get(url) if framed else None) or self._captions.get(img.root)})
        return out

    @cached_property
    def _split(self) -> tuple[list[str], list[str]]:
        return split_byline(self.body_paragraphs)

    def body(self) -> str | None:
        return "\n\n".join(self._split[0]) or None

    def authors(self) -> list[str]:
        return self._split[1]

    def language(self) -> str | None:
        return self._language

    @cached_property
    def _language(self) -> str | None:  # asked by to_item() and by date()
        lines = [line for line in [self.title()] + self._split[0] if line]
        return text_language(lines) if lines else LANGUAGES[0]

    @cached_property
    def _metadata_date(self) -> str | None:
        """The publish date the full-content view's asset metadata shows (the day the entry was
        published, which may follow the day the prose reports), if it shows one."""
        for node in self.sel.css("div.asset-full-content .asset-metadata"):
            dated = node.css(".metadata-publish-date ::text").getall() or node.css("::text").getall()
            m = METADATA_DATE_RE.search(normalize_line(" ".join(dated)) or "")
            if m and parse_date(m.group(0), "en"):
                return m.group(0)
        return None

    def date(self) -> tuple[str | None, str | None]:
        listed = self.response.meta.get("listing_date")
        if listed:
            return listed, "listing"
        shown = self._metadata_date
        if shown:
            return shown, "page"
        raw = find_text_date(self.body() or "", self.language())
        if raw:
            return raw, "text"
        return super().date()


def _text_after_image(block, img) -> str | None:
    """The text of ``block`` when ``img`` is its only image and nothing but whitespace comes before
    it (an image with its caption under a ``<br>`` in one paragraph); else None."""
    images = block.xpath(".//img")
    if len(images) != 1 or images[0].root is not img.root:
        return None
    before, after = [], []
    out = before
    for event, el in etree.iterwalk(block.root, events=("start", "end")):
        if event == "start":
            if el is img.root:
                out = after
            elif isinstance(el.tag, str):  # a comment's text is no text of the page
                out.append(el.text or "")
        elif el is not block.root:
            out.append(el.tail or "")
    text = normalize_line("".join(after))
    return text if text and not normalize_line("".join(before)) else None

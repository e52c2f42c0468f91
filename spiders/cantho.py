"""Can Tho Department of External Relations portal (Liferay 6), ``1cua.songoaivu.cantho.gov.vn``.

Everything this project knows about the portal lives in this module (see SITES.md §4):

* Liferay 6.0/6.1 [C for Liferay, I for the version], served over http with ``;jsessionid=``
  path parameters [C]. The foreign-affairs section is ``/web/cms/tin-doi-ngoai-can-tho``
  (``/en/web/...`` for the English UI) [C].
* Articles: friendly ``<section>/-/asset_publisher/<instance>/content/<url-title>`` or the
  non-friendly ``<section>?p_p_id=101_INSTANCE_<instance>&...&_101_INSTANCE_<instance>_urlTitle=<url-title>``
  (with ``assetEntryId``, ``p_p_auth``, ``redirect``) [C]. Noise varies (jsessionid, redirect,
  cur, p_p_auth, the locale prefix), so articles are deduplicated on the URL title (else the
  asset entry id), never on the full URL.
* Listing pagination: Liferay's ``cur`` parameter, plain or namespaced
  (``_101_INSTANCE_<instance>_cur=N``) [C plain, I namespaced]. Listing items may carry no date.
* Page (stored text [C]; generic Liferay markup, not verified on this site [I]): "Useful
  information" side portlet ("No records"), the portlet title "Can Tho Foreign Affairs News",
  ``span.header-back-to`` "« Back" / "« Quay lại", ``h1.header-title > span`` title, the
  representative image (``alt="Hình đại diện"``) and its caption, the English body in
  ``div.asset-full-content … div.journal-content-article``, a byline, other articles, the footer.
  Articles are in English whatever the UI locale, so ``<html lang>`` says nothing about them.
  Dates appear only in the prose ("On the afternoon of January 19, 2024, …") [C].
"""
from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from lxml import etree

from crawler import extract
from crawler.dates import find_text_date, parse_date
from crawler.page import HtmlArticle, TextArticle
from crawler.text import detect_language, is_vietnamese, looks_like_name, normalize_line, split_authors, word_count
from crawler.urls import canonicalize as default_canonicalize
from spiders.base import SiteSpider

SITE = "songoaivu.cantho.gov.vn"
LANGUAGES = ("en", "vi")
HOST = "1cua.songoaivu.cantho.gov.vn"
SECTION_URL = f"http://{HOST}/en/web/cms/tin-doi-ngoai-can-tho"

PORTLET_TITLES = frozenset({"can tho foreign affairs news", "tin đối ngoại cần thơ"})
#: UI strings of the portal around the article (casefolded)
UI_LINES = frozenset({"link", "useful information", "thông tin hữu ích", "no records", "không có dữ liệu",
                      "« back", "« quay lại", "«back", "back", "quay lại"} | PORTLET_TITLES)
BACK_LINKS = frozenset({"« back", "« quay lại", "«back", "«quay lại"})
IMAGE_ALT = "hình đại diện"
#: where the article ends: side portlets and the footer
FOOTER_LINES = frozenset({"photos", "hình ảnh", "ads", "quảng cáo", "hit counter", "online", "total",
                          "lượt truy cập", "đang truy cập", "tổng lượt truy cập", "other news", "các tin khác",
                          "tin khác", "related news", "tin liên quan"})

#: the same footer lines, strictly (the HTML body never ends on a cut: these are only dropped)
FOOTER_LINE_RE = re.compile(r"^(?:©|Copyright\b|Address\s*:|Địa chỉ\s*:|Tel\s*[:.]|Điện thoại\s*:|Fax\s*:|Email\s*:"
                            r"|Hit Counter$|Online\s*:?\s*\d*$|Total\s*:?\s*[\d.,]*$)", re.IGNORECASE)
CAPTION_MAX_WORDS = 50
#: Liferay's publish-date metadata as this site renders it (``dd/mm/yyyy``, optionally a time),
#: in a listing item or in the full-content view's ``div.asset-metadata``
METADATA_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2})?")
CAPTION_WITH_DATE_MAX_WORDS = 30
#: how the story's first sentence opens on its date ("On the afternoon of …", "From March 4 to 6, …")
_DATE_OPENING_RE = re.compile(r"(?:on|in|from|during|at|since|over|for|last|this|early|late|recently)\b", re.IGNORECASE)


def _is_footer(line: str) -> bool:
    """A side-portlet title or a footer line (also as an item of the "- …" list before it)."""
    bare = line[2:] if line.startswith("- ") else line
    return bare.casefold() in FOOTER_LINES or bool(FOOTER_LINE_RE.match(bare))
BYLINE_MAX_WORDS = 6

#: Liferay's locale prefix before /web/ (``/en``, ``/vi``, ``/en_US``)
_LOCALE_RE = re.compile(r"^/[a-z]{2}(?:[_-][A-Za-z]{2})?(?=/web/)")
_FRIENDLY_RE = re.compile(r"^(?P<page>/web/.+?)/-/asset_publisher/(?P<instance>[^/;?#]+)/content/(?P<rest>[^;?#]+)")
_NS_PARAM_RE = re.compile(r"^_101_INSTANCE_(?P<instance>[^_]+(?:_[^_]+)*?)_(?P<name>urlTitle|assetEntryId|cur)$")
#: query parameters that never identify a listing page or an article
NOISE_PARAMS = ("p_p_auth", "redirect", "p_p_lifecycle", "p_p_state", "p_p_mode", "p_p_col_id", "p_p_col_pos",
                "p_p_col_count", "jsessionid", "doAsUserId", "refererPlid")


# --- rules shared by the text dump parser and the HTML page object ------------------------------

def is_image_caption(paragraph: str, following: str | None = None) -> bool:
    """The first paragraph under the representative image is its caption unless it already tells
    the story. A caption is short and carries no date (the story's first sentence dates it) --
    or, when it does name a day ("… at the meeting on January 19, 2024"), it is shorter still,
    does not open on that date as the story does ("On the afternoon of …") and the paragraph
    after it dates the story again."""
    if word_count(paragraph) > CAPTION_MAX_WORDS:
        return False
    raw = find_text_date(paragraph, "en")
    if not raw:
        return True
    opens_on_date = paragraph.startswith(raw) and bool(_DATE_OPENING_RE.match(raw))
    return (word_count(paragraph) <= CAPTION_WITH_DATE_MAX_WORDS and not opens_on_date
            and bool(following) and bool(find_text_date(following, "en")))


#: "By Thanh Truc", "News: Ngoc Han", "Bài và ảnh: …": an author label before the names
_AUTHOR_LABEL_RE = re.compile(r"^(?:(?:reported|written|translated)\s+by|by|text|news|article|story|report"
                              r"|(?:news|text|article|story)\s+(?:and|&)\s+photos?|bài(?:\s+và\s+ảnh)?"
                              r"|tin(?:\s+và\s+ảnh)?|tin,\s*ảnh|bài,\s*ảnh)\s*[:.]?\s+", re.IGNORECASE)
#: "Photo: Minh Khang", "Photos by …", "Ảnh: …": a photographer, not an author
_PHOTO_LABEL_RE = re.compile(r"^(?:photos?(?:\s+by)?|ảnh)\s*[:.]?\s+", re.IGNORECASE)


def _byline_names(paragraph: str) -> list[str] | None:
    """The authors a byline paragraph names (photographers left out); None when it is no byline."""
    if word_count(paragraph) > BYLINE_MAX_WORDS + 4:
        return None
    names: list[str] = []
    for part in re.split(r"\s*[;|]\s*", paragraph.strip().strip(".")):
        if not part:
            continue
        if _PHOTO_LABEL_RE.match(part):
            if not looks_like_name(_PHOTO_LABEL_RE.sub("", part)):
                return None
            continue
        part = _AUTHOR_LABEL_RE.sub("", part)
        if word_count(part) > BYLINE_MAX_WORDS or not looks_like_name(part, BYLINE_MAX_WORDS):
            return None
        names += split_authors(part)
    return names


def split_byline(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """A short name-like last paragraph is the byline ("Thanh Truc", "By Thanh Truc", "News: Ngoc
    Han; Photos: Minh Khang"); a last line crediting only the photographer goes too. Returns
    (body, authors)."""
    body = list(paragraphs)
    for _ in range(2):
        if not body:
            break
        names = _byline_names(body[-1])
        if names is None:
            break
        body.pop()
        if names:
            return body, names
    return (body, []) if len(body) < len(paragraphs) else (list(paragraphs), [])


def text_language(lines: list[str]) -> str:
    """The article's language from its text (the UI locale says nothing): Vietnamese when most of
    the text is, else the best stop-word match among the other languages."""
    foreign = [line for line in lines if not is_vietnamese(line)]
    if sum(map(len, foreign)) < 0.3 * max(1, sum(map(len, lines))):
        return "vi"
    return detect_language("\n".join(foreign), tuple(c for c in LANGUAGES if c != "vi")) or LANGUAGES[0]


def article_key(url: str) -> tuple[str, str, str] | None:
    """(section page path, portlet instance, url title or ``id/<assetEntryId>``) of an article URL."""
    parts = urlsplit(url)
    path = _LOCALE_RE.sub("", unquote(parts.path.split(";", 1)[0]))
    m = _FRIENDLY_RE.match(path)
    if m:
        rest = m["rest"].strip("/")
        return m["page"].rstrip("/"), m["instance"], rest
    params = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        pm = _NS_PARAM_RE.match(name)
        if pm and value:
            params.setdefault(pm["name"], (pm["instance"], value))
    if "urlTitle" in params:
        instance, title = params["urlTitle"]
        return path.rstrip("/") or "/", instance, title
    if "assetEntryId" in params:
        instance, entry = params["assetEntryId"]
        return path.rstrip("/") or "/", instance, f"id/{entry}"
    return None


def listing_page_number(url: str) -> int | None:
    """The page number of a listing URL (``cur`` plain or namespaced), None when it has none."""
    for name, value in parse_qsl(urlsplit(url).query):
        if (name == "cur" or name.endswith("_cur")) and value.isdigit():
            return int(value)
    return None


class CanthoText(TextArticle):
    site = SITE
    languages = LANGUAGES

    @classmethod
    def recognize(cls, text: str) -> bool:
        lines = {line.strip().casefold() for line in text.split("\n")}
        return bool(lines & PORTLET_TITLES) or "can tho department of external relations" in text.casefold() \
            or (IMAGE_ALT in lines and bool(lines & {"« back", "« quay lại"}))

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        folded = [line.casefold() for line in lines]
        start = max((i + 1 for i, f in enumerate(folded) if f in PORTLET_TITLES), default=0)
        while start < len(lines) and (folded[start] in UI_LINES or folded[start].startswith("«")):
            start += 1
        title = lines[start] if start < len(lines) else None
        i = start + 1
        caption = None
        if i < len(lines) and folded[i] == IMAGE_ALT:
            i += 1
            if i < len(lines) and is_image_caption(lines[i], lines[i + 1] if i + 1 < len(lines) else None):
                caption, i = lines[i], i + 1
        end = next((j for j in range(i, len(lines)) if _is_footer(lines[j])), len(lines))
        body = [line for line in lines[i:end] if line.casefold() != IMAGE_ALT]
        while body and body[-1].startswith("- "):  # the list of the section's other articles
            body.pop()
        body, authors = split_byline(body)
        return {"title": title, "body": body, "caption": caption, "authors": authors}


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

    @classmethod
    def canonicalize(cls, url: str) -> str:
        """Articles: ``http://<host><section>/-/asset_publisher/<instance>/content/<url-title>``
        whatever the form, locale, session or redirect; other URLs: the default rules minus Liferay noise."""
        if not url.startswith(("http://", "https://")):
            return url
        key = article_key(url)
        host = (urlsplit(url).hostname or "").lower()
        if key:
            page, instance, title = key
            return f"http://{host}{quote(page)}/-/asset_publisher/{quote(instance)}/content/{quote(title, safe='/')}"
        return default_canonicalize(url, drop_params=NOISE_PARAMS)

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
        return extract.DEFAULT_BODY_EXCLUDE + tuple(self.body_exclude_css)

    @cached_property
    def _container_and_paragraphs(self) -> tuple:
        """The body container and its paragraphs: the full-content view, else the loose container
        or the largest block of paragraphs, whichever holds more text."""
        for query in self.body_css:
            for node in self.sel.css(query):
                paras = extract.paragraphs(node, self._exclude)
                if paras:
                    return node, paras
        candidates = [node for query in self.loose_body_css for node in self.sel.css(query)]
        block = extract.largest_block_node(self.sel)
        if block is not None:
            candidates.append(block)
        read = [(node, extract.paragraphs(node, self._exclude)) for node in candidates]
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
        own = img.xpath(f"ancestor::*[{_BLOCK_XPATH}][1]")
        if own and not own[0].xpath(f".//*[{_BLOCK_XPATH} or self::table]") \
                and normalize_line("".join(own[0].root.itertext())):
            # CKEditor's ``<p><img/><br/><em>caption</em></p>``: the image and its caption share one
            # block; the caption is that block's text when the image is its only image and opens it
            block, text = own, _text_after_image(own[0], img)
        else:
            leaf = img.xpath("following::*[normalize-space()][not(*[normalize-space()])][1]")
            if not leaf:
                return None
            block = leaf[0].xpath(f"ancestor-or-self::*[{_BLOCK_XPATH}][1]")
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
        beside the body); captions of figures and copied tables as :func:`extract.images` reads them."""
        node = self._container
        if node is None:
            return []
        urljoin = lambda href: extract.safe_urljoin(self.response, href)  # noqa: E731
        exclude = extract.DEFAULT_BODY_EXCLUDE_NO_FIGURES + tuple(self.body_exclude_css)
        kept = {i["url"]: i["caption"] for i in extract.images(node, urljoin, exclude)}
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


#: the blocks a caption paragraph can be
_BLOCK_XPATH = "self::p or self::div or self::td or self::li or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"


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


# --- spider -------------------------------------------------------------------------------------

class CanthoSpider(SiteSpider):
    """Walks the section's asset-publisher listing, page by page, newest first.

    * Article links: ``div.asset-abstract`` items (``h3.asset-title > a``, friendly or
      non-friendly), else any article link of the page. One request per article: links are
      deduplicated by :meth:`CanthoArticle.canonicalize` (jsessionid, redirect, cur, p_p_auth,
      locale and friendly/non-friendly forms do not make a second request).
    * Pagination: the next page's link as the page shows it (``?cur=N`` or
      ``_101_INSTANCE_<id>_cur=N``), each page number once; at most ``CANTHO_MAX_PAGES`` (200).
    * Backfill, and incremental runs over their catch-up window (see spiders.base): a listing
      date, when an item shows one, filters before fetching (``listing_date``); otherwise the
      article's date comes from its prose, so the next page is requested as soon as one article
      of the page is not older than ``since`` (or undated), and paginating stops once all of a
      page's articles, fetched, are older. Articles already seen are not requested again; the
      date the archive holds for them decides in their place. Reaching ``CANTHO_MAX_PAGES``
      first leaves the window unreached.
    """

    name = "cantho"
    site = SITE
    article_page = CanthoArticle
    allowed_domains = [HOST]
    article_url_re = re.compile(
        r"/-/asset_publisher/[^/]+/content/[^/?#;]+|[?&]_101_INSTANCE_[^=&]+_(?:urlTitle|assetEntryId)=[^&]")
    wait_selector = "div.journal-content-article, h1.header-title"
    foreign_affairs_source = True
    start_urls = (SECTION_URL,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queued: set[str] = set()
        self._pages: dict[int, dict] = {}

    async def discover(self):
        for url in self.start_urls:
            yield self.listing_request(url, 1)

    def listing_request(self, url: str, page: int):
        self._pages[page] = {"url": url, "pending": set(), "go_on": False, "next_url": None, "next_done": False,
                             "parsed": False}
        return self.discovery_request(url, self.parse_listing, meta={"listing_page": page})

    # --- listing ----------------------------------------------------------------------------
    def listing_entries(self, response) -> list[tuple[str, str | None]]:
        """(article URL, listing date text or None) for each item, in page order; an item's
        several links (title, image, "Read More »") count once, the title link first."""
        out: list[tuple[str, str | None]] = []
        for item in response.css("div.asset-abstract"):
            hrefs = item.css(".asset-title a::attr(href)").getall() + item.css("a::attr(href)").getall()
            urls = [response.urljoin(h.strip()) for h in hrefs]
            url = next((u for u in urls if self.is_article_url(u)), None)
            if url:
                raw = " ".join(item.css(".metadata-publish-date ::text, .metadata-entry ::text, "
                                        ".asset-metadata ::text").getall())
                out.append((url, normalize_line(raw) or None))
        if not out:  # unknown listing markup: every article link of the page
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href.strip())
                if self.is_article_url(url):
                    out.append((url, None))
        return out

    def listing_day(self, raw: str | None) -> tuple[str | None, date | None]:
        """A ``dd/mm/yyyy`` shown by a listing item (Liferay's publish-date metadata), if any."""
        if not raw:
            return None, None
        m = METADATA_DATE_RE.search(raw)
        if not m:
            return None, None
        parsed = parse_date(m.group(0), "en")
        return (m.group(0), parsed.day) if parsed else (None, None)

    def next_page_url(self, response, page: int, instances: set[str]) -> str | None:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url) or (urlsplit(url).hostname or "").lower() != HOST:
                continue
            for name, value in parse_qsl(urlsplit(url).query):
                if not value.isdigit() or int(value) != page + 1:
                    continue
                m = _NS_PARAM_RE.match(name)
                if name == "cur" or (m and m["name"] == "cur" and (not instances or m["instance"] in instances)):
                    return url
        return None

    def parse_listing(self, response):
        page = response.meta.get("listing_page", 1)
        state = self._pages.setdefault(page, {"url": response.url, "pending": set(), "go_on": False,
                                              "next_url": None, "next_done": False, "parsed": False})
        self.count("listing_pages")
        entries = self.listing_entries(response)
        instances = {k[1] for k in (article_key(u) for u, _ in entries) if k}
        state["next_url"] = self.next_page_url(response, page, instances)
        new = seen = 0
        for url, raw in entries:
            key = self.article_page.canonicalize(url)
            if key in self._queued:
                self.count("skipped_duplicate_link")
                continue
            self._queued.add(key)
            meta = {"listing_page": page, "listing_key": key}
            shown, day = self.listing_day(raw)
            if day is not None:
                if day >= self.since_date:
                    state["go_on"] = True
                if not self.in_range(day):
                    self.count("skipped_out_of_range")
                    continue
                meta["listing_date"] = shown
            if self.will_skip(url):
                seen += 1
                self.count("skipped_seen")
                archived = day or self.archived_day(url)
                if archived is None or archived >= self.since_date:
                    state["go_on"] = True
                continue
            new += 1
            state["pending"].add(key)
            self.count("articles_queued")
            yield self.article_request(url, meta=meta)
        state["parsed"] = True
        if not entries:
            self.logger.info("listing page %d has no article: stop", page)
            return
        if not new and not state["go_on"]:
            self.logger.info("listing page %d: nothing new in range: stop", page)
        yield from self._maybe_next(page)

    def _maybe_next(self, page: int):
        state = self._pages.get(page)
        if not state or state["next_done"] or not state["parsed"]:
            return
        if state["go_on"]:
            state["next_done"] = True
            if not state["next_url"]:
                self.logger.info("listing page %d is the last one", page)
                return
            if page + 1 in self._pages:
                return
            if page + 1 > self.settings.getint("CANTHO_MAX_PAGES", 200):
                self.count("stopped_max_pages")
                self.coverage_gap("page_cap", f"{page} listing pages read, {self.since_date} not reached")
                return
            yield self.listing_request(state["next_url"], page + 1)
        elif not state["pending"]:
            state["next_done"] = True
            if state["next_url"]:
                self.count("stopped_older")
                self.logger.info("listing page %d: every article is older than %s: stop", page, self.since_date)

    # --- articles: their dates decide whether the listing goes on ---------------------------
    def _article_done(self, request, day: date | None):
        page = request.meta.get("listing_page")
        state = self._pages.get(page)
        if state is None:
            return
        state["pending"].discard(request.meta.get("listing_key"))
        if day is None or day >= self.since_date:
            state["go_on"] = True
        yield from self._maybe_next(page)

    def parse_article(self, response):
        done, day = True, None
        for result in super().parse_article(response):
            if hasattr(result, "fields"):  # the item: its day decides for the listing
                parsed = parse_date(result.get("published_at_raw"), result.get("language"),
                                    "\n".join(filter(None, (result.get("title"), result.get("body")))))
                day = parsed.day if parsed else None
            elif hasattr(result, "url") and hasattr(result, "callback"):
                done = False  # a retry of this article (rendered): decided when it comes back
            yield result
        if done and response.meta.get("listing_page") is not None:
            yield from self._article_done(response.request, day)

    def on_error(self, failure):
        super().on_error(failure)
        request = failure.request
        if request.meta.get("article") and request.meta.get("listing_page") is not None:
            yield from self._article_done(request, None)

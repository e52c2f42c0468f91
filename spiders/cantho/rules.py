"""cantho: the site's rules as data -- selectors, labels, URL patterns, limits."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from crawler.extraction.dates import find_text_date
from crawler.extraction.text import (
    looks_like_name,
    split_authors,
    word_count,
)
from crawler.extraction.urls import canonicalize as default_canonicalize

SITE = "songoaivu.cantho.gov.vn"
#: the portal's hosts (1cua.songoaivu.cantho.gov.vn is a subdomain)
HOSTS = ("songoaivu.cantho.gov.vn",)
#: the year the site began publishing online -- inferred, not confirmed:
#: the Can Tho Department of External Relations' Liferay portal from about 2015 [I];
#: a backfill starting before it is warned about
FIRST_PUBLICATION_YEAR = 2015
#: health monitor (crawler.ops.monitors, ``fields``): the least share of a run's items with each field
#: (``time``: a date with its time) -- dates from the listing or the story, without a time; bylines on some articles
FIELD_COVERAGE = {"title": 0.95, "body": 1.0, "published_at": 0.9}
LANGUAGES = ("en", "vi")
#: the titles of the news portlets: the city's foreign-affairs news and the older "Foreign News"
#: section (``/tin-doi-ngoai``) [real corpus]
PORTLET_TITLES = frozenset({"can tho foreign affairs news", "tin đối ngoại cần thơ", "foreign news", "tin đối ngoại"})
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
#: a real caption under the representative image runs to 53 words [real corpus]
CAPTION_MAX_WORDS = 60
#: Liferay's publish-date metadata as this site renders it (``dd/mm/yyyy``, optionally a time),
#: in a listing item or in the full-content view's ``div.asset-metadata``
METADATA_DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2})?")
CAPTION_WITH_DATE_MAX_WORDS = 30
#: how the story's first sentence opens on its date ("On the afternoon of …", "From March 4 to 6, …")
_DATE_OPENING_RE = re.compile(r"(?:on|in|from|during|at|since|over|for|last|this|early|late|recently)\b", re.IGNORECASE)
BYLINE_MAX_WORDS = 6
#: Liferay's locale prefix before /web/ (``/en``, ``/vi``, ``/en_US``)
_LOCALE_RE = re.compile(r"^/[a-z]{2}(?:[_-][A-Za-z]{2})?(?=/web/)")
_FRIENDLY_RE = re.compile(r"^(?P<page>/web/.+?)/-/asset_publisher/(?P<instance>[^/;?#]+)/content/(?P<rest>[^;?#]+)")
NS_PARAM_RE = re.compile(r"^_101_INSTANCE_(?P<instance>[^_]+(?:_[^_]+)*?)_(?P<name>urlTitle|assetEntryId|cur)$")
#: query parameters that never identify a listing page or an article
NOISE_PARAMS = ("p_p_auth", "redirect", "p_p_lifecycle", "p_p_state", "p_p_mode", "p_p_col_id", "p_p_col_pos",
                "p_p_col_count", "jsessionid", "doAsUserId", "refererPlid")


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
        pm = NS_PARAM_RE.match(name)
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


#: the blocks a caption paragraph can be
BLOCK_XPATH = "self::p or self::div or self::td or self::li or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"


def canonical_url(url: str) -> str:
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

"""baohatinh: the site's rules as data -- selectors, labels, URL patterns, limits."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extraction.labels import READ_ALSO_VI, READ_MORE_VI, RELATED_VI, SAME_SECTION_VI
from crawler.extraction.limits import CREDIT_NAME_MAX_WORDS, HEADLINE_MAX_WORDS
from crawler.extraction.text import (
    word_count,
)
from crawler.extraction.urls import canonicalize as default_canonicalize

SITE = "baohatinh.vn"
#: the year the site began publishing online -- inferred, not confirmed:
#: Báo Hà Tĩnh's e-paper; its sitemaps' oldest months and the paper's history suggest the late 2000s [I];
#: a backfill starting before it is warned about
FIRST_PUBLICATION_YEAR = 2008
#: health monitor (crawler.ops.monitors, ``fields``): the least share of a run's items with each field
#: (``time``: a date with its time) -- a date with its time on the page; no byline rule: some pages
#: credit only "Phóng viên", which is no name
FIELD_COVERAGE = {"title": 0.95, "body": 1.0, "published_at": 0.95, "time": 0.8}
LANGUAGES = ("vi",)
HOME = "https://baohatinh.vn"
#: the site's hosts (subdomains included: daihoidang.baohatinh.vn, the event site)
HOSTS = ("baohatinh.vn",)
#: tag and listing pages: ``/<slug>-tag<ID>.html`` (main host and daihoidang.), ``/tag/…`` [real corpus]
LISTING_URL_RE = re.compile(r"-tag\d+\.html?(?:[?#].*)?$|/tags?/[^/]+/?(?:[?#].*)?$", re.IGNORECASE)
#: "(Baohatinh.vn) - " at the start of the sapo
LEAD_PREFIX_RE = re.compile(r"^\(\s*Baohatinh(?:\.vn)?\s*\)\s*[-–—:]?\s*", re.IGNORECASE)
#: the labels that start the related-articles block after the body (the old site's sidebar
#: "Video mới" included [real corpus])
END_LABELS = READ_MORE_VI | RELATED_VI | SAME_SECTION_VI | frozenset({"video mới", "tin mới", "tin nổi bật"})
#: the topic box under the old site's article: "Chủ đề Hội nhập Quốc tế" [real corpus]
TOPIC_LABEL_RE = re.compile(r"^Chủ đề\s+\S[^.!?:]{0,60}$")
#: a section's name printed above the title of an old-site page ("Emagazine") [real corpus]
SECTION_LABELS = frozenset({"emagazine", "e-magazine", "longform", "megastory", "infographic", "video",
                            "podcast", "multimedia", "ảnh", "phóng sự ảnh"})
#: an inline related link written as one paragraph: "Xem thêm: <headline of another article>"
LABELLED_LINK_RE = re.compile("^(?:" + "|".join(sorted(READ_MORE_VI | RELATED_VI | SAME_SECTION_VI)) + ")"
                              r"\s*[:：>»]+\s*(?P<rest>\S.*)$",
                               re.IGNORECASE)
#: the labels of the block of related cards that closes the page (never an inline box when no
#: other label follows them): "Đọc thêm" in the real dumps
CLOSING_LABELS = SAME_SECTION_VI | {READ_ALSO_VI}
DATE_LINE_RE = re.compile(r"^(?:(?:Thứ\s+\w+|Chủ\s+nhật),?\s*)?\d{1,2}/\d{1,2}/\d{4}(?:\s*[-|,]?\s*\d{1,2}:\d{2})?"
                           r"(?:\s*\(GMT[+-]\d+\))?$", re.IGNORECASE)
#: the mobile (AMP) page's byline box: the name, then the time and the day on one line
#: ("Bảo Chi 17:05 | 05/08/2020") [#17]
BYLINE_TIME_RE = re.compile(r"^(?P<name>[^\d|:/]{2,60}?)\s*[|•·,–-]?\s*(?P<when>\d{1,2}:\d{2}\s*[|•·,–-]?\s*\d{1,2}/\d{1,2}/\d{4}"
                            r"|\d{1,2}/\d{1,2}/\d{4}\s*[|•·,–-]?\s*\d{1,2}:\d{2})$")
#: a caption's photo credit without parentheses at its end: "… tại buổi tiếp. Ảnh: Ngọc Loan",
#: "Ảnh: Thu Hà" on its own line; the credit is a short name, never a clause
_TRAILING_CREDIT_RE = re.compile(
    r"(?:^|[.!?…”\")]\s+|\s[-–]\s)(?:ảnh|ảnh\s+minh\s+họa|ảnh\s+tư\s+liệu|video|đồ\s*họa|clip)\s*[:：]"
    r"\s*(?P<who>[^.!?:;]{1,60})$", re.IGNORECASE)
#: a body paragraph that opens with an adverbial clause ("Dịp này, …", "Tại buổi làm việc, …")
CLAUSE_OPENING_RE = re.compile(r"^(?:\S+\s+){0,3}\S+,")


def is_credit_caption(line: str) -> bool:
    """A caption that ends with (or is only) an unparenthesized photo credit."""
    m = _TRAILING_CREDIT_RE.search(line)
    return bool(m) and word_count(m["who"]) <= CREDIT_NAME_MAX_WORDS and word_count(line) <= CAPTION_LINE_MAX_WORDS


#: the longest caption sentence, in words (Vietnamese words are syllables: "Đồng chí Nguyễn Hồng Lĩnh -
#: Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh trao quà cho …" is a 35-word caption)
CAPTION_MAX_WORDS = 40


def is_link_headline(text: str) -> bool:
    """The headline of a linked article: short, not a sentence (a question mark is allowed)."""
    return 0 < word_count(text) <= HEADLINE_MAX_WORDS and not text.rstrip().endswith((".", "…"))


#: the media sections: their pages (video players, e-magazine layouts) are not articles [C]
MEDIA_SECTIONS = ("tv", "video", "short-video", "podcast", "epaper", "multimedia", "emagazine")
_MEDIA = "|".join(MEDIA_SECTIONS)
#: article pages: ``/<slug>-post<ID>.html`` on the main host or the daihoidang.baohatinh.vn event
#: subdomain (same URL scheme [C]), outside the media sections [C]
ARTICLE_URL_RE = re.compile(
    r"^https?://(?:www\.|daihoidang\.)?baohatinh\.vn/"
    rf"(?!(?:{_MEDIA})/)"
    r"(?:[\w-]+/)*[\w-]+-post\d+\.html(?:[?#].*)?$"
)
MEDIA_PATH_RE = re.compile(rf"^/(?:{_MEDIA})(?:/|$)", re.IGNORECASE)
#: "Bài và ảnh:", "Tác giả:" ... before a byline
BYLINE_LABEL_RE = re.compile(r"^(?:bài\s*(?:và|,|&|\+)?\s*ảnh|bài|tác giả|thực hiện|nhóm thực hiện)\s*[:：]\s*",
                              re.IGNORECASE)
#: "Ảnh: Thiên Vỹ" -- a photo credit written as a paragraph (not a byline)
PHOTO_CREDIT_RE = re.compile(r"^(?:ảnh|video|đồ\s*họa|clip)\s*[:：]", re.IGNORECASE)
VISIBLE_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
#: a byline that is the paper itself (JSON-LD publisher-as-author, meta author)
SITE_NAMES = frozenset({"báo hà tĩnh", "baohatinh", "baohatinh.vn", "báo hà tĩnh điện tử"})
HOME_CRUMBS = frozenset({"trang chủ", "home", ""})
#: nodes inside which a date or byline belongs to another article (related boxes, cards)
OTHER_ARTICLE = ("contains(@class,'related') or contains(@class,'story') or self::aside or self::footer"
                  " or self::nav or (self::header and not(.//h1))")
#: boxes whose breadcrumb-like links are another article's (a trail may sit in a ``<nav>``)
NOT_THIS_TRAIL = "contains(@class,'related') or contains(@class,'story') or self::footer or self::aside"


def canonical_url(url: str) -> str:
    """``https://baohatinh.vn/<path>`` for articles (``https://daihoidang.baohatinh.vn/<path>`` on the
    event subdomain): no www, no query (tracking), no fragment."""
    if ARTICLE_URL_RE.match(url):
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return (HOME if host == "baohatinh.vn" else f"https://{host}") + parts.path
    return default_canonicalize(url)


#: a caption paragraph (with its photo credit) on this site runs up to this many words
CAPTION_LINE_MAX_WORDS = 60

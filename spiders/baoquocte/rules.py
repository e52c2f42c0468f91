"""baoquocte: the site's rules as data -- selectors, labels, URL patterns, limits."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extraction.labels import RELATED_LABELS, SAME_SECTION_VI  # noqa: F401 -- the site's rules
from crawler.extraction.urls import canonicalize as default_canonicalize

SITE = "baoquocte.vn"
#: the year the site began publishing online -- inferred, not confirmed:
#: Báo Thế giới & Việt Nam online (baoquocte.vn, formerly baotgvn.com.vn) from about 2010 [I];
#: a backfill starting before it is warned about
FIRST_PUBLICATION_YEAR = 2010
#: health monitor (crawler.ops.monitors, ``fields``): the least share of a run's items with each field
#: (``time``: a date with its time) -- a byline (article-member) and a date with its time (format_time) on nearly every article
FIELD_COVERAGE = {"title": 0.95, "body": 1.0, "published_at": 0.95, "time": 0.9, "authors": 0.9}
LANGUAGES = ("vi", "en")
HOME = "https://baoquocte.vn"
#: the site's hosts (en.baoquocte.vn, the English edition, is a subdomain)
HOSTS = ("baoquocte.vn",)
LEAD_PREFIX_RE = re.compile(r"^(?:TGVN|TG&VN|WVR|Baoquocte\.vn)\s*[.:\-–]\s*")
#: the follow-on-Google-News widget; the English edition words it "Follow Baoquocte.vn on"
FOLLOW_WIDGET_RE = re.compile(r"^(?:Theo dõi|Follow)\s+"
                              r"(?:Baoquocte\.vn|TG&VN|TGVN|Báo TG&VN|WVR|(?:the )?World (?:and|&) Vietnam Report)\b",
                              re.IGNORECASE)
#: the follow widget and whatever follows it, inside a longer text (a sapo that nests the widget)
FOLLOW_ANYWHERE = re.compile(r"\s*(?:Theo dõi\s+(?:Baoquocte\.vn|TG&VN|TGVN|Báo TG&VN)|Follow\s+Baoquocte\.vn\s+on)\b.*$",
                              re.IGNORECASE | re.DOTALL)
DATE_LINE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
#: the English edition's date line may name the month ("December 04, 2023 | 20:15", "4 December 2023")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
MONTH_DATE_RE = re.compile(rf"\b(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
                           rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}})\b",
                           re.IGNORECASE)
#: separators a date box puts around its date ("23/12/2023 09:15 |")
DATE_BOX_EDGES = " |•·-–"
#: labels of the blocks after the article (other articles, comments)
END_LABELS = SAME_SECTION_VI | frozenset({
    "bài viết cùng chuyên mục", "bình luận", "comments", "gửi bình luận", "in the same category",
    "latest news", "more news", "most read", "most viewed", "other news", "same category", "tin bài khác",
    "tin bài liên quan", "tin mới nhất", "your comment", "ý kiến bạn đọc", "đọc nhiều",
})
#: footer lines: the text after them is never the article (copyright, publisher, licence)
#: (short lines only, see _is_footer)
FOOTER_RE = re.compile(r"^(?:©\s*(?:\d{4}\s*)?(?:bản quyền|báo|tg&vn|thế giới|the world|world and vietnam|baoquocte|copyright)"
                       r"|copyright\b|bản quyền thuộc|giấy phép (?:số|hoạt động)|tổng biên tập\s*:|editor[- ]in[- ]chief\s*:)"
                       r"|\bcơ quan chủ quản\s*:"
                       # the paper's name alone on a line: the footer's masthead
                       r"|^(?:báo\s+)?(?:thế giới (?:và|&) việt nam|tg&vn)\s*$|^(?:the\s+)?world (?:and|&) vietnam report\s*$",
                       re.IGNORECASE)
#: the paper's own name in a footer line ("© Copyright en.baoquocte.vn", "Báo Thế giới & Việt Nam")
OWN_NAME_RE = re.compile(r"baoquocte\.vn|thế giới (?:và|&) việt nam|tg&vn|world (?:and|&) vietnam report", re.IGNORECASE)
#: a hashtag line of the tag box ("#Bộ trưởng Bùi Thanh Sơn"): a tag, never article text
HASHTAG_RE = re.compile(r"^#\s*(?P<tag>[^#\s][^#]{0,80}?)\s*$")
#: a related-news item as a text extractor writes it: the linked thumbnail's alt/title, then the
#: link text -- the same headline twice on one line ("Title Title")
DOUBLED_RE = re.compile(r"^(?P<t>.{8,}?)\s+(?P=t)\s*$")
#: the old layout's related item: the article slug folded to ASCII words, then the headline
SLUG_ALT_RE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+){2,} (?=[^\W\d_a-z]|[“\"'«(])")
#: the old layout's placeholder alt of a related item: "tin nhap 20160813085511 <headline>" [real corpus]
PLACEHOLDER_ALT_RE = re.compile(r"^tin nhap \d{8,14}\b", re.IGNORECASE)
#: a role or honorific before the byline's name ("Đại sứ Vũ Khoan", "TS. Lê Hồng Hiệp") [real corpus]
HONORIFIC_RE = re.compile(r"^(?:Đại sứ|Nguyên Đại sứ|Nhà báo|Luật sư|Tiến sĩ|Thạc sĩ"
                          r"|(?:PGS|GS)\.?\s*,?\s*TS\.?|TS\.?|ThS\.?|GS\.?|PGS\.?)\s+(?=\S)")
#: vietnam.vn's source line ("Báo Quốc TếBáo Quốc Tế23/12/2023"): a republication, not this site's page
REPUBLISHED_SOURCE_RE = re.compile(r"^(?P<name>\D{2,80}?)(?P=name)\s*\d{1,2}/\d{1,2}/\d{4}$")
#: article pages: ``/<slug>-<ID>.html`` [C]
ARTICLE_URL_RE = re.compile(r"^https?://(?:www\.)?baoquocte\.vn/(?:[\w-]+/)*[\w-]+-\d+\.html(?:[?#].*)?$")
#: "dd/mm/yyyy" somewhere in a short text (both date forms carry it)
VISIBLE_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
OTHER_ARTICLE = ("contains(@class,'bx-listing') or contains(@class,'related') or contains(@class,'__MB_ARTICLE_A')"
                  " or contains(@class,'article-relation') or self::aside or self::footer or self::nav"
                  " or (self::header and not(.//h1))")
SITE_NAMES = frozenset({"báo thế giới và việt nam", "báo thế giới & việt nam", "tg&vn", "baoquocte.vn",
                         "báo quốc tế", "thế giới và việt nam"})
BYLINE_LABEL_RE = re.compile(r"^(?:bài\s*(?:và|,|&|\+)?\s*ảnh|bài|tác giả|thực hiện)\s*[:：]\s*", re.IGNORECASE)
#: inline block elements of the sapo that are not its own text (widgets, related links, images)
LEAD_OWN_TEXT = ("./text() | ./*[not(self::div or self::table or self::ul or self::ol or self::iframe"
                  " or self::script or self::style or self::figure or self::img)]//text()")
#: a tag is a short phrase; a longer link text in the tag box is something else
TAG_MAX_WORDS = 8


def canonical_url(url: str) -> str:
    """``https://baoquocte.vn/<path>`` for articles: no www, no query (``?rt=``, tracking), no fragment."""
    if ARTICLE_URL_RE.match(url):
        return HOME + urlsplit(url).path
    return default_canonicalize(url)

"""vietnamvn: the site's rules as data -- selectors, labels, URL patterns, limits."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction import layers
from crawler.extraction.labels import PLATFORM_HEADER
from crawler.extraction.text import (
    is_photo_caption,
    looks_like_name,
    word_count,
)

SITE = "vietnam.vn"
#: the year the site began publishing online -- inferred, not confirmed:
#: the national platform vietnam.vn launched in 2023 [I];
#: a backfill starting before it is warned about
FIRST_PUBLICATION_YEAR = 2023
#: health monitor (crawler.ops.monitors, ``fields``): the least share of a run's items with each field
#: (``time``: a date with its time) -- the source line's day without a time; bylines and sapos only now and then;
#: titles on ~90% of the items of the synthetic recordings of its many layouts (bench/synth.py), hence 80%
FIELD_COVERAGE = {"title": 0.8, "body": 1.0, "published_at": 0.95}
LANGUAGES = ("vi", "en", "fr", "nl", "id", "de", "es", "ru", "zh", "ja", "ko", "th", "lo", "km", "hi", "pt", "it")
HEADER = PLATFORM_HEADER
#: the localized label of the link to the original article (casefolded)
SOURCE_LABELS = frozenset({
    "source", "nguồn", "bron", "sumber", "fuente", "quelle", "fonte", "источник", "출처", "ソース",
    "出典", "来源", "來源", "ที่มา", "ແຫຼ່ງທີ່ມາ", "ប្រភព", "स्रोत", "origine", "kilde", "källa", "źródło",
})
#: the comment counter that closes the article ("Comment (0)", "Reactie (0)", "Komentar (0)" ...)
#: (a word is letters plus the combining vowel signs of Thai, Lao, Khmer, Myanmar and the Indic
#: scripts, which are not word characters for ``re``: "ความคิดเห็น (0)", "टिप्पणी (0)")
_MARKED = r"\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_LETTERS = rf"(?:[^\W\d_{_MARKED}]|[{_MARKED}])+"  # two disjoint classes: no backtracking blow-up
COMMENT_RE = re.compile(rf"^{_LETTERS}(?:\s{_LETTERS})?\s*\(\d+\)$")
#: "Báo Quốc TếBáo Quốc Tế23/12/2023": the paper's logo alt + its name + the day
SOURCE_LINE_RE = re.compile(r"^(?P<name>\D{2,80}?)(?P=name)?\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})$")
#: the same line when the page adds a time (before or after the day), a separator or the zone
#: ("Báo Hà Tĩnh | 18/12/2023 10:30", "Báo Quốc Tế 10:30 23/12/2023", "… 23/12/2023 10:30 (GMT+7)") [I];
#: ``when`` is the whole visible date, time included
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_ZONE = r"(?:\s*\(?\s*(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)?"
SOURCE_LINE_LOOSE_RE = re.compile(
    rf"^(?P<name>\D{{0,80}}?)[\s|·•,-]*(?P<when>(?:{_CLOCK}\s*[|·•,-]?\s*)?(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}})"
    rf"(?:\s*[|·•,-]?\s*{_CLOCK})?{_ZONE})$")


def source_line_name(name: str) -> str | None:
    """The paper's name from a source line: separators stripped, the logo alt + name pair
    ("Báo Hà TĩnhBáo Hà Tĩnh") made one."""
    name = name.strip(" -|·•,:")
    half = len(name) // 2
    if len(name) % 2 == 0 and half and name[:half] == name[half:]:
        name = name[:half]
    elif len(name) % 2 == 1 and name[half] == " " and name[:half] == name[half + 1:]:
        name = name[:half]  # "Báo Quốc Tế Báo Quốc Tế"
    return name.strip(" -|·•,:") or None


RELATED_LABELS = frozenset({
    "tin liên quan", "related news", "related", "nouvelles connexes", "articles connexes",
    "gerelateerd nieuws", "gerelateerde nieuws", "berita terkait", "verwandte nachrichten",
    "noticias relacionadas", "notícias relacionadas", "notizie correlate", "похожие новости",
    # the papers' "read also" boxes ("Đọc thêm" on baohatinh.vn), kept or machine-translated
    "đọc thêm", "xem thêm", "read more", "read also", "see also", "lire aussi", "à lire aussi", "lire plus",
    "lees ook", "lees meer", "baca juga", "baca selengkapnya", "lesen sie auch", "mehr lesen", "weiterlesen",
    "lea también", "leer más", "leia também", "leia mais", "leggi anche",
    # the platform's other languages (machine-translated "Related news" / "Read more")
    "tin tức liên quan", "bài liên quan", "artikel terkait", "связанные новости", "похожие статьи",
    "читайте также", "相关新闻", "相關新聞", "相关文章", "相关阅读", "関連ニュース", "関連記事", "関連情報",
    "관련 뉴스", "관련뉴스", "관련 기사", "관련기사", "ข่าวที่เกี่ยวข้อง", "ข่าวเกี่ยวข้อง", "संबंधित समाचार",
    "ຂ່າວທີ່ກ່ຽວຂ້ອງ", "ព័ត៌មានពាក់ព័ន្ធ", "verwandte news",
})
#: the label of an ad slot, alone on its line: never article text
AD_LABELS = frozenset({
    "advertisement", "advertising", "ads", "quảng cáo", "publicité", "advertentie", "iklan", "anzeige",
    "werbung", "publicidad", "publicidade", "pubblicità", "реклама", "광고", "广告", "広告", "โฆษณา",
})
#: a class token naming an ad slot ("banner-ads", "ads_inline", "ad-slot", "adsbygoogle") or a
#: caption holder ("PhotoCMS_Caption", "img-caption"), whatever its case: class names are unknown [?]
AD_CLASS_RE = re.compile(r"^(?:ads?|adv|advert\w*|adsbygoogle|(?:ads?|adv)[-_].+|.+[-_](?:ads?|adv))$", re.IGNORECASE)
CAPTION_CLASS_RE = re.compile(r"caption", re.IGNORECASE)
#: the source paper's sapo prefix, copied with its sapo: "(Baohatinh.vn) - ", "(Dân trí) – ", "TGVN. "
PAPER_PREFIX_RE = re.compile(r"^(?:\([^()\n]{2,30}\)\s*[-–—]\s*|(?:TGVN|TG&VN|WVR)\s*[.:\-–]\s+)")
#: the language switcher's own name for the page language, leaked into the first words of a
#: paragraph by the machine translation ("Français Au nom des dirigeants…") [C for fr]. English is
#: left out on purpose: "English" starts too many real English sentences.
LANGUAGE_ENDONYMS = {
    "fr": "Français", "nl": "Nederlands", "id": "Bahasa Indonesia", "de": "Deutsch", "es": "Español",
    "pt": "Português", "it": "Italiano", "ru": "Русский", "vi": "Tiếng Việt",
}
_URL_RE = re.compile(r"https?://\S+")
#: scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, kana, CJK ideographs):
#: there a "word" of :func:`crawler.extraction.text.word_count` is a whole clause, so sizes count characters
_NO_SPACE_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: sentence ends, the full-width ones of Chinese and Japanese included
_SENTENCE_END = (".", "…", "...", "!", "?", "。", "！", "？", "．")
#: the credit of a photo caption in the platform's other scripts and brackets, which
#: crawler.extraction.text.is_photo_caption (ASCII brackets, Latin/Vietnamese words) does not read:
#: "（写真：ディン・ニャット）", "（图片：Tuan Anh）", "(Фото: ВИА)", "(ภาพ: …)"
_CREDIT_WORDS = (
    "ảnh", "photo", "photos", "foto", "fotos", "image", "source", "nguồn", "bron", "sumber", "quelle", "fuente",
    "fonte", "credit", "gambar", "фото", "источник", "图", "图片", "圖片", "照片", "图源", "来源", "來源", "写真",
    "画像", "出典", "사진", "출처", "ภาพ", "ที่มา", "ຮູບ", "ຮູບພາບ", "រូបថត", "រូបភាព", "फोटो", "चित्र", "स्रोत",
)
_CREDIT_RE = re.compile(
    r"[(\[（【]\s*(?:" + "|".join(map(re.escape, _CREDIT_WORDS)) + r")\s*[:：]\s*[^()\[\]（）【】]{1,80}[)\]）】]\s*[.。]?$",
    re.IGNORECASE,
)


def words(text: str) -> int:
    """Word count that also holds for scripts without spaces (about two characters a word)."""
    return max(word_count(text), len(_NO_SPACE_SCRIPT.findall(text)) // 2)


def headline_like(text: str, max_words: int = 40) -> bool:
    """crawler.extraction.text.looks_like_headline, for every script: short, no closing sentence end."""
    return 0 < words(text) <= max_words and not text.rstrip().endswith(_SENTENCE_END)


def is_credit_caption(line: str) -> bool:
    """An image caption ending in its photo credit, in any of the platform's scripts."""
    return is_photo_caption(line) or bool(_CREDIT_RE.search(line))


DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
#: a tag page: ``/tag/<slug>`` or ``/<lang>/tag/<slug>`` [C, URL kind named by the sitemap index]
TAG_PATH_RE = re.compile(r"^/(?:[a-z]{2}/)?tags?/[^/]+/?$")


def source_label(line: str) -> str | None:
    """'' for a bare localized "Source" label, the URL for ``Label : https://…``, None otherwise."""
    url = _URL_RE.search(line)
    label = (line[:url.start()] if url else line).strip().rstrip(":：").strip().casefold()
    if label not in SOURCE_LABELS:
        return None
    return url.group(0).rstrip(".,;") if url else ""


def strip_language_artefact(line: str, language: str | None) -> str:
    """Drop the language switcher's name leaked at a paragraph start ("Français Au nom…" -> "Au nom…")."""
    name = LANGUAGE_ENDONYMS.get(language or "")
    if name and line.startswith(name + " "):
        rest = line[len(name) + 1:].lstrip()
        if rest and (rest[0].isupper() or rest[0] in "«\"“‘'(["):
            return rest
    return line


def split_trailer(lines: list[str]) -> tuple[list[str], list[str]]:
    """A short last line without a full stop closes the body: a byline ("Thanh Truc"), or one the
    translation mangled ("Fotovoltaik" for the reporter's "PV"). Returns (body, authors)."""
    if lines and words(lines[-1]) <= 4 and headline_like(lines[-1]):
        trailer = lines[-1]
        authors = [trailer] if word_count(trailer) >= 2 and looks_like_name(trailer) else []
        return lines[:-1], authors
    return lines, []


SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button", "form", "iframe"})
#: never article text on this site, whatever the (unknown) class names. Tables with images are
#: not dropped whole: a table copied from the paper may hold a body paragraph in a cell (see
#: VietnamvnArticle._pruned_container)
EXCLUDE = layers.DEFAULT_BODY_EXCLUDE_NO_FIGURES + (
    "figure", "figcaption", "[class*=caption]", "header", "[role=navigation]", "[hidden]")
#: a cell of an image table with fewer words is a caption, not a paragraph
CELL_MIN_WORDS = 40
LEAD_MIN_WORDS = 6
#: an element's XPath string value, compiled once
STRING_VALUE = etree.XPath("string(.)")
#: the element and its descendants that carry a class (the only ones :func:`_noise_class` can match)
CLASSED = etree.XPath("descendant-or-self::*[@class]")

"""vietnamvn: the site's rules as data -- selectors, labels, URL patterns, limits."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction import layers
from crawler.extraction.dates import find_text_date
from crawler.extraction.labels import AD_LABELS, PLATFORM_HEADER, RELATED_LABELS, SOURCE_LABELS  # noqa: F401 -- the site's rules
from crawler.extraction.text import (
    is_photo_caption,
    looks_like_name,
    word_count,
)

SITE = "vietnam.vn"
#: every language the platform publishes, by the code of its URL segment (``/<code>/<slug>``; Vietnamese
#: has none); the first is the default. The real corpus shows ar, de, en, id, ja, km, lo, nl, no, pt,
#: ru, th and uk; the language switcher also lists the others [real corpus, C]
LANGUAGES = ("vi", "en", "fr", "de", "es", "it", "pt", "nl", "id", "sv", "no", "hu", "ar", "ru", "uk", "zh", "ja",
             "ko", "th", "lo", "km", "hi")
#: the year the site began publishing online -- inferred, not confirmed:
#: the national platform vietnam.vn launched in 2023 [I];
#: a backfill starting before it is warned about
FIRST_PUBLICATION_YEAR = 2023
#: health monitor (crawler.ops.monitors, ``fields``): the least share of a run's items with each field
#: (``time``: a date with its time) -- the source line's day without a time; bylines and sapos only now and then;
#: titles on ~90% of the items of the synthetic recordings of its many layouts (bench/synth.py), hence 80%
FIELD_COVERAGE = {"title": 0.8, "body": 1.0, "published_at": 0.95}
HEADER = PLATFORM_HEADER
#: the platform's hosts: www., the bare host and its editions (thongtin., vjs.) [real corpus]
HOSTS = ("vietnam.vn",)
#: the language segment that opens a page path ("/de/…"); a path without one is Vietnamese
URL_LANGUAGE_RE = re.compile(r"^/([a-z]{2})(?:/|$)")


def url_language(path: str) -> str:
    """The language a vietnam.vn page path names: its ``/<lang>/`` segment, else Vietnamese."""
    m = URL_LANGUAGE_RE.match(path)
    return m.group(1) if m and m.group(1) in LANGUAGES else "vi"
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
    "画像", "出典", "사진", "출처", "ภาพ", "ภาพถ่าย", "ที่มา", "المصدر", "الصورة", "صورة", "ຮູບ", "ຮູບພາບ",
    "រូបថត", "រូបភាព", "फोटो", "चित्र", "स्रोत",
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


#: a table cell's paragraph: the text a copied image table holds next to its photo ("… |")
CELL_RE = re.compile(r"(?:^\|\s.*|\s\|)$")
#: a dateline opens its paragraph: within this many characters
DATELINE_REACH = 20
#: a caption is shorter than this many words (a paragraph in a cell is longer) [real corpus]
CELL_CAPTION_MAX_WORDS = 40
#: a one-sentence line of a no-space script shorter than this many characters is an image caption
#: between paragraphs ("会議に出席したトゥエンクアン省の指導者と代表者たち。") [real corpus]
SHORT_SENTENCE_CHARS = 45


#: a caption the translation left uncredited: at most this many words when glued above its
#: paragraph, at most SHORT_CAPTION_WORDS when it stands alone between two paragraphs twice its
#: length [real corpus: "Delegation of Lai Chau province attended the Forum."]
CAPTION_MAX_WORDS = 40
SHORT_CAPTION_WORDS = 25
#: a sentence end followed by the next sentence
_NEXT_SENTENCE_RE = re.compile(r"[.!?…。！？]\s*[\"”»’)]?\s+\S")


def is_one_sentence(line: str) -> bool:
    """One sentence closed by a full stop (no sentence inside it ends and another begins)."""
    text = line.strip()
    return text.endswith((".", "。")) and not _NEXT_SENTENCE_RE.search(text[:-1])


def is_cell_paragraph(line: str, language: str | None = None) -> bool:
    """A paragraph left in the table cell of a copied image ("… |"): longer than any caption, or
    opening on the story's dateline ("3月18日午前、…", "Sáng 18/12, …"), which no caption does."""
    if not CELL_RE.search(line.strip()):
        return False
    if words(line) >= CELL_CAPTION_MAX_WORDS:
        return True
    raw = find_text_date(line, language or "vi")
    return bool(raw) and line.find(raw) <= DATELINE_REACH


def is_cell_caption(line: str, language: str | None = None) -> bool:
    """The caption cell of a copied image table, with only its closing pipe left ("… term. |")."""
    return bool(CELL_RE.search(line.strip())) and not is_cell_paragraph(line, language)


def no_space_script(text: str) -> bool:
    """Mostly written in a script without spaces between words (Thai, Lao, Khmer, kana, CJK)."""
    letters = sum(map(str.isalpha, text)) or 1
    return len(_NO_SPACE_SCRIPT.findall(text)) >= 0.5 * letters


def is_one_sentence_caption(line: str) -> bool:
    """A short line of one sentence in a no-space script: an image caption between paragraphs."""
    text = line.strip()
    inner = text.rstrip("".join(_SENTENCE_END))
    return len(text) < SHORT_SENTENCE_CHARS and not any(end in inner for end in ("。", "！", "？"))


def is_credit_caption(line: str) -> bool:
    """An image caption ending in its photo credit, in any of the platform's scripts (the table
    cell's pipes a copied caption keeps stripped first: "… (ภาพถ่าย: NVCC) |")."""
    line = line.strip().strip("|").strip()
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

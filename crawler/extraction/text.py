"""Text helpers shared by every site: normalization, fingerprints, language guess, line shapes.

Nothing here knows a site; site rules live in each site's module under ``spiders/``.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from crawler.extraction.labels import PHOTO_LABELS, SOURCE_LABELS
from crawler.extraction.limits import CREDIT_LINE_MAX_WORDS, CREDIT_NAME_MAX_WORDS

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_SPACES_TO_FOLD = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]|  ")
_BLANK_LINES = re.compile(r"\n{3,}")
_TERMINAL = ("." , "!", "?", "…", "\"", "”", "»", ":", ";", ")", "’", "'")

# letters that only Vietnamese uses among the Latin-script languages we meet
_VI_CHARS = set("ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưăĐƠƯĂ")

#: the scripts of the languages the sites publish in, each with the languages that write it; a
#: language not listed writes the Latin script. The script a text is written in is a guard on the
#: model: a language of another script is never the answer
_SCRIPTS = (
    ("thai", re.compile(r"[\u0e00-\u0e7f]"), ("th",)),
    ("lao", re.compile(r"[\u0e80-\u0eff]"), ("lo",)),
    ("khmer", re.compile(r"[\u1780-\u17ff]"), ("km",)),
    ("hangul", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"), ("ko",)),
    ("kana", re.compile(r"[\u3040-\u30ff]"), ("ja",)),
    ("han", re.compile(r"[\u4e00-\u9fff]"), ("zh", "ja")),
    ("hebrew", re.compile(r"[\u0590-\u05ff]"), ("he", "yi")),
    ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f]"), ("ar", "fa", "ur", "ps", "ug", "ku")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]"), ("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn")),
    ("greek", re.compile(r"[\u0370-\u03ff]"), ("el",)),
    ("devanagari", re.compile(r"[\u0900-\u097f]"), ("hi", "mr", "ne")),
)
#: any character of the _SCRIPTS ranges
_ANY_SCRIPT = re.compile("[" + "".join(regex.pattern.strip("[]") for _, regex, _ in _SCRIPTS) + "]")
#: every language written in a script of _SCRIPTS (the others are the Latin-script ones)
_NON_LATIN = frozenset(code for _, _, codes in _SCRIPTS for code in codes)
#: fewer letters than this is no evidence of a language
MIN_LETTERS = 8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize_text(value: str | None) -> str | None:
    """NFC, spaces folded, lines of (non-breaking) spaces made empty, at most one blank line."""
    if value is None:
        return None
    if "\x00" in value:  # a NUL is never text (and PostgreSQL's text type cannot hold one)
        value = value.replace("\x00", "")
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if _SPACES_TO_FOLD.search(value):
        lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    else:  # every run of _SPACES is one plain space already: the substitution would change nothing
        lines = [line.strip() for line in value.split("\n")]
    value = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return value or None


def normalize_line(value: str | None) -> str | None:
    """:func:`normalize_text` on one line: NFC, every run of spaces and line breaks one space, or None.

    Computed directly (it is called for every text node of a page): the lines
    :func:`normalize_text` would make are joined by ``split()`` anyway, so only the two
    characters it treats as spaces and ``str.split`` does not (U+200B, U+FEFF) need a rewrite.
    """
    if value is None or value == "":
        return None
    if "\x00" in value:
        value = value.replace("\x00", "")
    value = unicodedata.normalize("NFC", value)
    if "\u200b" in value or "\ufeff" in value:
        value = _SPACES.sub(" ", value)
    return " ".join(value.split()) or None


def fingerprint(title: str | None, body: str | None) -> str:
    """SHA-1 of casefolded title + body with all whitespace folded: same text, same hash."""
    text = " ".join(f"{title or ''} {body or ''}".casefold().split())
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def vietnamese_ratio(text: str) -> float:
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    return sum(map(_VI_CHARS.__contains__, text)) / letters  # every _VI_CHARS member is a letter


def is_vietnamese(text: str) -> bool:
    """A line written in Vietnamese (used to spot untranslated image alt texts)."""
    return len(text) >= 8 and vietnamese_ratio(text) >= 0.04


@functools.lru_cache(maxsize=1)
def _identifier():
    """py3langid's model (shipped with the package, loaded once, never restricted in place)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def text_script(sample: str) -> tuple[str, tuple[str, ...]] | None:
    """The non-Latin script most of ``sample``'s letters are written in, with its languages; None
    for a Latin-script text (or one with too few letters of another script to tell)."""
    if not _ANY_SCRIPT.search(sample):
        return None
    letters = max(1, sum(map(str.isalpha, sample)))
    counts = [(len(regex.findall(sample)), name, codes) for name, regex, codes in _SCRIPTS]
    kana = counts[4][0]
    if kana > 5 and counts[5][0]:  # Japanese mixes kana into its kanji
        counts[4] = (kana + counts[5][0], "kana", ("ja",))
    n, name, codes = max(counts, key=lambda c: c[0])
    if n > 20 or n >= 0.3 * letters:
        return name, codes
    return None


def detect_language(text: str, candidates: tuple[str, ...] | None = None) -> str | None:
    """The language of ``text`` (ISO 639-1), by py3langid's model, among ``candidates`` when given.

    Guards around the model: the script the text is written in (a Thai, Lao, Khmer, Korean or
    Japanese text is that language, and a language of another script is never the answer), and
    the letters only Vietnamese uses among the Latin-script languages. Too few letters: None.
    (The URL's language segment, stronger than both, is read by the caller: see
    crawler.extraction.page.TextArticle.page_language.)"""
    sample = text[:5000]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    script = text_script(sample)
    if script is None:
        if vietnamese_ratio(sample) >= 0.04 and (not candidates or "vi" in candidates):
            return "vi"
        allowed = lambda code: code not in _NON_LATIN  # noqa: E731
    else:
        codes = script[1]
        if len(codes) == 1:
            return codes[0]
        allowed = codes.__contains__
    ranked = [code for code, _ in _identifier().rank(sample) if allowed(code)]
    if candidates:
        wanted = [code for code in ranked if code in candidates]
        return wanted[0] if wanted else (ranked[0] if script else None)
    return ranked[0] if ranked else None


def word_count(text: str) -> int:
    return len(text.split())


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def is_running_text(line: str) -> bool:
    """A line no caption is: it opens a list ("… với các nội dung:") or enumerates with
    semicolons ("hát ca trù, dân ca ví; thi đấu vật, kéo co...")."""
    text = line.strip()
    return text.endswith((":", "：")) or ";" in text


def looks_like_headline(text: str, max_words: int = 40) -> bool:
    """Short, single sentence, no closing full stop: a title, caption or subheading."""
    return 0 < word_count(text) <= max_words and not text.rstrip().endswith((".", "…", "...", "!", "?"))


def looks_like_name(text: str, max_words: int = 5) -> bool:
    """A byline: a few capitalized words, no sentence punctuation."""
    words = text.replace("-", " ").replace(",", " ").split()
    if not 1 <= len(words) <= max_words or ends_sentence(text):
        return False
    return all(w[0].isupper() for w in words if w[0].isalpha()) and any(c.isalpha() for c in text)


def split_authors(text: str) -> list[str]:
    """Names of a byline: split at commas, "và"/"and", and a dash between names, spaced or not
    ("Kim Chung-Tuấn Anh": a hyphen joining two names of two words or more, which no one name has)."""
    parts = re.split(r"\s*(?:,|;|&|\s-\s|\s–\s|\bvà\b|\band\b)\s*", text.strip())
    out = []
    for part in (p.strip() for p in parts if p.strip()):
        halves = re.split(r"(?<=\w)[-–](?=\w)", part)
        if len(halves) == 2 and all(len(h.split()) >= 2 and looks_like_name(h) for h in halves):
            out += [h.strip() for h in halves]
        else:
            out.append(part)
    return out


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each block's lines kept apart (a dump may use single newlines)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- line shapes that mean "not article text", in any language ---------------------------

_PHOTO_WORDS = tuple(sorted(PHOTO_LABELS | SOURCE_LABELS))
_PHOTO_CREDIT = re.compile(
    r"[(\[]\s*(?:" + "|".join(map(re.escape, _PHOTO_WORDS)) + r")\s*[:：]\s*[^()\[\]]{1,80}[)\]]\s*\.?$",
    re.IGNORECASE,
)
#: the same credit without brackets, closing the caption after a sentence end or a dash:
#: "… überreicht Blumen – Foto: Tran Tuyen", "… tháng 12/1920. Ảnh tư liệu/TTXVN." [real corpus]
_TRAILING_WORDS = (
    "ảnh", "ảnh tư liệu", "ảnh minh họa", "ảnh minh hoạ", "photo", "photos", "foto", "fotos", "bild", "bilder",
    "image", "gambar", "credit", "kuva", "zdjęcie", "фото",
)
_TRAILING_CREDIT = re.compile(
    r"(?:^|[.!?…”\")]\s+|\s[-–—]\s*)(?:" + "|".join(map(re.escape, sorted(_TRAILING_WORDS, key=len, reverse=True)))
    + r")\s*(?:[:：]\s*|/\s*)(?P<who>[^.!?:;()\[\]]{1,60}?)\s*\.?$",
    re.IGNORECASE,
)
_ALT_NUMBERED = re.compile(r"\s-\s(?:Ảnh|Photo|Foto|Image|Gambar)\s*\d+\.?$", re.IGNORECASE)


def is_photo_caption(line: str) -> bool:
    """``… (Ảnh: Tuấn Anh)``, ``… (Photo : Van Vu)``, ``… (Foto: X)``, ``… – Foto: Tran Tuyen``,
    ``… Ảnh tư liệu/TTXVN.``: an image caption (the credit a short name, the line no long paragraph)."""
    if _PHOTO_CREDIT.search(line):
        return True
    m = _TRAILING_CREDIT.search(line)
    return bool(m) and word_count(m["who"]) <= CREDIT_NAME_MAX_WORDS and word_count(line) <= CREDIT_LINE_MAX_WORDS


def is_numbered_alt(line: str) -> bool:
    """``… - Ảnh 1.``: an image alt text copied with its number."""
    return bool(_ALT_NUMBERED.search(line))


def is_table_caption(line: str) -> bool:
    """``| Deputy Minister … |``: a caption cell of a copied image table."""
    s = line.strip()
    return len(s) > 2 and s.startswith("|") and s.endswith("|")


def strip_table_pipes(line: str) -> tuple[str, bool]:
    """A paragraph that sat in a table cell keeps its text; returns (text, was_in_a_cell)."""
    s = line.strip()
    if s.endswith(" |") or s.startswith("| "):
        return s.strip("| ").strip(), True
    return s, False


# --- what a page store adds around a page's text ------------------------------------------

#: the store's capture-month prefix glued before the first line: " date 2021-09 Title…"
_STORE_DATE_PREFIX = re.compile(r"\A\s*date\s+\d{4}-\d{2}(?:-\d{2})?\s+")
#: a markdown image without alt or address, with the table cell it sat in: "![]() |"
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
#: an ad slot's placeholder, in whatever language the page was translated to: "[ad_2]",
#: "[anuncio_2]", "[annonse_2]", "[iklan_2]" -- one bracketed word and a number, alone on its line
AD_PLACEHOLDER_RE = re.compile(r"^\s*\[[^\W\d_]+(?:[ _-][^\W\d_]+)?[_ -]?\d+\]\s*$")


_ALNUM = re.compile(r"[^\W_]")


def strip_store_artefacts(text: str) -> str:
    """The page's text without what the store added: its capture-month prefix, markdown image
    stubs (a line left with only the image's table pipes goes), ad placeholders, and lines
    without a letter or digit (table pipes, a mobile page's icon bar)."""
    text = _STORE_DATE_PREFIX.sub("", text, count=1)
    out = []
    for line in text.split("\n"):
        if _MARKDOWN_IMAGE.search(line):
            line = _MARKDOWN_IMAGE.sub("", line)
            if not line.strip(" |\t"):
                continue
        if AD_PLACEHOLDER_RE.match(line) or (line.strip() and not _ALNUM.search(line)):
            continue  # an ad slot; a line of pipes or of icons only ("☰", "", "🏠 ›")
        out.append(line)
    return "\n".join(out)


# --- image alt texts a text dump keeps ------------------------------------------------------

#: an image's file name left as its alt text: "3-4023.jpg"
_IMAGE_FILE_RE = re.compile(r"^[^\s/]+\.(?:jpe?g|png|gif|webp|bmp|svg)$", re.IGNORECASE)
#: a line of lowercase ASCII words only: an alt text made from the article's slug ("ha tinh luon chu
#: trong hoat dong ngoai giao …"); Vietnamese prose is never written without its diacritics
_ASCII_WORDS_RE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+){3,}$")


def ascii_fold(text: str) -> str:
    """Lowercase ASCII words of ``text``: "Hà Tĩnh luôn chú trọng…" -> "ha tinh luon chu trong…"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def is_image_file_name(line: str) -> bool:
    return bool(_IMAGE_FILE_RE.match(line.strip()))


def is_slug_alt(line: str, title: str | None, language: str | None) -> bool:
    """An alt text made from the slug: the title folded to ASCII, or on a Vietnamese page any line
    of lowercase ASCII words."""
    line = line.strip()
    if not _ASCII_WORDS_RE.match(line):
        return False
    return language == "vi" or (bool(title) and line == ascii_fold(title))

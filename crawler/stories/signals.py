"""What survives translation: the signals the story linker compares across languages.

A machine translation of a Vietnamese article keeps its numbers, its day and the Vietnamese
names it mentions (without diacritics: "Bùi Thanh Sơn" -> "Bui Thanh Son"); a vietnam.vn URL
keeps the slug of the original Vietnamese title. Everything here is pure and site-independent:
:func:`features` turns one article (a plain dict) into the small record the archive stores per
article, and the linker (:mod:`crawler.stories.match`) compares two such records.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

PLATFORM_HOST = "vietnam.vn"  # and its subdomains (www, thongtin, vjs...)
#: language prefixes of vietnam.vn URLs (/<lang>/<slug>); no prefix is Vietnamese
PLATFORM_LANGS = frozenset({
    "en", "fr", "nl", "id", "de", "es", "ru", "zh", "ja", "ko", "th", "lo", "km", "hi", "pt", "it",
    "ar", "uk", "no", "ms", "tl", "tr", "pl", "sv", "cs", "hu", "my",
})

#: papers' names as vietnam.vn credits them (folded) -> the paper's site
CREDITS = {
    "bao quoc te": "baoquocte.vn", "the gioi va viet nam": "baoquocte.vn", "tg&vn": "baoquocte.vn",
    "bao ha tinh": "baohatinh.vn",
    "so ngoai vu can tho": "songoaivu.cantho.gov.vn",
}

#: names every article of these sites mentions: no evidence that two texts tell one story
GENERIC_NAMES = frozenset({
    "viet nam", "ha noi", "ha tinh", "ho chi minh", "tp ho chi minh", "can tho", "lao", "vietnam",
    "quoc te", "ngoai giao", "bao quoc te", "bao ha tinh", "trung quoc", "han quoc", "nhat ban",
    "hoa ky", "dong nam a", "chu tich", "bo ngoai giao", "bo ngoai", "so ngoai", "bo truong", "thu truong",
    "thu tuong", "pho chu tich", "uy ban", "quoc hoi", "nha nuoc", "chinh phu", "dai su", "hoi nghi",
})

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_NUCLEUS = r"(?:[aeiouy]{1,3})"
_CODA = r"(?:ng|nh|ch|[cmnpt])?"
SYLLABLE_RE = re.compile(rf"^{_ONSET}{_NUCLEUS}{_CODA}$")
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:([.,\u00a0\u202f ])\d{3})+|\d+)(?:[.,](\d+))?(?![\w])")
VI_MARKS_RE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
URL_ID_RE = re.compile(r"(?:-post|-)?\d{3,}(?:\.html?)?$")


class _Unmarked(dict):
    """``str.translate`` table dropping combining marks (canonical combining class != 0) and
    keeping every other character; filled once per distinct character, so a fold costs one C
    pass instead of a ``combining()`` call per character (the story graph folds every article)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_UNMARKED = _Unmarked()


def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d: how a translation writes a Vietnamese name."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return text.translate(_UNMARKED).lower()


def folded_words(text: str) -> str:
    """The folded text as words separated by single spaces, padded (for `` name `` lookups)."""
    return " " + " ".join(WORD_RE.findall(fold(text))) + " "


def is_syllable(word: str) -> bool:
    return len(word) <= 7 and bool(SYLLABLE_RE.match(word))


_SENTENCE_SPLIT_RE = re.compile(r"[\n.!?;:,()\"“”«»|]+")


@lru_cache(maxsize=1 << 16)
def _name_word(word: str) -> str | None:
    """The folded word when it may be part of a name (capitalized, a Vietnamese syllable), else
    None. Cached: articles repeat their words, and every word of every article comes here."""
    word = word.strip("'’‘-–")
    folded = fold(word)
    return folded if word[:1].isupper() and folded.isalpha() and is_syllable(folded) else None


@lru_cache(maxsize=1 << 16)
def _foreign_word(word: str) -> str | None:
    """The folded word when it is not a Vietnamese syllable nor a stop word (see foreign_words)."""
    folded = fold(word)
    if len(folded) >= 3 and folded.isascii() and not is_syllable(folded) and folded not in FOREIGN_STOP:
        return folded
    return None


def names(text: str) -> set[str]:
    """Folded runs of 2+ capitalized words that are all Vietnamese syllables: personal and
    place names, which translations keep ("Menteri Luar Negeri Bui Thanh Son" -> bui thanh son)."""
    out: set[str] = set()
    run: list[str] = []
    for sentence in _SENTENCE_SPLIT_RE.split(text):
        for word in sentence.split():
            folded = _name_word(word)
            if folded is not None:
                run.append(folded)
                continue
            _flush(run, out)
            run = []
        _flush(run, out)
        run = []
    return out


def _flush(run: list[str], out: set[str]) -> None:
    if len(run) >= 2:
        name = " ".join(run)
        if name not in GENERIC_NAMES:
            out.add(name)


def foreign_words(text: str) -> set[str]:
    """Words of a Vietnamese text that are not Vietnamese syllables: foreign names (Tamás Varga,
    Goledzinowski), acronyms (EVFTA, ASEAN), country names kept as such (Hungary, Australia).
    A translation keeps them, and other Vietnamese texts seldom share them."""
    out = {_foreign_word(word) for word in WORD_RE.findall(text)}
    out.discard(None)
    return out


#: non-syllable words of every Vietnamese article of these sites (site names, units, script noise)
FOREIGN_STOP = frozenset({"baohatinh", "baoquocte", "tgvn", "vietnam", "www", "http", "https", "html",
                          "covid", "online", "usd", "vnd", "wvr", "sapo"})


def numbers(text: str) -> set[str]:
    """Distinctive figures, written one way whatever the language's separators: 85.000, 85,000
    and 85 000 are all ``85000``; 1,5 and 1.5 are ``1.5``. Numbers under 10 and years
    (1945-2035, every dated article has them) are left out."""
    out: set[str] = set()
    for match in NUMBER_RE.finditer(text):
        whole, _sep, decimals = match.groups()
        digits = re.sub(r"\D", "", whole)
        value = int(digits)
        if decimals and not (len(decimals) == 3 and _sep is None):
            out.add(f"{value}.{decimals.rstrip('0') or '0'}")
            continue
        if decimals:  # "85.000" with no other group: a thousands separator
            value = value * 1000 + int(decimals)
        if value < 10 or 1945 <= value <= 2035:
            continue
        out.add(str(value))
    return out


def is_platform(url: str | None) -> bool:
    host = (urlsplit(url or "").hostname or "").lower()
    return host == PLATFORM_HOST or host.endswith("." + PLATFORM_HOST)


PLATFORM_SITE = "vietnam.vn"


def on_platform(record: dict) -> bool:
    """A vietnam.vn version (by its site, or by its URL for a link target not archived yet)."""
    return record.get("site") == PLATFORM_SITE or is_platform(record.get("url"))


def platform_slug(url: str | None) -> tuple[str | None, str | None]:
    """``(language, slug)`` of a vietnam.vn article URL (any subdomain), else ``(None, None)``."""
    if not is_platform(url):
        return None, None
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) == 1:
        return "vi", parts[0].lower()
    if len(parts) == 2 and parts[0].lower() in PLATFORM_LANGS:
        return parts[0].lower(), parts[1].lower()
    return None, None


def paper_slug(url: str | None) -> str | None:
    """The title slug in a paper's article URL, without its id: ``.../doan-dai-su-...-post254266.html``
    -> ``doan-dai-su-...``. None for vietnam.vn and for URLs without a slug."""
    if not url or not url.startswith(("http://", "https://")) or is_platform(url):
        return None
    last = [p for p in urlsplit(url).path.split("/") if p]
    if not last:
        return None
    stem = URL_ID_RE.sub("", last[-1].lower())
    if stem.endswith((".html", ".htm")):
        stem = stem.rsplit(".", 1)[0]
    return stem if stem.count("-") >= 3 else None


def slugify(text: str | None) -> str | None:
    """vietnam.vn's slug of a Vietnamese title: folded words joined by hyphens."""
    if not text:
        return None
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words) if len(words) >= 4 else None


def vietnamese_remnants(item: dict) -> list[str]:
    """Lines of a non-Vietnamese article still written in Vietnamese (untranslated image alts,
    captions): text that the original carries word for word."""
    if (item.get("language") or "vi") == "vi":
        return []
    texts = [item.get("body") or "", item.get("lead") or ""]
    texts += [(img.get("caption") or "") + "\n" + (img.get("alt") or "") for img in item.get("images") or []]
    out = []
    for line in "\n".join(texts).splitlines():
        line = line.strip()
        if len(line.split()) >= 5 and len(VI_MARKS_RE.findall(line)) >= 3:
            out.append(line)
    return out


def credited_site(source_name: str | None) -> str | None:
    if not source_name:
        return None
    key = " ".join(WORD_RE.findall(fold(source_name)))
    if "&" in source_name:
        key = fold(source_name).strip()
    return CREDITS.get(key)


def day_of(item: dict) -> str | None:
    value = item.get("published_at") or ""
    return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else None


def story_text(item) -> str:
    """The text the signals are read from: title, lead, body and the image captions."""
    text = "\n".join(filter(None, [item.get("title"), item.get("lead"), item.get("body")]))
    return text + "\n" + "\n".join(img.get("caption") or "" for img in item.get("images") or [])


def text_signals(text: str, language: str | None) -> dict:
    """The signals of one text -- the costly part of :func:`features` (names, foreign words,
    figures, the folded words), a pure function of the text and its language."""
    return {
        "names": sorted(names(text)),
        "foreign": sorted(foreign_words(text)) if language == "vi" else [],
        "numbers": sorted(numbers(text)),
        "text": folded_words(text),
    }


#: :func:`text_signals` computed ahead, by (text, language): ``scrapy reparse`` computes them in
#: its parsing processes so that its one writing process, which runs the story graph, does not
#: (crawler.ops.reparse); an entry is used once, and only for exactly the same text
PRECOMPUTED: dict[tuple[str, str | None], dict] = {}


def offer_signals(item, signals: dict) -> tuple[str, str | None]:
    """Signals computed ahead for ``item`` (by a parsing process), for :func:`features` to use if
    the item's text reaches it unchanged; the key to :func:`withdraw_signals` them by."""
    key = (story_text(item), item.get("language"))
    PRECOMPUTED[key] = signals
    return key


def withdraw_signals(key: tuple[str, str | None]) -> bool:
    """Forget offered signals; True when :func:`features` did not use them (the item was dropped,
    or the pipelines changed its text)."""
    return PRECOMPUTED.pop(key, None) is not None


def features(item: dict) -> dict:
    """The per-article record the story graph keeps: identity, slugs, credit and the signals."""
    text = story_text(item)
    url = item.get("canonical_url") or item.get("url")
    lang, slug = platform_slug(url)
    language = item.get("language")
    signals = PRECOMPUTED.pop((text, language), None) or text_signals(text, language)
    return {
        "url": url,
        "site": item.get("site"),
        "language": language,
        "day": day_of(item),
        "slug": slug or paper_slug(url),
        "title_slug": slugify(item.get("title")) if language == "vi" else None,
        "credit": credited_site(item.get("source_name")),
        "credit_name": fold(item.get("source_name") or "").strip() or None,
        "names": signals["names"],
        "foreign": signals["foreign"],
        "numbers": signals["numbers"],
        "remnants": [slugify(r) for r in vietnamese_remnants(item) if slugify(r)],
        "text": signals["text"],
    }

"""Foreign-affairs tagger: is an article about foreign relations / diplomacy?

Multilingual term and entity matching -- cheap, explainable, measured on a labelled set of real
articles (tests/fixtures/scope, ``bench/bench_scope.py``, guarded by tests/test_scope_figures.py).
The term lists are data, in :mod:`crawler.extraction.topic_terms` (hand-kept) and
:mod:`crawler.extraction.topic_countries` (country names from the Unicode CLDR, generated).

Entry points:

* :func:`judge` on an extracted article (title + lead + body, any language; the URL too, whose
  slug is the Vietnamese headline on vietnam.vn and baohatinh.vn): ``True`` (foreign affairs),
  ``None`` (unsure: only weak signals -- kept and flagged, never dropped) or ``False``;
* :func:`is_foreign_affairs`: the same, ``True`` only when sure (kept for callers that want a bool);
* :func:`slug_is_candidate` on a URL alone, so the vietnam.vn spider can skip plainly off-topic
  pages without fetching them. Slugs are Vietnamese without diacritics (``/en/<vietnamese-slug>``),
  whatever the page language. A slug it rejects is never fetched, so it is lenient: it rejects
  only a slug that names a plainly domestic topic (weather, harvest, traffic, prices, lottery...)
  and no foreign-affairs term; everything else is fetched and judged on its text.

How :func:`judge` decides, from the headline + sapo (and the slug):

* a ``STRONG`` term (embassy, ambassador, border gate, overseas Vietnamese, MoU, ASEAN...) or a
  foreign province or town (Khammouane, Savannakhet, Mondulkiri...): True;
* a foreign country or people *and* an act (cooperation, delegation, visit, signing...): True;
* a foreign country alone: unsure (None), unless the body settles it;
* the body (first 6,000 characters): two strong terms or places, or one with a foreign country:
  True; one strong term or place, or a foreign country named repeatedly with an act: unsure;
* nothing: False.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache

from crawler.extraction import topic_terms as T
from crawler.extraction.topic_countries import COUNTRIES

#: changes with the decision rules (part of the tagger's version, with all the term data)
RULES = "judge-v2: head strong|place -> T; head foreign+act -> T; body 2 strong -> T; foreign -> None"
BODY_CHARS = 6000

def _squash(text: str) -> str:
    """Hyphens, underscores and slashes as spaces, runs of white space as one (str methods: fast)."""
    for ch in "-_/":
        if ch in text:
            text = text.replace(ch, " ")
    return " ".join(text.split())
# (regex substitutions, not str.translate: translate with a table is slow on non-ASCII text)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTE_MAP = {"\u05f4": '"', "\u05f3": "'", "\u2019": "'", "\u02bc": "'", "\u2018": "'",
              "\u201c": '"', "\u201d": '"', "\u0ebc": "\u0ea5"}  # Lao ຼ (subscript lo) -> ລ
_QUOTES = re.compile("[" + "".join(_QUOTE_MAP) + "]")


def _clean(text: str) -> str:
    return _QUOTES.sub(lambda m: _QUOTE_MAP[m.group(0)], _ZERO_WIDTH.sub("", text.lower()))


#: the marks dropped by fold(): Latin/Greek/Cyrillic accents and Vietnamese tones, Hebrew points,
#: Arabic harakat. Not the vowel signs of Thai, Lao, Khmer or Devanagari (they carry the word).
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u06d6-\u06ed]")


def fold(text: str) -> str:
    """Lower case, accents and tone marks dropped (NFKD), đ -> d, hyphens as spaces.

    Hangul and kana are recomposed (NFC) afterwards, so syllables still match whole.
    """
    text = _clean(text).replace("đ", "d")
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _squash(unicodedata.normalize("NFC", text))


# Vietnamese keeps its diacritics (Lào / lao động); the two tone placements (hoà / hòa) are unified
_VI_TONE = re.compile(r"(?<![qQ])([oOuU])([àáảãạèéẻẽẹìíỉĩịỳýỷỹỵ])(?![\w])")
_VI_MOVE = {}
for _plain, _marked in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("i", "ìíỉĩị"), ("y", "ỳýỷỹỵ")):
    for _i, _m in enumerate(_marked):
        _VI_MOVE[_m] = _i
_O_MARKED, _U_MARKED = "òóỏõọ", "ùúủũụ"


def _vi_tone(m: re.Match) -> str:
    vowel, marked = m.group(1).lower(), m.group(2)
    base = unicodedata.normalize("NFD", marked)[0]
    tone = _VI_MOVE[marked]
    return (_O_MARKED if vowel == "o" else _U_MARKED)[tone] + base


def vi_norm(text: str) -> str:
    """Vietnamese text for the diacritic-keeping lists: lower case, NFC, one tone placement."""
    text = unicodedata.normalize("NFC", _clean(text))
    return _squash(_VI_TONE.sub(_vi_tone, text))


#: where a term may start: Latin, Cyrillic and Greek words are delimited by spaces, so a term
#: starts a word; Arabic and Hebrew words too, after the proclitics written attached to them
#: (Arabic wa-, fa-, bi-, li-, ka-, al-; Hebrew ve-, ha-, be-, le-, mi-, she-, ke-); Thai, Lao,
#: Khmer, CJK and Devanagari terms match anywhere.
_EDGES = {"none": "", "word": "(?<!\\w)",
          "ar": "(?<!\\w)(?:و|ف|ب|ل|ك)?(?:ال|لل)?", "he": "(?<!\\w)(?:[ובהלמשכ]{1,2})?"}


def _edge_kind(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "none"
    if name.startswith(("LATIN", "CYRILLIC", "GREEK", "DIGIT")) or ch.isdigit():
        return "word"
    if name.startswith("ARABIC"):
        return "ar"
    if name.startswith("HEBREW"):
        return "he"
    return "none"


def _trie(words: list[str]) -> str:
    """One regex alternation for many literals, as a trie (the longest match wins)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(root)


def _compile(terms, norm=fold, words: bool = False, whole_names: bool = False) -> re.Pattern | None:
    """Terms -> one regex. ``words``: whole words at both ends (Vietnamese); else a term starts where
    its script allows (``_EDGES``) and ``term$`` ends a word. ``whole_names``: Arabic and Hebrew
    names end a word too (short names hide inside longer words: Peru in "provinces")."""
    groups: dict[tuple[str, bool], set[str]] = {}
    for term in terms:
        whole = term.endswith("$")
        t = norm(term[:-1] if whole else term).strip()
        if not t:
            continue
        start = "word" if words else _edge_kind(t[0])
        end = words or whole or (whole_names and start in ("ar", "he"))
        groups.setdefault((start, end), set()).add(t)
    if not groups:
        return None
    parts = []
    for (start, end), ws in sorted(groups.items()):
        parts.append(_EDGES[start] + "(?:" + _trie(sorted(ws)) + ")" + ("(?!\\w)" if end else ""))
    return re.compile("|".join(parts))


_CATEGORIES = ("strong", "place", "foreign", "act")
LANGUAGES = tuple(sorted(set(T.STRONG) | set(T.FOREIGN) | set(T.ACTS) | set(COUNTRIES)))


class _Matcher:
    """Every category's terms in one regex (one scan of the text): a match is looked up to the
    categories of its term; ``foreign`` matches inside a mask (Lào Cai, "Chinese New Year") do not count."""

    def __init__(self, categories: dict[str, list[str]], masks, norm=fold, words: bool = False):
        self.categories: dict[str, set[str]] = {}
        flags: dict[str, tuple[str, bool]] = {}
        for cat, terms in categories.items():
            for term in terms:
                whole = term.endswith("$")
                key = norm(term[:-1] if whole else term).strip()
                if not key:
                    continue
                self.categories.setdefault(key, set()).add(cat)
                start = "word" if words else _edge_kind(key[0])
                end = words or whole or (cat in ("foreign", "place") and start in ("ar", "he"))
                old = flags.get(key)
                flags[key] = (start, end or bool(old and old[1]))
        groups: dict[tuple[str, bool], set[str]] = {}
        for key, flag in flags.items():
            groups.setdefault(flag, set()).add(key)
        parts = [_EDGES[start] + f"(?P<g{i}>" + _trie(sorted(keys)) + ")" + ("(?!\\w)" if end else "")
                 for i, ((start, end), keys) in enumerate(sorted(groups.items()))]
        self.regex = re.compile("|".join(parts)) if parts else None
        self.mask = _compile(masks, norm, words)

    def add_counts(self, text: str, out: dict[str, int]) -> None:
        if self.regex is None:
            return
        spans = [m.span() for m in self.mask.finditer(text)] if self.mask is not None else []
        for m in self.regex.finditer(text):
            cats = self.categories[m.group(m.lastgroup)]
            for cat in cats:
                if cat == "foreign" and spans:
                    a, b = m.span(m.lastgroup)
                    if any(s <= a and b <= e for s, e in spans):
                        continue
                out[cat] += 1


class _Lang:
    """The compiled term lists of one language (``None``: every language at once)."""

    def __init__(self, language: str | None):
        langs = [language] if language in LANGUAGES else list(LANGUAGES)
        get = lambda table, lang: tuple(table.get(lang, ()))  # noqa: E731
        self.vi = "vi" in langs
        folded = {"strong": [], "place": list(T.PLACES.get("*", ())), "foreign": [], "act": []}
        masks = list(T.MASKS.get("*", ()))
        for lang in langs:
            if lang == "vi":
                continue
            folded["strong"] += get(T.STRONG, lang)
            folded["place"] += get(T.PLACES, lang)
            folded["foreign"] += get(T.FOREIGN, lang) + get(COUNTRIES, lang)
            folded["act"] += get(T.ACTS, lang)
            masks += get(T.MASKS, lang)
        self.folded = _Matcher(folded, masks)
        self.vi_matcher = None
        if self.vi:
            self.vi_matcher = _Matcher({"strong": T.STRONG.get("vi", ()), "place": T.PLACES.get("vi", ()),
                                        "foreign": T.FOREIGN.get("vi", ()) + tuple(COUNTRIES.get("vi", ())),
                                        "act": T.ACTS.get("vi", ())}, T.MASKS.get("vi", ()), vi_norm, True)

    def counts(self, text: str) -> dict[str, int]:
        out = dict.fromkeys(_CATEGORIES, 0)
        if not text:
            return out
        self.folded.add_counts(fold(text), out)
        if self.vi_matcher is not None:
            self.vi_matcher.add_counts(vi_norm(text), out)
        return out


@cache
def _lang(language: str | None) -> _Lang:
    return _Lang(language if language in LANGUAGES else None)


# --- URL slugs: Vietnamese without diacritics -------------------------------------------------
#: acts too ambiguous without diacritics (tiếp tục / tiếp, kỳ / ký, thảm / thăm, đoán / đoàn, lao động)
_SLUG_ACT_SKIP = {"tiep", "ky", "tham", "doan", "don", "lao dong", "cong dan", "dao tao", "hoc sinh", "ho tro"}
#: "lao" without diacritics is Laos, or labour, Lào Cai, Lao Bảo, rushing...: these are not Laos
_SLUG_LAO_MASK = ("lao dong", "lao cai", "lao bao", "lao xao", "lao dao", "lao vao", "lao ra", "lao xuong",
                  "lao len", "lao tam", "lao luc", "lao cong", "lao khoi", "lao tu", "lao ly", "lao nhao", "gia lao",
                  "lao hoa", "lao khoa", "lao phoi", "benh lao", "cao lao")
# slugs are folded Vietnamese words: every term is matched as whole words
_SLUG_STRONG = _compile(T.STRONG["vi"] + T.PLACES["vi"] + T.PLACES["*"], words=True)
_SLUG_FOREIGN = _compile(T.FOREIGN["vi"] + tuple(COUNTRIES.get("vi", ())) + ("lao",), words=True)
_SLUG_ACT = _compile([a for a in T.ACTS["vi"] if fold(a) not in _SLUG_ACT_SKIP], words=True)
_SLUG_MASK = _compile(T.MASKS["vi"] + T.MASKS["*"] + _SLUG_LAO_MASK, words=True)
_SLUG_DOMESTIC = _compile(T.SLUG_DOMESTIC, words=True)


def url_slug(url: str) -> str:
    """The headline slug of an article URL: the last path segment (vietnam.vn), without its
    ``-post123``/``-tag123`` id or extension (baohatinh.vn), or the segment before a numeric id."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    last = re.sub(r"\.(html?|amp|aspx?|php)$", "", last)
    if re.fullmatch(r"\d+", last) and len(segments) >= 2:
        last = segments[-2]
    return re.sub(r"-(post|tag)\d+$", "", last)


def slug_counts(url: str) -> dict[str, int]:
    text = fold(url_slug(url))
    masked = _SLUG_MASK.sub(" ", text) if _SLUG_MASK is not None else text
    return {"strong": sum(1 for _ in _SLUG_STRONG.finditer(text)), "place": 0,
            "foreign": sum(1 for _ in _SLUG_FOREIGN.finditer(masked)),
            "act": sum(1 for _ in _SLUG_ACT.finditer(text)),
            "domestic": sum(1 for _ in _SLUG_DOMESTIC.finditer(masked))}


def slug_is_candidate(url: str) -> bool:
    """False only for a slug naming a plainly domestic topic and no foreign-affairs term."""
    c = slug_counts(url)
    return bool(c["strong"] or c["foreign"] or not c["domestic"])


# --- articles ---------------------------------------------------------------------------------
def _add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b.get(k, 0) for k in _CATEGORIES}


def _decide(head: dict, body: dict | None) -> bool | None:
    if head["strong"] or head["place"]:
        return True
    if head["foreign"] and head["act"]:
        return True
    if body is not None:
        sure = body["strong"] + body["place"]
        if sure >= 2 or (sure and body["foreign"]):
            return True
    if head["foreign"]:
        return None
    if body is not None and (body["strong"] or body["place"] or (body["foreign"] >= 2 and body["act"])):
        return None
    return False


def judge(title: str | None, lead: str | None, body: str | None, language: str | None = None,
          url: str | None = None, extra=None) -> bool | None:
    """True (foreign affairs), None (unsure: keep and flag) or False (off-topic)."""
    lang = _lang(language)
    head_text = " ".join(filter(None, (title, lead)))
    head = lang.counts(head_text)
    if url:
        head = _add(head, slug_counts(url))
    if extra is not None:
        head["strong"] += sum(1 for _ in extra.finditer(fold(head_text + " " + url_slug(url or ""))))
    if _decide(head, None) is True or not body:  # the body is read only when the headline does not settle it
        return _decide(head, None)
    body_counts = lang.counts(body[:BODY_CHARS])
    if extra is not None:
        body_counts["strong"] += sum(1 for _ in extra.finditer(fold(body[:BODY_CHARS])))
    return _decide(head, body_counts)


def is_foreign_affairs(title: str | None, lead: str | None, body: str | None, language: str | None = None) -> bool:
    """True when :func:`judge` is sure; unsure (None) and off-topic both give False."""
    return judge(title, lead, body, language) is True


def term_data() -> dict:
    """Everything the tagger's decisions depend on (hashed into :attr:`Tagger.version`)."""
    return {"rules": RULES, "body_chars": BODY_CHARS, "strong": T.STRONG, "places": T.PLACES,
            "foreign": T.FOREIGN, "acts": T.ACTS, "masks": T.MASKS, "slug_domestic": T.SLUG_DOMESTIC,
            "countries": COUNTRIES, "slug_act_skip": sorted(_SLUG_ACT_SKIP), "slug_lao_mask": _SLUG_LAO_MASK}


def data_hash() -> str:
    return hashlib.sha1(json.dumps(term_data(), ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class Tagger:
    """The tagger as the crawl uses it: the module's term lists plus ``TOPIC_EXTRA_TERMS`` (a
    setting: terms a user adds without a release; each counts as a strong term), and a ``version``
    that changes whenever any of those terms or rules does. Off-topic drops are recorded with that
    version, so a changed tagger reconsiders them (``scrapy rescope``) instead of leaving them
    unseen-but-lost."""

    def __init__(self, extra_terms=()):
        self.extra_terms = tuple(sorted({t.strip() for t in extra_terms if t and t.strip()}))
        self._extra_re = _compile(self.extra_terms) if self.extra_terms else None
        data = repr((data_hash(), self.extra_terms))
        self.version = hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]

    @classmethod
    def from_settings(cls, settings) -> Tagger:
        return cls(settings.getlist("TOPIC_EXTRA_TERMS", []))

    def judge(self, title, lead, body, language=None, url=None) -> bool | None:
        """True (foreign affairs), None (unsure: archived and flagged, never dropped) or False."""
        return judge(title, lead, body, language, url=url, extra=self._extra_re)

    def is_foreign_affairs(self, title, lead, body, language=None, url=None) -> bool:
        """Sure foreign affairs (``judge`` is True); for callers that want a bool."""
        return self.judge(title, lead, body, language, url) is True

    def slug_is_candidate(self, url: str) -> bool:
        if slug_is_candidate(url):
            return True
        return bool(self._extra_re is not None and self._extra_re.search(fold(url_slug(url))))

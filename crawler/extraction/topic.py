"""Foreign-affairs tagger: is an article about foreign relations / diplomacy?

Multilingual keyword and entity matching -- cheap, explainable, and good enough to keep
the two general-news sites (baohatinh.vn, vietnam.vn) to their foreign-affairs share.
Two entry points:

* :func:`is_foreign_affairs` on an extracted article (title + lead + body, any language);
* :func:`slug_is_candidate` on a URL alone, so the vietnam.vn spider can skip obviously
  off-topic pages (~1,500 a day) without fetching them. Slugs are Vietnamese without
  diacritics (``/en/<vietnamese-slug>``), whatever the page language.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

# Vietnamese stems, written without diacritics so one list serves text and URL slugs.
_VI_TERMS = (
    "ngoai giao", "doi ngoai", "ngoai vu", "quoc te", "hop tac quoc te", "dai su", "dai su quan",
    "lanh su", "bo ngoai giao", "nguoi viet nam o nuoc ngoai", "kieu bao", "nuoc ngoai", "hoi nhap",
    "song phuong", "da phuong", "lien hop quoc", "asean", "apec", "unesco", "hiep dinh", "hiep uoc",
    "tham chinh thuc", "chuyen tham", "hoi dam", "tiep xa giao", "tiep dai su", "doan cong tac nuoc ngoai",
    "quan he", "ket nghia", "bien gioi", "nuoc lao", "ban lao", "viet lao", "lao viet", "campuchia", "trung quoc",
    "han quoc", "nhat ban", "hoa ky",
    "thai lan", "savannakhet", "bolikhamxay", "khammouane", "bien dong", "nguoi viet", "fdi", "oda",
    "xuc tien dau tu", "xuc tien thuong mai", "tinh nghia", "huu nghi",
)
_TERMS = {
    "en": ("diplomac", "diplomat", "foreign affairs", "foreign minister", "foreign relations", "ambassador",
           "embassy", "consulate", "bilateral", "multilateral", "international cooperation", "overseas vietnamese",
           "external relations", "united nations", "asean", "apec", "unesco", "delegation", "treaty",
           "courtesy call", "official visit", "state visit", "friendship", "sister city", "memorandum of understanding"),
    "fr": ("diplomat", "affaires étrangères", "ambassad", "consulat", "bilatéra", "multilatéra",
           "coopération internationale", "relations extérieures", "nations unies", "délégation", "visite officielle",
           "amitié", "vietnamiens de l'étranger"),
    "nl": ("diplomat", "buitenlandse zaken", "ambassad", "consulaat", "bilatera", "multilatera",
           "internationale samenwerking", "verenigde naties", "delegatie", "staatsbezoek", "vriendschap"),
    "id": ("diplomat", "luar negeri", "kedutaan", "duta besar", "konsulat", "bilateral", "multilateral",
           "kerja sama internasional", "perserikatan bangsa", "delegasi", "kunjungan kenegaraan", "persahabatan"),
    "de": ("diplomat", "auswärtig", "außenminister", "botschaft", "konsulat", "bilateral", "multilateral",
           "internationale zusammenarbeit", "vereinte nationen", "delegation", "staatsbesuch", "freundschaft"),
    "es": ("diplomac", "diplomát", "asuntos exteriores", "relaciones exteriores", "embajad", "consulado", "bilateral",
           "multilateral", "cooperación internacional", "naciones unidas", "delegación", "visita oficial"),
}
# terms that alone say little; they count half
_WEAK = {"quan he", "nuoc ngoai", "hoi nhap", "trung quoc", "han quoc", "nhat ban", "hoa ky", "thai lan",
         "campuchia", "nguoi viet", "bien gioi", "fdi", "oda", "friendship", "delegation", "delegasi", "delegatie",
         "délégation", "amitié", "vriendschap", "persahabatan", "huu nghi", "tinh nghia"}

_WORD_EDGE = r"(?<![a-z0-9])"


def fold(text: str) -> str:
    """Lower case, Vietnamese diacritics and đ removed, hyphens as spaces (matches slugs too)."""
    text = text.lower().replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    # drop the combining marks (category Mn): a category() call per distinct character, not per character
    for mark in [c for c in set(text) if unicodedata.category(c) == "Mn"]:
        text = text.replace(mark, "")
    return re.sub(r"[-_/]+", " ", text)


def _compile(terms) -> re.Pattern:
    return re.compile(_WORD_EDGE + "(" + "|".join(re.escape(fold(t)) for t in sorted(terms, key=len, reverse=True)) + ")")


_VI_RE = _compile(_VI_TERMS)
_LANG_RE = {lang: _compile(terms) for lang, terms in _TERMS.items()}


def score(text: str, language: str | None = None) -> float:
    folded = fold(text)
    regexes = [_VI_RE] + ([_LANG_RE[language]] if language in _LANG_RE else list(_LANG_RE.values()))
    total = 0.0
    for regex in regexes:
        for m in regex.finditer(folded):
            total += 0.5 if m.group(1) in _WEAK else 1.0
    return total


def is_foreign_affairs(title: str | None, lead: str | None, body: str | None, language: str | None = None) -> bool:
    """True when the headline + sapo mention foreign affairs, or the body does so repeatedly."""
    head = " ".join(filter(None, (title, lead)))
    if score(head, language) >= 1.0:
        return True
    return score((body or "")[:6000], language) >= 3.0


def slug_is_candidate(url: str) -> bool:
    """A URL whose slug mentions a foreign-affairs term (prefilter before fetching)."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    return score(path.replace("-", " "), "en") >= 0.5


class Tagger:
    """The tagger as the crawl uses it: the module's term lists plus ``TOPIC_EXTRA_TERMS`` (a
    setting: terms a user adds without a release), and a ``version`` that changes whenever any
    of those terms or thresholds does. Off-topic drops are recorded with that version, so a
    changed tagger reconsiders them (``scrapy rescope``) instead of leaving them unseen-but-lost."""

    def __init__(self, extra_terms=()):
        self.extra_terms = tuple(sorted({t.strip() for t in extra_terms if t and t.strip()}))
        self._extra_re = _compile(self.extra_terms) if self.extra_terms else None
        data = repr((sorted(_VI_TERMS), sorted((k, sorted(v)) for k, v in _TERMS.items()), sorted(_WEAK),
                     self.extra_terms, (1.0, 3.0, 0.5)))
        self.version = hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]

    @classmethod
    def from_settings(cls, settings) -> Tagger:
        return cls(settings.getlist("TOPIC_EXTRA_TERMS", []))

    def _score(self, text: str, language: str | None) -> float:
        total = score(text, language)
        if self._extra_re is not None:
            total += sum(1.0 for _ in self._extra_re.finditer(fold(text)))
        return total

    def is_foreign_affairs(self, title, lead, body, language=None) -> bool:
        if self._score(" ".join(filter(None, (title, lead))), language) >= 1.0:
            return True
        return self._score((body or "")[:6000], language) >= 3.0

    def slug_is_candidate(self, url: str) -> bool:
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        return self._score(path.replace("-", " "), "en") >= 0.5

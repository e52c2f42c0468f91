"""vietnam.vn -- national platform republishing papers' articles, machine-translated.

Everything this project knows about vietnam.vn lives in this module (see SITES.md §3):
URLs ``https://www.vietnam.vn/<slug>`` (vi) and ``/<lang>/<same-slug>``; the page reads
header, H1, optional sapo, the source paper's name twice + ``dd/mm/yyyy``, body, a
localized "Source" link (or ``Source : <url>``), then ``Comment (N)``.
"""
from __future__ import annotations

import re
from functools import cached_property

from crawler.page import TextArticle
from crawler.text import looks_like_headline, looks_like_name, word_count

SITE = "vietnam.vn"
LANGUAGES = ("vi", "en", "fr", "nl", "id", "de", "es", "ru", "zh", "ja", "ko", "th", "lo", "km", "hi", "pt", "it")

HEADER = "Vietnam.vn - Nền tảng quảng bá Việt Nam"
#: the localized label of the link to the original article (casefolded)
SOURCE_LABELS = frozenset({
    "source", "nguồn", "bron", "sumber", "fuente", "quelle", "fonte", "источник", "출처", "ソース",
    "出典", "来源", "來源", "ที่มา", "ແຫຼ່ງທີ່ມາ", "ប្រភព", "स्रोत", "origine", "kilde", "källa", "źródło",
})
#: the comment counter that closes the article ("Comment (0)", "Reactie (0)", "Komentar (0)" ...)
COMMENT_RE = re.compile(r"^[^\W\d_]+(?:\s[^\W\d_]+)?\s*\(\d+\)$")
#: "Báo Quốc TếBáo Quốc Tế23/12/2023": the paper's logo alt + its name + the day
SOURCE_LINE_RE = re.compile(r"^(?P<name>\D{2,80}?)(?P=name)?\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})$")
RELATED_LABELS = frozenset({
    "tin liên quan", "related news", "related", "nouvelles connexes", "articles connexes",
    "gerelateerd nieuws", "gerelateerde nieuws", "berita terkait", "verwandte nachrichten",
    "noticias relacionadas", "notícias relacionadas", "notizie correlate", "похожие новости",
})
_URL_RE = re.compile(r"https?://\S+")


class VietnamvnText(TextArticle):
    site = SITE
    languages = LANGUAGES
    related_labels = RELATED_LABELS

    @classmethod
    def _footer(cls, lines: list[str]) -> tuple[int, int] | None:
        """(index of the source label line or -1, index of the comment counter)."""
        for i, line in enumerate(lines):
            if COMMENT_RE.match(line):
                for j in range(i - 1, max(-1, i - 4), -1):
                    if cls._source_label(lines[j]) is not None:
                        return j, i
                return -1, i
        return None

    @staticmethod
    def _source_label(line: str) -> str | None:
        """'' for a bare label line, the URL for ``Label : https://…``, None otherwise."""
        url = _URL_RE.search(line)
        label = (line[:url.start()] if url else line).strip().rstrip(":：").strip().casefold()
        if label not in SOURCE_LABELS:
            return None
        return url.group(0).rstrip(".,;") if url else ""

    @classmethod
    def recognize(cls, text: str) -> bool:
        if HEADER in text:
            return True
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        footer = cls._footer(lines)
        return footer is not None and footer[0] >= 0

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        start = lines.index(HEADER) + 1 if HEADER in lines else 0
        footer = self._footer(lines)
        end = len(lines)
        original = None
        if footer:
            end = footer[0] if footer[0] >= 0 else footer[1]
            if footer[0] >= 0:
                original = self._source_label(lines[footer[0]]) or None
        source_idx = next((i for i in range(start, end) if SOURCE_LINE_RE.match(lines[i])), None)
        title = lead = source = day = None
        if source_idx is not None:
            m = SOURCE_LINE_RE.match(lines[source_idx])
            source, day = m["name"].strip(), m["date"]
            head = lines[start:source_idx]
            body = lines[source_idx + 1:end]
        else:
            head, body = [], lines[start:end]
            if body and looks_like_headline(body[0]):
                head, body = [body[0]], body[1:]
            if len(body) >= 3:  # the sapo comes before the body; the dump lost the title or the date line
                head, body = head + [body[0]], body[1:]
        if head and (start > 0 or looks_like_headline(head[0]) or len(head) > 1):
            title, head = (head[0], head[1:]) if looks_like_headline(head[0]) else (None, head)
        lead = " ".join(head) or None
        authors: list[str] = []
        if body and word_count(body[-1]) <= 4 and looks_like_headline(body[-1]):
            trailer = body.pop()
            if word_count(trailer) >= 2 and looks_like_name(trailer):
                authors = [trailer]
        return {"title": title, "lead": lead, "body": body, "source": source, "day": day,
                "original": original, "authors": authors}

    def title(self):
        return self.layout["title"]

    def lead(self):
        return self.layout["lead"]

    def body(self):
        return "\n\n".join(self.clean_body(self.layout["body"])) or None

    def authors(self):
        return self.layout["authors"]

    def source_name(self):
        return self.layout["source"]

    def original_url(self):
        return self.layout["original"]

    def date(self):
        if self.layout["day"]:
            return self.layout["day"], "page"
        from crawler.dates import find_text_date

        raw = find_text_date(self.body() or "", self.page_language)
        return (raw, "text") if raw else (None, None)

"""baohatinh.vn -- Báo Hà Tĩnh, the Hà Tĩnh provincial paper.

Everything this project knows about baohatinh.vn lives in this module (see SITES.md §1):
articles at ``/<slug>-post<ID>.html``; the sapo starts ``(Baohatinh.vn) - ``; a
"Đọc thêm" block of related articles follows the body.
"""
from __future__ import annotations

import re
from functools import cached_property

from crawler.dates import find_text_date
from crawler.page import TextArticle
from crawler.text import looks_like_headline, looks_like_name, split_authors, word_count

SITE = "baohatinh.vn"
LANGUAGES = ("vi",)

#: "(Baohatinh.vn) - " at the start of the sapo
LEAD_PREFIX_RE = re.compile(r"^\(\s*Baohatinh(?:\.vn)?\s*\)\s*[-–—:]?\s*", re.IGNORECASE)
#: the labels that start the related-articles block after the body
END_LABELS = frozenset({"đọc thêm", "tin liên quan", "bài liên quan", "xem thêm", "tin cùng chuyên mục",
                        "cùng chuyên mục", "tin khác"})
_DATE_LINE_RE = re.compile(r"^(?:(?:Thứ\s+\w+|Chủ\s+nhật),?\s*)?\d{1,2}/\d{1,2}/\d{4}(?:\s*[-|,]?\s*\d{1,2}:\d{2})?"
                           r"(?:\s*\(GMT[+-]\d+\))?$", re.IGNORECASE)


class BaohatinhText(TextArticle):
    site = SITE
    languages = LANGUAGES

    @classmethod
    def recognize(cls, text: str) -> bool:
        return any(LEAD_PREFIX_RE.match(line.strip()) for line in text.split("\n")[:40])

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        sapo = next(i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line))
        head = lines[:sapo]
        day = next((line for line in head if _DATE_LINE_RE.match(line)), None)
        head = [line for line in head if line != day]
        title = next((line for line in head if looks_like_headline(line)), head[0] if head else None)
        after_title = head[head.index(title) + 1:] if title in head else []
        authors = [a for line in after_title if looks_like_name(line) for a in split_authors(line)]
        end = next((i for i in range(sapo + 1, len(lines)) if lines[i].casefold().strip(" :") in END_LABELS),
                   len(lines))
        body = lines[sapo + 1:end]
        if not authors and body and word_count(body[-1]) <= 6 and looks_like_name(body[-1]):
            authors = split_authors(body.pop())
        return {"title": title, "lead": LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None,
                "body": body, "day": day, "authors": authors}

    def title(self):
        return self.layout["title"]

    def lead(self):
        return self.layout["lead"]

    def body(self):
        return "\n\n".join(self.clean_body(self.layout["body"])) or None

    def authors(self):
        return self.layout["authors"]

    def date(self):
        if self.layout["day"]:
            return self.layout["day"], "page"
        raw = find_text_date(self.body() or "", "vi")
        return (raw, "text") if raw else (None, None)

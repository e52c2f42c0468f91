"""baoquocte.vn -- Báo Thế giới & Việt Nam (TG&VN), the Ministry of Foreign Affairs paper (MasterCMS).

Everything this project knows about baoquocte.vn lives in this module (see SITES.md §2):
articles at ``/<slug>-<ID>.html``; kicker, title, byline, sapo (often ``TGVN.``), the
"Theo dõi Baoquocte.vn trên" widget, ``dd/mm/yyyy HH:MM`` date, body with inline
"Tin liên quan" boxes and image tables captioned ``(Ảnh: …)``.
"""
from __future__ import annotations

import re
from functools import cached_property

from crawler.dates import find_text_date
from crawler.page import TextArticle
from crawler.text import looks_like_headline, looks_like_name, split_authors, word_count

SITE = "baoquocte.vn"
LANGUAGES = ("vi", "en")

LEAD_PREFIX_RE = re.compile(r"^(?:TGVN|TG&VN|WVR)\s*[.:\-–]\s*")
FOLLOW_WIDGET_RE = re.compile(r"^Theo dõi\s+(?:Baoquocte\.vn|TG&VN|Báo TG&VN)", re.IGNORECASE)
DATE_LINE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
RELATED_LABELS = frozenset({"tin liên quan", "bài liên quan", "related news", "xem thêm"})
END_LABELS = frozenset({"tin cùng chuyên mục", "tin bài liên quan", "bình luận", "gửi bình luận",
                        "ý kiến bạn đọc", "tin mới nhất", "đọc nhiều"})


class BaoquocteText(TextArticle):
    site = SITE
    languages = LANGUAGES
    related_labels = RELATED_LABELS

    @classmethod
    def recognize(cls, text: str) -> bool:
        head = [line.strip() for line in text.split("\n")[:60]]
        return any(FOLLOW_WIDGET_RE.match(line) or LEAD_PREFIX_RE.match(line) for line in head)

    @cached_property
    def layout(self) -> dict:
        lines = [line for line in self.lines if not FOLLOW_WIDGET_RE.match(line)]
        sapo = next((i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line)), None)
        if sapo is None:
            sapo = next(i for i, line in enumerate(lines) if word_count(line) > 25)
        head = lines[:sapo]
        day = next((line for line in lines[:sapo + 3] if DATE_LINE_RE.search(line) and word_count(line) <= 8), None)
        head = [line for line in head if line != day]
        kicker = [line for line in head if line.endswith(":") and line.upper() == line]
        head = [line for line in head if line not in kicker]
        title = next((line for line in head if looks_like_headline(line) and word_count(line) > 3),
                     head[0] if head else None)
        rest = head[head.index(title) + 1:] if title in head else []
        authors = split_authors(rest[0]) if rest and looks_like_name(rest[0]) else []
        body_start = sapo + 1
        if body_start < len(lines) and lines[body_start] == day:
            body_start += 1
        end = next((i for i in range(body_start, len(lines)) if lines[i].casefold().strip(" :") in END_LABELS),
                   len(lines))
        body = [line for line in lines[body_start:end] if line != day]
        return {"title": title, "lead": LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None, "body": body,
                "day": day, "authors": authors, "section": kicker[0].rstrip(":").strip() if kicker else None}

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

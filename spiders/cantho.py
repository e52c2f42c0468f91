"""Can Tho Department of External Relations portal (Liferay 6), ``1cua.songoaivu.cantho.gov.vn``.

Everything this project knows about the portal lives in this module (see SITES.md §4):
an Asset Publisher portlet titled "Can Tho Foreign Affairs News", a "« Back" link, the
title, the representative image ("Hình đại diện") and its caption, the English body, a
byline, then side portlets and the footer. Dates appear only in the prose.
"""
from __future__ import annotations

from functools import cached_property

from crawler.dates import find_text_date
from crawler.page import TextArticle
from crawler.text import looks_like_name, split_authors, word_count

SITE = "songoaivu.cantho.gov.vn"
LANGUAGES = ("en", "vi")

PORTLET_TITLES = frozenset({"can tho foreign affairs news", "tin đối ngoại cần thơ"})
#: UI strings of the portal around the article (casefolded)
UI_LINES = frozenset({"link", "useful information", "thông tin hữu ích", "no records", "không có dữ liệu",
                      "« back", "« quay lại", "«back", "back", "quay lại"} | PORTLET_TITLES)
IMAGE_ALT = "hình đại diện"
#: where the article ends: side portlets and the footer
FOOTER_LINES = frozenset({"photos", "hình ảnh", "ads", "quảng cáo", "hit counter", "online", "total",
                          "lượt truy cập", "đang truy cập", "tổng lượt truy cập", "other news", "các tin khác",
                          "tin khác", "related news", "tin liên quan"})
FOOTER_PREFIXES = ("- ", "© ", "©", "Address:", "Địa chỉ:", "Tel", "Điện thoại")
CAPTION_MAX_WORDS = 50


class CanthoText(TextArticle):
    site = SITE
    languages = LANGUAGES

    @classmethod
    def recognize(cls, text: str) -> bool:
        lines = {line.strip().casefold() for line in text.split("\n")}
        return bool(lines & PORTLET_TITLES) or "can tho department of external relations" in text.casefold() \
            or (IMAGE_ALT in lines and bool(lines & {"« back", "« quay lại"}))

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        folded = [line.casefold() for line in lines]
        start = max((i + 1 for i, f in enumerate(folded) if f in PORTLET_TITLES), default=0)
        while start < len(lines) and (folded[start] in UI_LINES or folded[start].startswith("«")):
            start += 1
        title = lines[start] if start < len(lines) else None
        i = start + 1
        caption = None
        if i < len(lines) and folded[i] == IMAGE_ALT:
            i += 1
            # the first paragraph under the image is its caption unless it already tells the story
            if i < len(lines) and word_count(lines[i]) <= CAPTION_MAX_WORDS and not find_text_date(lines[i], "en"):
                caption, i = lines[i], i + 1
        end = next((j for j in range(i, len(lines))
                    if folded[j] in FOOTER_LINES or lines[j].startswith(FOOTER_PREFIXES)), len(lines))
        body = [line for line in lines[i:end] if line.casefold() != IMAGE_ALT]
        authors: list[str] = []
        if body and word_count(body[-1]) <= 6 and looks_like_name(body[-1]):
            authors = split_authors(body.pop())
        return {"title": title, "body": body, "caption": caption, "authors": authors}

    def title(self):
        return self.layout["title"]

    def body(self):
        return "\n\n".join(self.clean_body(self.layout["body"])) or None

    def authors(self):
        return self.layout["authors"]

    def date(self):
        raw = find_text_date(self.body() or "", self.page_language)
        return (raw, "text") if raw else (None, None)

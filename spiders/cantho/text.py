"""cantho: the text-dump parser (a page saved as text -> ArticleItem)."""

from __future__ import annotations

from functools import cached_property

from crawler.extraction.text_page import TextArticle
from spiders.cantho.rules import (
    FOOTER_LINE_RE,
    FOOTER_LINES,
    HOSTS,
    IMAGE_ALT,
    LANGUAGES,
    PORTLET_TITLES,
    SITE,
    UI_LINES,
    canonical_url,
    is_image_caption,
    split_byline,
)


def _is_footer(line: str) -> bool:
    """A side-portlet title or a footer line (also as an item of the "- …" list before it)."""
    bare = line[2:] if line.startswith("- ") else line
    return bare.casefold() in FOOTER_LINES or bool(FOOTER_LINE_RE.match(bare))


class CanthoText(TextArticle):
    site = SITE
    hosts = HOSTS
    #: the page URL's dedup key, by the same rules as the site's HTML pages
    canonicalize = staticmethod(canonical_url)
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
            if i < len(lines) and is_image_caption(lines[i], lines[i + 1] if i + 1 < len(lines) else None):
                caption, i = lines[i], i + 1
        end = next((j for j in range(i, len(lines)) if _is_footer(lines[j])), len(lines))
        body = [line for line in lines[i:end] if line.casefold() != IMAGE_ALT]
        while body and body[-1].startswith("- "):  # the list of the section's other articles
            body.pop()
        body, authors = split_byline(body)
        return {"title": title, "body": body, "caption": caption, "authors": authors}

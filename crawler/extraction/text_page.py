"""The base of the text-dump parsers: a page saved as text (what ``scrapy crawl seeds`` replays).

The text carries no tags, so each site declares line rules instead of selectors; the rules
that hold for every site (alt lines, captions, copied tables, related boxes) live here.
"""
from __future__ import annotations

from functools import cached_property

from crawler.extraction.dates import find_text_date
from crawler.extraction.page import BasePage
from crawler.extraction.text import (
    detect_language,
    is_numbered_alt,
    is_photo_caption,
    is_running_text,
    is_table_caption,
    is_vietnamese,
    looks_like_headline,
    normalize_text,
    strip_table_pipes,
)


class TextArticle(BasePage):
    """A text-only dump of a page. Subclasses declare how to recognize and split their site's text.

    The dump has no tags, so images show up as their alt text and captions show up as
    lines. :meth:`clean_body` removes them with rules that hold for every site (an alt
    line repeating the title or left untranslated, a photo-credit caption, a caption cell
    of a copied table, a short headline-like line right after an image); a site adds its
    own labels (related-news boxes) through :attr:`related_labels`.
    """

    #: casefolded labels of inline related-article boxes; the label and the line after it go
    related_labels: frozenset[str] = frozenset()
    #: what is stripped around a label before it is looked up ("Tin liên quan:")
    label_strip = " :"

    def __init__(self, text: str, url: str):
        self.text = normalize_text(text) or ""
        self.url = url
        self.lines = [line for line in self.text.split("\n") if line.strip()]

    @classmethod
    def recognize(cls, text: str) -> bool:
        raise NotImplementedError

    @cached_property
    def layout(self) -> dict:
        """The dump split into zones: ``title``, ``lead``, ``body`` (lines), ``authors``,
        ``day`` (a date line), ``source``, ``original``. Each site defines it; the fields
        below read it."""
        raise NotImplementedError

    def title(self):
        return self.layout.get("title")

    def lead(self):
        return self.layout.get("lead")

    def body(self):
        return "\n\n".join(self.clean_body(self.layout["body"])) or None

    def authors(self):
        return self.layout.get("authors") or []

    def source_name(self):
        return self.layout.get("source")

    def original_url(self):
        return self.layout.get("original")

    def date(self):
        """The page's own date line when the dump has one, else the first date in the story."""
        if self.layout.get("day"):
            return self.layout["day"], "page"
        raw = find_text_date(self.body() or "", self.page_language)
        return (raw, "text") if raw else (None, None)

    @cached_property
    def page_language(self) -> str:
        """The article's language, judged on the lines not in Vietnamese (alt texts stay Vietnamese)."""
        foreign = [line for line in self.lines if not is_vietnamese(line)]
        if sum(map(len, foreign)) < 0.3 * max(1, sum(map(len, self.lines))):
            return "vi"
        return detect_language("\n".join(foreign), tuple(c for c in self.languages if c != "vi") or None) \
            or self.languages[0]

    def language(self) -> str | None:
        return self.page_language

    def is_alt(self, line: str) -> bool:
        """An image alt text: the title repeated, a numbered alt, or Vietnamese in a translation."""
        return (line == self.title() or is_numbered_alt(line)
                or (self.page_language != "vi" and is_vietnamese(line)))

    # --- hooks of clean_body: a site whose text differs (other scripts...) overrides them ------
    def is_caption(self, line: str) -> bool:
        """A photo caption or a copied table's caption cell."""
        return is_photo_caption(line) or is_table_caption(line)

    def is_short_headline(self, line: str, max_words: int) -> bool:
        return looks_like_headline(line, max_words)

    def is_further_related_item(self, first: str, line: str) -> bool:
        """After a related label and its first item, whether ``line`` is one more item of the box."""
        return False

    def tidy(self, line: str) -> str:
        """A last per-line repair of a body line."""
        return line

    def clean_body(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        after_image = skip_next = False
        first_item = None  # the related box being skipped: its first item
        for line in lines:
            if skip_next:
                skip_next, first_item = False, line
                continue
            if first_item is not None:
                if self.is_further_related_item(first_item, line):
                    continue
                first_item = None
            if line.casefold().strip(self.label_strip) in self.related_labels:
                skip_next, after_image = True, False
                continue
            if self.is_alt(line):
                after_image = True
                continue
            if self.is_caption(line):
                after_image = False
                continue
            if after_image and self.is_short_headline(line, 30) and not is_running_text(line):
                after_image = False
                continue
            line, after_image = strip_table_pipes(line)
            line = self.tidy(line) if line else line
            if line:
                out.append(line)
        return out

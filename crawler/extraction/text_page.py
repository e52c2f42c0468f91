"""The base of the text-dump parsers: a page saved as text (what ``scrapy crawl seeds`` replays).

The text carries no tags, so each site declares line rules instead of selectors; the rules
that hold for every site (alt lines, captions, copied tables, related boxes, a page store's
artefacts) live here.
"""
from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.extraction.dates import find_text_date, text_gives_year
from crawler.extraction.limits import HEADLINE_MAX_WORDS
from crawler.extraction.page import BasePage, NotAnArticle
from crawler.extraction.text import (
    detect_language,
    is_image_file_name,
    is_numbered_alt,
    is_photo_caption,
    is_running_text,
    is_slug_alt,
    is_table_caption,
    is_vietnamese,
    looks_like_headline,
    normalize_text,
    strip_store_artefacts,
    strip_table_pipes,
)
from crawler.items import ArticleItem

#: a four-digit year written in a date phrase
YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


class TextArticle(BasePage):
    """A text-only dump of a page. Subclasses declare how to recognize and split their site's text.

    The dump has no tags, so images show up as their alt text and captions show up as
    lines. :meth:`clean_body` removes them with rules that hold for every site (an alt
    line repeating the title or left untranslated, a photo-credit caption, a caption cell
    of a copied table, a short headline-like line right after an image); a site adds its
    own labels (related-news boxes) through :attr:`related_labels`.
    """

    #: the site's hosts: a URL on one of them or a subdomain of one belongs to this parser
    hosts: tuple[str, ...] = ()
    #: URLs of the site that are never an article (tag and listing pages)
    listing_url_re: re.Pattern | None = None
    #: casefolded labels of inline related-article boxes; the label and the line after it go
    related_labels: frozenset[str] = frozenset()
    #: what is stripped around a label before it is looked up ("Tin liên quan:")
    label_strip = " :"

    def __init__(self, text: str, url: str, capture_time_known: bool = True):
        self.text = normalize_text(self.clean_dump(text)) or ""
        self.url = url
        #: False for a page store's dump (a manifest row without ``fetched_at``): when the page
        #: was captured is unknown, so the fetch time cannot complete a year-less dateline
        self.capture_time_known = capture_time_known
        self.lines = [line for line in self.text.split("\n") if line.strip()]
        #: the language the page URL names (vietnam.vn's ``/<lang>/``): the strongest evidence
        self.url_lang = self.url_language(url) if self.owns_url(url) else None

    @classmethod
    def recognize(cls, text: str) -> bool:
        raise NotImplementedError

    @classmethod
    def owns_url(cls, url: str) -> bool:
        """``url`` is a page of this site (its host or a subdomain of it)."""
        host = (urlsplit(url).hostname or "").lower() if url.startswith(("http://", "https://")) else ""
        return bool(host) and any(host == h or host.endswith("." + h) for h in cls.hosts)

    @classmethod
    def url_language(cls, url: str) -> str | None:
        """The language a page URL of the site names, if the site puts it there."""
        return None

    @classmethod
    def clean_dump(cls, text: str) -> str:
        """The dump without what a page store adds around a page's text (its date prefix, markdown
        image stubs, ad placeholders): see :func:`crawler.extraction.text.strip_store_artefacts`."""
        return strip_store_artefacts(text)

    def not_article(self) -> str | None:
        """Why this page is not an article (a tag or listing page), or None."""
        if self.listing_url_re is not None and self.owns_url(self.url) and self.listing_url_re.search(self.url):
            return "a listing page by its URL"
        return None

    def to_item(self) -> ArticleItem:
        reason = self.not_article()
        if reason:
            raise NotAnArticle(f"{self.url}: {reason}")
        return super().to_item()

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

    #: a dateline sits in the opening words of its paragraph ("Sáng 18/12, …", "On the morning of
    #: January 10, 2023, …", "Trong khuôn khổ chuyến thăm, chiều 18/12, …"): a date deeper in a
    #: sentence is an event's or a document's ("Chỉ thị số 15-CT/TW ngày 10/8/2022")
    dateline_reach = 60
    #: the story's opening paragraphs that may carry its dateline (after the sapo, if any)
    dateline_paragraphs = 1
    #: a full date before this year is history, not the article's date
    min_text_year = 2005

    def date(self):
        """The page's own date line when the dump has one; else the dateline that opens the sapo
        or the story's first paragraph (not a date deep in a sentence or further down the story:
        an event's; not history). Its year is the text's own (written in it, or a full date
        elsewhere in the text), else the fetch time's (crawler.extraction.dates.infer_year) --
        unless the dump's capture time is unknown (a page store's text): then a year-less
        dateline is not guessed, and the article stays undated (tests/fixtures/real/README.md,
        "Dates: the convention")."""
        if self.layout.get("day"):
            return self.layout["day"], "page"
        raw = self.dateline()
        return (raw, "text") if raw else (None, None)

    def dateline(self) -> str | None:
        """The raw dateline of :meth:`date`, or None."""
        lead = self.lead()
        body = self.body() or ""
        context = "\n".join(filter(None, (self.title(), lead, body)))
        for para in ([lead] if lead else []) + body.split("\n\n")[:self.dateline_paragraphs]:
            rest, offset = para, 0
            while rest:
                raw = find_text_date(rest, self.page_language)
                if not raw:
                    break
                at = max(rest.find(raw), 0)
                digits = re.search(r"\d", raw)
                if offset + at + (digits.start() if digits else 0) > self.dateline_reach:
                    break
                year = text_gives_year(raw, context, self.page_language)
                if year is None and self.capture_time_known and not YEAR_RE.search(raw):
                    return raw  # the pipeline completes it from the fetch time
                if year is not None and year >= self.min_text_year:
                    return raw
                cut = at + len(raw)
                rest, offset = rest[cut:], offset + cut
        return None

    @cached_property
    def page_language(self) -> str:
        """The article's language: the URL's when it names one; else judged on the lines not in
        Vietnamese (alt texts stay Vietnamese)."""
        if self.url_lang:
            return self.url_lang
        foreign = [line for line in self.lines if not is_vietnamese(line)]
        if sum(map(len, foreign)) < 0.3 * max(1, sum(map(len, self.lines))):
            return "vi"
        return detect_language("\n".join(foreign), tuple(c for c in self.languages if c != "vi") or None) \
            or self.languages[0]

    def language(self) -> str | None:
        return self.page_language

    def is_alt(self, line: str) -> bool:
        """An image alt text: the title repeated, a numbered alt, or Vietnamese in a translation."""
        return (line == self.title() or is_numbered_alt(line) or is_image_file_name(line)
                or is_slug_alt(line, self.title(), self.page_language)
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
            if after_image and self.is_short_headline(line, HEADLINE_MAX_WORDS) and not is_running_text(line):
                after_image = False
                continue
            line, after_image = strip_table_pipes(line)
            line = self.tidy(line) if line else line
            if line:
                out.append(line)
        return out

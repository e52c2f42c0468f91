"""baohatinh: the text-dump parser (a page saved as text -> ArticleItem)."""

from __future__ import annotations

import re
from functools import cached_property

from crawler.extraction.byline import PAREN_TAIL_RE
from crawler.extraction.limits import AUTHOR_MAX_WORDS, HEADLINE_MAX_WORDS
from crawler.extraction.text import (
    is_running_text,
    looks_like_headline,
    looks_like_name,
    split_authors,
    word_count,
)
from crawler.extraction.text_page import TextArticle
from spiders.baohatinh.rules import (
    BYLINE_TIME_RE,
    CAPTION_MAX_WORDS,
    CLAUSE_OPENING_RE,
    CLOSING_LABELS,
    DATE_LINE_RE,
    END_LABELS,
    HOSTS,
    LABELLED_LINK_RE,
    LANGUAGES,
    LEAD_PREFIX_RE,
    LISTING_URL_RE,
    SECTION_LABELS,
    SITE,
    TOPIC_LABEL_RE,
    canonical_url,
    is_credit_caption,
    is_link_headline,
)


def _is_caption_sentence(line: str) -> bool:
    """The one-sentence line under a photo ("Quang cảnh buổi làm việc.")."""
    text = line.strip()
    if not text or word_count(text) > CAPTION_MAX_WORDS or text.startswith(("“", '"', "-", "+", "•")):
        return False
    if re.search(r"[.!?…]\s+\S", text):  # two sentences: a paragraph
        return False
    if is_running_text(text):
        return False
    return not CLAUSE_OPENING_RE.match(text)


class BaohatinhText(TextArticle):
    site = SITE
    hosts = HOSTS
    listing_url_re = LISTING_URL_RE
    #: the page URL's dedup key, by the same rules as the site's HTML pages
    canonicalize = staticmethod(canonical_url)
    languages = LANGUAGES

    @classmethod
    def recognize(cls, text: str) -> bool:
        return any(LEAD_PREFIX_RE.match(line.strip()) for line in text.split("\n")[:40])

    @staticmethod
    def _related_block_end(lines: list[str], start: int, stop: int, title: str | None = None) -> int | None:
        """Where an inline related box opened by the label at ``start`` ends (the index of the
        first line after its headlines), or None when the label opens the trailing block of
        related cards (their headline repeated: thumbnail alt + link) that closes the article.

        The last label of the dump opens the closing block when it is one of :data:`CLOSING_LABELS`
        or when a card (a headline twice, not the article's own title: two photos in a row) follows
        anywhere after it: its first card may have no thumbnail ("Title", summary, "Title", "Title"...)."""
        later = [k for k in range(start + 1, stop) if lines[k].casefold().strip(" :") in END_LABELS]
        if not later:
            if lines[start].casefold().strip(" :") in CLOSING_LABELS:
                return None
            if any(lines[k] == lines[k + 1] != title for k in range(start + 1, stop - 1)):
                return None
        j = start + 1
        while j < stop and j <= start + 4:
            if j + 1 < stop and lines[j] == lines[j + 1]:
                return None  # cards: "Title", "Title", summary...
            if not looks_like_headline(lines[j], HEADLINE_MAX_WORDS):
                break
            j += 1
        if j == start + 1 or j >= stop:
            return None  # nothing but headlines to the end: the trailing block
        return j

    def _unmarked_head(self) -> tuple[int | None, int, list[str]]:
        """The sapo's index (or None), where the body starts and the lines above both in a dump
        without the "(Baohatinh.vn) - " mark
        (an old-site page, a print page, a dump that starts at the body): a leading date line and
        section label ("Emagazine") go to the head; a headline-shaped first line is the title
        (printed twice on an e-magazine page, which has no sapo); the paragraph after a single
        title is the sapo. A dump that opens on a paragraph starts at the body: no title, no sapo."""
        lines, head, i = self.lines, [], 0
        while i < len(lines) and (DATE_LINE_RE.match(lines[i]) or lines[i].casefold() in SECTION_LABELS):
            head.append(lines[i])
            i += 1
        if i < len(lines) and looks_like_headline(lines[i]) and word_count(lines[i]) >= 4:
            head.append(lines[i])
            i += 1
            if i < len(lines) and lines[i] == head[-1]:
                return None, i + 1, head  # the title twice: the e-magazine layout, no sapo
            if i + 1 < len(lines) and not looks_like_headline(lines[i]):
                return i, i + 1, head
        return None, i, head

    @cached_property
    def layout(self) -> dict:
        lines = self.lines
        sapo = next((i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line)), None)
        if sapo is None:
            sapo, start, head = self._unmarked_head()
        else:
            start, head = sapo + 1, lines[:sapo]
        day = next((line for line in head if DATE_LINE_RE.match(line)), None)
        byline_time = next((m for m in map(BYLINE_TIME_RE.match, head)
                            if m and looks_like_name(m["name"]) and not DATE_LINE_RE.match(m.string)), None)
        head = [line for line in head if line != day and line.casefold() not in SECTION_LABELS
                and not (byline_time and line == byline_time.string)]
        if byline_time and not day:
            day = byline_time["when"]
        title = next((line for line in head if looks_like_headline(line)), head[0] if head else None)
        after_title = head[head.index(title) + 1:] if title in head else []
        authors = [a for line in after_title if looks_like_name(line) for a in split_authors(line)]
        if byline_time and not authors:
            authors = split_authors(byline_time["name"])
        lead = LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None if sapo is not None else None
        body: list[str] = []
        i = start
        while i < len(lines):
            if lines[i].casefold().strip(" :") in END_LABELS or TOPIC_LABEL_RE.match(lines[i]):
                resume = self._related_block_end(lines, i, len(lines), title)
                if resume is None:
                    break
                i = resume  # an inline "Tin liên quan" box: its label and headlines go
                continue
            body.append(lines[i])
            i += 1
        # a trailing byline, possibly with a note after the name ("Thu Hà (thực hiện)", "Minh Anh (tổng hợp)")
        name = PAREN_TAIL_RE.sub("", body[-1]) if body else ""
        if not authors and name and word_count(name) <= AUTHOR_MAX_WORDS and looks_like_name(name):
            body.pop()
            authors = split_authors(name)
        return {"title": title, "lead": lead, "body": body, "day": day, "authors": authors}

    def clean_body(self, lines: list[str]) -> list[str]:
        """Before the shared rules: a related card inside the body (its headline twice: thumbnail
        alt + link), captions ending with a photo credit, and the one-sentence caption right
        under a photo (the title repeated as its alt)."""
        title = self.title()
        kept: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if (i + 1 < len(lines) and lines[i + 1] == line and line != title
                    and looks_like_headline(line, HEADLINE_MAX_WORDS)):
                i += 2
                continue
            if is_credit_caption(line):
                i += 1
                continue
            labelled = LABELLED_LINK_RE.match(line)
            if labelled and is_link_headline(labelled["rest"]):
                i += 1  # "Xem thêm: <headline>", an inline related link
                continue
            if line == title and i + 1 < len(lines) and is_credit_caption(lines[i + 1]):
                i += 2  # a photo (its alt) and its credited caption: the photo ends there
                continue
            kept.append(line)
            if line == title and i + 1 < len(lines) and lines[i + 1] != title \
                    and _is_caption_sentence(lines[i + 1]):
                i += 2
                continue
            i += 1
        return super().clean_body(kept)

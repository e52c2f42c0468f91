"""vietnamvn: the text-dump parser (a page saved as text -> ArticleItem)."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.extraction.text import (
    is_numbered_alt,
    is_running_text,
    is_table_caption,
    is_vietnamese,
)
from crawler.extraction.text_page import TextArticle
from spiders.vietnamvn.rules import (
    CAPTION_MAX_WORDS,
    COMMENT_RE,
    HEADER,
    HOSTS,
    LANGUAGES,
    PAPER_PREFIX_RE,
    RELATED_LABELS,
    SHORT_CAPTION_WORDS,
    SITE,
    SOURCE_LINE_LOOSE_RE,
    SOURCE_LINE_RE,
    headline_like,
    is_cell_caption,
    is_cell_paragraph,
    is_credit_caption,
    is_one_sentence,
    is_one_sentence_caption,
    no_space_script,
    source_label,
    source_line_name,
    split_trailer,
    strip_language_artefact,
    url_language,
    words,
)


def doubled_title(line: str) -> bool:
    """A related card as a text dump renders it: the linked title twice ("T T", "T. T .")."""
    text = line.strip().rstrip(" .")
    half = len(text) // 2
    for mid in range(max(1, half - 2), half + 3):
        left, right = text[:mid].strip(" ."), text[mid:].strip(" .")
        if left and left == right and words(left) >= 3:
            return True
    return False


class VietnamvnText(TextArticle):
    site = SITE
    hosts = HOSTS
    #: the page URL's dedup key, by the same rules as the site's HTML pages
    languages = LANGUAGES
    related_labels = RELATED_LABELS

    @classmethod
    def _footer(cls, lines: list[str]) -> tuple[int, int] | None:
        """(index of the source label line or -1, index of the comment counter)."""
        for i, line in enumerate(lines):
            if COMMENT_RE.match(line):
                for j in range(i - 1, max(-1, i - 4), -1):
                    if source_label(lines[j]) is not None:
                        return j, i
                return -1, i
        return None

    _source_label = staticmethod(source_label)

    @classmethod
    def url_language(cls, url: str) -> str | None:
        return url_language(urlsplit(url).path)

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
                original = source_label(lines[footer[0]]) or None
        source_idx = next((i for i in range(start, min(end, start + 6)) if SOURCE_LINE_RE.match(lines[i])
                           or (SOURCE_LINE_LOOSE_RE.match(lines[i]) and len(lines[i]) <= 100)), None)
        title = lead = source = day = None
        if source_idx is not None:
            m = SOURCE_LINE_RE.match(lines[source_idx]) or SOURCE_LINE_LOOSE_RE.match(lines[source_idx])
            source, day = source_line_name(m["name"]), m["when"] if "when" in m.re.groupindex else m["date"]
            head = lines[start:source_idx]
            body = lines[source_idx + 1:end]
        elif start > 0:  # the masthead, no source line: the title and sapo under it
            head, body = [], self._skip_leading_image(lines[start:end])
            if body and headline_like(body[0]):
                head, body = [body[0]], body[1:]
            if len(body) >= 3:  # the sapo comes before the body; the dump lost the date line
                head, body = head + [body[0]], body[1:]
        else:  # no masthead, no source line: the dump starts at the body, often mid-article
            head, body = [], self._skip_leading_image(lines[start:end])
            if len(body) >= 3 and is_cell_paragraph(body[1], self.page_language):
                # a paper's article copied whole: its sapo, then the first paragraph in the table
                # cell of the lead photo ("… |"), as baohatinh.vn's layout renders
                head, body = [body[0]], body[1:]
        if head and (start > 0 or headline_like(head[0]) or len(head) > 1):
            # under the masthead, the first of two lines is the title even with a full stop
            # ("… visited the Department of Foreign Affairs of Dong Nai province.") [real corpus]
            titled = headline_like(head[0]) or (start > 0 and len(head) > 1 and words(head[0]) <= 40
                                                and words(head[0]) < words(head[1]))
            title, head = (head[0], head[1:]) if titled else (None, head)
        lead = " ".join(head) or None
        if lead is None and body and PAPER_PREFIX_RE.match(body[0]):
            lead, body = body[0], body[1:]  # the paper's sapo, kept under the source line
        if lead:
            lead = PAPER_PREFIX_RE.sub("", lead).strip() or None
        body, authors = split_trailer(body)
        return {"title": title, "lead": lead, "body": body, "source": source, "day": day,
                "original": original, "authors": authors}

    def _skip_leading_image(self, lines: list[str]) -> list[str]:
        """A dump without its header may open on the lead image: its alt line (Vietnamese in a
        translation, or ``… - Ảnh 1.``) and caption are neither the title nor the sapo."""
        i = 0
        while i < len(lines):
            line = lines[i]
            if is_numbered_alt(line) or (self.page_language != "vi" and is_vietnamese(line)
                                         and headline_like(line, 40)):
                i += 1
                if i < len(lines) and (is_credit_caption(lines[i]) or is_table_caption(lines[i])):
                    i += 1  # its caption
                continue
            if is_credit_caption(line) or is_table_caption(line) or is_cell_caption(line, self.page_language) \
                    or (no_space_script(line) and is_one_sentence_caption(line)):
                i += 1
                continue
            break
        return lines[i:]

    # TextArticle.clean_body with sizes and credits read in every script of the platform: a
    # Chinese or Japanese paragraph is one "word" without a full stop, so the shared rule would
    # take it for the caption under an image, and its captions credit "（写真：…）"
    label_strip = " :："

    def is_caption(self, line: str) -> bool:
        return is_credit_caption(line) or is_table_caption(line) or is_cell_caption(line, self.page_language)

    def clean_body(self, lines: list[str]) -> list[str]:
        """An image's alt text comes right before its credited caption, in the article's own
        language too (a Vietnamese page, or an alt translated with the page): a short headline-like
        line directly followed by a caption is that alt, not a paragraph."""
        kept = [line for i, line in enumerate(lines)
                if not (i + 1 < len(lines) and self.is_caption(lines[i + 1])
                        and not self.is_caption(line) and headline_like(line, 30)
                        and not is_running_text(line)
                        and line.casefold().strip(self.label_strip) not in self.related_labels)]
        kept = [line for i, line in enumerate(kept) if not self._is_uncredited_caption(kept, i)]
        return super().clean_body(kept)

    @cached_property
    def _block_openers(self) -> set[tuple[str, str]]:
        """(first line, second line) of each blank-line separated block of two lines -- a caption
        glued to its paragraph -- when the dump separates its paragraphs by blank lines at all (a
        longer block is a run of paragraphs the dump did not separate)."""
        blocks = [[x.strip() for x in b.split("\n") if x.strip()] for b in re.split(r"\n\s*\n", self.text)]
        if sum(1 for b in blocks if b) < 3:
            return set()
        return {(b[0], b[1]) for b in blocks if len(b) == 2}

    def _is_uncredited_caption(self, lines: list[str], i: int) -> bool:
        """A caption the translation left without its credit: one sentence closed by a full stop,
        either glued above the paragraph that follows it (no blank line between, where the dump
        separates paragraphs by blank lines), right under the image's alt, or a short one under
        the sapo or a paragraph twice its length and above a longer one. Never a line of a no-space
        script (see is_one_sentence_caption), a list's opening line or a quote."""
        line = lines[i]
        if i + 1 >= len(lines) or not is_one_sentence(line) \
                or is_running_text(line) or line.startswith(("“", '"', "«", "„", "-", "–", "•", "+")):
            return False
        n = words(line)
        if n <= CAPTION_MAX_WORDS and ((line, lines[i + 1]) in self._block_openers
                                       or (i > 0 and self.is_alt(lines[i - 1]))):
            return True  # glued above its paragraph, or right under the image's alt
        return (n <= SHORT_CAPTION_WORDS and (i == 0 or words(lines[i - 1]) >= 2 * n)
                and words(lines[i + 1]) > n)

    def is_short_headline(self, line: str, max_words: int) -> bool:
        return headline_like(line, max_words)

    def is_further_related_item(self, first: str, line: str) -> bool:
        """The box's further items, in the style of its first: a "Title Title" card, or a plain
        short headline when the first item was one."""
        return doubled_title(line) or (not doubled_title(first) and headline_like(line, 25))

    def tidy(self, line: str) -> str:
        return strip_language_artefact(line, self.page_language)

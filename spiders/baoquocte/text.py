"""baoquocte: the text-dump parser (a page saved as text -> ArticleItem)."""

from __future__ import annotations

import re
from functools import cached_property

from crawler.extraction.byline import PAREN_TAIL_RE
from crawler.extraction.labels import (
    PLATFORM_HEADER,  # the platform that republishes TG&VN articles
)
from crawler.extraction.limits import BYLINE_MAX_WORDS, CAPTION_MAX_WORDS, HEADLINE_MAX_WORDS
from crawler.extraction.page import ParseError
from crawler.extraction.text import (
    ends_sentence,
    is_photo_caption,
    looks_like_headline,
    looks_like_name,
    normalize_line,
    split_authors,
    word_count,
)
from crawler.extraction.text_page import TextArticle
from spiders.baoquocte.rules import (
    DATE_BOX_EDGES,
    DATE_LINE_RE,
    DOUBLED_RE,
    END_LABELS,
    FOLLOW_ANYWHERE,
    FOLLOW_WIDGET_RE,
    FOOTER_RE,
    HASHTAG_RE,
    HONORIFIC_RE,
    HOSTS,
    LANGUAGES,
    LEAD_PREFIX_RE,
    MONTH_DATE_RE,
    OWN_NAME_RE,
    PLACEHOLDER_ALT_RE,
    RELATED_LABELS,
    REPUBLISHED_SOURCE_RE,
    SITE,
    SITE_NAMES,
    SLUG_ALT_RE,
    canonical_url,
)


def _is_footer(line: str) -> bool:
    return word_count(line) <= 20 and bool(FOOTER_RE.search(line))


def _is_related_item(line: str) -> bool:
    return bool(DOUBLED_RE.match(line) or SLUG_ALT_RE.match(line) or PLACEHOLDER_ALT_RE.match(line))


def _headline_shaped(line: str) -> bool:
    """A headline: no closing full stop -- a question mark allowed ("…, quan hệ Trung Quốc-Australia sẽ khác?")."""
    return looks_like_headline(line) or (line.rstrip().endswith("?") and looks_like_headline(line.rstrip(" ?")))


def _same_start(a: str, b: str, words: int = 5) -> bool:
    """Two lines opening with the same words (an image's alt text and its caption)."""
    wa, wb = a.casefold().split(), b.casefold().split()
    n = min(words, len(wa), len(wb))
    return n >= 3 and wa[:n] == wb[:n]


class BaoquocteText(TextArticle):
    site = SITE
    hosts = HOSTS
    #: the page URL's dedup key, by the same rules as the site's HTML pages
    canonicalize = staticmethod(canonical_url)
    languages = LANGUAGES
    related_labels = RELATED_LABELS

    @classmethod
    def recognize(cls, text: str) -> bool:
        head = [line.strip() for line in text.split("\n")[:60]]
        if PLATFORM_HEADER in text or any(REPUBLISHED_SOURCE_RE.match(line) for line in head):
            return False  # a vietnam.vn republication of a TG&VN article
        if any(FOLLOW_WIDGET_RE.match(line) or LEAD_PREFIX_RE.match(line) for line in head):
            return True
        # no widget, no prefix (an English page, a trimmed dump): the paper's own footer names it
        tail = [line.strip() for line in text.split("\n")[-40:] if line.strip()]
        return any(_is_footer(line) and OWN_NAME_RE.search(line) for line in tail)

    @cached_property
    def layout(self) -> dict:
        lines: list[str] = []
        widget = None
        for line in self.lines:
            if FOLLOW_WIDGET_RE.match(line):
                widget = len(lines) if widget is None else widget
                continue
            cut = normalize_line(FOLLOW_ANYWHERE.sub("", line))  # the widget on the sapo's line
            if cut != line and cut:
                widget = len(lines) + 1 if widget is None else widget
            if cut:
                lines.append(cut)
        sapo = next((i for i, line in enumerate(lines) if LEAD_PREFIX_RE.match(line)), None)
        if sapo is None and widget and word_count(lines[widget - 1]) >= 8 and not looks_like_name(lines[widget - 1]):
            sapo = widget - 1  # the follow widget sits right under the sapo
        if sapo is None:
            sapo = next((i for i, line in enumerate(lines) if word_count(line) > 25), None)
        if sapo is None:
            raise ParseError(f"no sapo found in {self.url}")
        head = lines[:sapo]
        day = next((line for line in lines[:sapo + 3]
                    if (DATE_LINE_RE.search(line) or MONTH_DATE_RE.search(line)) and word_count(line) <= 8), None)
        head = [line for line in head if line != day]
        kicker = [line for line in head if line.endswith(":") and line.upper() == line]
        head = [line for line in head if line not in kicker]
        title = self._pick_title(head, lines[sapo + 1:])
        rest = head[head.index(title) + 1:] if title in head else []
        # "Thu Trang/TTXVN": the name before the slash (the agency after it), as on the HTML page
        # "Thu Trang (thực hiện)", "Minh Anh (tổng hợp)": the note in brackets is not the name
        byline = PAREN_TAIL_RE.sub("", rest[0].split("/")[0]).strip() if rest else ""
        byline = HONORIFIC_RE.sub("", byline)
        authors = split_authors(byline) if byline and looks_like_name(byline) else []
        body_start = sapo + 1
        if body_start < len(lines) and lines[body_start] == day:
            body_start += 1
        body_start += self._lead_image_lines(lines[sapo], lines[body_start:body_start + 3])
        end = next((i for i in range(body_start, len(lines))
                    if lines[i].casefold().strip(" :") in END_LABELS or _is_footer(lines[i])), len(lines))
        body = [line for line in lines[body_start:end] if line != day]
        tags = [m["tag"] for m in map(HASHTAG_RE.match, body) if m]
        body = [line for line in body if not HASHTAG_RE.match(line)]
        return {"title": title, "lead": LEAD_PREFIX_RE.sub("", lines[sapo]).strip() or None, "body": body,
                "day": day.strip(DATE_BOX_EDGES) if day else None, "authors": authors, "tags": tags,
                "section": self._breadcrumb(title, kicker)}

    def _lead_image_lines(self, sapo: str, after: list[str]) -> int:
        """How many of the lines ``after`` the sapo are its image's alt and caption: the short lines
        the dump glues under the sapo (no blank line between) before the story's first paragraph,
        which a blank line sets apart. Not a question (an interview's first one), never all of
        ``after`` when the dump has no blank lines to tell blocks apart."""
        blocks = [[normalize_line(x) for x in b.split("\n") if x.strip()] for b in re.split(r"\n\s*\n", self.text)]
        blocks = [[x for x in b if x and not FOLLOW_WIDGET_RE.match(x)] for b in blocks]
        block = next((b for b in blocks if sapo in b), None)
        if block is None or len(blocks) < 3:
            return 0
        glued = block[block.index(sapo) + 1:]
        n = 0
        for line in after:
            if n >= len(glued) or line != glued[n] or word_count(line) >= CAPTION_MAX_WORDS or line.rstrip().endswith("?"):
                break
            n += 1
        return n

    def is_alt(self, line: str) -> bool:
        """Also the old layout's placeholder alt alone on its line ("tin nhap 20160813085511")."""
        return super().is_alt(line) or bool(PLACEHOLDER_ALT_RE.fullmatch(line.strip()))

    def _breadcrumb(self, title: str | None, kicker: list[str]) -> str | None:
        """The breadcrumb: a block of one to three short lines (blank-line separated) right above
        the block that opens with the kicker or the title; its last crumb, as on the HTML page.
        A longer block there is the main menu, not a breadcrumb."""
        firsts = set(kicker) | ({title} if title else set())
        blocks = [[normalize_line(x) for x in b.split("\n") if x.strip()] for b in re.split(r"\n\s*\n", self.text)]
        blocks = [b for b in blocks if b]
        at = next((i for i, b in enumerate(blocks) if b[0] in firsts), None)
        if not at:
            return None
        crumbs = [c for c in blocks[at - 1] if c.casefold() not in ("trang chủ", "home")]
        if not crumbs or len(blocks[at - 1]) > 3 or any(
                word_count(c) > 5 or re.search(r"\d", c) or ends_sentence(c) or c.endswith(":") or _is_footer(c)
                or c.casefold() in SITE_NAMES or FOLLOW_WIDGET_RE.match(c) for c in crumbs):
            return None
        return crumbs[-1]

    def section(self) -> str | None:
        return self.layout.get("section")

    def tags(self) -> list[str]:
        return list(dict.fromkeys(self.layout.get("tags") or []))

    @staticmethod
    def _pick_title(head: list[str], after: list[str]) -> str | None:
        """The headline among the lines above the sapo (breadcrumb, kicker, title, byline, the
        byline's title line): the one the lead image repeats as its alt text; else the headline
        the byline follows; else the last headline-shaped line."""
        # the masthead ("The World and Vietnam Report") is repeated by the footer, never the headline
        shaped = [line for line in head if _headline_shaped(line) and word_count(line) > 3 and not _is_footer(line)]
        later = set(after[:80])
        for line in shaped:
            if line in later:
                return line
        # the byline sits right above the date/sapo (at most its title line after it): a name-shaped
        # line higher up is a menu or breadcrumb entry ("Khoa học - Công nghệ", "Người Việt")
        def byline(line: str) -> bool:  # "Vũ Khoan", "Đại sứ Vũ Khoan"
            name = HONORIFIC_RE.sub("", line)
            return looks_like_name(name) and word_count(name) <= BYLINE_MAX_WORDS

        for i in range(max(0, len(head) - 3), len(head) - 1):
            line = head[i]
            if line in shaped and byline(head[i + 1]) and not looks_like_name(line):
                return line
        # a headline right after a byline is the byline's title line ("Nguyên Phó Thủ tướng ...")
        plain = [line for i, line in enumerate(head) if line in shaped and not (i and byline(head[i - 1]))]
        return (plain or shaped or head or [None])[-1]

    def clean_body(self, lines: list[str]) -> list[str]:
        """Related-news blocks go whole (the label and every "Title Title" item after it) and an
        image's alt text goes when the caption under it repeats it; then the shared rules."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.casefold().strip(" :") in self.related_labels:
                i += 1
                if i < len(lines) and not _is_related_item(lines[i]) and looks_like_headline(lines[i]):
                    # plain items: the headline-shaped lines up to the next paragraph
                    i += 1
                    while (i < len(lines) and looks_like_headline(lines[i], HEADLINE_MAX_WORDS) and not ends_sentence(lines[i])
                           and not is_photo_caption(lines[i])):
                        i += 1
                while i < len(lines) and _is_related_item(lines[i]):
                    i += 1
                continue
            if i + 1 < len(lines) and is_photo_caption(lines[i + 1]) and not is_photo_caption(line) \
                    and _same_start(line, lines[i + 1]):
                i += 1  # the alt text; the caption itself goes below
                continue
            out.append(line)
            i += 1
        return super().clean_body(out)

"""The byline layer of the HTML page objects: the names of the authors, whatever the layout.

Mixed into :class:`crawler.extraction.page.HtmlArticle` (its ``sel``, ``jsonld``, ``meta``,
``node_text``, ``other_article_xpath`` and ``visible_date_res``); a site states its differences as
the class attributes below.
"""
from __future__ import annotations

import re

from crawler.extraction import layers
from crawler.extraction.limits import AUTHOR_MAX_WORDS, BYLINE_MAX_WORDS
from crawler.extraction.text import looks_like_name, normalize_line, split_authors, word_count

#: the element right after the headline whose class holds a word ({0}), outside other articles ({1})
NEAR_TITLE = "(//h1)[1]/following::*[contains(@class,'{0}')][not(ancestor-or-self::*[{1}])][position() <= 12]"
#: "Minh Anh (tổng hợp)", "Thu Trang (theo TTXVN)": a note after the name
PAREN_TAIL_RE = re.compile(r"\s*\([^()]*\)\s*$")
#: a date or time after the name in a byline box ("Thu Hà | 13/03/2024 10:30")
DATE_TAIL_RE = re.compile(r"\s*[|•·,–-]?\s*(?:\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b.*$", re.DOTALL)


class BylineLayer:
    #: the label before the names in a byline ("Bài:", "Tác giả:", "Bài và ảnh:")
    byline_label_re: re.Pattern | None = None
    #: a byline box whose first line is the name and the next ones the author's title
    #: ("Nguyên Đại sứ ..."), and whose name may be followed by "/ agency"
    byline_first_line: bool = False
    #: words of the class of an element after the headline that holds the byline when the
    #: declared selectors find none (a changed layout)
    byline_near_title: tuple[str, ...] = ("author",)
    #: the most words a byline paragraph may have (a name, or a few names)
    byline_max_words: int = BYLINE_MAX_WORDS
    #: names the paper itself goes by: a publisher given as the author is no byline
    site_names: frozenset[str] = frozenset()

    def byline_names(self, text: str) -> str:
        """A byline's text without its label (and, for first-line bylines, without "/ agency")."""
        if self.byline_label_re is not None:
            text = self.byline_label_re.sub("", text)
        return text.split("/")[0] if self.byline_first_line else text

    def is_byline(self, text: str) -> bool:
        """A short block that is only a name ("Thu Hà", "Bài và ảnh: Thiên Vỹ"), never a date."""
        name = self.byline_names(text).strip()
        return (0 < word_count(name) <= self.byline_max_words and looks_like_name(name)
                and not any(r.search(name) for r in self.visible_date_res))

    def _byline_text(self, node) -> str | None:
        if self.byline_first_line:
            lines = [t for t in (normalize_line(x) for x in node.css("::text").getall()) if t]
            return lines[0] if lines else None
        return self.node_text(node)

    def tail_byline(self) -> list[str]:
        """Site hook: names of a byline written as the body's last short block."""
        return []

    def authors(self) -> list[str]:
        """The byline boxes the site declares (the first selector that finds names wins), else
        the structured authors that are not the paper itself, else a byline closing the body,
        else an element classed like a byline right after the headline; names only."""
        names: list[str] = []
        layer = "site"
        for query in self.author_css:
            for node in self.sel.css(query):
                if node.xpath(f"ancestor::*[{self.other_article_xpath}]"):
                    continue
                text = self._byline_text(node)
                if text:
                    names.extend(split_authors(DATE_TAIL_RE.sub("", self.byline_names(text))))
            if names:
                break
        if not names:
            names = layers.jsonld_authors(self.jsonld) or [a for a in [self.meta("author", "article:author")] if a]
            names = [n for n in names if n.casefold() not in self.site_names]
            layer = "structured"
        if not names:
            names, layer = self.tail_byline(), "text"
        if not names:
            layer = "fallback"
        for word in self.byline_near_title if not names else ():
            for node in self.sel.xpath(NEAR_TITLE.format(word, self.other_article_xpath))[:1]:
                text = self._byline_text(node)
                if text and self.is_byline(text):
                    names = split_authors(self.byline_names(text))
            if names:
                break
        out: list[str] = []
        for name in names:
            name = PAREN_TAIL_RE.sub("", name.split("/")[0]).strip(" .-–:")
            # a byline box may also hold a date, a label or a "follow" button: keep names only
            if (name and name not in out and not name.startswith("http") and not any(c.isdigit() for c in name)
                    and word_count(name) <= AUTHOR_MAX_WORDS and looks_like_name(name)):
                out.append(name)
        if out:
            self.record_layer("authors", layer)
        return out


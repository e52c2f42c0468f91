"""Size limits that tell one kind of line or block from another, shared by every site.

Each is a count of words (or characters) a rule reads a text's shape by; a site with a
different habit states its own in its rules.py.
"""
from __future__ import annotations

#: a photo caption written as a paragraph is at most this long; a longer one is a story paragraph
CAPTION_MAX_WORDS = 40
#: a headline (or a related link's text) is at most this long
HEADLINE_MAX_WORDS = 30
#: the name in a photo credit or a byline: a few words, never a clause
CREDIT_NAME_MAX_WORDS = 6
#: a line ending in a photo credit is a caption up to this length
CREDIT_LINE_MAX_WORDS = 80
#: a byline paragraph (a name, or a few names), and one author's name
BYLINE_MAX_WORDS = 5
AUTHOR_MAX_WORDS = 6
#: a link text this long may be a headline (menu links are shorter)
LINK_TEXT_MIN_WORDS = 4
#: a block opening with the sapo prefix must be this long to be the sapo, not a label
LEAD_BLOCK_MIN_WORDS = 8
#: a visible date is a short text ("10:00 | 08/11/2020"), never a sentence
DATE_TEXT_MAX_CHARS = 80

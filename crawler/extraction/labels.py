"""Labels the sites print around an article, kept once for every site and parser.

A label is page furniture, never article text: the platform's masthead, "Đọc thêm" and its
translations, "Source"/"Nguồn"/"Bron" before a credit. A rule two sites share lives here.
"""
from __future__ import annotations

#: vietnam.vn's masthead: on every platform page, and on nothing a paper publishes itself --
#: which is how a paper's parser tells a republication of its article from the original
PLATFORM_HEADER = "Vietnam.vn - Nền tảng quảng bá Việt Nam"

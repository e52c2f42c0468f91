"""Labels the sites print around an article, kept once for every site and parser.

A label is page furniture, never article text: the platform's masthead, "Đọc thêm" and its
translations, "Source"/"Nguồn"/"Bron" before a credit. A rule two sites share lives here.
"""
from __future__ import annotations

#: vietnam.vn's masthead: on every platform page, and on nothing a paper publishes itself --
#: which is how a paper's parser tells a republication of its article from the original
PLATFORM_HEADER = "Vietnam.vn - Nền tảng quảng bá Việt Nam"

#: Vietnamese "read also" / "see more" before a link to another article ("Đọc thêm", "Xem thêm: …")
READ_ALSO_VI, SEE_MORE_VI = "đọc thêm", "xem thêm"
READ_MORE_VI = frozenset({READ_ALSO_VI, SEE_MORE_VI})
#: Vietnamese "related news" box labels
RELATED_VI = frozenset({"tin liên quan", "bài liên quan"})
#: Vietnamese "more from this section" labels: the block of other articles after the body
SAME_SECTION_VI = frozenset({"tin cùng chuyên mục", "cùng chuyên mục", "tin khác"})
#: an inline related-article box's label, in every language the sites and the platform's
#: machine translation print it (casefolded): the label and the link after it are not the article
RELATED_LABELS = READ_MORE_VI | RELATED_VI | frozenset({
    "related news", "related", "nouvelles connexes", "articles connexes",
    "gerelateerd nieuws", "gerelateerde nieuws", "berita terkait", "verwandte nachrichten",
    "noticias relacionadas", "notícias relacionadas", "notizie correlate", "похожие новости",
    # the papers' "read also" boxes ("Đọc thêm" on baohatinh.vn), kept or machine-translated
    "read more", "read also", "see also", "lire aussi", "à lire aussi", "lire plus",
    "lees ook", "lees meer", "baca juga", "baca selengkapnya", "lesen sie auch", "mehr lesen", "weiterlesen",
    "lea también", "leer más", "leia também", "leia mais", "leggi anche",
    # the platform's other languages (machine-translated "Related news" / "Read more")
    "tin tức liên quan", "artikel terkait", "связанные новости", "похожие статьи",
    "читайте также", "相关新闻", "相關新聞", "相关文章", "相关阅读", "関連ニュース", "関連記事", "関連情報",
    "관련 뉴스", "관련뉴스", "관련 기사", "관련기사", "ข่าวที่เกี่ยวข้อง", "ข่าวเกี่ยวข้อง", "संबंधित समाचार",
    "ຂ່າວທີ່ກ່ຽວຂ້ອງ", "ព័ត៌មានពាក់ព័ន្ធ", "verwandte news",
    # baoquocte.vn's English edition
    "related articles", "see more",
})
#: the localized label of the link to the original article (casefolded): "Source", "Nguồn", "Bron"...
SOURCE_LABELS = frozenset({
    "source", "nguồn", "bron", "sumber", "fuente", "quelle", "fonte", "источник", "출처", "ソース",
    "出典", "来源", "來源", "ที่มา", "ແຫຼ່ງທີ່ມາ", "ប្រភព", "स्रोत", "origine", "kilde", "källa", "źródło",
})
#: the label of an ad slot, alone on its line: never article text
AD_LABELS = frozenset({
    "advertisement", "advertising", "ads", "quảng cáo", "publicité", "advertentie", "iklan", "anzeige",
    "werbung", "publicidad", "publicidade", "pubblicità", "реклама", "광고", "广告", "広告", "โฆษณา",
})
#: words of a photo credit in parentheses, besides the source labels ("(Ảnh: TTXVN)", "(Foto: VNA)")
PHOTO_LABELS = frozenset({"ảnh", "photo", "photos", "foto", "fotos", "credit", "图", "사진", "写真", "ภาพ"})

"""The one normalized item every spider yields.

Defined once here; everything else reads and writes it through itemadapter, so
feed exports, pipelines and tests all see the same schema.
"""
import scrapy
from scrapy.exceptions import DropItem

SITES = ("baohatinh.vn", "baoquocte.vn", "vietnam.vn", "songoaivu.cantho.gov.vn")

#: values allowed in ``date_source``, from most to least trustworthy
DATE_SOURCES = ("jsonld", "meta", "page", "text", "url", "sitemap", "listing")


class ArticleItem(scrapy.Item):
    url = scrapy.Field()  # where it was read from (http(s) URL, or file:// URI in replay)
    canonical_url = scrapy.Field()  # dedup key, canonicalized with the site's rules
    site = scrapy.Field()  # one of SITES
    language = scrapy.Field()  # ISO 639-1 code of the article text
    title = scrapy.Field()
    lead = scrapy.Field()  # sapo / standfirst
    body = scrapy.Field()  # paragraphs joined by a blank line
    authors = scrapy.Field()  # list of bylines (not photographers)
    published_at = scrapy.Field()  # ISO 8601, +07:00 with a time, YYYY-MM-DD without
    published_at_raw = scrapy.Field()  # the string the date came from
    date_source = scrapy.Field()  # one of DATE_SOURCES
    section = scrapy.Field()
    tags = scrapy.Field()
    images = scrapy.Field()  # list of {"url": ..., "caption": ...}
    source_name = scrapy.Field()  # republications: the paper credited
    original_url = scrapy.Field()  # republications: link to the original
    fetched_at = scrapy.Field()  # UTC time of fetch, ISO 8601
    fingerprint = scrapy.Field()  # hash of normalized title + body
    foreign_affairs = scrapy.Field()  # True / False / None (unsure, kept), from crawler.extraction.topic.judge


def new_item(**values) -> ArticleItem:
    """An ArticleItem with every list field present and every other field None."""
    item = ArticleItem()
    for name in ArticleItem.fields:
        item[name] = [] if name in ("authors", "tags", "images") else None
    for key, value in values.items():
        item[key] = value
    return item


class Handled(DropItem):
    """Dropped for good after the article was read: a duplicate of an archived article.

    The seen-store marks it seen, so no later run fetches it again. Every other drop leaves
    the article unseen: a broken page (plain DropItem) is tried again next run, and so are
    the two drops below, whose reason can change.
    """


class OutOfRange(DropItem):
    """Outside a backfill's ``since``..``until``. Not seen: another run's range may want it."""


class OffTopic(DropItem):
    """Judged off-topic by the foreign-affairs tagger. Not seen: the drop is recorded with the
    tagger's version (``Archive.record_scope_drop``) and reconsidered when the tagger changes."""

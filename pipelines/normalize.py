"""Normalize and validate: Unicode NFC, whitespace, required fields, fingerprint."""
from __future__ import annotations

from datetime import datetime, timezone

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.extraction.text import fingerprint, normalize_line, normalize_text
from crawler.items import SITES, ArticleItem, type_errors

_TEXT_FIELDS = ("title", "lead", "section", "source_name", "published_at_raw")


class NormalizePipeline:
    """Validates each field against its declared type (crawler.items), cleans every text field
    and drops items that miss a required field.

    Settings: ``VALIDATE_REQUIRED_FIELDS`` (default url, site, language, body),
    ``VALIDATE_MIN_BODY_CHARS`` (default 80: shorter "bodies" are navigation, not articles).
    """

    def __init__(self, stats, required, min_body):
        self.stats = stats
        self.required = required
        self.min_body = min_body

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler.stats, s.getlist("VALIDATE_REQUIRED_FIELDS", ["url", "site", "language", "body"]),
                   s.getint("VALIDATE_MIN_BODY_CHARS", 80))

    def process_item(self, item):
        a = ItemAdapter(item)
        if isinstance(item, ArticleItem):  # the declared types first: one clear error per bad field
            errors = type_errors(item)
            if errors:
                name = sorted(errors)[0]
                return self._drop(f"invalid_{name}", "; ".join(f"{k}: {v}" for k, v in sorted(errors.items())), a)
        for name in _TEXT_FIELDS:
            if name in a.field_names():
                a[name] = normalize_line(a.get(name))
        a["body"] = normalize_text(a.get("body"))
        for name in ("authors", "tags"):
            values = [normalize_line(v) for v in (a.get(name) or [])]
            a[name] = list(dict.fromkeys(v for v in values if v))
        a["images"] = [{"url": img.get("url"), "caption": normalize_line(img.get("caption"))}
                       for img in (a.get("images") or []) if img and img.get("url")]
        if a.get("language"):
            a["language"] = a["language"].lower()
        if not a.get("fetched_at"):
            a["fetched_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        missing = [name for name in self.required if not a.get(name)]
        if missing:
            return self._drop(f"missing_{missing[0]}", f"missing required field(s) {', '.join(missing)}", a)
        if a["site"] not in SITES:
            return self._drop("unknown_site", f"unknown site {a['site']!r}", a)
        if len(a["body"]) < self.min_body:
            return self._drop("short_body", f"body has {len(a['body'])} characters", a)
        if not a.get("canonical_url"):
            a["canonical_url"] = a["url"]
        a["fingerprint"] = fingerprint(a.get("title"), a["body"])
        self.stats.inc_value("pipeline/normalize/ok")
        return item

    def _drop(self, key, reason, a):
        self.stats.inc_value(f"pipeline/normalize/dropped/{key}")
        raise DropItem(f"invalid item from {a.get('url')}: {reason}")

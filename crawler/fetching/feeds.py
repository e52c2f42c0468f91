"""Feeds (RSS 2.0, Atom) as discovery reads them: each entry's link and its date."""
from __future__ import annotations

from parsel import Selector


def feed_entries(body: bytes) -> list[tuple[str, str | None]]:
    """``(link, pubDate)`` of each RSS 2.0 ``<item>`` (or Atom ``<entry>``); entities are never resolved."""
    try:
        sel = Selector(body=body, type="xml")
        sel.remove_namespaces()
    except Exception:
        return []
    out = []
    for item in sel.xpath("//item | //entry"):
        link = (item.xpath("./link/text()").get() or item.xpath("./link/@href").get()
                or item.xpath("./guid/text()").get() or "").strip()
        when = (item.xpath("./pubDate/text()").get() or item.xpath("./published/text()").get()
                or item.xpath("./updated/text()").get() or item.xpath("./date/text()").get())
        if link:
            out.append((link, _rfc822_to_iso(when.strip()) if when else None))
    return out


def _rfc822_to_iso(value: str) -> str:
    """RSS ``pubDate`` (RFC 822, any offset) as ISO 8601, so its day is read in Hanoi time."""
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    return parsed.isoformat() if parsed.tzinfo else value

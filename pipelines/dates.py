"""Dates: ``published_at_raw`` -> ISO 8601 in Asia/Ho_Chi_Minh; backfill range filter."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.extraction.dates import VN_TZ, parse_date
from crawler.items import OutOfRange

logger = logging.getLogger(__name__)

#: a page date this many days or more from the discovery date is counted (pipeline/dates/discovery_disagrees)
DISAGREE_DAYS = 3


class DatesPipeline:
    """Parses the raw date with the fast path, falling back to dateparser (see crawler.extraction.dates).

    A missing or unreadable date is logged and counted; the item is kept (``published_at``
    null) unless the spider runs a date-range backfill (``since``/``until`` spider
    arguments) or ``DATES_REQUIRED`` is set, in which case it cannot be placed in the
    range and is dropped. Items outside a backfill's ``since``..``until`` are dropped
    (:class:`OutOfRange`, not "seen": another range may want them) and counted. An
    incremental run keeps whatever it fetched: its window only steers discovery.

    When discovery saw a date (``discovery_date``: listing card, feed pubDate, sitemap lastmod),
    a day and month without a year takes its year from it, not from the fetch time, and a page
    date more than 3 days from it is counted (``pipeline/dates/discovery_disagrees``).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.required = crawler.settings.getbool("DATES_REQUIRED", False)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _range(self) -> tuple[date | None, date | None]:
        spider = self.crawler.spider
        if not getattr(spider, "backfill", False):
            return None, None
        return getattr(spider, "since_date", None), getattr(spider, "until_date", None)

    def _discovery(self, a):
        """The discovery date (listing card, feed, sitemap), parsed; stored normalized (None if unreadable)."""
        raw = a.get("discovery_date")
        if not raw:
            return None
        try:
            parsed = parse_date(raw, a.get("language"))
        except Exception:
            parsed = None
        a["discovery_date"] = parsed.value if parsed else None
        return parsed

    def process_item(self, item):
        a = ItemAdapter(item)
        context = "\n".join(filter(None, (a.get("title"), a.get("lead"), a.get("body"))))
        discovered = self._discovery(a)
        base = None
        if discovered is not None:
            # a day and month without a year takes its year from the discovery date, not from today
            base = datetime.combine(discovered.day + timedelta(days=1), time(23, 59), VN_TZ)
        elif a.get("fetched_at"):
            try:
                base = datetime.fromisoformat(a["fetched_at"])
            except ValueError:
                base = None
        parsed = None
        try:
            parsed = parse_date(a.get("published_at_raw"), a.get("language"), context, base)
        except Exception as exc:  # dateparser on hostile input: count it, never crash
            logger.warning("date parser failed on %r from %s: %s", a.get("published_at_raw"), a.get("url"), exc)
            self.stats.inc_value("pipeline/dates/error")
        since, until = self._range()
        if parsed is None:
            self.stats.inc_value("pipeline/dates/missing")
            logger.warning("no readable date in %s (raw %r)", a.get("url"), a.get("published_at_raw"))
            a["published_at"] = None
            if self.required or since or until:
                self.stats.inc_value("pipeline/dates/dropped/undated")
                raise DropItem(f"no readable date in {a.get('url')}")
            return item
        a["published_at"] = parsed.value
        self.stats.inc_value(f"pipeline/dates/source/{a.get('date_source') or 'unknown'}")
        if discovered is not None and abs((parsed.day - discovered.day).days) > DISAGREE_DAYS:
            self.stats.inc_value("pipeline/dates/discovery_disagrees")
            logger.info("page date %s of %s disagrees with the discovery date %s", parsed.value, a.get("url"),
                        discovered.value)
        if (since and parsed.day < since) or (until and parsed.day > until):
            self.stats.inc_value("pipeline/dates/dropped/out_of_range")
            raise OutOfRange(f"{a.get('url')} published {parsed.value}, outside {since}..{until}")
        return item

"""Log lines for dropped items: the URL and the reason, never the whole item.

Scrapy's LogFormatter logs every dropped item at WARNING with the item itself (a whole article
body per duplicate). Here a drop is one line, ``Dropped (<kind>): <reason> <url>``:

* ``Handled`` (a duplicate of an archived article): DEBUG -- an expected outcome, counted by the
  dedup pipeline (``pipeline/dedup/duplicate_*``) and by Scrapy (``item_dropped_reasons_count/Handled``);
* ``OutOfRange`` and ``OffTopic``: INFO (counted by the dates and scope pipelines);
* any other drop (an invalid or undated item): WARNING, as before.
"""
from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter

from crawler.items import Handled, OffTopic, OutOfRange

DROPPED_MSG = "Dropped (%(kind)s): %(reason)s <%(url)s>"


def _url(item) -> str:
    try:
        return item.get("url") or "?"
    except Exception:  # not a mapping-like item
        return "?"


class QuietDropFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        if isinstance(exception, Handled):
            level = logging.DEBUG
        elif isinstance(exception, (OutOfRange, OffTopic)):
            level = logging.INFO
        else:
            level = getattr(exception, "log_level", None) or logging.WARNING
            if isinstance(level, str):
                level = getattr(logging, level)
        return {"level": level, "msg": DROPPED_MSG,
                "args": {"kind": type(exception).__name__, "reason": str(exception)[:300], "url": _url(item)}}

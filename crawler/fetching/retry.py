"""Retries with backoff: Scrapy's RetryMiddleware, spaced out.

Scrapy retries a 5xx/429/timeout at once, which hammers a government portal that is
already struggling. This subclass keeps Scrapy's retry decisions (RETRY_TIMES,
RETRY_HTTP_CODES, RETRY_EXCEPTIONS, stats ``retry/*``) and only adds a wait before the
retried request is downloaded: exponential backoff with jitter
(``RETRY_BACKOFF_BASE * 2**(n-1)``, capped by ``RETRY_BACKOFF_MAX``), or the server's
``Retry-After`` when it sends one (also capped). The wait happens in ``process_request``
without holding a download slot; total waiting is counted in ``retry/backoff_seconds``.
"""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.rng = random.Random()

    def delay_for(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.cap, self.base * 2 ** max(0, attempt - 1)) * (0.5 + self.rng.random() / 2)
        if retry_after is not None:
            backoff = max(backoff, min(self.cap, retry_after))
        return backoff

    def _with_delay(self, result, retry_after: float | None):
        if isinstance(result, Request) and self.base > 0:
            result.meta["retry_delay"] = self.delay_for(result.meta.get("retry_times", 1), retry_after)
        return result

    def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is not response:
            return self._with_delay(result, retry_after_seconds(response.headers.get(b"Retry-After")))
        return result

    def process_exception(self, request, exception, spider=None):
        return self._with_delay(super().process_exception(request, exception), None)

    async def process_request(self, request, spider=None):
        delay = request.meta.pop("retry_delay", None)
        if delay:
            self.crawler.stats.inc_value("retry/backoff_seconds", round(delay, 3))
            # the reactor is imported when a retry waits, not at import: importing it installs the default
            # reactor, and a test process that imports this module before building a crawler then fails
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None

"""Retries are spaced out: exponential backoff with jitter, Retry-After honoured, both capped."""
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError

from crawler.fetching.retry import BackoffRetryMiddleware, retry_after_seconds


@pytest.fixture
def mw():
    crawler = get_crawler(Spider, settings_dict={"RETRY_BACKOFF_BASE": 1.0, "RETRY_BACKOFF_MAX": 30.0,
                                                 "RETRY_TIMES": 5})
    crawler.spider = crawler._create_spider("s")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_backoff_grows_exponentially_with_jitter(mw):
    request = Request("https://baoquocte.vn/a-1.html")
    delays = []
    for _ in range(4):
        request = mw.process_response(request, Response(request.url, status=503), None)
        assert isinstance(request, Request)
        delays.append(request.meta["retry_delay"])
    for n, delay in enumerate(delays):
        assert 0.5 * 2 ** n <= delay <= 2 ** n  # base * 2**(n) with jitter in [0.5, 1]


def test_retry_after_is_honoured_and_capped(mw):
    request = Request("https://baoquocte.vn/a-1.html")
    retry = mw.process_response(request, Response(request.url, status=429, headers={"Retry-After": "7"}), None)
    assert retry.meta["retry_delay"] == 7.0
    huge = mw.process_response(request, Response(request.url, status=503, headers={"Retry-After": "3600"}), None)
    assert huge.meta["retry_delay"] == 30.0


def test_timeouts_back_off_too_and_success_is_untouched(mw):
    request = Request("https://baoquocte.vn/a-1.html")
    retry = mw.process_exception(request, TimeoutError(), None)
    assert retry.meta["retry_delay"] > 0
    ok = Response(request.url, status=200)
    assert mw.process_response(request, ok, None) is ok


def test_retry_after_forms():
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None

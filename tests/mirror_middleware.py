"""Send every request to a local mirror of the sites instead of the network (tests, benchmarks).

Enabled by ``MIRROR_ADDRESS = "127.0.0.1:PORT"`` (``NotConfigured`` when unset) together
with this entry in ``DOWNLOADER_MIDDLEWARES``::

    "tests.mirror_middleware.MirrorMiddleware": 950,

A request for ``https://baoquocte.vn/a-1.html?p=2`` is fetched from
``http://127.0.0.1:PORT/https/baoquocte.vn/a-1.html?p=2`` (:func:`to_mirror`; the mirror
maps it back with :func:`from_mirror`). Spiders, link extraction, page objects, pipelines
and items only ever see the real site URLs:

* the URL is swapped on the request object itself just before the download and swapped
  back in ``process_response`` / ``process_exception``; ``request.meta["original_url"]``
  holds the real URL, and the response is ``response.replace(url=<real URL>)``;
* ``download_slot`` is set to the real host, so per-site concurrency, delays and
  AutoThrottle behave as they do on the network (not one shared "127.0.0.1" slot).

Why priority 950, i.e. after every built-in downloader middleware: ``process_request``
runs in ascending order, ``process_response`` / ``process_exception`` in descending
order, so at 950 this middleware is the last to touch the request before the download
handler and the first to see the response and any download error. Everything else --
OffsiteMiddleware (50) and RobotsTxtMiddleware (100), Retry (550), Redirect (600, which
joins a relative ``Location`` with ``request.url``), Cookies (700, keyed by domain),
DownloaderStats (850), HttpCache (900) -- therefore sees the real URL both ways: a retry
copies the real request, a redirect builds a request for the real ``Location`` and comes
back through here to be mirrored again, robots.txt is asked for the real host (and is
itself mirrored), an off-site link is dropped before it could reach the mirror. A lower
priority would break that: below 600, redirects would be resolved against mirror URLs;
below 100, robots.txt would be fetched for 127.0.0.1.

Returning a *new* request from ``process_request`` is not an option: Scrapy would send it
back through the scheduler and every middleware, and OffsiteMiddleware would drop it as
a request to 127.0.0.1. Hence the in-place swap (``Request._set_url`` plus dropping the
``urlparse_cached`` entry, which is keyed by the request object and would otherwise keep
the old host and scheme); ``tests/test_faults.py`` exercises it on the real download stack.

Only for tests and benchmarks: a ``proxy`` in ``request.meta`` (HttpProxyMiddleware) would
also be used for the mirror, and signals sent inside the downloader
(``request_reached_downloader``, ``response_downloaded``) carry the mirror URL -- use
``request.meta["original_url"]`` there.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import _urlparse_cache

#: DOWNLOADER_MIDDLEWARES priority; see the module docstring
PRIORITY = 950


def to_mirror(url: str, address: str) -> str:
    """``https://host/p?q`` -> ``http://ADDRESS/https/host/p?q`` (http and https URLs only)."""
    scheme, rest = url.split("://", 1)
    return f"http://{address}/{scheme.lower()}/{rest}"


def from_mirror(url_or_path: str) -> str | None:
    """The real URL a mirror URL (or its path + query) stands for; None if it is not one."""
    if "://" in url_or_path:
        parts = urlsplit(url_or_path)
        url_or_path = parts.path + (f"?{parts.query}" if parts.query else "")
    scheme, _, rest = url_or_path.lstrip("/").partition("/")
    if scheme not in ("http", "https") or not rest:
        return None
    if "/" not in rest.split("?", 1)[0]:  # bare host: "/https/baoquocte.vn" or "...?q"
        host, _, query = rest.partition("?")
        rest = f"{host}/" + (f"?{query}" if query else "")
    return f"{scheme}://{rest}"


def _set_url(request, url: str) -> None:
    request._set_url(url)
    _urlparse_cache.pop(request, None)


class MirrorMiddleware:
    def __init__(self, address: str, stats=None):
        self.address = address
        self.base = f"http://{address}/"
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        address = crawler.settings.get("MIRROR_ADDRESS")
        if not address:
            # off by default; no message, so Scrapy does not warn about it on every crawl
            raise NotConfigured
        address = address.strip().removeprefix("http://").rstrip("/")
        return cls(address, crawler.stats)

    def process_request(self, request):
        url = request.url
        if not url.startswith(("http://", "https://")) or url.startswith(self.base):
            return None
        request.meta["original_url"] = url
        request.meta.setdefault("download_slot", (urlsplit(url).hostname or "").lower())
        _set_url(request, to_mirror(url, self.address))
        if self.stats is not None:
            self.stats.inc_value("mirror/requests")
        return None

    def _restore(self, request) -> str | None:
        original = request.meta.get("original_url")
        if original and request.url.startswith(self.base):
            _set_url(request, original)
        return original

    def process_response(self, request, response):
        original = self._restore(request)
        if response.url.startswith(self.base):
            response = response.replace(url=from_mirror(response.url) or original or response.url)
        location = response.headers.get("Location")
        if location and location.decode("latin-1").startswith(self.base):
            real = from_mirror(location.decode("latin-1"))
            if real:
                response.headers["Location"] = real
        return response

    def process_exception(self, request, exception):
        self._restore(request)
        return None

"""Opt-in JavaScript rendering through scrapy-playwright and the system Chromium.

Why opt-in: a rendered page costs a browser tab, its scripts and every sub-resource, where a
plain fetch costs one HTTP request -- so the browser is only for a site that needs it
(``render_js = True`` on its spider), a run (``-s RENDER_JS=1``), or a page whose article
body came back empty (the fallback below).

How a spider uses it (``spiders/base.py`` does all three)::

    @classmethod
    def update_settings(cls, settings):          # Scrapy calls this before freezing settings
        super().update_settings(settings)
        apply_render_settings(settings, settings.getbool("RENDER_JS") or cls.render_js)

    Request(url, meta={**meta, **render_meta(".article-body p")})   # a rendered request

    retry = browser_retry(response.request, ".article-body p", self.settings)
    if retry is not None:                        # the caller counts it:
        self.crawler.stats.inc_value("render/fallback_requests")
        yield retry

Settings (all optional):

* ``RENDER_JS`` (False) -- render the requests a spider marks with :func:`render_meta`.
* ``RENDER_JS_FALLBACK`` (True) -- let :func:`browser_retry` re-fetch an empty page through
  the browser. The browser handler is then installed even without ``RENDER_JS``, as long
  as rendering is available; scrapy-playwright starts its driver at engine start but
  launches Chromium only for the first rendered request.
* ``CHROMIUM_PATH`` ("/usr/bin/chromium") -- the browser executable (Debian's ``chromium``).

scrapy-playwright 0.0.48 needs its download handler for http/https (requests without
``meta["playwright"]`` still go through Scrapy's own HTTP/1.1 handler) and the asyncio
Twisted reactor, which is Scrapy 2.19's default. ``PLAYWRIGHT_*`` settings already set in
the project or on the command line are left as they are.
"""
from __future__ import annotations

import importlib.util
import logging
import os

logger = logging.getLogger(__name__)

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
#: Chromium flags for a headless crawler in a container: no sandbox (runs as root in CI), no
#: GPU, and none of the browser's own background traffic (updates, sync, QUIC probes)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: rendered pages open at once per browser context (scrapy-playwright's default is
#: CONCURRENT_REQUESTS, i.e. 16 tabs -- too much memory for a fallback path)
MAX_PAGES_PER_CONTEXT = 4


def chromium_path(settings=None) -> str:
    return (settings.get("CHROMIUM_PATH") if settings is not None else None) or DEFAULT_CHROMIUM_PATH


def rendering_available(settings=None) -> bool:
    """scrapy-playwright importable and an executable Chromium at ``CHROMIUM_PATH``."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        return False
    path = chromium_path(settings)
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _fallback_wanted(settings) -> bool:
    return settings.getbool("RENDER_JS_FALLBACK", True) and not settings.get("REPLAY_WARC") \
        and rendering_available(settings)


def apply_render_settings(settings, enabled: bool) -> bool:
    """Configure scrapy-playwright (priority "spider") when rendering is wanted; True if it did.

    Call it from a spider's ``update_settings`` classmethod: settings are frozen once the
    crawler starts. ``enabled`` is whether this crawl renders pages; the handler is also
    installed when ``RENDER_JS_FALLBACK`` is on and Chromium is there, so
    :func:`browser_retry` can work. Nothing is installed while replaying a WARC
    (``REPLAY_WARC``): the replay middleware answers every request, rendered or not.
    Command-line settings (priority "cmdline") still win over what is set here.
    """
    if settings.get("REPLAY_WARC"):
        return False
    if not (enabled or _fallback_wanted(settings)):
        return False
    if enabled and not rendering_available(settings):
        logger.warning("RENDER_JS is on but rendering is unavailable (scrapy-playwright importable? Chromium at %s?)",
                       chromium_path(settings))
    # The whole dict is set at "spider" priority, not key by key: `scrapy crawl` re-applies
    # the process settings onto the crawler's after update_settings (CrawlerRunner.create_crawler),
    # and a dict setting still at "default" priority would be replaced by the empty default.
    # A DOWNLOAD_HANDLERS given on the command line outranks this and is kept as is.
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    handlers.update({"http": HANDLER, "https": HANDLER})
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
    settings.set("TWISTED_REACTOR", ASYNCIO_REACTOR, priority="spider")
    defaults = {
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium_path(settings), "headless": True,
                                      "args": list(CHROMIUM_ARGS)},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": MAX_PAGES_PER_CONTEXT,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000,
    }
    for name, value in defaults.items():
        if settings.getpriority(name) is None:  # not configured by the project or the command line
            settings.set(name, value, priority="spider")
    return True


def render_meta(wait_selector: str | None, timeout_ms: int = 15000) -> dict:
    """Request meta that has scrapy-playwright render a page.

    With ``wait_selector`` the page is taken once that selector is in the DOM (attached,
    visible or not); without one, once the network has been idle for 500 ms. If that does
    not happen within ``timeout_ms`` the request fails (errback), like a download timeout.
    """
    from scrapy_playwright.page import PageMethod

    if wait_selector:
        method = PageMethod("wait_for_selector", wait_selector, state="attached", timeout=timeout_ms)
    else:
        method = PageMethod("wait_for_load_state", "networkidle", timeout=timeout_ms)
    return {"playwright": True, "playwright_include_page": False, "playwright_page_methods": [method]}


def browser_retry(request, wait_selector: str | None, settings=None, *, timeout_ms: int = 15000):
    """The same request again, rendered by the browser -- or None when that cannot help.

    For a page whose body came back empty (content inserted by JavaScript). Returns
    ``request.replace(meta=... + render_meta + rendered_retry=True, dont_filter=True)``;
    None when the request was already rendered, ``RENDER_JS_FALLBACK`` is off, or rendering
    is unavailable (scrapy-playwright not importable, no Chromium at ``CHROMIUM_PATH``, or
    -- when ``settings`` are given -- the browser handler not installed for the URL's
    scheme by :func:`apply_render_settings`). While replaying a WARC only the setting
    matters: the rendered capture, if recorded, answers the retry.

    The caller counts what it yields in ``render/fallback_requests`` (this function has
    no crawler). ``request`` may also be a response (its ``.request`` is used).
    """
    request = getattr(request, "request", None) or request
    meta = request.meta
    if meta.get("rendered_retry") or meta.get("playwright"):
        return None
    if settings is not None:
        if not settings.getbool("RENDER_JS_FALLBACK", True):
            return None
        if settings.get("REPLAY_WARC"):
            if importlib.util.find_spec("scrapy_playwright") is None:
                return None
        elif not rendering_available(settings) or not _handler_installed(settings, request.url):
            return None
    elif not rendering_available():
        return None
    new_meta = {k: v for k, v in meta.items() if k != "playwright_page"}
    new_meta.update(render_meta(wait_selector, timeout_ms))
    new_meta["rendered_retry"] = True
    return request.replace(meta=new_meta, dont_filter=True)


def _handler_installed(settings, url: str) -> bool:
    scheme = url.split(":", 1)[0].lower()
    handler = settings.getdict("DOWNLOAD_HANDLERS").get(scheme)
    if handler is None:
        return False
    if isinstance(handler, str):
        return handler == HANDLER
    return getattr(handler, "__module__", "").startswith("scrapy_playwright")

"""Opt-in JavaScript rendering: a page whose article text a script inserts after 300 ms.

Real crawls (subprocess) through scrapy-playwright and the system Chromium. Without
Chromium they are skipped on a workstation but fail in CI (``CI=true``), where
``scripts/test.sh`` installs it. The settings helpers are checked in-process.
"""
from __future__ import annotations

import os
import stat

import pytest
from scrapy import Request
from scrapy.settings import Settings

from crawler.fetching.render import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM_PATH,
    HANDLER,
    apply_render_settings,
    browser_retry,
    render_meta,
)
from tests.local_http import LocalServer
from tests.support import read_jsonl, scrapy_crawl, service_unavailable, stats_from_log

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

PARAGRAPHS = ["Sáng 18/12, Hội nghị Ngoại vụ toàn quốc lần thứ 21 khai mạc tại Hà Nội.",
              "Nội dung này chỉ có sau khi JavaScript chạy."]
JS_PAGE = ("""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>JS</title></head><body>
<h1>Bài viết dựng bằng JavaScript</h1><div class="article-body"></div>
<script>
setTimeout(function () {{
  document.querySelector(".article-body").innerHTML = {};
}}, 300);
</script></body></html>""".format(repr("".join(f"<p>{p}</p>" for p in PARAGRAPHS)))).encode("utf-8")


@pytest.fixture
def chromium():
    if os.access(DEFAULT_CHROMIUM_PATH, os.X_OK):
        return DEFAULT_CHROMIUM_PATH
    service_unavailable("Chromium", f"{DEFAULT_CHROMIUM_PATH} is missing (install Debian's chromium to run this test)")


@pytest.fixture(scope="module")
def server():
    with LocalServer({"/article.html": (200, {"Content-Type": "text/html; charset=utf-8"}, JS_PAGE)}) as srv:
        yield srv


def crawl(server, tmp_path, *settings: str, url: str | None = None, out_name: str = "out.jsonl"):
    out = tmp_path / out_name
    args = ["test_render", "-a", f"url={url or server.url('/article.html')}", "-O", str(out),
            "-s", "SPIDER_MODULES=tests.spiders_for_tests", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}"]
    if not any(s.startswith(("ARCHIVE_WARC=", "REPLAY_WARC=")) for s in settings):
        args += ["-s", "ARCHIVE_WARC=0"]
    for setting in settings:
        args += ["-s", setting]
    proc = scrapy_crawl(*args, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_jsonl(out)
    assert len(items) == 1, proc.stderr[-3000:]
    return items[0], stats_from_log(proc.stderr)


def test_rendered_request_sees_the_text_javascript_inserts(server, tmp_path, chromium):
    item, stats = crawl(server, tmp_path, "RENDER_JS=1", "RENDER_JS_FALLBACK=0")
    assert item["paragraphs"] == PARAGRAPHS
    assert item["rendered"] and not item["fallback"]
    assert stats["playwright/browser_count"] == 1
    assert "render/fallback_requests" not in stats


def test_plain_fetch_does_not_see_it_and_starts_no_browser(server, tmp_path):
    item, stats = crawl(server, tmp_path, "RENDER_JS=0", "RENDER_JS_FALLBACK=0")
    assert item["paragraphs"] == []
    assert not item["rendered"]
    assert not any(key.startswith("playwright/") for key in stats)


def test_empty_page_is_fetched_again_through_the_browser(server, tmp_path, chromium):
    item, stats = crawl(server, tmp_path, "RENDER_JS=0")  # RENDER_JS_FALLBACK defaults to on
    assert item["paragraphs"] == PARAGRAPHS
    assert item["rendered"] and item["fallback"]
    assert stats["render/fallback_requests"] == 1
    assert stats["downloader/response_count"] == 2  # the plain fetch, then the rendered one


def test_recorded_fallback_replays_offline_without_a_browser(tmp_path, chromium):
    """The WARC keeps the plain capture and the rendered one apart; replay serves each its own."""
    with LocalServer({"/article.html": (200, {"Content-Type": "text/html; charset=utf-8"}, JS_PAGE)}) as live:
        url = live.url("/article.html")
        recorded, _ = crawl(live, tmp_path, "RENDER_JS=0", "ARCHIVE_WARC=1")
    (warc,) = (tmp_path / "archive" / "warc").glob("*.warc.gz")
    replayed, stats = crawl(live, tmp_path, "RENDER_JS=0", f"REPLAY_WARC={warc}", url=url, out_name="replay.jsonl")
    assert replayed["paragraphs"] == recorded["paragraphs"] == PARAGRAPHS
    assert replayed["fallback"] and stats["render/fallback_requests"] == 1
    assert stats["warc/replay/hit"] == 2 and "warc/replay/miss" not in stats
    assert not any(key.startswith("playwright/") for key in stats)  # answered from the WARC


# --- the helpers, in-process -------------------------------------------------------------------
@pytest.fixture
def fake_chromium(tmp_path):
    """An executable file standing in for Chromium (the helpers only check that it is there)."""
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def project_settings(**values) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in values.items():
        settings.set(name, value, priority="cmdline")
    return settings


def test_apply_render_settings_configures_scrapy_playwright(fake_chromium):
    settings = project_settings(CHROMIUM_PATH=fake_chromium, RENDER_JS_FALLBACK=False)
    assert apply_render_settings(settings, True)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == HANDLER
    assert settings["PLAYWRIGHT_BROWSER_TYPE"] == "chromium"
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"] == {"executable_path": fake_chromium, "headless": True,
                                                     "args": CHROMIUM_ARGS}
    assert settings["TWISTED_REACTOR"] == "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
    assert settings.getpriority("PLAYWRIGHT_BROWSER_TYPE") == settings.getpriority("TWISTED_REACTOR") == 30  # spider


def test_apply_render_settings_leaves_command_line_and_disabled_crawls_alone(fake_chromium):
    settings = project_settings(CHROMIUM_PATH=fake_chromium, RENDER_JS_FALLBACK=False,
                                PLAYWRIGHT_LAUNCH_OPTIONS={"headless": False},
                                DOWNLOAD_HANDLERS={"https": "my.Handler"})
    apply_render_settings(settings, True)
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"] == {"headless": False}
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"https": "my.Handler"}  # a -s dict is kept whole

    off = project_settings(CHROMIUM_PATH=fake_chromium, RENDER_JS_FALLBACK=False)
    assert not apply_render_settings(off, False)
    assert off.getdict("DOWNLOAD_HANDLERS") == {} and off.get("PLAYWRIGHT_LAUNCH_OPTIONS") is None

    replay = project_settings(CHROMIUM_PATH=fake_chromium, REPLAY_WARC="a.warc.gz")
    assert not apply_render_settings(replay, True)  # the WARC answers; no browser needed


def test_handler_is_installed_for_the_fallback_only_when_chromium_is_there(fake_chromium, tmp_path):
    with_browser = project_settings(CHROMIUM_PATH=fake_chromium)
    assert apply_render_settings(with_browser, False)
    assert with_browser.getdict("DOWNLOAD_HANDLERS")["https"] == HANDLER
    without = project_settings(CHROMIUM_PATH=str(tmp_path / "no-chromium"))
    assert not apply_render_settings(without, False)


def test_render_meta_waits_for_the_selector():
    meta = render_meta(".article-body p", timeout_ms=5000)
    assert meta["playwright"] is True and meta["playwright_include_page"] is False
    (method,) = meta["playwright_page_methods"]
    assert (method.method, method.args, method.kwargs["timeout"]) == ("wait_for_selector", (".article-body p",), 5000)
    (idle,) = render_meta(None)["playwright_page_methods"]
    assert (idle.method, idle.args) == ("wait_for_load_state", ("networkidle",))


def test_browser_retry_only_when_it_can_help(fake_chromium, tmp_path):
    settings = project_settings(CHROMIUM_PATH=fake_chromium)
    apply_render_settings(settings, False)
    request = Request("https://baohatinh.vn/a.html", meta={"article": True, "sitemap_date": "2025-01-02"})
    retry = browser_retry(request, ".article-body p", settings)
    assert retry.url == request.url and retry.dont_filter and retry.callback == request.callback
    assert retry.meta["rendered_retry"] is True and retry.meta["playwright"] is True
    assert retry.meta["sitemap_date"] == "2025-01-02"
    assert browser_retry(retry, ".article-body p", settings) is None  # already rendered
    assert browser_retry(Request("https://x.vn/", meta={"playwright": True}), None, settings) is None

    off = project_settings(CHROMIUM_PATH=fake_chromium, RENDER_JS_FALLBACK=False)
    apply_render_settings(off, True)
    assert browser_retry(request, ".x", off) is None
    no_browser = project_settings(CHROMIUM_PATH=str(tmp_path / "missing"))
    assert browser_retry(request, ".x", no_browser) is None
    not_installed = project_settings(CHROMIUM_PATH=fake_chromium)  # apply_render_settings never called
    assert browser_retry(request, ".x", not_installed) is None
    replaying = project_settings(REPLAY_WARC="a.warc.gz", CHROMIUM_PATH=str(tmp_path / "missing"))
    assert browser_retry(request, ".x", replaying) is not None  # the WARC's rendered capture answers it

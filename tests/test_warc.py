"""WARC record and replay: a real crawl of a local server is recorded, then replayed offline.

The recorded crawl covers what a live site does to a crawler: robots.txt, a
gzip-encoded body, a 301, a page robots.txt forbids. The replay runs with the server
stopped and must give the same items; the rest checks the replay index directly on
WARCs built with ``write_warc`` (other tools' encodings, revisits, damaged files).
"""
from __future__ import annotations

import gzip
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.fetching.warc.index import WarcIndex
from crawler.fetching.warc.record import RENDERED_FIELD, WarcRecorderMiddleware
from crawler.fetching.warc.replay import WarcReplayMiddleware
from tests.local_http import LocalServer
from tests.spiders_for_tests import WARC_MIDDLEWARES
from tests.support import read_jsonl, scrapy_crawl, stats_from_log
from tests.warc_builders import iter_responses, write_warc

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(title: str, text: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{text}</p></body></html>").encode()


ROUTES = {
    "/": (200, HTML, b'<a href="/page1.html">1</a> <a href="/page2.html">2</a> '
                     b'<a href="/old-3">3</a> <a href="/private/4.html">4</a>'),
    "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
    "/page1.html": (200, HTML, page("Một", "Hội nghị Ngoại vụ toàn quốc lần thứ 21")),
    "/page2.html": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(page("Hai", "Bài nén gzip trên đường truyền"))),
    "/old-3": (301, {"Location": "/page3.html"}, b""),
    "/page3.html": (200, HTML, page("Ba", "Sau một lần chuyển hướng 301")),
    "/private/4.html": (200, HTML, page("Bốn", "robots.txt cấm trang này")),
}


def crawl(*args: str):
    return scrapy_crawl("test_links", "-s", "SPIDER_MODULES=tests.spiders_for_tests", *args, timeout=120)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One recorded crawl of the local server; the server is stopped afterwards."""
    tmp = tmp_path_factory.mktemp("warc_live")
    with LocalServer(ROUTES) as server:
        proc = crawl("-a", f"start={server.url('/')}", "-O", str(tmp / "live.jsonl"),
                     "-s", f"ARCHIVE_DIR={tmp / 'archive'}")
        hits = list(server.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    warcs = sorted((tmp / "archive" / "warc").glob("*.warc.gz"))
    return {"tmp": tmp, "base": server.base, "items": read_jsonl(tmp / "live.jsonl"), "server": server,
            "stats": stats_from_log(proc.stderr), "warcs": warcs, "hits": hits, "log": proc.stderr}


@pytest.fixture(scope="module")
def replayed(live):
    tmp = live["tmp"]
    missing = live["base"] + "/not-recorded.html"
    proc = crawl("-a", f"start={live['base']}/", "-a", f"extra={missing}", "-O", str(tmp / "replay.jsonl"),
                 "-s", f"ARCHIVE_DIR={tmp / 'archive'}", "-s", f"REPLAY_WARC={live['warcs'][0]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"items": read_jsonl(tmp / "replay.jsonl"), "stats": stats_from_log(proc.stderr), "log": proc.stderr,
            "missing": missing}


# --- recording -----------------------------------------------------------------------------
def test_live_crawl_writes_one_named_warc_with_every_response(live):
    assert len(live["warcs"]) == 1
    assert re.fullmatch(r"test_links-\d{8}T\d{6}Z-\d+\.warc\.gz", live["warcs"][0].name)
    assert live["stats"]["warc/file"] == str(live["warcs"][0])
    recorded = {url.removeprefix(live["base"]): status for url, status, *_ in iter_responses(live["warcs"][0])}
    # the 301 is there too (recorded above RedirectMiddleware); the robots-forbidden page is not
    assert recorded == {"/robots.txt": 200, "/": 200, "/page1.html": 200, "/page2.html": 200, "/old-3": 301,
                        "/page3.html": 200}
    assert live["stats"]["warc/records_written"] == 2 * len(recorded)
    assert "warc/errors" not in live["stats"]


def test_each_response_has_its_request_record(live):
    with open(live["warcs"][0], "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Concurrent-To"),
                    r.http_headers.protocol if r.http_headers else None) for r in ArchiveIterator(fh)]
    assert records[0][0] == "warcinfo"
    responses = {uri: rid for kind, uri, rid, _, _ in records if kind == "response"}
    requests = {uri: (to, verb) for kind, uri, _, to, verb in records if kind == "request"}
    assert requests.keys() == responses.keys()
    assert all(requests[uri] == (responses[uri], "GET") for uri in responses)


def test_gzip_encoded_body_is_recorded_decoded(live):
    _, status, headers, body, _ = next(r for r in iter_responses(live["warcs"][0]) if r[0].endswith("/page2.html"))
    names = {name.lower() for name, _ in headers}
    assert "content-encoding" not in names and "transfer-encoding" not in names
    assert dict((n.lower(), v) for n, v in headers)["content-length"] == str(len(body))
    assert body == page("Hai", "Bài nén gzip trên đường truyền")


# --- replay --------------------------------------------------------------------------------
def test_replay_without_server_gives_the_same_items(live, replayed):
    def pages(items):
        return sorted((i for i in items if "title" in i), key=lambda i: i["url"])

    assert len(pages(live["items"])) == 3
    assert pages(replayed["items"]) == pages(live["items"])
    stats = replayed["stats"]
    assert stats["warc/replay/hit"] == 6  # robots.txt, index, 3 pages, the 301
    assert stats["robotstxt/forbidden"] == 1  # robots.txt came from the WARC and still applies
    assert stats["downloader/response_status_count/301"] == 1
    assert "warc/records_written" not in stats and "warc/file" not in stats  # no recording during replay
    assert len(list((live["tmp"] / "archive" / "warc").glob("*.warc*"))) == 1
    # nothing went to the (stopped) network: no connection errors, only the robots.txt refusal
    assert stats.get("downloader/exception_count", 0) == stats["robotstxt/forbidden"]


def test_url_missing_from_warc_is_a_counted_404(replayed):
    miss = next(i for i in replayed["items"] if i["url"] == replayed["missing"])
    assert miss["status"] == 404 and miss["flags"] == ["replay-miss"]
    assert replayed["stats"]["warc/replay/miss"] == 1


def test_truncated_warc_is_reported_and_the_crawl_finishes(live, tmp_path):
    data = live["warcs"][0].read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    proc = crawl("-a", f"start={live['base']}/", "-O", str(tmp_path / "out.jsonl"),
                 "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"REPLAY_WARC={cut}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = stats_from_log(proc.stderr)
    assert stats["finish_reason"] == "finished"
    assert stats["warc/replay/bad_file"] == 1
    assert re.search(r"ERROR: bad WARC file .*cut\.warc\.gz", proc.stderr)
    assert stats["warc/replay/hit"] >= 2 and stats["warc/replay/miss"] >= 1  # the first part still replays


# --- the replay index on hand-made WARCs ---------------------------------------------------
def replay_mw(tmp_path, *paths, **settings):
    crawler = get_crawler(settings_dict={"REPLAY_WARC": ",".join(map(str, paths)), **settings})
    return WarcReplayMiddleware.from_crawler(crawler), crawler.stats


def test_other_tools_encodings_replay_decoded_with_the_right_response_class(tmp_path):
    warc = write_warc(tmp_path / "tools.warc.gz", [
        ("http://site.vn/gz", 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, gzip.compress(b"<p>nen</p>")),
        ("http://site.vn/chunked", 200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")],
         b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
        ("http://site.vn/feed.xml", 200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
        ("http://site.vn/sitemap.xml.gz", 200, {"Content-Type": "application/x-gzip"}, gzip.compress(b"<urlset/>")),
    ])
    mw, stats = replay_mw(tmp_path, warc)
    gz = mw.process_request(Request("http://site.vn/gz"))
    assert type(gz) is HtmlResponse and gz.body == b"<p>nen</p>" and b"Content-Encoding" not in gz.headers
    chunked = mw.process_request(Request("http://site.vn/chunked"))
    assert type(chunked) is TextResponse and chunked.body == b"hello world"
    assert b"Transfer-Encoding" not in chunked.headers and b"Content-Length" not in chunked.headers
    assert type(mw.process_request(Request("http://site.vn/feed.xml"))) is XmlResponse
    sitemap = mw.process_request(Request("http://site.vn/sitemap.xml.gz"))
    assert type(sitemap) is Response and gzip.decompress(sitemap.body) == b"<urlset/>"
    assert stats.get_value("warc/replay/hit") == 4 and stats.get_value("warc/replay/miss") is None


def test_lookup_falls_back_to_canonical_form_fragmentless_and_other_scheme(tmp_path):
    write_warc(tmp_path / "a.warc", [
        ("https://site.vn/tin?b=2&a=1", 200, HTML, b"<p>canonical</p>"),
        ("http://site.vn/old", 302, {"Location": "https://site.vn/new"}, b""),
    ])
    mw, stats = replay_mw(tmp_path, tmp_path)  # a directory: all its WARCs
    for url in ("https://site.vn/tin?a=1&b=2", "http://site.vn/tin?b=2&a=1#top", "http://site.vn/tin?a=1&b=2"):
        response = mw.process_request(Request(url))
        assert (response.status, response.body, response.url) == (200, b"<p>canonical</p>", url)
    redirect = mw.process_request(Request("https://site.vn/old"))
    assert redirect.status == 302 and redirect.headers[b"Location"] == b"https://site.vn/new"
    missing = mw.process_request(Request("https://site.vn/tin?a=1"))
    assert missing.status == 404 and "replay-miss" in missing.flags
    assert isinstance(missing, HtmlResponse)
    assert (stats.get_value("warc/replay/hit"), stats.get_value("warc/replay/miss")) == (4, 1)


def test_local_files_pass_through_and_original_url_is_looked_up_first(tmp_path):
    warc = write_warc(tmp_path / "a.warc.gz", [("https://baohatinh.vn/a.html", 200, HTML, b"<p>public</p>")])
    mw, _ = replay_mw(tmp_path, warc)
    assert mw.process_request(Request("file:///etc/hostname")) is None
    mirrored = Request("https://mirror.example/a.html", meta={"original_url": "https://baohatinh.vn/a.html"})
    assert mw.process_request(mirrored).body == b"<p>public</p>"


def test_rendered_and_raw_captures_serve_their_own_kind_and_errors_do_not_shadow(tmp_path):
    rendered = {RENDERED_FIELD: "scrapy-playwright"}
    warc = write_warc(tmp_path / "a.warc.gz", [
        ("https://site.vn/js", 200, HTML, b"<div class=article-body></div>"),
        ("https://site.vn/js", 200, HTML, b"<div class=article-body><p>DOM</p></div>", rendered),
        ("https://site.vn/only-rendered", 200, HTML, b"<p>DOM only</p>", rendered),
        ("https://site.vn/retry", 200, HTML, b"<p>good</p>"),
        ("https://site.vn/retry", 503, HTML, b"busy"),
        ("https://site.vn/updated", 200, HTML, b"<p>v1</p>"),
        ("https://site.vn/updated", 200, HTML, b"<p>v2</p>"),
    ])
    mw, _ = replay_mw(tmp_path, warc)
    assert mw.process_request(Request("https://site.vn/js")).body == b"<div class=article-body></div>"
    assert b"<p>DOM</p>" in mw.process_request(Request("https://site.vn/js", meta={"playwright": True})).body
    assert mw.process_request(Request("https://site.vn/only-rendered")).body == b"<p>DOM only</p>"
    assert mw.process_request(Request("https://site.vn/retry")).status == 200
    assert mw.process_request(Request("https://site.vn/updated")).body == b"<p>v2</p>"


def test_revisit_records_are_served_from_their_original(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "revisit.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        body = b"<p>same payload</p>"
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        original = writer.create_warc_record("https://site.vn/a", "response", payload=__import__("io").BytesIO(body),
                                             length=len(body), http_headers=http)
        writer.write_record(original)
        revisit = writer.create_revisit_record(
            "https://site.vn/a?copy=1", original.rec_headers.get_header("WARC-Payload-Digest"), "https://site.vn/a",
            original.rec_headers.get_header("WARC-Date"),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"))
        writer.write_record(revisit)
    mw, _ = replay_mw(tmp_path, path)
    response = mw.process_request(Request("https://site.vn/a?copy=1"))
    assert (response.status, response.body) == (200, b"<p>same payload</p>")


def test_missing_and_garbage_files_are_counted_not_fatal(tmp_path):
    good = write_warc(tmp_path / "good.warc.gz", [("https://site.vn/a", 200, HTML, b"<p>a</p>")])
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a WARC file\r\n\r\n" * 10)
    mw, stats = replay_mw(tmp_path, tmp_path / "nope.warc.gz", garbage, good)
    assert mw.process_request(Request("https://site.vn/a")).body == b"<p>a</p>"
    assert stats.get_value("warc/replay/bad_file") == 2


BODIES = [(f"https://site.vn/{i}", ("<p>" + f"bài {i} " * (50 + 40 * i) + "</p>").encode()) for i in range(5)]


@pytest.fixture(scope="module", params=[".warc.gz", ".warc"])
def whole_warc(request, tmp_path_factory):
    """A WARC of BODIES (gzip members or plain) and the end offset of each record."""
    name = "whole" + request.param
    path = write_warc(tmp_path_factory.mktemp("whole") / name, [(u, 200, HTML, b) for u, b in BODIES])
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        ends = set()
        for _ in it:
            it.read_to_end()
            ends.add(it.get_record_offset() + it.get_record_length())
    return name, path.read_bytes(), ends


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(min_value=0.0, max_value=0.999))
def test_a_cut_warc_never_serves_a_partial_body(whole_warc, tmp_path, fraction):
    name, data, record_ends = whole_warc
    cut = int(len(data) * fraction)
    path = tmp_path / name
    path.write_bytes(data[:cut])
    index = WarcIndex.build([path])
    try:
        for url, body in BODIES:
            entry = index.lookup(url)
            if entry is not None:
                assert index.read(entry)[2] == body
        assert len(index) == sum(1 for end in record_ends if end <= cut)
        # a cut right after a record (a gzip member's end, or the blank lines that close a plain
        # record) leaves a valid shorter WARC; any other cut is reported
        slack = 0 if name.endswith(".gz") else 4
        harmless = cut == 0 or any(end <= cut <= end + slack for end in record_ends)
        assert bool(index.bad_files) == (not harmless)
    finally:
        index.close()


# --- the recorder's guards ------------------------------------------------------------------
def test_recorder_is_off_when_replaying_or_disabled_and_refuses_a_replay_without_the_replay_middleware():
    with pytest.raises(NotConfigured):
        WarcRecorderMiddleware.from_crawler(get_crawler(settings_dict={"ARCHIVE_WARC": False}))
    wired = {"REPLAY_WARC": "x.warc.gz", "DOWNLOADER_MIDDLEWARES": WARC_MIDDLEWARES}
    with pytest.raises(NotConfigured):
        WarcRecorderMiddleware.from_crawler(get_crawler(settings_dict=wired))
    with pytest.raises(ValueError, match="refusing to crawl the live sites"):
        WarcRecorderMiddleware.from_crawler(get_crawler(settings_dict={"REPLAY_WARC": "x.warc.gz"}))


def test_recorder_failure_is_counted_and_never_raises(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the WARC directory should be")
    crawler = get_crawler(settings_dict={"WARC_DIR": str(blocker / "warc")})
    mw = WarcRecorderMiddleware.from_crawler(crawler)
    request = Request("https://site.vn/a")
    for _ in range(2):
        response = HtmlResponse("https://site.vn/a", body=b"<p>a</p>", request=request)
        assert mw.process_response(request, response) is response
    assert crawler.stats.get_value("warc/errors") == 2
    assert crawler.stats.get_value("warc/records_written") is None


def test_recorder_skips_local_urls_and_keeps_original_url(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
    crawler.spider = type("S", (), {"name": "baohatinh"})()
    mw = WarcRecorderMiddleware.from_crawler(crawler)
    local = Request("file:///tmp/x.txt")
    mw.process_response(local, Response("file:///tmp/x.txt", body=b"x", request=local))
    assert not (tmp_path / "warc").exists()  # nothing to record: no empty WARC either
    mirrored = Request("https://mirror.example/a.html#frag", meta={"original_url": "https://baohatinh.vn/a.html"})
    mw.process_response(mirrored, HtmlResponse(mirrored.url, body=b"<p>a</p>", request=mirrored,
                                               headers={"Content-Length": "999"}))
    mw.warc.close()
    (path,) = (tmp_path / "warc").glob("baohatinh-*.warc.gz")
    ((url, status, headers, body, _),) = list(iter_responses(path))
    assert (url, status, body) == ("https://baohatinh.vn/a.html", 200, b"<p>a</p>")
    assert [v for n, v in headers if n.lower() == "content-length"] == ["8"]


def test_a_failed_write_is_cut_back_so_later_records_stay_readable(tmp_path, monkeypatch):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
    mw = WarcRecorderMiddleware.from_crawler(crawler)
    real_write_pair = mw.warc._write_pair

    def half_then_fail(writer, request, *args):
        if request.url.endswith("/broken"):
            mw.warc.fh.write(b"\x1f\x8b\x08\x00 half a gzip member")
            raise OSError("disk full")
        return real_write_pair(writer, request, *args)

    monkeypatch.setattr(mw.warc, "_write_pair", half_then_fail)
    for name in ("a", "broken", "b"):
        request = Request(f"https://site.vn/{name}")
        mw.process_response(request, HtmlResponse(request.url, body=f"<p>{name}</p>".encode(), request=request))
    mw.warc.close()
    assert crawler.stats.get_value("warc/errors") == 1 and crawler.stats.get_value("warc/records_written") == 4
    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    index = WarcIndex.build([path])
    assert not index.bad_files
    assert index.read(index.lookup("https://site.vn/b"))[2] == b"<p>b</p>"
    index.close()

"""Replay of WARCs written the way other tools write them (built here with warcio directly).

Offline and quick: each test builds its WARC in ``tmp_path`` and asks the replay middleware,
no crawl is started.
"""
import gzip
import io
import zlib

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.fetching.warc.index import WarcIndex
from crawler.fetching.warc.replay import WarcReplayMiddleware

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

ARTICLE = ('<html lang="vi"><head><meta charset="utf-8"><title>Hà Tĩnh và Savannakhet</title></head><body>'
           '<div class="article"><h1 class="article__title cms-title">Hà Tĩnh và Savannakhet (Lào) tăng cường hợp tác</h1>'
           '<div class="article__body zce-content-body cms-body" itemprop="articleBody"><p>Chiều 22/12, đoàn công tác'
           ' tỉnh Savannakhet làm việc với lãnh đạo tỉnh Hà Tĩnh.</p></div></div></body></html>').encode()
URL = "https://baohatinh.vn/ha-tinh-va-savannakhet-tang-cuong-hop-tac-post255001.html"


class Rec:
    """A WARC writer with the record kinds real crawlers (wget, Heritrix, warcprox) leave."""

    def __init__(self, path, version="1.1", gz=True):
        self.fh = open(path, "wb")
        self.w = WARCWriter(self.fh, gzip=gz, warc_version=version)
        self.w.write_record(self.w.create_warcinfo_record(path.name, {"software": "Wget/1.21.3"}))

    def response(self, url, status, headers, payload, brackets=False, request=True):
        http = StatusAndHeaders(f"{status} X", headers, protocol="HTTP/1.1")
        rec = self.w.create_warc_record(url, "response", payload=io.BytesIO(payload), length=len(payload),
                                        http_headers=http)
        if brackets:
            rec.rec_headers.replace_header("WARC-Target-URI", f"<{url}>")
        if request:
            req = self.w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0, http_headers=
                                            StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True))
            self.w.write_request_response_pair(req, rec)
        else:
            self.w.write_record(rec)
        meta = b"via: https://baohatinh.vn/\n"
        self.w.write_record(self.w.create_warc_record(url, "metadata", payload=io.BytesIO(meta), length=len(meta),
                                                      warc_content_type="application/warc-fields"))
        return rec

    def revisit(self, url, original, headers=None, status=200):
        http = StatusAndHeaders(f"{status} OK", headers, protocol="HTTP/1.1") if headers is not None else None
        rec = self.w.create_revisit_record(url, original.rec_headers.get_header("WARC-Payload-Digest"),
                                           original.rec_headers.get_header("WARC-Target-URI").strip("<>"),
                                           original.rec_headers.get_header("WARC-Date"), http_headers=http)
        self.w.write_record(rec)

    def close(self):
        self.fh.close()


def replay(*paths):
    crawler = get_crawler(settings_dict={"REPLAY_WARC": ",".join(map(str, paths))})
    return WarcReplayMiddleware.from_crawler(crawler), crawler.stats


def get(mw, url):
    return mw.process_request(Request(url))


def html(body=ARTICLE, ctype="text/html; charset=utf-8"):
    return [("Content-Type", ctype), ("Content-Length", str(len(body)))]


def chunked(body, size=100):
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


@pytest.mark.parametrize("version,gz", [("1.0", True), ("1.0", False), ("1.1", True), ("1.1", False)])
def test_wget_style_files_both_versions_compressed_or_not(tmp_path, version, gz):
    path = tmp_path / ("rec.warc.gz" if gz else "rec.warc")
    rec = Rec(path, version, gz)
    rec.response(URL, 200, html(), ARTICLE, brackets=version == "1.0")
    rec.w.write_record(rec.w.create_warc_record("urn:x-wget:log", "resource", payload=io.BytesIO(b"log"), length=3,
                                                warc_content_type="text/plain"))
    rec.close()
    mw, stats = replay(path)
    response = get(mw, URL)
    assert isinstance(response, HtmlResponse) and response.status == 200 and response.body == ARTICLE
    assert "Savannakhet (Lào)" in response.text
    assert len(mw.index) == 1  # request, metadata, resource and warcinfo records are not captures
    assert stats.get_value("warc/replay/bad_file") is None and stats.get_value("warc/replay/hit") == 1


def test_chunked_and_gzip_bodies_as_on_the_wire_are_decoded(tmp_path):
    path = tmp_path / "wire.warc.gz"
    rec = Rec(path)
    z = gzip.compress(ARTICLE)
    rec.response(URL, 200, [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
                 chunked(ARTICLE))
    rec.response(URL + "?gz=1", 200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                                     ("Transfer-Encoding", "chunked")], chunked(z))
    rec.response(URL + "?gz=2", 200, [("Content-Type", "text/html"), ("Content-Encoding", "deflate"),
                                     ("Content-Length", "1")], zlib.compress(ARTICLE))
    # a tool that stored the decoded body but kept the header
    rec.response(URL + "?gz=3", 200, html() + [("Content-Encoding", "gzip")], ARTICLE)
    # a tool that stored the encoded body but dropped the header
    rec.response(URL + "?gz=4", 200, [("Content-Type", "text/html; charset=utf-8")], z)
    rec.close()
    mw, _ = replay(path)
    for suffix in ("", "?gz=1", "?gz=2", "?gz=3", "?gz=4"):
        response = get(mw, URL + suffix)
        assert response.body == ARTICLE, suffix
        assert b"Content-Encoding" not in response.headers and b"Transfer-Encoding" not in response.headers


def test_gzip_sitemap_served_as_x_gzip_stays_a_gzip_file(tmp_path):
    xml = b'<?xml version="1.0"?><urlset><url><loc>' + URL.encode() + b"</loc></url></urlset>"
    z = gzip.compress(xml)
    path = tmp_path / "sitemap.warc.gz"
    rec = Rec(path)
    rec.response("https://baohatinh.vn/sitemaps/news-2023-12.xml.gz", 200,
                 [("Content-Type", "application/x-gzip"), ("Content-Length", str(len(z)))], z)
    rec.close()
    mw, _ = replay(path)
    response = get(mw, "https://baohatinh.vn/sitemaps/news-2023-12.xml.gz")
    assert response.status == 200 and gzip.decompress(response.body) == xml


def test_charset_from_meta_when_the_header_has_none(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
            '<body><h1>Vi\u00ea\u0323t Nam</h1></body></html>').encode("cp1258")
    path = tmp_path / "cp.warc"
    rec = Rec(path, gz=False)
    rec.response(URL, 200, html(page, "text/html"), page)
    rec.response(URL + "?utf8", 200, html(ARTICLE, "text/html"), ARTICLE)
    rec.close()
    mw, _ = replay(path)
    response = get(mw, URL)
    assert isinstance(response, TextResponse) and response.encoding == "cp1258"
    assert "Vi\u00ea\u0323t Nam" in response.text
    assert "Hà Tĩnh" in get(mw, URL + "?utf8").text


@pytest.mark.parametrize("recorded", [
    "http://baohatinh.vn/a-post1.html", "https://www.baohatinh.vn/a-post1.html", "http://www.baohatinh.vn/a-post1.html"])
def test_scheme_and_www_variants_are_found(tmp_path, recorded):
    path = tmp_path / "v.warc.gz"
    rec = Rec(path)
    rec.response(recorded, 200, html(), ARTICLE)
    rec.close()
    mw, stats = replay(path)
    assert get(mw, "https://baohatinh.vn/a-post1.html").status == 200
    assert get(mw, "https://baohatinh.vn/b-post2.html").status == 404
    assert stats.get_value("warc/replay/miss") == 1


def test_recorded_redirect_then_target_and_no_circle_through_a_variant(tmp_path):
    path = tmp_path / "r.warc.gz"
    rec = Rec(path)
    rec.response("https://vietnam.vn/bai-viet", 301, [("Location", "https://www.vietnam.vn/bai-viet"),
                                                     ("Content-Length", "0")], b"")
    rec.response("https://www.vietnam.vn/bai-viet", 200, html(), ARTICLE)
    rec.response("http://baohatinh.vn/only-redirect-post3.html", 302,
                 [("Location", "https://baohatinh.vn/only-redirect-post3.html"), ("Content-Length", "0")], b"")
    rec.close()
    mw, stats = replay(path)
    first = get(mw, "https://vietnam.vn/bai-viet")
    assert first.status == 301 and first.headers[b"Location"] == b"https://www.vietnam.vn/bai-viet"
    assert get(mw, "https://www.vietnam.vn/bai-viet").body == ARTICLE
    # only http -> https was recorded: the https request must be a miss, not a redirect to itself
    assert get(mw, "https://baohatinh.vn/only-redirect-post3.html").status == 404
    assert get(mw, "http://baohatinh.vn/only-redirect-post3.html").status == 302


def test_revisits_identical_payload_with_and_without_http_headers(tmp_path):
    path = tmp_path / "rv.warc.gz"
    rec = Rec(path, "1.0")
    original = rec.response(URL, 200, html(), ARTICLE)
    rec.revisit(URL + "?with-headers", original, headers=[("Content-Type", "text/html; charset=utf-8")])
    rec.revisit(URL + "?no-headers", original, headers=None)
    rec.revisit(URL + "?not-modified", original, headers=[("ETag", "x")], status=304)
    rec.close()
    mw, stats = replay(path)
    for suffix in ("?with-headers", "?no-headers", "?not-modified"):
        response = get(mw, URL + suffix)
        assert (response.status, response.body) == (200, ARTICLE), suffix
        assert isinstance(response, HtmlResponse), suffix
    assert stats.get_value("warc/replay/revisit_unresolved") is None


def test_a_later_capture_wins_over_an_earlier_revisit(tmp_path):
    path = tmp_path / "order.warc.gz"
    rec = Rec(path)
    original = rec.response(URL + "?v=1", 200, html(), ARTICLE)
    rec.revisit(URL, original, headers=[("Content-Type", "text/html")])
    newer = ARTICLE.replace(b"22/12", b"23/12")
    rec.response(URL, 200, html(newer), newer)
    rec.close()
    mw, _ = replay(path)
    assert get(mw, URL).body == newer


@pytest.mark.parametrize("order", ["503-then-200", "200-then-503"])
def test_duplicate_captures_serve_the_good_one(tmp_path, order):
    path = tmp_path / "dup.warc.gz"
    rec = Rec(path)
    bad = (URL, 503, html(b"busy", "text/html"), b"busy")
    good = (URL, 200, html(), ARTICLE)
    for capture in ((bad, good) if order == "503-then-200" else (good, bad)):
        rec.response(*capture)
    rec.close()
    mw, _ = replay(path)
    assert (get(mw, URL).status, get(mw, URL).body) == (200, ARTICLE)


def test_whole_file_gzip_warc_is_indexed(tmp_path):
    plain = tmp_path / "rec.warc"
    rec = Rec(plain, gz=False)
    rec.response(URL, 200, html(), ARTICLE)
    other = ARTICLE.replace(b"22/12", b"24/12")
    rec.response(URL + "?2", 200, html(other), other)
    rec.close()
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    index = WarcIndex.build([whole])
    try:
        assert not index.bad_files
        assert index.read(index.lookup(URL))[2] == ARTICLE
        assert index.read(index.lookup(URL + "?2"))[2] == other
    finally:
        index.close()

"""Issue #10 (1): a run that fails says so -- exit status, one-line reasons, arguments, User-Agent,
log file, quiet duplicate drops. Real ``scrapy crawl`` runs of the replayed baoquocte recording."""
import json
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.ops.preflight import run_failures
from tests.support import FIXTURES, manifest_entries, replay_args, scrapy_crawl, stats_from_log, warc_from_entries

pytestmark = pytest.mark.slow  # crawls in subprocesses

MANIFEST = FIXTURES / "baoquocte" / "replay" / "manifest.json"
ARTICLE = re.compile(r"^https://baoquocte\.vn/[\w-]+-\d+\.html$")
SINCE, UNTIL = "2023-12-17", "2023-12-20"


@pytest.fixture(scope="module")
def warc(tmp_path_factory):
    return warc_from_entries(manifest_entries(MANIFEST), tmp_path_factory.mktemp("ops") / "site.warc.gz")


def crawl(tmp_path, warc_path, *args, spider="baoquocte"):
    return scrapy_crawl(spider, *replay_args(warc_path, tmp_path / "archive"), *args)


def one_error_line(proc, traceback_ok=False) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.startswith("vnfa: error:")]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert traceback_ok or "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return lines[0]


# --- arguments -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["-a", "since=2024-13-45"], "-a since='2024-13-45': expected a date YYYY-MM-DD"),
    (["-a", "pages=many"], "-a pages='many': expected a whole number"),
    (["-a", "scope=most"], "-a scope='most': expected 'fa' or 'all'"),
    (["-a", "since=2024-02-01", "-a", "until=2024-01-01"], "is after until"),
    (["-a", "sinse=2024-01-01"], "-a sinse: unknown argument(s) of baoquocte; valid: since, until, scope, pages, feed"),
])
def test_a_bad_argument_is_one_line_and_exit_2(tmp_path, warc, args, message):
    proc = crawl(tmp_path, warc, *args)
    assert proc.returncode == 2
    assert message in one_error_line(proc)
    # no crawl, no asyncio traceback: Scrapy's start-up banner, then the one line
    assert "Spider opened" not in proc.stderr and proc.stderr.strip().splitlines()[-1].startswith("vnfa: error:")


def test_vietnamvn_languages_and_its_argument_list(tmp_path, warc):
    proc = crawl(tmp_path, warc, "-a", "lang=vi", spider="vietnamvn")
    assert proc.returncode == 2 and "valid: since, until, scope, languages" in one_error_line(proc)
    proc = crawl(tmp_path, warc, "-a", "languages=vi,xx", spider="vietnamvn")
    assert proc.returncode == 2 and "unknown language(s) xx" in one_error_line(proc)


def test_a_range_before_the_site_existed_is_warned_about(tmp_path, warc):
    proc = crawl(tmp_path, warc, "-a", "since=2001-01-01", "-a", "until=2001-01-31", "-a", "pages=1")
    assert "is before baoquocte.vn existed (first publication ~2010, inferred)" in proc.stderr
    assert stats_from_log(proc.stderr)["arguments/since_before_site_existed"] == 2010


# --- REPLAY_WARC -------------------------------------------------------------------------------------

def test_a_missing_empty_or_unreadable_replay_warc_is_refused(tmp_path):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"<html>not a warc</html>" * 10)
    broken_gzip = tmp_path / "broken.warc.gz"
    broken_gzip.write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "nowarcs").mkdir()
    cases = {tmp_path / "missing.warc.gz": "does not exist", empty: "is empty", garbage: "is not a WARC file",
             broken_gzip: "cannot be read", tmp_path / "nowarcs": "holds no .warc"}
    for path, message in cases.items():
        proc = crawl(tmp_path, path)
        assert proc.returncode == 2, (path, proc.stderr[-2000:])
        assert message in one_error_line(proc), path


# --- failed runs and good ones ------------------------------------------------------------------------

def test_every_article_request_failed_exits_1(tmp_path):
    # the listing pages and the feed, but not one article page: every article is a 404
    rows = [r for r in manifest_entries(MANIFEST) if not ARTICLE.match(r["url"])]
    warc_path = warc_from_entries(rows, tmp_path / "no-articles.warc.gz")
    proc = crawl(tmp_path, warc_path, "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert proc.returncode == 1
    assert re.search(r"crawl baoquocte failed: every article request failed \(\d+\)", one_error_line(proc))


def test_fetching_nothing_exits_1(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = scrapy_crawl("baoquocte", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", "RETRY_ENABLED=False",
                        "-s", "ARCHIVE_WARC=False", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
                        env={"https_proxy": f"http://127.0.0.1:{port}", "http_proxy": f"http://127.0.0.1:{port}"})
    assert proc.returncode == 1
    # (Scrapy's robots.txt middleware logs the refused connection with its traceback)
    assert "fetched nothing: not a single response" in one_error_line(proc, traceback_ok=True)


def test_a_good_backfill_and_an_incremental_run_with_nothing_new_exit_0(tmp_path, warc):
    backfill = crawl(tmp_path, warc, "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert backfill.returncode == 0, backfill.stderr[-3000:]
    assert "monitors of baoquocte: PASS" in backfill.stderr and "vnfa: error" not in backfill.stderr
    first = crawl(tmp_path, warc, "-s", "TODAY=2023-12-28")
    assert first.returncode == 0, first.stderr[-3000:]
    again = crawl(tmp_path, warc, "-s", "TODAY=2023-12-28")  # nothing new: no article requested
    assert again.returncode == 0, again.stderr[-3000:]
    stats = stats_from_log(again.stderr)
    assert stats.get("item_scraped_count", 0) == 0 and not stats.get("articles/responses")


def test_run_failures_reasons():
    assert run_failures({"response_received_count": 3}) == []
    assert run_failures({}) == ["fetched nothing: not a single response"]
    assert run_failures({"response_received_count": 3, "errors/article/http_500": 2}) == [
        "every article request failed (2)"]
    assert run_failures({"response_received_count": 3, "errors/article/timeout": 2, "articles/responses": 1}) == []
    assert run_failures({"response_received_count": 3, "monitors/failed": "fields, window"}) == [
        "monitor(s) failed: fields, window"]


# --- User-Agent, log file, dropped items ---------------------------------------------------------------

def test_contact_setting_reaches_the_user_agent(tmp_path):
    agents = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            agents.append(self.headers.get("User-Agent"))
            body = b"<html><body><h1>x</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        proc = scrapy_crawl("test_links", "-a", f"start={url}", "-s", "SPIDER_MODULES=tests.spiders_for_tests",
                            "-s", "CONTACT=ops-desk@example.org", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                            "-s", "ARCHIVE_WARC=False")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert agents and all("contact: ops-desk@example.org" in a for a in agents), agents
    assert all(a.startswith("vnfa-crawler/") for a in agents)


def test_log_file_in_a_folder_that_does_not_exist(tmp_path, warc):
    log = tmp_path / "logs" / "deeper" / "baoquocte.log"
    proc = crawl(tmp_path, warc, "-a", f"since={SINCE}", "-a", f"until={UNTIL}", "-s", f"LOG_FILE={log}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")


def test_duplicates_are_dropped_quietly_and_counted(tmp_path, warc):
    args = ["-a", f"since={SINCE}", "-a", f"until={UNTIL}", "-s", "DEDUP_DROP_ARCHIVED=True"]
    assert crawl(tmp_path, warc, *args).returncode == 0
    proc = crawl(tmp_path, warc, *args)  # every article already archived: dropped as Handled
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = stats_from_log(proc.stderr)
    drops = re.findall(r"\[scrapy\.core\.scraper\] (\w+): Dropped \(Handled\): already archived by an earlier run: "
                       r"(\S+) <(\S+)>", proc.stderr)
    assert len(drops) == stats["item_dropped_reasons_count/Handled"] == 12
    assert {level for level, _, _ in drops} == {"DEBUG"}
    assert "'body':" not in proc.stderr and "WARNING: Dropped" not in proc.stderr


def test_formatter_levels():
    from scrapy.exceptions import DropItem

    from crawler.items import Handled, OffTopic, new_item
    from crawler.ops.logformatter import QuietDropFormatter

    item = new_item(url="https://baoquocte.vn/a-1.html", body="long body " * 100)
    formatter = QuietDropFormatter()
    for exc, level in ((Handled("dup"), logging.DEBUG), (OffTopic("off"), logging.INFO), (DropItem("bad"), logging.WARNING)):
        out = formatter.dropped(item, exc, None, None)
        message = out["msg"] % out["args"]
        assert out["level"] == level and "long body" not in message and "https://baoquocte.vn/a-1.html" in message
    assert json.dumps(out["args"])  # plain values only


@pytest.mark.parametrize("args, message", [
    (["-a", "path="], "-a path= is empty"),  # never a silent replay of the bundled seeds
    (["-a", "paht=dumps"], "-a paht: unknown argument(s) of seeds; valid: path, manifest"),
])
def test_seeds_arguments_are_checked_too(tmp_path, args, message):
    proc = scrapy_crawl("seeds", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", *args)
    assert proc.returncode == 2
    assert message in one_error_line(proc)
    assert not (tmp_path / "archive" / "archive.sqlite3").exists()


def test_scrapyd_job_arguments_are_not_refused():
    from spiders.arguments import unknown_arguments

    assert unknown_arguments({"_job": "abc", "since": "2024-01-01", "sinse": "x"}, ("since", "until")) == ["sinse"]

"""End-to-end crawl throughput: a bare Scrapy spider vs our spider with every pipeline on, same pages, same server.

Target: our crawl >= 0.8x the pages/s of the bare spider.

* The pages: ``bench/synth.py``'s synthetic recording of the site (generated if missing):
  for baoquocte, 5,000 articles + 334 listing pages + the RSS feed + robots.txt.
* The server: a small asyncio static server (``--server static``, default: every page
  pre-rendered as one bytes object, HTTP/1.1 keep-alive) in its own process pinned to the
  second core; its CPU share during each crawl is printed. ``tests/mirror.py``'s
  :class:`Mirror` (``--server mirror``) is not the default because it limits the figures: it
  writes headers and body in two ``send()`` calls without TCP_NODELAY, so Nagle + delayed
  ACK add ~40 ms to every response (~90 requests/s per connection) while it sits at a few %
  CPU; the bare spider got 30-55 % fewer pages/s from it. A last bare crawl served by the
  Mirror shows that in every run (``--no-mirror-check`` skips it).
* The crawls, one after the other, each in a fresh process pinned to the first core, through
  the same loopback server and ``tests.mirror_middleware.MirrorMiddleware`` (the real sites' URLs are
  kept), with AUTOTHROTTLE off, DOWNLOAD_DELAY 0, the same CONCURRENT_REQUESTS(_PER_DOMAIN)
  and ROBOTSTXT_OBEY on for both:

  (a) ``bare``: ``scrapy.Spider`` on Scrapy's default settings, which follows the listing
      (and feed / sitemap) links and yields ``{url, title}`` per article -- no pipelines;
  (b) ``real``: the project spider on the project settings, i.e. with every default on:
      the normalize -> dates -> scope -> dedup -> archive pipelines into a fresh ARCHIVE_DIR
      (SQLite + JSON Lines), WARC recording of every response (ARCHIVE_WARC), the seen-store
      (incremental run) or the backfill range, the strict offsite middleware, the memory
      dupefilter, cookies, retries, and the JS-rendering fallback handler when Chromium is
      installed (RENDER_JS_FALLBACK).

Peak RSS is the crawl process's own (VmHWM); pages/s counts every response (listing, feed,
sitemap, robots.txt and article pages) over engine start -> stop; "crawler CPU ms/page" is the
crawl process's user+system CPU over the same span, the figure least disturbed by other load
on the machine. ``BENCH_PROFILE=/path/out.txt`` writes a pyinstrument profile of each crawl.

    python bench/bench_crawl.py [--site baoquocte|vietnamvn] [--articles 5000] [--server static|mirror]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, machine, peak_rss_mb, report, timed_crawl

SYNTH = ROOT / "bench" / "out" / "synth"
SERVER_CPU, CRAWL_CPU = 1, 0


# ================================================================================================
# the server (a child process)
# ================================================================================================
def _pin(cpu: int) -> None:
    try:
        if len(os.sched_getaffinity(0)) > 1 and os.cpu_count() and os.cpu_count() > cpu:
            os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        pass


def serve(site_dir: Path, kind: str) -> None:
    """Serve the recording on 127.0.0.1 until stdin closes; print the address first."""
    _pin(SERVER_CPU)
    if kind == "mirror":
        from tests.mirror import Mirror

        mirror = Mirror.load_dir(site_dir).start()
        print(mirror.address, flush=True)
        sys.stdin.read()
        mirror.stop()
        return
    asyncio.run(_static_server(site_dir))


async def _static_server(site_dir: Path) -> None:
    """HTTP/1.1 keep-alive, GET/HEAD only, the manifest's pages at their mirror paths, nothing else."""
    from tests.mirror import key
    from tests.mirror_middleware import to_mirror

    pages: dict[str, bytes] = {}
    for row in json.loads((site_dir / "manifest.json").read_text(encoding="utf-8")):
        body = (site_dir / row["file"]).read_bytes()
        head = f"HTTP/1.1 {row.get('status', 200)} OK\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in (row.get("headers") or {}).items()) + f"Content-Length: {len(body)}\r\n\r\n"
        path = "/" + to_mirror(key(row["url"]), "x").split("/", 3)[3]  # "/https/host/path?query"
        pages[path] = head.encode("latin-1") + body
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nmissing"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                data = pages.get(line[1] if len(line) > 1 else "", missing)
                writer.write(data if line[0] != "HEAD" else data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print(f"127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


class Server:
    def __init__(self, site_dir: Path, kind: str):
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(site_dir), kind], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT)))
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ================================================================================================
# the bare spider
# ================================================================================================
def bare_spider_class():
    import re

    import scrapy

    class BareSpider(scrapy.Spider):
        """Follows the discovery links of one site layout, yields {url, title} per article. Nothing else."""

        name = "bare"

        def __init__(self, site: str, languages: str = "vi,en,fr,nl,id", **kwargs):
            super().__init__(**kwargs)
            self.site = site
            self.languages = languages.split(",")

        async def start(self):
            if self.site == "baoquocte":
                yield scrapy.Request("https://baoquocte.vn/rss_feed/ngoai-giao", self.parse_feed, priority=5)
                yield scrapy.Request("https://baoquocte.vn/ngoai-giao", self.parse_listing)
            elif self.site == "vietnamvn":
                yield scrapy.Request("https://www.vietnam.vn/sitemap.xml", self.parse_index)
            else:
                raise ValueError(f"no bare recipe for {self.site}")

        # baoquocte: the feed, the listing cards and the pager
        def parse_feed(self, response):
            for link in response.xpath("//item/link/text()").getall():
                yield response.follow(link.strip(), self.parse_article, priority=10)

        def parse_listing(self, response):
            for href in response.css("div.bx-listing h3.article-title a::attr(href)").getall():
                yield response.follow(href, self.parse_article, priority=10)
            for href in response.css("div.__MB_ARTICLE_PAGING div.rt a::attr(href)").getall():
                yield response.follow(href, self.parse_listing)

        # vietnamvn: the sitemap index, the daily sitemaps, each slug in each language
        def parse_index(self, response):
            response.selector.remove_namespaces()
            for loc in response.xpath("//sitemap/loc/text()").getall():
                if re.search(r"/sitemap-post/\d{4}-\d{2}-\d{2}\.xml$", loc):
                    yield scrapy.Request(loc.strip(), self.parse_daily)

        def parse_daily(self, response):
            response.selector.remove_namespaces()
            for loc in response.xpath("//url/loc/text()").getall():
                slug = loc.strip().rstrip("/").rsplit("/", 1)[-1]
                for lang in self.languages:
                    url = f"https://www.vietnam.vn/{slug}" if lang == "vi" else f"https://www.vietnam.vn/{lang}/{slug}"
                    yield scrapy.Request(url, self.parse_article, priority=10)

        def parse_article(self, response):
            yield {"url": response.url, "title": response.css("title::text").get()}

    return BareSpider


# ================================================================================================
# one crawl (a child process)
# ================================================================================================
def crawl(kind: str, site: str, address: str, archive_dir: str, concurrency: int, spider_args: list[str]) -> dict:
    _pin(CRAWL_CPU)
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    common = {
        "MIRROR_ADDRESS": address, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "INFO",
        # housekeeping the project turns off too (an HTTP control port, the telnet console)
        "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
    }
    if kind == "bare":
        settings = Settings()
        settings.setdict({**common, "DOWNLOADER_MIDDLEWARES": {"tests.mirror_middleware.MirrorMiddleware": 950}},
                         priority="cmdline")
        spider = bare_spider_class()
        kwargs = {"site": site}
    else:
        from scrapy.utils.project import get_project_settings

        settings = get_project_settings()
        # the sites' hosts mapped onto the local server: a test/benchmark component, not the project's
        middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), "tests.mirror_middleware.MirrorMiddleware": 950}
        import synth

        # the recording replayed as on its newest day, its whole span in the incremental run's window
        replay_day = {"TODAY": synth.NEWEST_DAY.isoformat(), "INCREMENTAL_DEFAULT_DAYS": 3650}
        settings.setdict({**common, **replay_day, "ARCHIVE_DIR": archive_dir, "DOWNLOADER_MIDDLEWARES": middlewares},
                         priority="cmdline")
        spider = site
        kwargs = dict(a.split("=", 1) for a in spider_args)
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(spider)
    profile_to = os.environ.get("BENCH_PROFILE")  # a path: write a pyinstrument profile of the crawl there
    profiler = None
    if profile_to:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    span = timed_crawl(process, crawler, kwargs, profiler)
    if profiler is not None:
        Path(profile_to).write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    stats = crawler.stats.get_stats()
    elapsed, cpu_s = span["seconds"], span["cpu_seconds"]
    pages = stats.get("downloader/response_count", 0)
    keep = {k: v for k, v in stats.items() if isinstance(v, (int, float, str)) and (
        k.startswith(("item_", "pipeline/", "warc/records", "parse/", "errors/", "incremental/", "retry/",
                      "downloader/response_status_count", "robotstxt/", "archive/articles_total", "log_count/ERROR",
                      "log_count/WARNING", "finish_reason", "render/")))}
    return {"kind": kind, "pages": pages, "seconds": elapsed, "pages_per_s": pages / elapsed,
            "cpu_seconds": cpu_s, "cpu_ms_per_page": cpu_s / pages * 1000, "cpu_share": cpu_s / elapsed,
            "items": stats.get("item_scraped_count", 0), "peak_rss_mb": peak_rss_mb(), "stats": keep}


def run_child(kind: str, site: str, address: str, concurrency: int, spider_args: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        proc = subprocess.run([sys.executable, __file__, "--child", kind, site, address, str(Path(tmp) / "archive"),
                               str(concurrency), *spider_args], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings"),
                              timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} crawl failed:\n{proc.stderr[-4000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if kind == "real":
            archive = Path(tmp) / "archive"
            result["archive_mb"] = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file()) / 2 ** 20
        return result


# ================================================================================================
def ensure_synth(site: str, articles: int) -> Path:
    site_dir = SYNTH / site
    info = site_dir / "info.json"
    if not info.exists() or json.loads(info.read_text()).get("articles") != articles:
        import synth

        synth.generate(SYNTH, {site: articles}, quiet=True)
    return site_dir


def main(site: str = "baoquocte", articles: int = 5000, server_kind: str = "static", concurrency: int = 16,
         mirror_check: bool = True) -> dict:
    site_dir = ensure_synth(site, articles)
    info = json.loads((site_dir / "info.json").read_text())
    spider_args = [a for a in info.get("crawl_args", []) if a != "-a"]
    runs = {}
    plan = [("bare", server_kind), ("real", server_kind)]
    if mirror_check and server_kind != "mirror":
        plan.append(("bare", "mirror"))  # is tests/mirror.py's server fast enough? (it is not: see README)
    for kind, where in plan:
        server = Server(site_dir, where)
        try:
            cpu0 = server.cpu_seconds()
            run = run_child(kind, site, server.address, concurrency, spider_args)
            run["server_cpu_share"] = (server.cpu_seconds() - cpu0) / run["seconds"]
        finally:
            server.close()
        runs[kind if where == server_kind else f"{kind}@{where}"] = run
    bare, real = runs["bare"], runs["real"]
    mode = "backfill" if any(a.startswith("since=") for a in spider_args) else "incremental"
    figures = {
        "machine": machine(),
        "site / articles": f"{site} / {info['articles']} articles, {info['pages']} pages",
        "server": f"{server_kind} (own process, pinned to core {SERVER_CPU}; crawls pinned to core {CRAWL_CPU})",
        "concurrency (requests, per domain)": f"{concurrency}, {concurrency}",
        "real spider run": f"{mode} {' '.join(spider_args)}".strip(),
    }
    for name, run in (("bare", bare), ("real", real)):
        figures.update({
            f"{name}: pages fetched": run["pages"],
            f"{name}: seconds": run["seconds"],
            f"{name}: pages/s": run["pages_per_s"],
            f"{name}: crawler CPU ms/page": run["cpu_ms_per_page"],
            f"{name}: crawler CPU share of its core": run["cpu_share"],
            f"{name}: peak RSS MB": run["peak_rss_mb"],
            f"{name}: server CPU share of its core": run["server_cpu_share"],
        })
    figures.update({
        "bare: items": bare["items"],
        "real: items archived": real["stats"].get("pipeline/archive/written", 0),
        "real: WARC records": real["stats"].get("warc/records_written", 0),
        "real: archive on disk MB": real.get("archive_mb", 0.0),
        "real: errors/drops": {k: v for k, v in real["stats"].items()
                               if k.startswith(("errors/", "parse/error", "parse/crash", "pipeline/normalize/dropped",
                                                "pipeline/dates/dropped", "pipeline/dedup/duplicate", "log_count/ERROR"))},
    })
    if "bare@mirror" in runs:
        figures["server check: bare pages/s on tests/mirror.py"] = runs["bare@mirror"]["pages_per_s"]
        figures["server check: bare CPU share on tests/mirror.py"] = runs["bare@mirror"]["cpu_share"]
    figures["CPU ratio bare/real (ms/page)"] = bare["cpu_ms_per_page"] / real["cpu_ms_per_page"]
    figures["throughput ratio real/bare"] = real["pages_per_s"] / bare["pages_per_s"]
    figures["target ratio (>=)"] = 0.8
    report("crawl", figures)
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, site, address, archive_dir, concurrency, *spider_args = sys.argv[2:]
        print(json.dumps(crawl(kind, site, address, archive_dir, int(concurrency), spider_args)))
    else:
        ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
        ap.add_argument("--site", default="baoquocte", choices=("baoquocte", "vietnamvn"))
        ap.add_argument("--articles", type=int, default=5000)
        ap.add_argument("--server", default="static", choices=("static", "mirror"))
        ap.add_argument("--concurrency", type=int, default=16)
        ap.add_argument("--no-mirror-check", action="store_true",
                        help="skip the extra bare crawl served by tests/mirror.py")
        args = ap.parse_args()
        main(args.site, args.articles, args.server, args.concurrency, not args.no_mirror_check)

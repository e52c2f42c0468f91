"""Replay throughput: a bare spider vs our full crawl vs a trafilatura spider, the same WARC, no server.

Issue #12's measure. The same recording -- ``bench/synth.py``'s synthetic baoquocte (3,000
articles by default, its MasterCMS listing and feed) written to one WARC by
``tests.support.synth_recording`` -- is replayed by ``crawler.fetching.warc.replay.WarcReplayMiddleware``
(``REPLAY_WARC``; no network, no server, both cores free) to three spiders, each crawl in a
fresh process, all with CONCURRENT_REQUESTS(_PER_DOMAIN) 32, AUTOTHROTTLE off, DOWNLOAD_DELAY 0,
ROBOTSTXT_OBEY on, LOG_LEVEL INFO:

  (a) ``bare``: a ``scrapy.Spider`` on Scrapy's defaults, no pipelines, that follows the feed,
      the listing cards and the pager and yields ``{url, title}`` per article;
  (b) ``full``: the project spider on the project settings, every pipeline on (normalize ->
      dates -> scope -> dedup -> archive -> stories) into a fresh ARCHIVE_DIR, the seen-store,
      the monitors, the strict offsite middleware, the dupefilter, the resumable scheduler...,
      replayed as on the recording's last day (``-s TODAY``): an incremental run whose window
      holds the whole recording (``--mode backfill``: ``-a since=<oldest day> -a until=<newest>``);
  (c) ``trafilatura``: (a) calling ``trafilatura.bare_extraction(html, url=..., with_metadata=True)``
      in its article callback (title, author, date, text -- what (b) also extracts).

Figures per crawl: pages/s (every response over engine start -> stop), the crawl process's CPU
ms/page over the same span (the figure least disturbed by other load on a shared machine),
peak RSS. Ratios: full/bare and full/trafilatura, by pages/s and by CPU. ``--reps N`` runs the
three crawls N times, interleaved (a, b, c, a, b, c, ...), and reports each figure's median.

Then, unless ``--no-profile``, one more run of (b) under pyinstrument (a sampling profiler, so
its overhead does not change the proportions much), where every sample is charged to one part
of the crawl: the first of these rules (in this order) that matches a frame of its stack --
logging, seen-store, archive writes, stories, topic tagger, language ID, dates, pipelines, page
object, spider (discovery), WARC replay, scheduler/dupefilter, offsite, monitors/stats, other
middlewares, Scrapy/Twisted (the rest); samples waiting in the reactor's poll are left out. Each
part is shown in ms/page (the profiled run's time, scaled to the unprofiled CPU ms/page) with
the top functions by self and by cumulative time.

    python bench/bench_replay.py [--articles 3000] [--reps 1] [--mode incremental|backfill] [--no-profile]
    python bench/bench_crawl.py --replay [same options]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from common import ROOT, machine, peak_rss_mb, report, timed_crawl

OUT = ROOT / "bench" / "out" / "replay"
SITE = "baoquocte"
CONCURRENCY = 32
KINDS = ("bare", "full", "trafilatura")


# ================================================================================================
# the recording
# ================================================================================================
def ensure_recording(articles: int) -> tuple[Path, dict]:
    """The WARC of the synthetic recording (made once per size, kept under bench/out/replay/)."""
    folder = OUT / f"{SITE}-{articles}"
    warc, info_path = folder / "recording.warc.gz", folder / "info.json"
    if not (warc.exists() and info_path.exists()):
        from tests.support import synth_recording

        folder.mkdir(parents=True, exist_ok=True)
        made, _truth = synth_recording(folder, SITE, articles)
        made.replace(warc)
        (folder / "info.json").write_text((folder / f"synth-{SITE}-all" / SITE / "info.json").read_text())
    return warc, json.loads(info_path.read_text())


# ================================================================================================
# the spiders of (a) and (c)
# ================================================================================================
def bare_spider_class(extract: bool):
    """bench_crawl.py's bare spider on baoquocte's layout (feed, listing cards, pager), yielding
    {url, title} per article -- or, for the peer (c), what trafilatura extracts from it."""
    from bench_crawl import bare_spider_class as crawl_bare_spider

    class ReplaySpider(crawl_bare_spider()):
        name = "trafilatura" if extract else "bare"

        def __init__(self, **kwargs):
            super().__init__(site=SITE, **kwargs)

        def parse_article(self, response):
            if not extract:
                yield from super().parse_article(response)
                return
            import trafilatura

            doc = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True, as_dict=True)
            doc = doc or {}
            yield {"url": response.url, "title": doc.get("title"), "author": doc.get("author"),
                   "date": doc.get("date"), "text": doc.get("text")}

    return ReplaySpider


# ================================================================================================
# one crawl (a child process)
# ================================================================================================
#: (part, test on (function, file)) -- the first rule matching any frame of a sample's stack wins
def _rules():
    sep = os.sep

    def infile(*parts):
        parts = tuple(p.replace("/", sep) for p in parts)
        return lambda fn, path: any(p in path for p in parts)

    def funcs(path_part, *names):
        path_part = path_part.replace("/", sep)
        return lambda fn, path: path_part in path and fn in names

    return [
        ("logging", infile(f"{sep}logging{sep}", "scrapy/utils/log.py", "crawler/ops/logformatter.py",
                           "scrapy/logformatter.py")),
        ("seen-store", funcs("crawler/storage/seen.py", "_keep", "_mark", "item_scraped", "item_dropped", "_active")),
        ("archive writes", infile("pipelines/archive.py", "crawler/storage/archive.py", "crawler/storage/ledgers.py")),
        ("stories", infile("pipelines/stories.py", "crawler/stories/", "crawler/storage/stories.py")),
        ("topic tagger", infile("crawler/extraction/topic")),
        ("language ID", lambda fn, path: fn == "detect_language" or "py3langid" in path),
        ("dates", infile("crawler/extraction/dates.py", f"{sep}dateparser{sep}", "pipelines/dates.py")),
        ("pipelines (normalize, scope, dedup)", infile(f"{sep}pipelines{sep}", "scrapy/pipelines/")),
        ("page object", infile("crawler/extraction/", "/page.py", "spiders/vietnamvn/elements.py")),
        ("spider (discovery, requests)", infile(f"{sep}spiders{sep}", "crawler/fetching/feeds.py")),
        ("WARC replay", infile("crawler/fetching/warc/", f"{sep}warcio{sep}")),
        ("scheduler, dupefilter", infile("scrapy/core/scheduler.py", "scrapy/dupefilters.py", "scrapy/pqueues.py",
                                         f"{sep}queuelib{sep}", "scrapy/squeues.py", "crawler/fetching/scheduler.py",
                                         "crawler/fetching/dupefilter.py", "scrapy/utils/request.py")),
        ("offsite", infile("offsite.py")),
        ("monitors, stats", infile("crawler/ops/monitors.py", f"{sep}spidermon{sep}", "scrapy/statscollectors.py",
                                   "scrapy/extensions/")),
        ("other middlewares", infile("scrapy/downloadermiddlewares/", "scrapy/spidermiddlewares/",
                                     "crawler/fetching/")),
    ]


def _frame(ident: str) -> tuple[str, str]:
    parts = ident.split("\x01", 1)[0].split("\x00")
    return parts[0], parts[1] if len(parts) > 1 else ""


def breakdown(records, pages: int, cpu_ms_per_page: float, top: int = 25) -> dict:
    """Where the time of a pyinstrument session went (see the module docstring), in ms/page."""
    rules = _rules()
    parts: Counter = Counter()
    self_time: Counter = Counter()
    cumulative: Counter = Counter()
    part_functions: dict[str, Counter] = defaultdict(Counter)
    total = 0.0
    for stack, seconds in records:
        frames = [_frame(ident) for ident in stack]
        leaf_fn, leaf_path = frames[-1] if frames else ("", "")
        if leaf_fn in ("poll", "select", "epoll", "_run_once") and leaf_path in ("<built-in>", "") \
                or leaf_fn == "[await]" or leaf_fn == "[self]" and "selectors.py" in leaf_path:
            continue  # the reactor waiting
        if any(fn == "select" and path.endswith("selectors.py") for fn, path in frames[-2:]):
            continue
        total += seconds
        part = next((name for name, test in rules for fn, path in frames if test(fn, path)),
                    "Scrapy/Twisted (the rest)")
        parts[part] += seconds
        label = f"{leaf_fn} ({_short(leaf_path)})"
        self_time[label] += seconds
        part_functions[part][label] += seconds
        for fn, path in set(frames):
            if path != "<thread>":
                cumulative[f"{fn} ({_short(path)})"] += seconds
    scale = cpu_ms_per_page / (total * 1000 / pages) if total else 0.0  # profiled seconds -> unprofiled ms/page

    def per_page(seconds: float) -> float:
        return round(seconds * 1000 / pages * scale, 3)

    return {
        "sampled_seconds": round(total, 3),
        "parts_ms_per_page": {name: per_page(s) for name, s in parts.most_common()},
        "parts_share": {name: round(s / total, 3) for name, s in parts.most_common()},
        "top_self_ms_per_page": {k: per_page(s) for k, s in self_time.most_common(top)},
        "top_cumulative_ms_per_page": {k: per_page(s) for k, s in cumulative.most_common(top)},
        "top_self_by_part": {name: {k: per_page(s) for k, s in fns.most_common(6)}
                             for name, fns in sorted(part_functions.items(), key=lambda kv: -parts[kv[0]])},
    }


def _short(path: str) -> str:
    for marker in ("site-packages/", "lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def crawl(kind: str, warc: str, archive_dir: str, spider_args: list[str], extra: dict, profile: bool) -> dict:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    common = {
        **json.loads(os.environ.get("BENCH_REPLAY_SETTINGS") or "{}"),  # --set K=V (experiments)
        "REPLAY_WARC": warc, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
    }
    if kind in ("bare", "trafilatura"):
        settings = Settings()
        settings.setdict({**common, "DOWNLOADER_MIDDLEWARES": {"crawler.fetching.warc.replay.WarcReplayMiddleware": 120}},
                         priority="cmdline")
        spider, kwargs = bare_spider_class(kind == "trafilatura"), {}
    else:
        from scrapy.utils.project import get_project_settings

        settings = get_project_settings()
        settings.setdict({**common, **extra, "ARCHIVE_DIR": archive_dir}, priority="cmdline")
        spider, kwargs = SITE, dict(a.split("=", 1) for a in spider_args)
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(spider)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
    span = timed_crawl(process, crawler, kwargs, profiler)
    stats = crawler.stats.get_stats()
    elapsed, cpu_s = span["seconds"], span["cpu_seconds"]
    pages = stats.get("downloader/response_count", 0)
    keep = {k: v for k, v in stats.items() if isinstance(v, (int, float, str)) and k.startswith((
        "item_", "pipeline/", "parse/", "errors/", "incremental/", "warc/replay/", "log_count/ERROR",
        "log_count/WARNING", "finish_reason", "downloader/response_status_count"))}
    result = {"kind": kind, "pages": pages, "seconds": elapsed, "pages_per_s": pages / elapsed,
              "cpu_seconds": cpu_s, "cpu_ms_per_page": cpu_s / pages * 1000, "cpu_share": cpu_s / elapsed,
              "items": stats.get("item_scraped_count", 0), "peak_rss_mb": peak_rss_mb(), "stats": keep}
    if profiler is not None:
        result["records"] = profiler.last_session.frame_records
    return result


def run_child(kind: str, warc: Path, spider_args: list[str], extra: dict, profile: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.run([sys.executable, __file__, "--child", kind, str(warc), str(Path(tmp) / "archive"),
                               json.dumps(extra), str(out), "1" if profile else "0", *spider_args],
                              cwd=ROOT, capture_output=True, text=True, timeout=1800,
                              env=dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings"))
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"{kind} crawl failed:\n{proc.stderr[-4000:]}")
        return json.loads(out.read_text())


# ================================================================================================
def main(articles: int = 3000, reps: int = 1, mode: str = "incremental", profile: bool = True,
         kinds: tuple[str, ...] = KINDS) -> dict:
    warc, info = ensure_recording(articles)
    extra = {"TODAY": info["until"]}
    if mode == "backfill":
        spider_args = [f"since={info['since']}", f"until={info['until']}"]
    else:
        # incremental as a cron job on the recording's last day, the whole recording in its window
        extra["INCREMENTAL_DEFAULT_DAYS"] = 3650
        spider_args = [a for a in info.get("crawl_args", []) if a != "-a"]
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(reps):
        for kind in kinds:
            runs[kind].append(run_child(kind, warc, spider_args, extra))

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    figures = {
        "machine": machine(),
        "recording": f"{SITE}: {info['articles']} articles, {info['pages']} pages, "
                     f"one WARC ({warc.stat().st_size / 2**20:.1f} MB)",
        "replay": f"REPLAY_WARC, no server, CONCURRENT_REQUESTS {CONCURRENCY}, both cores free, {reps} rep(s), medians",
        "full crawl run": f"{mode} TODAY={info['until']} {' '.join(spider_args)}".strip(),
        "load average (1 min) at the end": os.getloadavg()[0],
    }
    for kind in kinds:
        figures.update({
            f"{kind}: pages": runs[kind][0]["pages"],
            f"{kind}: items": runs[kind][0]["items"],
            f"{kind}: pages/s": med(kind, "pages_per_s"),
            f"{kind}: pages/s, each rep": " ".join(f"{r['pages_per_s']:.0f}" for r in runs[kind]),
            f"{kind}: CPU ms/page": med(kind, "cpu_ms_per_page"),
            f"{kind}: CPU ms/page, each rep": " ".join(f"{r['cpu_ms_per_page']:.2f}" for r in runs[kind]),
            f"{kind}: CPU share of a core": med(kind, "cpu_share"),
            f"{kind}: peak RSS MB": med(kind, "peak_rss_mb"),
        })
    if "full" in kinds:
        full_stats = runs["full"][0]["stats"]
        figures["full: items archived"] = full_stats.get("pipeline/archive/written", 0)
        figures["full: errors/drops"] = {k: v for k, v in full_stats.items() if k.startswith((
            "errors/", "parse/error", "parse/crash", "pipeline/normalize/dropped", "pipeline/dates/dropped",
            "pipeline/scope/dropped", "pipeline/dedup/duplicate", "log_count/ERROR", "warc/replay/miss"))}
        for other in ("bare", "trafilatura"):
            if other in kinds:
                target = {"bare": 0.7, "trafilatura": 3.0}[other]
                figures[f"ratio full/{other}, pages/s (target >= {target})"] = (
                    med("full", "pages_per_s") / med(other, "pages_per_s"))
                figures[f"ratio full/{other}, by CPU ms/page"] = med(other, "cpu_ms_per_page") / med("full", "cpu_ms_per_page")
    report("replay", figures)
    if profile and "full" in kinds:
        prof = run_child("full", warc, spider_args, extra, profile=True)
        parts = breakdown(prof["records"], prof["pages"], med("full", "cpu_ms_per_page"))
        print(f"\n== where the full crawl's time goes (pyinstrument, {parts['sampled_seconds']:.1f} s sampled, "
              f"scaled to {med('full', 'cpu_ms_per_page'):.2f} CPU ms/page)")
        for name, ms in parts["parts_ms_per_page"].items():
            print(f"  {name:<40} {ms:7.3f} ms/page  {parts['parts_share'][name] * 100:5.1f} %")
        for title, key in (("top functions by self time", "top_self_ms_per_page"),
                           ("top functions by cumulative time", "top_cumulative_ms_per_page")):
            print(f"\n  -- {title} (ms/page)")
            for fn, ms in parts[key].items():
                print(f"  {ms:7.3f}  {fn}")
        print("\n  -- per part, its top functions by self time (ms/page)")
        for name, fns in parts["top_self_by_part"].items():
            print(f"  {name}: " + "; ".join(f"{fn} {ms:.3f}" for fn, ms in fns.items()))
        print("JSON " + json.dumps({"bench": "replay-profile", "parts_ms_per_page": parts["parts_ms_per_page"]},
                                   ensure_ascii=False))
        figures["profile"] = parts
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, warc, archive_dir, extra, out, profile, *spider_args = sys.argv[2:]
        result = crawl(kind, warc, archive_dir, spider_args, json.loads(extra), profile == "1")
        Path(out).write_text(json.dumps(result))
    else:
        ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
        ap.add_argument("--articles", type=int, default=3000)
        ap.add_argument("--reps", type=int, default=1, help="run the three crawls this many times, interleaved")
        ap.add_argument("--mode", default="incremental", choices=("incremental", "backfill"))
        ap.add_argument("--only", default=",".join(KINDS), help="crawls to run, of: " + ",".join(KINDS))
        ap.add_argument("--no-profile", action="store_true", help="skip the profiled run of the full crawl")
        ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for every crawl (an experiment; the figures are then not the issue's)")
        args = ap.parse_args()
        if args.set:
            os.environ["BENCH_REPLAY_SETTINGS"] = json.dumps(dict(a.split("=", 1) for a in args.set))
        main(args.articles, args.reps, args.mode, not args.no_profile, tuple(args.only.split(",")))

"""Crash and resume: a backfill killed with SIGKILL and resumed with the same JOBDIR ends with
the same archive as an uninterrupted run -- nothing lost, nothing twice, nothing re-fetched.

The site: 120 synthetic vietnam.vn articles over six days (built from the fixture page
tests/fixtures/vietnamvn/replay/ha-tinh-va-savannakhet-lao-tan_vi.html), listed in daily
post sitemaps under a sitemap index, served by the local mirror (tests/mirror.py) with a
small per-request delay so a kill lands mid-crawl. The real ``vietnamvn`` spider and the
real pipelines run in ``scrapy crawl`` subprocesses; the kill during an archive write comes
from tests/crash_hooks.py (SIGKILL between the SQLite commit and the JSON Lines append).
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from crawler import settings as project_settings
from crawler.fetching.scheduler import ResumableScheduler
from crawler.storage.check import check_archive
from tests.crash_hooks import ENV_AT, ENV_MODE
from tests.mirror import Mirror, Page, sitemap, xml
from tests.support import FIXTURES, ROOT, mirror_args, stats_from_log

pytestmark = pytest.mark.slow  # crawls in subprocesses (pytest -m 'not slow' skips them)

HOME = "https://www.vietnam.vn"
TEMPLATE = FIXTURES / "vietnamvn" / "replay" / "ha-tinh-va-savannakhet-lao-tan_vi.html"
FIRST_DAY = date(2024, 2, 27)  # six days over two months: two JSON Lines partitions
DAYS = 6
PER_DAY = 20  # 120 articles
SINCE, UNTIL = FIRST_DAY.isoformat(), (FIRST_DAY + timedelta(days=DAYS - 1)).isoformat()
#: seconds the mirror waits before answering each request (4 at a time per host)
DELAY = 0.08
#: every run is bounded (an uninterrupted one takes ~3 s): a resume that hangs fails the test
RUN_TIMEOUT = 30

PLACES = ("Savannakhet", "Bolikhamxay", "Khammouane", "Luang Prabang", "Vientiane", "Champasak",
          "Gyeonggi", "Okayama", "Chiba", "Quảng Tây", "Vân Nam", "Siem Reap")
TOPICS = ("giáo dục", "y tế", "thương mại", "đầu tư", "nông nghiệp", "du lịch", "văn hóa", "lao động")


# --- the synthetic site ----------------------------------------------------------------------
def _slug(n: int) -> str:
    return f"hop-tac-quoc-te-ban-tin-so-{n:03d}-giua-ha-tinh-va-doi-tac"


def _article_html(template: str, n: int, day: date) -> str:
    place = PLACES[n % len(PLACES)]
    topic = TOPICS[(n // len(PLACES)) % len(TOPICS)]
    title = f"Hà Tĩnh và {place} tăng cường hợp tác quốc tế, bản tin số {n}"
    paragraphs = [
        f"Ngày {day.day}/{day.month}, đoàn công tác tỉnh {place} đã có buổi làm việc với lãnh đạo tỉnh "
        f"Hà Tĩnh về kết quả hợp tác trong lĩnh vực {topic} (bản tin số {n}).",
        f"Hai bên thống nhất tiếp tục tăng cường quan hệ hữu nghị và hợp tác quốc tế giữa hai địa phương, "
        f"trong đó ưu tiên {topic} và trao đổi đoàn; kế hoạch năm tới gồm {n % 7 + 2} dự án chung.",
        f"Dịp này, tỉnh Hà Tĩnh trao tặng {n % 9 + 3} suất học bổng cho lưu học sinh đang học tập tại các "
        f"trường trên địa bàn tỉnh.",
    ]
    page = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", template, flags=re.S)
    page = re.sub(r"<h1>.*?</h1>", f"<h1>{title}</h1>", page, flags=re.S)
    page = page.replace("<span>22/12/2023</span>", f"<span>{day:%d/%m/%Y}</span>")
    page = re.sub(r'<div class="post-body">.*?</div>',
                  '<div class="post-body">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>", page, flags=re.S)
    return page.replace("ha-tinh-va-savannakhet-tang-cuong-hop-tac-post255001",
                        f"hop-tac-quoc-te-ban-tin-so-{n}-post{300000 + n}")


def site_pages(days: int = DAYS, per_day: int = PER_DAY) -> dict[str, Page]:
    """Sitemap index -> one daily post sitemap per day -> ``per_day`` articles each (vi)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    html_type = [("Content-Type", "text/html; charset=utf-8")]
    pages: dict[str, Page] = {}
    daily = []
    n = 0
    for d in range(days):
        day = FIRST_DAY + timedelta(days=d)
        urls = []
        for _ in range(per_day):
            url = f"{HOME}/{_slug(n)}"
            urls.append(url)
            pages[url] = Page(200, html_type, _article_html(template, n, day).encode("utf-8"))
            n += 1
        loc = f"{HOME}/sitemap/sitemap-post/{day.isoformat()}.xml"
        daily.append(loc)
        pages[loc] = xml(sitemap(urls, lastmod=f"{day.isoformat()}T03:00:00.000Z"))
    pages[f"{HOME}/sitemap.xml"] = xml(sitemap(daily, index=True))
    return pages


class SlowMirror(Mirror):
    """The mirror, answering each request after ``delay`` seconds (the handler threads sleep)."""

    def __init__(self, *args, delay: float = DELAY, **kwargs):
        super().__init__(*args, **kwargs)
        self.delay = delay

    def _route(self, path):
        time.sleep(self.delay)
        return super()._route(path)


# --- running crawls --------------------------------------------------------------------------
def pipelines_with(archive_pipeline: str) -> dict:
    """The project's ITEM_PIPELINES with ``archive_pipeline`` in place of ArchivePipeline."""
    real = "pipelines.archive.ArchivePipeline"
    pipes = {k: v for k, v in project_settings.ITEM_PIPELINES.items() if k != real}
    pipes[archive_pipeline] = project_settings.ITEM_PIPELINES[real]
    return pipes


def crawl_cmd(mirror: Mirror, archive: Path, *, backfill: bool = True, jobdir: Path | None = None,
              hook: bool = False) -> list[str]:
    args = [sys.executable, "-m", "scrapy", "crawl", "vietnamvn", "-a", "languages=vi",
            *mirror_args(mirror.address),
            "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
            "-s", "ROBOTSTXT_OBEY=False", "-s", "LOG_LEVEL=INFO"]
    if backfill:
        args += ["-a", f"since={SINCE}", "-a", f"until={UNTIL}"]
    else:  # incremental, as on the last synthetic day: a killed run records no coverage, so each
        # run catches up from the default window, which reaches back to the first day
        args += ["-s", f"TODAY={UNTIL}", "-s", f"INCREMENTAL_DEFAULT_DAYS={DAYS - 1}"]
    if jobdir is not None:
        args += ["-s", f"JOBDIR={jobdir}"]
    if hook:
        args += ["-s", f"ITEM_PIPELINES={json.dumps(pipelines_with('tests.crash_hooks.CrashingArchivePipeline'))}"]
    return args


def start(cmd: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    full_env.pop(ENV_AT, None)
    full_env.pop(ENV_MODE, None)
    full_env.update(env or {})
    with open(log, "w", encoding="utf-8") as fh:
        return subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=fh, stderr=subprocess.STDOUT)


def finish(proc: subprocess.Popen, log: Path) -> str:
    """Wait for ``proc`` (killed if it overruns RUN_TIMEOUT); its log."""
    try:
        proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        pytest.fail(f"crawl still running after {RUN_TIMEOUT} s:\n" + log.read_text(encoding="utf-8")[-4000:])
    return log.read_text(encoding="utf-8")


def db_rows(archive: Path, sql: str) -> list[tuple]:
    db = archive / "archive.sqlite3"
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # the crawl has not created the schema yet
            return []
        raise
    finally:
        conn.close()


def archived_count(archive: Path) -> int:
    rows = db_rows(archive, "SELECT COUNT(*) FROM articles")
    return rows[0][0] if rows else 0


def seen_urls(archive: Path) -> set[str]:
    return {url for (url,) in db_rows(archive, "SELECT canonical_url FROM seen")}


def archived_urls(archive: Path) -> set[str]:
    return {url for (url,) in db_rows(archive, "SELECT canonical_url FROM articles")}


class Job:
    """One archive crawled by successive runs; each run is checked not to fetch what was seen."""

    def __init__(self, mirror: Mirror, tmp: Path, name: str, *, backfill: bool = True, jobdir: bool = False):
        self.mirror, self.tmp, self.name = mirror, tmp, name
        self.archive = tmp / name
        self.jobdir = tmp / f"{name}-job" if jobdir else None
        self.backfill = backfill
        self.runs: list[dict] = []

    def _begin(self, hook: bool = False, env: dict | None = None):
        n = len(self.runs) + 1
        log = self.tmp / f"{self.name}-{n}.log"
        run = {"n": n, "log": log, "seen_before": seen_urls(self.archive),
               "archived_before": archived_urls(self.archive), "mirror_from": len(self.mirror.log)}
        cmd = crawl_cmd(self.mirror, self.archive, backfill=self.backfill, jobdir=self.jobdir, hook=hook)
        return run, start(cmd, log, env)

    def _end(self, run: dict, proc: subprocess.Popen) -> dict:
        run["text"] = finish(proc, run["log"])
        run["rc"] = proc.returncode
        if run["rc"] != 0:  # killed: let the handlers of its last requests log them before the next run
            time.sleep(4 * DELAY)
        run["fetched"] = {h.url for h in self.mirror.log[run["mirror_from"]:]}
        run["stats"] = stats_from_log(run["text"])
        run["archived"] = archived_count(self.archive)
        self.runs.append(run)
        # an article archived and marked seen before this run started is never fetched again
        again = run["fetched"] & run["seen_before"]
        assert not again, f"run {run['n']} fetched {len(again)} article(s) already archived, e.g. {min(again)}"
        return run

    def complete(self) -> dict:
        run = self._end(*self._begin())
        assert run["rc"] == 0, run["text"][-4000:]
        assert run["stats"].get("finish_reason") == "finished", run["text"][-4000:]
        return run

    def kill_when(self, ready, sig: int = signal.SIGKILL) -> dict:
        """Start a run and send ``sig`` once ``ready(run)`` is true (polled every 10 ms)."""
        run, proc = self._begin()
        deadline = time.monotonic() + RUN_TIMEOUT
        try:
            while proc.poll() is None and time.monotonic() < deadline and not ready(run):
                time.sleep(0.01)
            assert proc.poll() is None, f"run {run['n']} ended before the kill:\n" + run["log"].read_text()[-3000:]
            assert ready(run), f"run {run['n']} never got to the kill point in {RUN_TIMEOUT} s"
            proc.send_signal(sig)
        finally:
            if proc.poll() is None and (sig == signal.SIGKILL or not ready(run)):
                proc.kill()
        run = self._end(run, proc)
        # a run stopped by a signal did not finish: killed (-9), or shut down and saying so (exit 1)
        assert run["rc"] == (-sig if sig == signal.SIGKILL else 1), run["text"][-3000:]
        return run

    def kill_after_rows(self, more: int) -> dict:
        """SIGKILL once ``more`` rows were archived by this run."""
        return self.kill_when(lambda run: archived_count(self.archive) >= len(run["archived_before"]) + more)

    def kill_in_archive_write(self, nth_append: int, mode: str) -> dict:
        """The run kills itself in its ``nth_append``-th archive write (tests/crash_hooks.py)."""
        run = self._end(*self._begin(hook=True, env={ENV_AT: str(nth_append), ENV_MODE: mode}))
        assert run["rc"] == -signal.SIGKILL, run["text"][-3000:]
        return run

    def items(self) -> dict[str, dict]:
        """canonical_url -> item as the database holds it, without the fetch time."""
        return {url: _content(json.loads(raw))
                for url, raw in db_rows(self.archive, "SELECT canonical_url, item_json FROM articles")}


def _content(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "fetched_at"}


def jsonl_items(archive: Path) -> list[dict]:
    """Every line of every partition; fails on a partial or non-JSON line."""
    out = []
    for path in sorted((archive / "jsonl").glob("*/*.jsonl")):
        data = path.read_bytes()
        assert data.endswith(b"\n"), f"{path}: partial last line"
        for raw in data.splitlines():
            out.append(json.loads(raw))
    return out


def partial_partitions(archive: Path) -> list[Path]:
    return [p for p in (archive / "jsonl").glob("*/*.jsonl") if p.stat().st_size and
            not p.read_bytes().endswith(b"\n")]


def pending_rows(archive: Path) -> set[str]:
    return {url for (url,) in db_rows(archive, "SELECT canonical_url FROM articles WHERE jsonl_written=0")}


def assert_same_archive(job: Job, reference: dict[str, dict]) -> None:
    """job's archive holds exactly the reference articles, once each, in SQLite and JSON Lines."""
    archive = job.archive
    conn = sqlite3.connect(archive / "archive.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(reference)
        assert conn.execute("SELECT COUNT(*) FROM articles WHERE jsonl_written=0").fetchone()[0] == 0
    finally:
        conn.close()
    items = job.items()
    assert set(items) == set(reference), "articles lost or extra"
    assert {i["fingerprint"] for i in items.values()} == {i["fingerprint"] for i in reference.values()}
    assert items == reference, "same articles, different content"
    lines = jsonl_items(archive)  # no partial line anywhere
    urls = [line["canonical_url"] for line in lines]
    assert len(urls) == len(set(urls)) == len(reference), "a JSON line lost or written twice"
    assert {line["canonical_url"]: _content(line) for line in lines} == reference
    report = check_archive(archive)
    assert report.errors == [], report.summary()
    assert report.articles == report.jsonl_lines == len(reference)


# --- the tests --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mirror():
    with SlowMirror(site_pages()) as m:
        yield m


@pytest.fixture(scope="module")
def reference(mirror, tmp_path_factory) -> dict[str, dict]:
    """Archive A: the backfill run once, uninterrupted."""
    job = Job(mirror, tmp_path_factory.mktemp("crash_resume_ref"), "A")
    run = job.complete()
    assert run["stats"]["pipeline/archive/written"] == DAYS * PER_DAY
    items = job.items()
    assert len(items) == DAYS * PER_DAY
    assert len({i["fingerprint"] for i in items.values()}) == DAYS * PER_DAY
    assert {i["published_at"][:7] for i in items.values()} == {"2024-02", "2024-03"}
    return items


def test_backfill_killed_at_any_point_and_resumed_gives_the_same_archive(mirror, reference, tmp_path):
    job = Job(mirror, tmp_path, "B", jobdir=True)
    queue_state = job.jobdir / "requests.queue" / "active.json"
    sitemap_index = f"{HOME}/sitemap.xml"

    # 1. killed early: discovery under way, nothing archived yet
    early = job.kill_when(lambda run: any(h.url == sitemap_index for h in mirror.log[run["mirror_from"]:]))
    assert early["archived"] < 10

    # 2. stopped cleanly (one Ctrl-C): Scrapy saves its pending requests in the JOBDIR
    stopped = job.kill_when(lambda run: archived_count(job.archive) >= 25, sig=signal.SIGINT)
    assert stopped["stats"]["finish_reason"] == "shutdown"
    assert queue_state.exists()

    # 3. the resume from those saved requests killed mid-crawl: the saved queue state is now stale
    mid = job.kill_after_rows(20)
    assert "Resuming crawl" in mid["text"]
    assert stopped["archived"] + 20 <= mid["archived"] < DAYS * PER_DAY

    # 4. killed inside an archive write: the row committed, its JSON line not written
    before = job.kill_in_archive_write(10, "before")
    assert before["archived"] == mid["archived"] + 10  # the 10th row is committed, then the kill
    pending = pending_rows(job.archive)
    assert pending and not partial_partitions(job.archive)
    assert not pending & {line["canonical_url"] for line in jsonl_items(job.archive)}

    # 5. killed in the middle of writing a JSON line: a partial last line is left
    torn = job.kill_in_archive_write(10, "partial")
    assert torn["archived"] == before["archived"] + 10
    assert partial_partitions(job.archive)
    assert pending_rows(job.archive)

    # 6. resumed until it finishes
    unseen_archived = archived_urls(job.archive) - seen_urls(job.archive)  # committed, then killed
    final = job.complete()
    stats = final["stats"]
    assert "recovered" in final["text"] and "JSON Lines entries after an interrupted run" in final["text"]
    assert stats["scheduler/discarded_interrupted_queue"] == 1
    # the resume skipped what the job had archived; it fetched again only the articles whose
    # row was committed in the instant before a kill (not yet marked seen), and wrote none twice
    assert stats["incremental/skipped_seen"] >= torn["archived"] - len(unseen_archived) > 0
    assert stats.get("pipeline/dedup/already_archived", 0) == len(unseen_archived)
    assert stats["pipeline/archive/written"] == DAYS * PER_DAY - torn["archived"]
    assert [r["rc"] for r in job.runs] == [-9, 1, -9, -9, -9, 0]  # the Ctrl-C'd run says it did not finish
    assert_same_archive(job, reference)


def test_incremental_run_killed_then_rerun_gives_the_full_archive(mirror, reference, tmp_path):
    job = Job(mirror, tmp_path, "C", backfill=False)
    job.kill_in_archive_write(30, "partial")
    job.kill_after_rows(40)
    final = job.complete()
    assert final["stats"]["discovery/vietnamvn/skipped_seen"] > 0
    assert final["stats"]["pipeline/archive/written"] == DAYS * PER_DAY - job.runs[1]["archived"]
    assert_same_archive(job, reference)


def test_scheduler_discards_only_queues_that_were_not_closed(tmp_path):
    """Unit test of crawler.fetching.scheduler: a clean close is resumed, anything else is discarded."""
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler

    def scheduler(jobdir):
        crawler = get_crawler(Spider, {"JOBDIR": str(jobdir), "SCHEDULER": "crawler.fetching.scheduler.ResumableScheduler",
                                       # the default DownloaderAwarePriorityQueue needs a running engine
                                       "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
        crawler.spider = Spider("s")
        sched = ResumableScheduler.from_crawler(crawler)
        sched.open(crawler.spider)
        return sched, crawler.stats

    jobdir = tmp_path / "job"
    sched, _ = scheduler(jobdir)
    for i in range(3):
        sched.enqueue_request(Request(f"https://example.org/{i}"))
    assert not (jobdir / "requests.queue" / "active.json").exists()  # removed while the queues are open
    sched.close("shutdown")
    assert (jobdir / "requests.queue" / "active.json").exists()

    sched, stats = scheduler(jobdir)  # after a clean close: resumed as Scrapy does it
    assert len(sched) == 3
    assert stats.get_value("scheduler/discarded_interrupted_queue") is None
    assert sched.next_request() is not None
    # killed here: no close, so no active.json and the queue files disagree with their headers
    queue_files = [p for p in (jobdir / "requests.queue").rglob("*") if p.is_file()]
    assert queue_files

    sched, stats = scheduler(jobdir)
    assert len(sched) == 0 and sched.next_request() is None
    assert stats.get_value("scheduler/discarded_interrupted_queue") == 1
    assert not [p for p in queue_files if p.exists()]
    sched.close("finished")

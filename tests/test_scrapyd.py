"""The project on real scrapyd nodes: deployed with scrapyd-deploy, a backfill of two windows scheduled
with ``scrapy schedule-backfill``, each job replaying a recording offline into one shared PostgreSQL archive (a fresh
schema on the server at ``TEST_POSTGRES_URL``), read back with ``scrapy archive-export``.

Two scrapyd 1.6 nodes are started on 127.0.0.1 (free ports, eggs/logs/dbs under a temp dir) and
deployed to with scrapyd-client's own ``scrapyd-deploy`` -- or, with ``SCRAPYD_URL=URL[,URL...]``,
nodes already running are used (they must see this machine's temp files). The nodes run without
this checkout on PYTHONPATH, so a job imports the project from the deployed egg (unless the
environment has the project installed, as CI's editable install does).

The recording is baoquocte's diplomacy section (tests/fixtures/baoquocte/replay, as seen on
28/12/2023); the backfill 14/12..20/12 by ISO week is two windows, 14..17 and 18..20, one per node.

When scrapyd cannot be started or reached the tests are skipped with the reason -- and fail on CI
(``CI=true``), where the service must be there.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.pg_support import fresh_schema_url
from tests.support import FIXTURES, ROOT, service_unavailable, warc_from_manifest
from tests.test_spider_baoquocte import ALL_CARDS, RECORDED, H

pytestmark = pytest.mark.slow

SPIDER, SINCE, UNTIL = "baoquocte", "2023-12-14", "2023-12-20"
PROJECT = "vnfa-crawler"


def unavailable(reason: str):
    service_unavailable("scrapyd", reason)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "daemonstatus.json", timeout=2) as response:
            return json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_node(home: Path, started: list[subprocess.Popen], tries: int = 3) -> str:
    """Start scrapyd in ``home`` on a free port (appended to ``started``) and wait until it answers;
    its URL. Another try on a fresh port if it exits (a port taken in between)."""
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    for _ in range(tries):
        port = free_port()
        (home / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
            "poll_interval = 0.5\nmax_proc = 2\n", encoding="utf-8")
        with open(home / "scrapyd.out", "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=home, env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        url, deadline = f"http://127.0.0.1:{port}/", time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if answers(url):
                return url
            time.sleep(0.2)
        process.kill()
    unavailable(f"scrapyd did not start in {home}: {(home / 'scrapyd.out').read_text(errors='replace')[-2000:]}")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """``[(url, home or None)]``: the nodes, their folders when started here."""
    if os.environ.get("SCRAPYD_URL"):
        urls = [u.strip().rstrip("/") + "/" for u in os.environ["SCRAPYD_URL"].split(",") if u.strip()]
        for url in urls:
            if not answers(url):
                unavailable(f"SCRAPYD_URL node {url} does not answer")
        yield [(url, None) for url in urls]
        return
    try:
        import scrapyd  # noqa: F401
        import scrapyd_client  # noqa: F401
    except ImportError as exc:
        unavailable(f"not installed ({exc}); pip install -e '.[scrapyd]'")
    tmp = tmp_path_factory.mktemp("scrapyd")
    started: list[subprocess.Popen] = []
    try:
        yield [(start_node(tmp / f"node{i}", started), tmp / f"node{i}") for i in (1, 2)]
    finally:
        stop(started)


def scrapy(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings", **(env or {}))
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def deployed(nodes, tmp_path_factory):
    """The project deployed to every node with scrapyd-deploy, one ``[deploy:nodeN]`` target each, from a
    scrapy.cfg under ``$XDG_CONFIG_HOME`` (read beside the project's own, which stays untouched)."""
    config = tmp_path_factory.mktemp("deploy-config")
    (config / "scrapy.cfg").write_text("".join(f"[deploy:node{i}]\nurl = {url}\nproject = {PROJECT}\n\n"
                                               for i, (url, _) in enumerate(nodes)), encoding="utf-8")
    for i in range(len(nodes)):
        proc = scrapy("scrapyd_client.deploy", f"node{i}", env={"XDG_CONFIG_HOME": str(config)})
        assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-2000:]
        answer = json.loads(proc.stdout)
        assert answer["status"] == "ok" and answer["project"] == PROJECT and answer["spiders"] == len(spider_names()), answer
    return nodes


def spider_names() -> list[str]:
    from scrapy.settings import Settings
    from scrapy.spiderloader import get_spider_loader

    settings = Settings()
    settings.setmodule("crawler.settings")
    return get_spider_loader(settings).list()


def wait_for(state_file: Path, timeout: float = 240) -> list[dict]:
    """``--status --json`` once no window is pending or running."""
    deadline = time.monotonic() + timeout
    while True:
        proc = scrapy("scrapy", "schedule-backfill", "--status", "--json", "--state", str(state_file))
        rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        if rows and not any(r["state"] in ("pending", "running") for r in rows):
            return rows
        assert time.monotonic() < deadline, f"jobs still running after {timeout}s: {rows} {proc.stderr}"
        time.sleep(1)


def read_archive(setting: str, tmp: Path) -> list[dict]:
    """The archived items, read back from PostgreSQL as a user would: ``scrapy archive-export``."""
    out = tmp / "export.jsonl"
    proc = scrapy("scrapy", "archive-export", "-o", str(out), "-s", setting)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def recorded_articles_in_range() -> set[str]:
    """The recording's articles published SINCE..UNTIL: the listing cards' dates (read with plain
    regexes, tests/test_spider_baoquocte.py), and for an undated card its article page's dateline."""
    manifest = json.loads((FIXTURES / SPIDER / "replay" / "manifest.json").read_text(encoding="utf-8"))
    files = {row["url"]: FIXTURES / SPIDER / row["file"] for row in manifest}
    out = set()
    for url, day in ALL_CARDS:
        if day is None:
            m = re.search(r"(\d\d)/(\d\d)/(\d{4}) \d\d:\d\d", files[url].read_text(encoding="utf-8"))
            day = f"{m[3]}-{m[2]}-{m[1]}"
        if SINCE <= day <= UNTIL:
            out.add(url)
    return out


@pytest.fixture(scope="module")
def pg_archive_url(pg_admin):
    """The jobs' shared archive: a fresh schema on the PostgreSQL server (tests/pg_support.py)."""
    yield from fresh_schema_url(pg_admin)


@pytest.fixture(scope="module")
def backfill(deployed, pg_archive_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backfill")
    warc = warc_from_manifest(FIXTURES / SPIDER / "replay" / "manifest.json", tmp / "site.warc.gz")
    archive = f"ARCHIVE_URL={pg_archive_url}"
    settings = [f"REPLAY_WARC={warc}", "ARCHIVE_WARC=False", "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                f"TODAY={RECORDED}", archive]
    state = tmp / "backfills.json"
    proc = scrapy("scrapy", "schedule-backfill", SPIDER, "--since", SINCE, "--until", UNTIL, "--window", "week",
                  "--scrapyd", ",".join(url for url, _ in deployed), "--state", str(state),
                  *[arg for s in settings for arg in ("-s", s)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"tmp": tmp, "state": state, "archive": archive, "rows": wait_for(state), "schedule": proc.stdout}


def test_two_windows_run_as_two_jobs_and_archive_exactly_the_articles_in_range(backfill, deployed):
    rows = backfill["rows"]
    assert [(r["since"], r["until"]) for r in rows] == [("2023-12-14", "2023-12-17"), ("2023-12-18", "2023-12-20")]
    assert all(r["state"] == "finished" for r in rows), rows
    if len(deployed) > 1:
        assert rows[0]["node"] != rows[1]["node"]  # spread over the nodes
    items = read_archive(backfill["archive"], backfill["tmp"])
    urls = [i["canonical_url"] for i in items]
    expected = recorded_articles_in_range()
    assert len(expected) == 21 and all(u.startswith(H) for u in expected)
    assert sorted(urls) == sorted(expected)  # each once, nothing outside the range
    assert all(SINCE <= i["published_at"][:10] <= UNTIL for i in items)


def test_each_job_recorded_its_own_run_and_had_its_own_jobdir(backfill, deployed):
    from crawler.ops.backfill import archive_runs

    runs = {r["arguments"].get("_job"): r for r in archive_runs(backfill["archive"].split("=", 1)[1])}
    for row in backfill["rows"]:
        run = runs[row["job"]]
        assert (run["arguments"]["since"], run["arguments"]["until"]) == (row["since"], row["until"])
        assert run["verdict"] == "pass" and run["counts"]["items"] > 0
        home = dict(deployed)[row["node"]]
        if home is not None:  # a node started here: its per-job JOBDIR and log
            assert (home / "jobs" / SPIDER / row["job"] / "requests.queue").is_dir()
            log = (home / "logs" / PROJECT / SPIDER / f"{row['job']}.log").read_text(encoding="utf-8")
            assert f"JOBDIR jobs/{SPIDER}/{row['job']}" in log


def test_a_job_that_fails_is_reported_failed_with_its_log(backfill, deployed):
    """A job whose REPLAY_WARC is missing exits 2 before its verdict: scrapyd calls it finished,
    --status calls it failed (no run recorded) and points at the node's log."""
    state = backfill["tmp"] / "failing.json"
    proc = scrapy("scrapy", "schedule-backfill", SPIDER, "--since", SINCE, "--until", SINCE, "--window", "day",
                  "--scrapyd", deployed[0][0], "--state", str(state), "-s", f"REPLAY_WARC={backfill['tmp'] / 'gone.warc.gz'}",
                  "-s", backfill["archive"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    [row] = wait_for(state)
    assert row["state"] == "failed" and "without a recorded run" in row["detail"]
    assert row["log_url"] and row["job"] in row["log_url"]
    proc = scrapy("scrapy", "schedule-backfill", "--status", "--state", str(state))
    assert proc.returncode == 1 and "failed" in proc.stdout

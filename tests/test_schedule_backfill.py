"""``scrapy schedule-backfill``: windows, spreading, status and reruns -- against fake scrapyd nodes
(tests/fake_scrapyd.py) and the runs table of a real archive. The real scrapyd is tests/test_scrapyd.py."""
import json
import os
import socket
import subprocess
import sys
from datetime import date

import pytest

from crawler.ops.backfill import (
    BackfillState,
    backfill_states,
    new_backfill,
    node_listings,
    node_loads,
    runs_by_job,
    schedule_windows,
    split_windows,
    spread,
)
from crawler.ops.jobdir import JobDirPerJob, job_dir
from crawler.ops.scrapyd import NodeError, ScrapydNode
from crawler.storage.archive import Archive
from tests.fake_scrapyd import FakeScrapyd
from tests.support import ROOT

d = date.fromisoformat


def test_month_windows_are_calendar_months_clipped_to_the_range():
    assert split_windows(d("2024-01-15"), d("2024-03-10"), "month") == [
        (d("2024-01-15"), d("2024-01-31")), (d("2024-02-01"), d("2024-02-29")), (d("2024-03-01"), d("2024-03-10"))]
    assert split_windows(d("2023-12-31"), d("2024-01-01"), "month") == [
        (d("2023-12-31"), d("2023-12-31")), (d("2024-01-01"), d("2024-01-01"))]
    assert split_windows(d("2024-05-01"), d("2024-05-31"), "month") == [(d("2024-05-01"), d("2024-05-31"))]


def test_week_and_day_windows():
    # 2023-12-14 is a Thursday: the first window ends on Sunday 17th, the next starts on Monday 18th
    assert split_windows(d("2023-12-14"), d("2023-12-27"), "week") == [
        (d("2023-12-14"), d("2023-12-17")), (d("2023-12-18"), d("2023-12-24")), (d("2023-12-25"), d("2023-12-27"))]
    assert split_windows(d("2024-02-28"), d("2024-03-01"), "day") == [
        (d("2024-02-28"), d("2024-02-28")), (d("2024-02-29"), d("2024-02-29")), (d("2024-03-01"), d("2024-03-01"))]


@pytest.mark.parametrize("unit", ["month", "week", "day"])
def test_windows_cover_every_day_once_in_order(unit):
    since, until = d("2023-11-03"), d("2024-04-17")
    windows = split_windows(since, until, unit)
    days = [w[0].toordinal() + i for w in windows for i in range((w[1] - w[0]).days + 1)]
    assert days == list(range(since.toordinal(), until.toordinal() + 1))


def test_bad_windows_are_refused():
    with pytest.raises(ValueError, match="after"):
        split_windows(d("2024-02-01"), d("2024-01-01"), "day")
    with pytest.raises(ValueError, match="window must be"):
        split_windows(d("2024-01-01"), d("2024-01-02"), "year")


def test_spread_fills_idle_nodes_in_turn_and_the_busy_one_last():
    assert spread(5, {"a": 0, "b": 0, "c": 0}) == ["a", "b", "c", "a", "b"]
    assert spread(4, {"a": 3, "b": 0, "c": 1}) == ["b", "b", "c", "b"]
    with pytest.raises(ValueError):
        spread(1, {})


def test_job_dir_is_per_spider_and_job_and_refuses_paths():
    assert str(job_dir("jobs", "cantho", "20240101-20240131-ab12")) == "jobs/cantho/20240101-20240131-ab12"
    for bad in ("../x", "a/b", "..", "", "x y"):
        assert job_dir("jobs", "cantho", bad) is None


def _jobdir_after_addon(settings_dict, **spider_attrs):
    from scrapy.settings import Settings

    settings = Settings({"JOBDIR_PER_JOB": "jobs", **settings_dict})
    spider = type("S", (), {"name": "cantho", **spider_attrs})()
    JobDirPerJob.from_crawler(type("C", (), {"spider": spider})()).update_settings(settings)
    return settings.get("JOBDIR")


def test_jobdir_addon_sets_a_folder_per_scrapyd_job_and_backs_off():
    assert _jobdir_after_addon({}, _job="j1") == "jobs/cantho/j1"
    assert _jobdir_after_addon({}) is None  # not a scrapyd job
    assert _jobdir_after_addon({"JOBDIR": "mine"}, _job="j1") == "mine"  # -s JOBDIR or scrapyd's jobs_dir
    assert _jobdir_after_addon({"JOBDIR_PER_JOB": ""}, _job="j1") is None
    assert _jobdir_after_addon({}, _job="../../etc") is None


@pytest.fixture
def nodes():
    started = [FakeScrapyd().start(), FakeScrapyd(busy=1).start()]
    yield started
    for node in started:
        node.stop()


def _free_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


def _run(d_, run_id, job, verdict="pass", responses=10, article_errors=0, article_pages=5):
    return {"run_id": run_id, "spider": "cantho", "site": "songoaivu.cantho.gov.vn",
            "arguments": {"since": d_, "until": d_, "_job": job}, "started_at": "2024-01-01T00:00:00+00:00",
            "finished_at": f"2024-01-01T00:00:0{run_id[-1]}+00:00", "finish_reason": "finished",
            "counts": {"responses": responses, "article_errors": article_errors, "article_pages": article_pages},
            "verdict": verdict, "monitors": {"window": {"status": "pass" if verdict == "pass" else "fail", "reason": "x"}}}


def test_scheduling_spreads_windows_and_records_them(tmp_path, nodes):
    a, b = nodes
    state = BackfillState(tmp_path / "state.json")
    clients = {n.url: ScrapydNode(n.url) for n in nodes}
    loads = node_loads(list(clients.values()), "vnfa-crawler", "cantho")
    assert loads == {a.url: 0, b.url: 1}
    backfill = state.add(new_backfill("cantho", "vnfa-crawler", d("2024-01-01"), d("2024-01-04"), "day", list(clients),
                                      ["ARCHIVE_DIR=/srv/archive", "X=a=b"]))
    assert schedule_windows(state, backfill, backfill["windows"], clients, loads) == []
    # a is idle, b runs one job: a, a, then in turn
    assert [w["attempts"][-1]["node"] for w in backfill["windows"]] == [a.url, a.url, b.url, a.url]
    job = backfill["windows"][2]["attempts"][-1]["job"]
    assert b.jobs[job] == {"spider": "cantho", "state": "pending", "args": {"since": "2024-01-03", "until": "2024-01-03"},
                           "settings": ["ARCHIVE_DIR=/srv/archive", "X=a=b"]}
    assert job.startswith("20240103-20240103-")
    again = BackfillState(tmp_path / "state.json")  # what a later --status reads
    assert again.backfills == state.backfills


def test_status_comes_from_the_node_and_the_runs_table(tmp_path, nodes):
    a, _ = nodes
    state = BackfillState(tmp_path / "state.json")
    clients = {a.url: ScrapydNode(a.url)}
    backfill = state.add(new_backfill("cantho", "vnfa-crawler", d("2024-01-01"), d("2024-01-06"), "day", [a.url], []))
    schedule_windows(state, backfill, backfill["windows"], clients, {a.url: 0})
    jobs = [w["attempts"][-1]["job"] for w in backfill["windows"]]
    a.set_state(jobs[1], "running")
    for job in jobs[2:]:
        a.set_state(job, "finished")
    a.forget(jobs[5])
    archive = Archive(tmp_path / "archive")
    archive.record_run(_run("2024-01-03", "r1", jobs[2]))  # good
    archive.record_run(_run("2024-01-04", "r2", jobs[3], verdict="fail"))  # a monitor failed
    archive.record_run(_run("2024-01-05", "r3", "other-job"))  # jobs[4]: finished, nothing recorded
    runs = runs_by_job(archive.runs())
    archive.close()
    states = backfill_states(backfill, node_listings([backfill], 5), runs)
    assert [s["state"] for s in states] == ["pending", "running", "finished", "failed", "failed", "failed"]
    assert "monitor(s) failed: window" in states[3]["detail"]
    assert "without a recorded run" in states[4]["detail"] and states[4]["log_url"].endswith(f"{jobs[4]}.log")
    assert "no longer knows" in states[5]["detail"]


def test_a_recorded_run_that_fetched_nothing_failed_even_with_passing_monitors(tmp_path, nodes):
    a, _ = nodes
    window = {"since": "2024-01-01", "until": "2024-01-01", "attempts": [{"node": a.url, "job": "j", "error": None}]}
    backfill = {"project": "vnfa-crawler", "windows": [window]}
    a.jobs["j"] = {"spider": "cantho", "state": "finished", "args": {}, "settings": []}
    nothing = _run("2024-01-01", "r1", "j", responses=0)
    all_failed = _run("2024-01-01", "r1", "j", article_errors=4, article_pages=0)
    for run, reason in ((nothing, "fetched nothing"), (all_failed, "every article request failed (4)")):
        [s] = backfill_states(backfill, node_listings([backfill], 5), runs_by_job([run]))
        assert s["state"] == "failed" and reason in s["detail"]


def test_an_unreachable_node_is_named(tmp_path):
    url = _free_port_url()
    with pytest.raises(NodeError, match=f"scrapyd node {url} cannot be reached"):
        ScrapydNode(url, timeout=2).daemonstatus()
    window = {"since": "2024-01-01", "until": "2024-01-01", "attempts": [{"node": url, "job": "j", "error": None}]}
    backfill = {"project": "vnfa-crawler", "windows": [window]}
    [s] = backfill_states(backfill, node_listings([backfill], 2), {})
    assert s["state"] == "unknown" and url in s["detail"]


def test_a_node_without_the_project_or_spider_is_refused(nodes):
    a, _ = nodes
    with pytest.raises(NodeError, match="project 'other' not found"):
        node_loads([ScrapydNode(a.url)], "other", "cantho")
    with pytest.raises(NodeError, match=f"{a.url}: project 'vnfa-crawler' has no spider 'vietnamvn'"):
        node_loads([ScrapydNode(a.url)], "vnfa-crawler", "vietnamvn")


def _command(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", "schedule-backfill", *args, "--state", str(tmp_path / "s.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_command_schedules_shows_status_and_reruns_the_failed(tmp_path, nodes):
    a, b = nodes
    archive_dir = tmp_path / "archive"
    proc = _command(tmp_path, "cantho", "--since", "2024-01-20", "--until", "2024-03-05", "--window", "month",
                    "--scrapyd", f"{a.url},{b.url}", "-s", f"ARCHIVE_DIR={archive_dir}", "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 0, proc.stderr
    assert "3 of 3 window(s) scheduled on 2 node(s)" in proc.stdout
    windows = json.loads((tmp_path / "s.json").read_text())["backfills"][0]["windows"]
    assert [(w["since"], w["until"]) for w in windows] == [
        ("2024-01-20", "2024-01-31"), ("2024-02-01", "2024-02-29"), ("2024-03-01", "2024-03-05")]
    jobs = [w["attempts"][0]["job"] for w in windows]
    assert sorted(a.jobs) == sorted(jobs[0:2]) and list(b.jobs) == [jobs[2]]
    assert a.jobs[jobs[0]]["settings"] == [f"ARCHIVE_DIR={archive_dir}", "DOWNLOAD_DELAY=0"]

    a.set_state(jobs[0], "finished")
    a.set_state(jobs[1], "finished")
    archive = Archive(archive_dir)
    archive.record_run(_run("2024-01-20", "r1", jobs[0]))
    archive.record_run(_run("2024-02-01", "r2", jobs[1], verdict="fail"))
    archive.close()
    proc = _command(tmp_path, "--status", "--json")
    assert proc.returncode == 1  # a window failed
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["since"], r["state"]) for r in rows] == [
        ("2024-01-20", "finished"), ("2024-02-01", "failed"), ("2024-03-01", "pending")]

    proc = _command(tmp_path, "--rerun-failed")
    assert proc.returncode == 0, proc.stderr
    assert "1 window(s) scheduled again" in proc.stdout
    windows = json.loads((tmp_path / "s.json").read_text())["backfills"][0]["windows"]
    retry = windows[1]["attempts"]
    assert len(retry) == 2 and retry[1]["job"] != jobs[1]
    node = a if retry[1]["node"] == a.url else b
    assert node.jobs[retry[1]["job"]]["args"] == {"since": "2024-02-01", "until": "2024-02-29"}
    assert [len(w["attempts"]) for w in windows] == [1, 2, 1]  # the finished and the pending ones stay
    assert "2024-02-01..2024-02-29  pending" in proc.stdout and "(attempt 2)" in proc.stdout


def test_command_names_the_unreachable_node_and_schedules_nothing(tmp_path, nodes):
    a, _ = nodes
    dead = _free_port_url()
    proc = _command(tmp_path, "cantho", "--since", "2024-01-01", "--until", "2024-01-31", "--scrapyd", f"{a.url},{dead}")
    assert proc.returncode == 1
    assert f"vnfa: error: scrapyd node {dead} cannot be reached" in proc.stderr
    assert a.jobs == {} and not (tmp_path / "s.json").exists()
    proc = _command(tmp_path, "cantho", "--since", "2024-02-01", "--until", "2024-01-31", "--scrapyd", a.url)
    assert proc.returncode == 2 and "after --until" in proc.stderr

"""A backfill spread over scrapyd nodes: its windows, where each runs, and how each ended.

``scrapy schedule-backfill`` (crawler/commands/schedule-backfill.py) cuts a date range into
windows (calendar months, ISO weeks or days, clipped to the range), gives each window to the
least-loaded node (``daemonstatus.json``: pending + running; equal loads take turns, so idle nodes
are filled round-robin) and schedules it through ``schedule.json`` with ``-a since/until``. The
plan -- window, node, job id, every attempt -- is kept in a small JSON state file, written
atomically after every change, so that ``--status`` and ``--rerun-failed`` work from any later
shell.

How a window ended is judged from two sources, because scrapyd's ``listjobs.json`` says that a
job *finished*, never whether it succeeded (scrapyd 1.6 keeps no exit status):

* the node's ``listjobs.json``: pending or running;
* the archive's ``runs`` table, which every site crawl writes at its close with the job id among
  its arguments (scrapyd's ``-a _job=<id>``): its verdict and counts give the same judgement as
  ``scrapy crawl``'s exit status (crawler.ops.preflight.recorded_run_failures).

A job the node calls finished (or no longer knows) with no run recorded failed before its
verdict (a bad argument, a crash, a kill): that is a failure too, with the node's ``log_url``.
"""
from __future__ import annotations

import json
import os
import tempfile
import uuid
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from crawler.ops.preflight import recorded_run_failures
from crawler.ops.scrapyd import NodeError, ScrapydNode

WINDOW_UNITS = ("month", "week", "day")
#: the states a window can be in; "unknown": its node cannot be reached and no run is recorded
STATES = ("pending", "running", "finished", "failed", "unscheduled", "unknown")
#: the states --rerun-failed schedules again
RERUN_STATES = ("failed", "unscheduled")


def split_windows(since: date, until: date, unit: str) -> list[tuple[date, date]]:
    """``since``..``until`` (inclusive) cut at calendar months, ISO weeks (Monday to Sunday) or
    days; the first and last windows are clipped to the range."""
    if unit not in WINDOW_UNITS:
        raise ValueError(f"window must be one of {', '.join(WINDOW_UNITS)}, not {unit!r}")
    if since > until:
        raise ValueError(f"since {since} is after until {until}")
    windows, start = [], since
    while start <= until:
        if unit == "month":
            end = start.replace(day=monthrange(start.year, start.month)[1])
        elif unit == "week":
            end = start + timedelta(days=6 - start.weekday())
        else:
            end = start
        end = min(end, until)
        windows.append((start, end))
        start = end + timedelta(days=1)
    return windows


def spread(count: int, loads: dict[str, int]) -> list[str]:
    """The node of each of ``count`` windows: each goes to the node with the fewest jobs waiting
    or running, counting those given so far; on a tie, the node listed first. Idle nodes are
    thus filled in turn (round-robin) and a busy node gets work only once the others catch up."""
    if not loads:
        raise ValueError("no scrapyd node to spread the windows over")
    order = {node: i for i, node in enumerate(loads)}
    load = dict(loads)
    chosen = []
    for _ in range(count):
        node = min(load, key=lambda n: (load[n], order[n]))
        chosen.append(node)
        load[node] += 1
    return chosen


def new_job_id(since: str, until: str) -> str:
    """A job id that says its window (scrapyd names the job's log after it) and never repeats."""
    return f"{since.replace('-', '')}-{until.replace('-', '')}-{uuid.uuid4().hex[:10]}"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- the state file ---------------------------------------------------------------------------

class BackfillState:
    """The state file: ``{"backfills": [backfill, ...]}``, each backfill ``{"id", "spider",
    "project", "since", "until", "window", "nodes", "settings", "created_at", "windows": [{"since",
    "until", "attempts": [{"node", "job", "scheduled_at", "error"}]}]}``. The last attempt of a
    window is its current job."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.backfills: list[dict] = []
        if self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("backfills"), list):
                raise ValueError(f"{self.path} is not a backfill state file")
            self.backfills = data["backfills"]

    def save(self) -> None:
        """Written to a temporary file and renamed over the old one: an interrupted write never
        leaves a half state file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"backfills": self.backfills}, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, self.path)

    def add(self, backfill: dict) -> dict:
        self.backfills.append(backfill)
        self.save()
        return backfill

    def select(self, spiders: list[str] | None = None) -> list[dict]:
        return [b for b in self.backfills if not spiders or b["spider"] in spiders]


def new_backfill(spider: str, project: str, since: date, until: date, unit: str, nodes: list[str],
                 settings: list[str]) -> dict:
    return {"id": uuid.uuid4().hex[:12], "spider": spider, "project": project, "since": since.isoformat(),
            "until": until.isoformat(), "window": unit, "nodes": nodes, "settings": list(settings),
            "created_at": now(),
            "windows": [{"since": a.isoformat(), "until": b.isoformat(), "attempts": []}
                        for a, b in split_windows(since, until, unit)]}


# --- scheduling -------------------------------------------------------------------------------

def node_loads(nodes: list[ScrapydNode], project: str, spider: str) -> dict[str, int]:
    """Each node's load, after checking that it answers and has ``spider`` of ``project``
    deployed. NodeError (naming the node) at the first node that does not."""
    loads = {}
    for node in nodes:
        loads[node.url] = node.load()
        spiders = node.call("listspiders.json", [("project", project)]).get("spiders") or []
        if spider not in spiders:
            raise NodeError(f"scrapyd node {node.url}: project {project!r} has no spider {spider!r} "
                            f"(deploy it with scrapyd-deploy)")
    return loads


def schedule_windows(state: BackfillState, backfill: dict, windows: list[dict], nodes: dict[str, ScrapydNode],
                     loads: dict[str, int]) -> list[str]:
    """Schedule ``windows`` of ``backfill`` over ``nodes``; each attempt is saved as soon as it is
    made. Returns the errors (one line each, naming the node) of the windows left unscheduled."""
    errors = []
    for window, url in zip(windows, spread(len(windows), loads)):
        job = new_job_id(window["since"], window["until"])
        attempt = {"node": url, "job": job, "scheduled_at": now(), "error": None}
        try:
            attempt["job"] = nodes[url].schedule(backfill["project"], backfill["spider"], job, backfill["settings"],
                                                 {"since": window["since"], "until": window["until"]})
        except NodeError as exc:
            attempt["job"], attempt["error"] = None, str(exc)
            errors.append(f"{window['since']}..{window['until']}: {exc}")
        window["attempts"].append(attempt)
        state.save()
    return errors


# --- status -----------------------------------------------------------------------------------

def runs_by_job(runs: list[dict]) -> dict[str, dict]:
    """The recorded runs (``Archive.runs()``, newest first) by scrapyd job id (``-a _job``)."""
    out: dict[str, dict] = {}
    for run in runs:
        job = (run.get("arguments") or {}).get("_job")
        if job and job not in out:
            out[job] = run
    return out


def window_state(window: dict, listings: dict[str, dict | NodeError], runs: dict[str, dict]) -> dict:
    """``{"since", "until", "state", "node", "job", "detail", "log_url", "attempts"}`` of one window:
    pending/running from its node, finished/failed from the run recorded under its job id."""
    attempt = window["attempts"][-1] if window["attempts"] else {"node": None, "job": None, "error": "never scheduled"}
    out = {"since": window["since"], "until": window["until"], "node": attempt["node"], "job": attempt["job"],
           "attempts": len(window["attempts"]), "detail": None, "log_url": None}
    if not attempt["job"]:
        return dict(out, state="unscheduled", detail=attempt.get("error"))
    listing = listings.get(attempt["node"])
    known = listing.get(attempt["job"]) if isinstance(listing, dict) else None
    if known:
        out["log_url"] = known.get("log_url")
        if known["state"] in ("pending", "running"):
            return dict(out, state=known["state"])
    run = runs.get(attempt["job"])
    if run is not None:
        failures = recorded_run_failures(run)
        return dict(out, state="failed" if failures else "finished", detail="; ".join(failures) or None)
    if isinstance(listing, NodeError):
        return dict(out, state="unknown", detail=str(listing))
    if known:
        return dict(out, state="failed", detail="finished without a recorded run (a bad argument, a crash or a kill"
                                                 " before its verdict; see its log)")
    return dict(out, state="failed", detail="the node no longer knows the job (restarted?) and no run is recorded")


def backfill_states(backfill: dict, listings: dict[tuple[str, str], dict | NodeError], runs: dict[str, dict]) -> list[dict]:
    """The state of each window of ``backfill``; ``listings`` as :func:`node_listings` gives them."""
    of_project = {url: listing for (url, project), listing in listings.items() if project == backfill["project"]}
    return [window_state(w, of_project, runs) for w in backfill["windows"]]


def node_listings(backfills: list[dict], timeout: float) -> dict[tuple[str, str], dict | NodeError]:
    """``listjobs.json`` of every (node, project) the backfills' current jobs run on; a NodeError
    in place of the listing of a node that cannot be reached."""
    wanted = {(w["attempts"][-1]["node"], b["project"]) for b in backfills for w in b["windows"]
              if w["attempts"] and w["attempts"][-1]["job"]}
    out: dict[tuple[str, str], dict | NodeError] = {}
    for url, project in sorted(wanted):
        try:
            out[(url, project)] = ScrapydNode(url, timeout).listjobs(project)
        except NodeError as exc:
            out[(url, project)] = exc
    return out


def archive_runs(location: str) -> list[dict]:
    """The runs recorded in the archive at ``location`` (a PostgreSQL URL or a SQLite archive's
    folder), newest first; [] when there is no archive there yet (no job has finished)."""
    from crawler.storage.archive import Archive, NoArchive

    try:
        archive = Archive.open_readonly(location)
    except NoArchive:
        return []
    try:
        return archive.runs()
    finally:
        archive.close()


def job_setting(backfill: dict, name: str) -> str | None:
    """The value of ``-s NAME=...`` the backfill's jobs were given, or None."""
    for pair in backfill["settings"]:
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return None

"""``scrapy schedule-backfill``: a backfill cut into windows and spread over scrapyd nodes.

    scrapy schedule-backfill SPIDER --since YYYY-MM-DD --until YYYY-MM-DD --scrapyd URL[,URL...]
                             [--window month|week|day] [--project NAME] [-s NAME=VALUE ...]
    scrapy schedule-backfill --status [SPIDER ...] [--json]
    scrapy schedule-backfill --rerun-failed [SPIDER ...] [--scrapyd URL[,URL...]]

Every ``-s NAME=VALUE`` is passed to the jobs (``schedule.json``'s ``setting``), and recorded in
the state file (``--state``, default ``jobs/backfills.json``) with the plan: each window's node and
job id, every attempt. ``--status`` reads each job's state from its node (pending, running) and its
outcome from the archive's ``runs`` table (finished, failed) -- see crawler.ops.backfill for why;
``--rerun-failed`` schedules the failed and unscheduled windows again, on the least-loaded nodes.

Exit status: 0 when all went well; 1 when a node cannot be reached or refuses (the one-line error
names the node), or when ``--status`` finds a failed window; 2 for a bad invocation.
"""
from __future__ import annotations

import json
from datetime import date

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import get_config

from crawler.ops.backfill import (
    RERUN_STATES,
    WINDOW_UNITS,
    BackfillState,
    archive_runs,
    backfill_states,
    job_setting,
    new_backfill,
    node_listings,
    node_loads,
    runs_by_job,
    schedule_windows,
)
from crawler.ops.cli import EXIT_FAILED, say_error
from crawler.ops.preflight import check_arguments
from crawler.ops.scrapyd import TIMEOUT, NodeError, ScrapydNode, node_url
from crawler.storage.backends import archive_location

DEFAULT_STATE = "jobs/backfills.json"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return ("SPIDER --since DAY --until DAY --scrapyd URL[,URL...] [--window month|week|day] [-s NAME=VALUE ...]"
                " | --status [SPIDER ...] | --rerun-failed [SPIDER ...]")

    def short_desc(self):
        return "Cut a backfill into windows and schedule them on scrapyd nodes; --status, --rerun-failed"

    def long_desc(self):
        return ("Cuts SPIDER's --since..--until into windows, schedules one scrapyd job per window with -a since/until "
                "on the least-loaded of the --scrapyd nodes, passing every -s NAME=VALUE to the jobs, and keeps the plan "
                "in --state. --status: each window pending, running, finished or failed (the outcome from the "
                "archive's runs table); --rerun-failed: schedule the failed windows again. Exit status 1 when a node "
                "cannot be reached (named) or a window failed.")

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="first day of the backfill")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="last day of the backfill")
        parser.add_argument("--window", choices=WINDOW_UNITS, default="month",
                            help="one job per calendar month, ISO week or day (default: month)")
        parser.add_argument("--scrapyd", metavar="URL[,URL...]",
                            help="the scrapyd nodes (for --rerun-failed: instead of the backfill's own)")
        parser.add_argument("--project", help="the scrapyd project (default: scrapy.cfg's [deploy] project)")
        parser.add_argument("--state", default=DEFAULT_STATE, help=f"the plan's state file (default: {DEFAULT_STATE})")
        parser.add_argument("--status", action="store_true", help="show each window's state")
        parser.add_argument("--rerun-failed", action="store_true", help="schedule the failed windows again")
        parser.add_argument("--json", action="store_true", help="--status: one JSON object per window")
        parser.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds to wait for a node (default {TIMEOUT:g})")

    def run(self, args, opts):
        if opts.status and opts.rerun_failed:
            raise UsageError("--status and --rerun-failed do not go together", print_help=False)
        try:
            state = BackfillState(opts.state)
        except ValueError as exc:  # includes a JSON syntax error
            raise UsageError(f"--state {opts.state}: {exc}", print_help=False) from None
        if opts.status or opts.rerun_failed:
            backfills = state.select(args)
            if not backfills:
                print(f"no backfill{' of ' + ', '.join(args) if args else ''} in {opts.state}")
                return
            if opts.rerun_failed:
                self.rerun_failed(state, backfills, opts)
            self.show_status(backfills, opts)
            return
        self.schedule(state, args, opts)

    # --- scheduling ---------------------------------------------------------------------------
    def schedule(self, state: BackfillState, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("name one spider (or --status / --rerun-failed)")
        spider = args[0]
        since, until = day_option(opts.since, "--since"), day_option(opts.until, "--until")
        if since > until:
            raise UsageError(f"--since {since} is after --until {until}", print_help=False)
        self.check_spider(spider, since, until)
        nodes = self.nodes(opts.scrapyd, opts.timeout)
        if not nodes:
            raise UsageError("--scrapyd URL[,URL...] is required to schedule a backfill", print_help=False)
        project = opts.project or deploy_project()
        try:
            loads = node_loads(list(nodes.values()), project, spider)
        except NodeError as exc:
            say_error(str(exc))
            self.exitcode = EXIT_FAILED
            return
        backfill = state.add(new_backfill(spider, project, since, until, opts.window, list(nodes), opts.set))
        errors = schedule_windows(state, backfill, backfill["windows"], nodes, loads)
        scheduled = [w for w in backfill["windows"] if w["attempts"][-1]["job"]]
        print(f"backfill {backfill['id']}: {spider} {since}..{until} by {opts.window}, {len(scheduled)} of "
              f"{len(backfill['windows'])} window(s) scheduled on {len(nodes)} node(s); plan in {opts.state}")
        for window in backfill["windows"]:
            attempt = window["attempts"][-1]
            print(f"  {window['since']}..{window['until']}  {attempt['node']}  "
                  f"{'job ' + attempt['job'] if attempt['job'] else 'NOT SCHEDULED'}")
        self.fail_on(errors)

    def check_spider(self, spider: str, since: date, until: date) -> None:
        loader = get_spider_loader(self.settings)
        try:
            spidercls = loader.load(spider)
        except KeyError:
            raise UsageError(f"no spider named {spider!r}; spiders: {', '.join(loader.list())}", print_help=False) from None
        if not getattr(spidercls, "site", "") or "since" not in getattr(spidercls, "arguments", ()):
            raise UsageError(f"{spider} is not a site spider: it takes no since/until", print_help=False)
        problem = check_arguments(spidercls, {"since": since.isoformat(), "until": until.isoformat()})
        if problem:
            raise UsageError(problem, print_help=False)

    @staticmethod
    def nodes(option: str | None, timeout: float) -> dict[str, ScrapydNode]:
        urls = [node_url(u) for u in (option or "").split(",") if u.strip()]
        return {url: ScrapydNode(url, timeout) for url in dict.fromkeys(urls)}

    def fail_on(self, errors: list[str]) -> None:
        for error in errors:
            say_error(error)
        if errors:
            self.exitcode = EXIT_FAILED

    # --- status and reruns --------------------------------------------------------------------
    def states(self, backfills: list[dict], opts) -> dict[str, list[dict]]:
        """``{backfill id: [window state, ...]}``; the runs are read from the archive the jobs were
        given (their ``-s ARCHIVE_URL``, else ``-s ARCHIVE_DIR``), else from this command's own."""
        listings = node_listings(backfills, opts.timeout)
        runs_of: dict[str, dict] = {}
        out = {}
        for backfill in backfills:
            location = job_setting(backfill, "ARCHIVE_URL") or job_setting(backfill, "ARCHIVE_DIR") \
                or archive_location(self.settings)
            if location not in runs_of:
                runs_of[location] = runs_by_job(archive_runs(location))
            out[backfill["id"]] = backfill_states(backfill, listings, runs_of[location])
        return out

    def show_status(self, backfills: list[dict], opts) -> None:
        states = self.states(backfills, opts)
        unreachable = set()
        for backfill in backfills:
            windows = states[backfill["id"]]
            if not opts.json:
                tally = ", ".join(f"{sum(w['state'] == s for w in windows)} {s}"
                                  for s in dict.fromkeys(w["state"] for w in windows))
                print(f"backfill {backfill['id']}: {backfill['spider']} {backfill['since']}..{backfill['until']} "
                      f"by {backfill['window']} (project {backfill['project']}): {tally}")
            for window in windows:
                if window["state"] in ("failed", "unscheduled"):
                    self.exitcode = EXIT_FAILED
                if window["state"] == "unknown":
                    unreachable.add(window["detail"])
                if opts.json:
                    print(json.dumps({"backfill": backfill["id"], "spider": backfill["spider"], **window}, ensure_ascii=False))
                    continue
                line = f"  {window['since']}..{window['until']}  {window['state']:<11} {window['node'] or '-'}"
                line += f"  job {window['job']}" if window["job"] else ""
                line += f" (attempt {window['attempts']})" if window["attempts"] > 1 else ""
                print(line)
                if window["detail"] and window["state"] != "finished":
                    print(f"      {window['detail']}" + (f"; log {window['log_url']}" if window["log_url"] else ""))
        self.fail_on(sorted(unreachable))

    def rerun_failed(self, state: BackfillState, backfills: list[dict], opts) -> None:
        states = self.states(backfills, opts)
        override = self.nodes(opts.scrapyd, opts.timeout)
        errors = []
        for backfill in backfills:
            again = [w for w, s in zip(backfill["windows"], states[backfill["id"]]) if s["state"] in RERUN_STATES]
            if not again:
                continue
            nodes = override or self.nodes(",".join(backfill["nodes"]), opts.timeout)
            try:
                loads = node_loads(list(nodes.values()), backfill["project"], backfill["spider"])
            except NodeError as exc:
                errors.append(str(exc))
                continue
            errors += schedule_windows(state, backfill, again, nodes, loads)
            print(f"backfill {backfill['id']}: {len(again)} window(s) scheduled again")
        self.fail_on(errors)


def day_option(value: str | None, name: str) -> date:
    if not value:
        raise UsageError(f"{name} YYYY-MM-DD is required", print_help=False)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} {value!r}: expected a date YYYY-MM-DD", print_help=False) from None


def deploy_project() -> str:
    """The project name scrapyd-deploy deploys under: scrapy.cfg's ``[deploy] project``."""
    project = get_config().get("deploy", "project", fallback=None)
    if not project:
        raise UsageError("--project NAME is required (scrapy.cfg has no [deploy] project)", print_help=False)
    return project

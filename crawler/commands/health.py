"""``scrapy health [--json]``: per site, the last run's verdict, what failed, and the trend over
recent runs -- read from the archive's ``runs`` table (written by crawler.ops.monitors at the
close of every crawl). Exit status 1 when any site's last run failed, 2 when there is no archive."""
from __future__ import annotations

import json

from scrapy.commands import ScrapyCommand

from crawler.ops.cli import EXIT_FAILED, open_readonly


def site_health(runs: list[dict], recent: int) -> dict:
    """The health of one spider from its runs, newest first."""
    last = runs[0]
    failed = {name: m.get("reason") or m.get("status") for name, m in last["monitors"].items()
              if m.get("status") != "pass"}
    trend = "".join("P" if r["verdict"] == "pass" else "F" for r in reversed(runs[:recent]))
    return {"spider": last["spider"], "site": last["site"], "last_run": last["run_id"],
            "finished_at": last["finished_at"], "verdict": last["verdict"], "failed": failed,
            "items": last["counts"].get("items", 0), "trend": trend,
            "passed_recent": trend.count("P"), "recent": len(trend)}


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[SPIDER ...] [--json] [--recent N]"

    def short_desc(self):
        return "Per site: the last run's verdict, what failed, the trend over recent runs (exit 1 on a failed run)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per site")
        parser.add_argument("--recent", type=int, default=10, help="runs in the trend (default 10)")

    def run(self, args, opts):
        archive = open_readonly(self)
        if archive is None:
            return
        try:
            runs = archive.runs()
        finally:
            archive.close()
        by_spider: dict[str, list[dict]] = {}
        for run in runs:
            by_spider.setdefault(run["spider"], []).append(run)
        names = args or sorted(by_spider)
        if not names:
            print("no runs recorded yet")
        for name in names:
            if name not in by_spider:
                print(json.dumps({"spider": name, "verdict": None}) if opts.json else f"{name:<10} no runs recorded")
                continue
            health = site_health(by_spider[name], opts.recent)
            if health["verdict"] != "pass":
                self.exitcode = EXIT_FAILED
            if opts.json:
                print(json.dumps(health, ensure_ascii=False))
                continue
            print(f"{name:<10} {health['verdict'].upper():<4} last run {health['finished_at']} "
                  f"({health['items']} item(s)); recent {health['passed_recent']}/{health['recent']} passed "
                  f"[{health['trend']}]")
            for monitor, reason in health["failed"].items():
                print(f"  failed {monitor}: {reason}")

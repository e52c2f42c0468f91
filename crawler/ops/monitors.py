"""Health monitors (spidermon) run at the close of every site crawl, and the run's record.

``SiteHealthSuite`` (``SPIDERMON_SPIDER_CLOSE_MONITORS``) checks one finished crawl against
what the site's rules expect:

* ``finish`` -- the crawl finished (not shut down, not out of memory, not closed by an error);
* ``window`` -- it reached its whole window: no ``coverage/unreached/*`` stat (a failed
  request, a page cap, a missing sitemap...);
* ``articles`` -- the article pages read (or gone: 404, 410) are at least ``MONITOR_ITEMS_MIN_SHARE``
  of what discovery queued in range (those the seen-store skipped aside);
* ``fields`` -- each field the site shows on (nearly) every article is filled on at least that
  share of the items (``FIELD_COVERAGE`` in ``spiders/<site>/rules.py``); ``time`` is the share of
  dates with a time, so a date without its time where the site shows one counts as partial;
* ``layers`` -- no field comes from a fallback layer (generic fallback, URL, discovery) on more
  than ``MONITOR_FALLBACK_MAX_SHARE`` of the pages (a drifted layout);
* ``errors`` -- parse errors, parser crashes, failed fields and date-parser errors stay under
  ``MONITOR_ERROR_MAX_SHARE`` of the pages read, and page dates disagree with the discovery date
  (``pipeline/dates/discovery_disagrees``) on at most ``MONITOR_DISAGREE_MAX_SHARE`` of the items.

Ratios are judged from ``MONITOR_MIN_ITEMS`` pages on. The :class:`RecordRun` action then
stores the run in the archive's ``runs`` table (crawler.storage.archive), logs a short verdict
table, and leaves ``monitors/verdict``, ``monitors/failed`` and ``monitors/table`` in the stats,
from which ``scrapy crawl`` (crawler.commands.crawl) sets its exit status. Other spidermon
actions (e-mail, Slack...) run on a failure when listed in ``MONITOR_FAILED_ACTIONS`` (none by default).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from scrapy import signals
from spidermon import Monitor, MonitorSuite, monitors
from spidermon import settings as sm
from spidermon.core.actions import Action

from crawler.storage.archive import Archive, open_archive

logger = logging.getLogger(__name__)
#: unittest (and so spidermon's failure report) leaves the frames of this module out: a failed monitor
#: is logged as its one-line reason, never as a Python traceback a cron reader could take for a crash
__unittest = True

#: the fields whose layer is recorded (crawler.extraction.page) and judged
LAYERED_FIELDS = ("title", "lead", "authors", "date", "body")
#: layers that mean the site's own markup was not found
FALLBACK_LAYERS = ("fallback", "url", "discovery")


class ItemFieldCounter:
    """Extension: counts, per scraped item, the fields the ``fields`` monitor judges
    (``monitor/items``, ``monitor/field/<name>``, ``monitor/field/time``), and the run's start."""

    FIELDS = ("title", "lead", "authors", "published_at", "body")

    def __init__(self, crawler):
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item, response=None, spider=None):
        self.stats.inc_value("monitor/items")
        for name in self.FIELDS:
            if item.get(name):
                self.stats.inc_value(f"monitor/field/{name}")
        published = item.get("published_at") or ""
        if "T" in published:
            self.stats.inc_value("monitor/field/time")


def _sum(stats, prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, (int, float)))


class SiteMonitor(Monitor):
    @property
    def stats(self) -> dict:
        return self.data.stats

    @property
    def spider(self):
        return self.data.spider

    def setting(self, name: str, default: float) -> float:
        return self.data.crawler.settings.getfloat(name, default)

    @property
    def pages(self) -> int:
        name = self.spider.name
        return self.stats.get(f"parse/ok/{name}", 0) + self.stats.get(f"parse/not_article/{name}", 0)

    def enough(self, n: int) -> bool:
        return n >= self.data.crawler.settings.getint("MONITOR_MIN_ITEMS", 3)


@monitors.name("finish")
class FinishMonitor(SiteMonitor):
    @monitors.name("finish")
    def test_finished(self):
        reason = self.stats.get("finish_reason")
        if reason != "finished":
            self.fail(f"finish reason {reason}")


@monitors.name("window")
class WindowMonitor(SiteMonitor):
    @monitors.name("window")
    def test_window_reached(self):
        unreached = sorted(k.split("/", 2)[2] for k in self.stats if k.startswith("coverage/unreached/"))
        if unreached:
            since, until = getattr(self.spider, "since_date", None), getattr(self.spider, "until_date", None)
            window = f"window {since}..{until}" if since and until else "window"
            self.fail(f"{window} not reached: {', '.join(unreached)}")


@monitors.name("articles")
class ArticlesMonitor(SiteMonitor):
    @monitors.name("articles")
    def test_articles_read(self):
        queued = self.stats.get(f"discovery/{self.spider.name}/articles_queued", 0)
        # requests the seen-store dropped (seen, or off-topic for this very tagger) are not expected
        expected = max(0, queued - _sum(self.stats, "incremental/skipped_"))
        share = self.setting("MONITOR_ITEMS_MIN_SHARE", 0.9)
        # an article the site removed (404, 410) is accounted for: there is nothing left to read
        gone = self.stats.get("errors/article/http_404", 0) + self.stats.get("errors/article/http_410", 0)
        if expected and self.pages + gone < share * expected:
            self.fail(f"{self.pages} of {expected} queued article(s) read, {gone} gone (< {share:.0%})")


@monitors.name("fields")
class FieldsMonitor(SiteMonitor):
    @monitors.name("fields")
    def test_field_coverage(self):
        items = self.stats.get("monitor/items", 0)
        if not self.enough(items):
            return
        short = []
        for name, minimum in (getattr(self.spider, "field_coverage", None) or {}).items():
            share = self.stats.get(f"monitor/field/{name}", 0) / items
            if share < minimum:
                short.append(f"{name} {share:.0%} < {minimum:.0%}")
        if short:
            self.fail(f"field coverage of {items} item(s): {', '.join(short)}")


@monitors.name("layers")
class LayersMonitor(SiteMonitor):
    @monitors.name("layers")
    def test_fallback_share(self):
        name, pages = self.spider.name, self.pages
        if not self.enough(pages):
            return
        maximum = self.setting("MONITOR_FALLBACK_MAX_SHARE", 0.5)
        high = []
        for field in LAYERED_FIELDS:
            n = sum(self.stats.get(f"extract/{name}/{field}/{layer}", 0) for layer in FALLBACK_LAYERS)
            if n / pages > maximum:
                high.append(f"{field} {n / pages:.0%}")
        if high:
            self.fail(f"from fallback layers ({'/'.join(FALLBACK_LAYERS)}) on more than {maximum:.0%} "
                      f"of {pages} page(s): {', '.join(high)}")


@monitors.name("errors")
class ErrorsMonitor(SiteMonitor):
    @monitors.name("errors")
    def test_parse_errors(self):
        name = self.spider.name
        errors = (self.stats.get(f"parse/error/{name}", 0) + self.stats.get(f"parse/crash/{name}", 0)
                  + _sum(self.stats, f"parse/field_error/{name}/") + self.stats.get("pipeline/dates/error", 0))
        read = self.stats.get("articles/responses", 0)
        maximum = self.setting("MONITOR_ERROR_MAX_SHARE", 0.1)
        if errors and errors > maximum * max(read, 1):
            self.fail(f"{errors} parse/field error(s) on {read} article page(s) (> {maximum:.0%})")

    @monitors.name("dates")
    def test_discovery_agrees(self):
        if not getattr(self.spider, "discovery_dates_are_publication", False):
            return  # sitemap lastmods are last changes: a republication or an edit moves them on
        items = self.stats.get("monitor/items", 0)
        disagree = self.stats.get("pipeline/dates/discovery_disagrees", 0)
        maximum = self.setting("MONITOR_DISAGREE_MAX_SHARE", 0.2)
        if self.enough(items) and disagree > maximum * items:
            self.fail(f"page date and discovery date more than 3 days apart on {disagree} of {items} item(s)")


def verdict_table(spider: str, monitors_: dict[str, dict]) -> str:
    verdict = "PASS" if all(m["status"] == "pass" for m in monitors_.values()) else "FAIL"
    lines = [f"monitors of {spider}: {verdict}"]
    lines += [f"  {m['status'].upper():<5} {name:<9} {m.get('reason') or ''}".rstrip() for name, m in monitors_.items()]
    return "\n".join(lines)


class RecordRun(Action):
    """Stores the run and its verdict in the archive's ``runs`` table and in the stats."""

    def run_action(self):
        crawler, spider, stats = self.data.crawler, self.data.spider, self.data.crawler.stats
        results = {}
        for result in self.result.monitor_results:
            name = result.monitor.name.split("/")[-1]
            passed = result.status in (sm.MONITOR.STATUS.SUCCESS, sm.MONITOR.STATUS.SKIPPED)
            reason = result.reason or ((result.error or "").strip().splitlines() or [""])[-1]
            results[name] = {"status": "pass" if passed else "fail", "reason": None if passed else reason}
        failed = [name for name, m in results.items() if m["status"] != "pass"]
        table = verdict_table(spider.name, results)
        stats.set_value("monitors/verdict", "fail" if failed else "pass")
        stats.set_value("monitors/failed", ", ".join(failed))
        stats.set_value("monitors/table", table)
        (logger.warning if failed else logger.info)("%s", table)
        if getattr(spider, "rescope_urls", None):
            return
        all_stats = stats.get_stats()
        start = all_stats.get("start_time")
        run = {
            "run_id": getattr(Archive._by_crawler.get(crawler), "run_id", None)
                      or f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{spider.name}",
            "spider": spider.name, "site": getattr(spider, "site", None),
            "arguments": {k: v for k, v in (getattr(spider, "run_arguments", None) or {}).items()},
            "started_at": start.isoformat(timespec="seconds") if hasattr(start, "isoformat") else None,
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "finish_reason": all_stats.get("finish_reason"),
            "counts": {"items": all_stats.get("item_scraped_count", 0),
                       "dropped": all_stats.get("item_dropped_count", 0),
                       "requests": all_stats.get("downloader/request_count", 0),
                       "responses": all_stats.get("response_received_count", 0),
                       "article_pages": all_stats.get("articles/responses", 0),
                       "article_errors": _sum(all_stats, "errors/article/"),
                       "queued": all_stats.get(f"discovery/{spider.name}/articles_queued", 0),
                       "window": all_stats.get("coverage/window")},
            "verdict": "fail" if failed else "pass",
            "monitors": results,
        }
        archive = open_archive(crawler.settings)
        try:
            archive.record_run(run)
        finally:
            archive.close()
        stats.set_value("monitors/run_id", run["run_id"])
        logger.debug("run recorded: %s", json.dumps(run, default=str))


class SiteHealthSuite(MonitorSuite):
    monitors = [FinishMonitor, WindowMonitor, ArticlesMonitor, FieldsMonitor, LayersMonitor, ErrorsMonitor]
    monitors_finished_actions = [RecordRun]

    def __init__(self, *args, crawler=None, **kwargs):
        super().__init__(*args, crawler=crawler, **kwargs)
        if crawler is not None:
            self.add_monitors_failed_actions(crawler.settings.getlist("MONITOR_FAILED_ACTIONS"))

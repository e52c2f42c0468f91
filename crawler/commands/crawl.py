"""``scrapy crawl``, with an exit status that tells a failed run from a good one.

Scrapy's own command exits 1 only when the spider could not even be built. This one:

* refuses, in one line and with exit status 2, a bad ``-a`` name or value (each site spider
  declares its arguments) and a ``REPLAY_WARC`` that is missing, empty or not a WARC;
* creates the folder of ``-s LOG_FILE=...`` before logging starts;
* after the crawl, prints the monitors' verdict table (crawler.ops.monitors) and exits 1 with a
  one-line reason when the run fetched nothing, when every article request failed, when the
  replayed WARC could not be read, or when a monitor failed (crawler.ops.preflight.run_failures).
  An incremental run that finds nothing new exits 0.
"""
from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.ops.cli import EXIT_FAILED, EXIT_USAGE, say_error
from crawler.ops.preflight import check_arguments, check_replay_warc, prepare_log_file, run_failures


class Command(ScrapyCrawl):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        prepare_log_file(self.settings)

    def run(self, args, opts):
        if len(args) != 1:
            return super().run(args, opts)
        name = args[0]
        try:
            spidercls = self.crawler_process.spider_loader.load(name)
        except KeyError:
            raise UsageError(f"no spider named {name!r}; spiders: {', '.join(self.crawler_process.spider_loader.list())}",
                             print_help=False) from None
        site_spider = bool(getattr(spidercls, "site", ""))
        problem = check_arguments(spidercls, opts.spargs) or check_replay_warc(self.settings.get("REPLAY_WARC"))
        if problem:
            say_error(problem)
            self.exitcode = EXIT_USAGE
            return
        crawler = self._create_crawler(name)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
            return
        if not site_spider or crawler.stats is None:
            return
        stats = crawler.stats.get_stats()
        table = stats.get("monitors/table")
        if table:
            print(table, file=sys.stderr, flush=True)
        failures = run_failures(stats, self.settings)
        if failures:
            say_error(f"crawl {name} failed: " + "; ".join(failures))
            self.exitcode = EXIT_FAILED

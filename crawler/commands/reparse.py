"""``scrapy reparse FILE_OR_DIR... [--workers N] [-o OUT.jsonl]``: re-derive the items of recorded
WARCs into the archive -- every article response through its site's page object and the item
pipelines, no discovery, no network (crawler.ops.reparse). For re-reading months of recordings
after a parser fix; a kill, then the same command with the same ``-s JOBDIR=DIR``, resumes.

Exit status: 0; 1 when a WARC file could not be read to its end (what it held before the damage is
archived); 2 for a bad invocation (no path, a path that does not exist or holds no WARC, a bad
``-a`` or ``--workers``).
"""
from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict
from scrapy.utils.log import configure_logging

from crawler.fetching.warc.index import replay_paths
from crawler.ops.cli import EXIT_USAGE, say_error
from crawler.ops.preflight import prepare_log_file
from crawler.ops.reparse import Reparse
from spiders.arguments import SpiderArgumentError
from spiders.base import SiteSpider

#: the spider arguments a reparse passes on (to every site spider): the ones they all take
REPARSE_ARGUMENTS = ("scope", "since", "until")


class Command(ScrapyCommand):
    requires_project = True
    # no engine and no reactor: crawler.ops.reparse drives the pipelines itself, in an asyncio loop
    requires_crawler_process = False

    def syntax(self):
        return "FILE_OR_DIR... [--workers N] [-o OUT.jsonl] [-a scope=all]"

    def short_desc(self):
        return "Re-derive items from recorded WARCs (no discovery) through the pipelines into the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--workers", type=int, default=1, metavar="N",
                            help="processes that parse: this one, which also writes, and N-1 forked workers (default 1)")
        parser.add_argument("-o", "--output", metavar="FILE", help="also append the items to FILE (JSON Lines)")
        parser.add_argument("-O", "--overwrite-output", metavar="FILE", help="like -o, FILE overwritten")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help=f"spider argument for every site spider ({', '.join(REPARSE_ARGUMENTS)})")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        prepare_log_file(self.settings)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from None

    def run(self, args, opts):
        problem = self._check(args, opts)
        if problem:
            say_error(problem)
            self.exitcode = EXIT_USAGE
            return
        # what CrawlerProcess would do: Scrapy's log handler, LOG_LEVEL, LOG_FILE...
        configure_logging(self.settings)
        paths = replay_paths(args)
        loader = get_spider_loader(self.settings)
        classes = {name: loader.load(name) for name in loader.list()}
        classes = {name: cls for name, cls in classes.items() if issubclass(cls, SiteSpider) and cls.site}
        reparse = Reparse(self.settings, classes, paths, workers=opts.workers, spider_args=opts.spargs,
                          output=opts.overwrite_output or opts.output, overwrite=bool(opts.overwrite_output))
        try:
            self.exitcode = reparse.run()
        except SpiderArgumentError as exc:
            say_error(str(exc))
            self.exitcode = EXIT_USAGE
            return
        self._report(reparse)

    def _check(self, args, opts) -> str | None:
        if not args:
            return "scrapy reparse needs at least one WARC file or folder"
        if opts.workers < 1:
            return f"--workers {opts.workers}: at least 1"
        unknown = sorted(set(opts.spargs) - set(REPARSE_ARGUMENTS))
        if unknown:
            return f"unknown -a name(s) {', '.join(unknown)}; reparse takes {', '.join(REPARSE_ARGUMENTS)}"
        for raw in args:
            if not Path(raw).expanduser().exists():
                return f"{raw} does not exist"
            if not replay_paths([raw]):
                return f"{raw} holds no .warc or .warc.gz file"
        return None

    def _report(self, reparse: Reparse) -> None:
        summary = reparse.summary()
        records = summary["records"]
        print(f"reparse: {records.get('records', 0)} recorded URL(s); " + ", ".join(
            f"{k} {v}" for k, v in records.items() if k != "records"), file=sys.stderr)
        for name, stats in summary["sites"].items():
            print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in stats.items()), file=sys.stderr)
        print("  seconds: " + ", ".join(f"{k} {v}" for k, v in summary["seconds"].items()), file=sys.stderr)
        for path, reason in reparse.bad_files:
            say_error(f"damaged WARC {path}: {reason}")

"""``scrapy archive-check``: verify the archive's SQLite, JSON Lines and WARC files agree."""
from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand

from crawler.storage.check import check_archive


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self):
        return "Check the archive (SQLite integrity, JSON Lines and WARC files) and report mismatches"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--archive", dest="archive", default=None, help="archive directory (default ARCHIVE_DIR)")
        parser.add_argument("--no-warc", dest="warc", action="store_false", help="skip reading the WARC files")

    def run(self, args, opts):
        report = check_archive(opts.archive or self.settings.get("ARCHIVE_DIR", "archive"), check_warc=opts.warc)
        print(report.summary())
        self.exitcode = 0 if report.ok else 1
        if not report.ok:
            sys.stdout.flush()

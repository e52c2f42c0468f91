"""``scrapy archive-export -o FILE.jsonl``: every archived article, one JSON object per line.

Each line is the item's JSON as the archive stores it (what the SQLite archive's JSON Lines
partitions hold), ordered by canonical URL in byte order: the same items give the same bytes
from the SQLite and from the PostgreSQL archive -- the PostgreSQL archive's counterpart of the
partitions, and a way to move or compare archives. Read-only; ``-o -`` writes to stdout.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.ops.cli import EXIT_FAILED, open_readonly, say_error


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "-o FILE.jsonl | -o -"

    def short_desc(self):
        return "Write every archived article as JSON Lines (by canonical URL), from the SQLite or PostgreSQL archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", default=None, help="the JSON Lines file, or - for stdout")

    def run(self, args, opts):
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}", print_help=False)
        if not opts.output:
            raise UsageError("-o FILE.jsonl (or -o - for stdout) is required", print_help=False)
        archive = open_readonly(self)
        if archive is None:
            return
        try:
            if opts.output == "-":
                count = self._write(archive, sys.stdout.buffer)
                sys.stdout.buffer.flush()
                return
            out = Path(opts.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(out.name + ".part")
            try:
                with open(partial, "wb") as fh:
                    count = self._write(archive, fh)
                os.replace(partial, out)  # a failed export never leaves a file that looks complete
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            print(f"{count} article(s) from {archive.location} written to {out}", file=sys.stderr)
        except OSError as exc:
            say_error(f"could not write the export: {exc}")
            self.exitcode = EXIT_FAILED
        finally:
            archive.close()

    @staticmethod
    def _write(archive, fh) -> int:
        count = 0
        for line in archive.item_lines():
            fh.write(line.encode("utf-8") + b"\n")
            count += 1
        return count

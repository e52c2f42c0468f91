"""``scrapy coverage [--json]``: the coverage ledger -- which days of each site finished runs covered, and the gaps."""
from __future__ import annotations

import json

from scrapy.commands import ScrapyCommand

from crawler.ops.cli import open_readonly
from crawler.storage.ledgers import gaps


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[SITE ...] [--json]"

    def short_desc(self):
        return "Show the days each site's finished runs covered, and the gaps between them"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per site")

    def run(self, args, opts):
        archive = open_readonly(self)
        if archive is None:
            return
        try:
            for site in args or archive.coverage_sites():
                ranges = archive.coverage(site)
                holes = gaps(ranges)
                if opts.json:
                    print(json.dumps({"site": site, "covered": [[a.isoformat(), b.isoformat()] for a, b in ranges],
                                      "gaps": [[a.isoformat(), b.isoformat()] for a, b in holes],
                                      "end": ranges[-1][1].isoformat() if ranges else None}))
                    continue
                print(f"{site}: " + (", ".join(f"{a}..{b}" for a, b in ranges) or "nothing covered"))
                for a, b in holes:
                    print(f"  gap {a}..{b} ({(b - a).days + 1} day(s)): backfill it with -a since={a} -a until={b}")
        finally:
            archive.close()

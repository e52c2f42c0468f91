"""``scrapy archive-summary``: what the archive holds, per site, language and month."""
from __future__ import annotations

import json

from scrapy.commands import ScrapyCommand

from crawler.ops.cli import open_readonly


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self):
        return "Print what the archive holds, per site, language and publication month"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--archive", dest="archive", default=None,
                            help="archive directory or postgresql:// URL (default ARCHIVE_URL, else ARCHIVE_DIR)")

    def run(self, args, opts):
        archive = open_readonly(self, opts.archive)
        if archive is None:
            return
        try:
            conn = archive.conn
            total = archive.count()
            where = archive.dir.resolve() if archive.dir is not None else archive.location
            print(f"archive {where}: {total} article(s)")
            for site, lang, n in conn.execute("SELECT site, language, COUNT(*) FROM articles GROUP BY site, language"
                                              " ORDER BY site, language NULLS FIRST"):
                print(f"  {site:<26} {lang or '?':<3} {n:>6}")
            for site, raw, day in conn.execute(
                    "SELECT site, item_json, published_at FROM articles ORDER BY published_at DESC NULLS LAST LIMIT 10"):
                title = json.loads(raw).get("title")
                print(f"  {day or 'undated':<25} {site:<26} {(title or '(untitled)')[:70]}")
        finally:
            archive.close()

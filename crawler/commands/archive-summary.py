"""``scrapy archive-summary``: what the archive holds, per site, language and month."""
from __future__ import annotations

from scrapy.commands import ScrapyCommand

from crawler.ops.cli import open_readonly


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self):
        return "Print what the archive holds, per site, language and publication month"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--archive", dest="archive", default=None, help="archive directory (default ARCHIVE_DIR)")

    def run(self, args, opts):
        archive = open_readonly(self, opts.archive or self.settings.get("ARCHIVE_DIR", "archive"))
        if archive is None:
            return
        try:
            conn = archive.conn
            total = archive.count()
            print(f"archive {archive.dir.resolve()}: {total} article(s)")
            for site, lang, n in conn.execute(
                    "SELECT site, language, COUNT(*) FROM articles GROUP BY site, language ORDER BY site, language"):
                print(f"  {site:<26} {lang or '?':<3} {n:>6}")
            for site, title, day in conn.execute(
                    "SELECT site, json_extract(item_json, '$.title'), published_at FROM articles "
                    "ORDER BY published_at DESC LIMIT 10"):
                print(f"  {day or 'undated':<25} {site:<26} {(title or '(untitled)')[:70]}")
        finally:
            archive.close()

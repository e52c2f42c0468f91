"""``scrapy rescope [SPIDER ...]``: judge the recorded off-topic drops again with the current
tagger, and fetch and archive those it now calls foreign affairs.

Off-topic articles are never "seen" (crawler.storage.seen): each drop is recorded with the text
the tagger read and the tagger's version (``Archive.record_scope_drop``). When the tagger
changes (its term lists, or ``TOPIC_EXTRA_TERMS``), this command re-runs it on what was
recorded -- no fetch for what stays off-topic -- and runs each site's spider on the URLs that
became in scope, through the whole pipeline into the archive.
"""
from __future__ import annotations

from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extraction.topic import Tagger
from crawler.storage.archive import Archive
from crawler.storage.backends import archive_location, is_database_url


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[SPIDER ...] [--dry-run]"

    def short_desc(self):
        return "Judge recorded off-topic drops again with the current tagger; fetch what became in scope"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--dry-run", action="store_true", help="only say what would be fetched")

    def run(self, args, opts):
        location = archive_location(self.settings)
        if not is_database_url(location) and not (Path(location) / "archive.sqlite3").is_file():
            raise UsageError(f"no archive at {location} (set -s ARCHIVE_DIR=... or -s ARCHIVE_URL=postgresql://...)",
                             print_help=False)
        loader = self.crawler_process.spider_loader
        names = args or [n for n in loader.list() if getattr(loader.load(n), "site", "")]
        tagger = Tagger.from_settings(self.settings)
        archive = Archive(location)
        plans = {}
        try:
            for name in names:
                spidercls = loader.load(name)
                rows = archive.scope_drops(spidercls.site, other_than=tagger.version)
                now_in = [r for r in rows if self._in_scope(tagger, r)]
                for row in rows:
                    if row not in now_in:
                        archive.rejudge_scope_drop(row["canonical_url"], tagger.version)
                print(f"{name}: {len(rows)} drop(s) judged by another tagger; {len(now_in)} now in scope, "
                      f"{len(rows) - len(now_in)} still off-topic (tagger {tagger.version})")
                if now_in:
                    plans[name] = now_in
        finally:
            archive.close()
        if opts.dry_run:
            for name, rows in plans.items():
                for row in rows:
                    print(f"  {name} would fetch {row['url']}")
            return
        for name, rows in plans.items():
            self.crawler_process.crawl(name, rescope_urls=rows)
        if plans:
            self.crawler_process.start()
            self.exitcode = int(self.crawler_process.bootstrap_failed)

    @staticmethod
    def _in_scope(tagger: Tagger, row: dict) -> bool:
        if row["reason"] == "slug":
            return tagger.slug_is_candidate(row["url"])
        # unsure (None) is in scope too: the pipeline keeps it, flagged
        return tagger.judge(row["title"], None, row["text"], row["language"], url=row["url"]) is not False

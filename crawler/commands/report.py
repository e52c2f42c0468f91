"""``scrapy report -o report.html``: a self-contained static page of the archive (crawler.ops.report)."""
from __future__ import annotations

from pathlib import Path

from scrapy.commands import ScrapyCommand

from crawler.ops.cli import EXIT_USAGE, open_readonly, say_error


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "-o FILE [--days N]"

    def short_desc(self):
        return "Write a static HTML report: articles per day, field completeness, languages, last runs"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", default="report.html", help="the HTML file (default report.html)")
        parser.add_argument("--days", type=int, default=60, help="days in the per-day chart (default 60)")

    def run(self, args, opts):
        try:
            import matplotlib  # noqa: F401

            from crawler.ops.report import render
        except ImportError as exc:  # pragma: no cover - matplotlib is in the report extra
            say_error(f"scrapy report needs matplotlib (pip install 'vnfa-crawler[report]'): {exc}")
            self.exitcode = EXIT_USAGE
            return
        archive = open_readonly(self)
        if archive is None:
            return
        try:
            page = render(archive, days=opts.days)
        finally:
            archive.close()
        out = Path(opts.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
        print(f"report written to {out} ({len(page) // 1024} KiB)")

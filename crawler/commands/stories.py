"""``scrapy stories [URL] [--json]``: stories with two or more versions, or the story of one URL."""
from __future__ import annotations

import json

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.ops.cli import open_readonly
from crawler.storage.stories import StoryGraph


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "[URL] [--json] [--links]"

    def short_desc(self):
        return "List the stories (an original and its translations and republications), or the story of one URL"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per story")
        parser.add_argument("--links", action="store_true", help="also the links and their evidence")

    def run(self, args, opts):
        if len(args) > 1:
            raise UsageError("at most one URL", print_help=False)
        archive = open_readonly(self)
        if archive is None:
            return
        try:
            graph = StoryGraph(archive.conn, readonly=True)
            if args:
                story = graph.story_of(args[0]) if graph.exists() else None
                if story is None:
                    raise UsageError(f"not in the archive's story graph: {args[0]}", print_help=False)
                stories = [{"story_id": story, "members": graph.members(story)}]
            else:
                stories = graph.stories(min_members=2) if graph.exists() else []
            for entry in stories:
                out = {"story_id": entry["story_id"],
                       "members": [{k: m[k] for k in ("url", "site", "language", "role", "archived")}
                                   for m in entry["members"]]}
                if opts.links:
                    urls = {m["url"] for m in entry["members"]}
                    out["links"] = [link for url in sorted(urls) for link in graph.links(url) if link["src"] == url]
                if opts.json:
                    print(json.dumps(out, ensure_ascii=False))
                    continue
                print(entry["story_id"])
                for m in out["members"]:
                    mark = "" if m["archived"] else "  (not archived)"
                    print(f"  {m['role']:13} {m['language'] or '?':3} {m['site'] or '?':24} {m['url']}{mark}")
                for link in out.get("links", []):
                    print(f"    {link['src']} -> {link['dst']}: {link['kind']} {link['confidence']}")
        finally:
            archive.close()

"""The story graph: links between archived articles, and stories as its connected components.

Each version of a story stays its own ``articles`` row. Beside them, in the same database:

* ``story_nodes``: one row per article (``archived=1``) or per URL an article links to that is
  not archived yet (``archived=0``: an original named by a source link or hreflang), with the
  small record the linker compares (:func:`crawler.stories.signals.features`) and its story id;
* ``story_links``: the evidence, ``(src, dst, kind, confidence, detail)``.

Story ids are the connected components of the links (union-find, union by relabelling the
story rows): adding a link that joins two stories relabels both to the id of the smaller
anchor URL, so the id does not depend on the order in which versions arrive. A translation
archived before its original, or in another run, joins the original's story when it comes:
the link to a canonical URL that is not archived yet already made a node for it.

Candidates are looked up by index (slug, title slug, day), never by scanning the archive.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import urlsplit

from crawler.extraction.urls import canonicalize
from crawler.storage.backends import dialect_of, transaction
from crawler.storage.migrations import migrate
from crawler.stories import match
from crawler.stories.signals import PLATFORM_SITE, features, is_platform, on_platform, platform_slug

HOST_SITES = {"baohatinh.vn": "baohatinh.vn", "baoquocte.vn": "baoquocte.vn", "vietnam.vn": "vietnam.vn",
              "cantho.gov.vn": "songoaivu.cantho.gov.vn"}


PAPER_SITES = ("baohatinh.vn", "baoquocte.vn", "songoaivu.cantho.gov.vn")


def story_id_for(anchor: str) -> str:
    return "st-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:16]


def site_of(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for suffix, site in HOST_SITES.items():
        if host == suffix or host.endswith("." + suffix):
            return site
    return host or None


def language_of_url(url: str) -> str | None:
    """A URL's language when the URL says it: vietnam.vn's prefix, en.baoquocte.vn."""
    lang, _slug = platform_slug(url)
    if lang:
        return lang
    host = (urlsplit(url).hostname or "").lower()
    if host.startswith("en."):
        return "en"
    return "vi" if site_of(url) in PAPER_SITES else None


class StoryGraph:
    """The story tables on an open connection: the archive's (SQLite or PostgreSQL,
    crawler.storage.backends), or a bare SQLite one (benchmarks, tests)."""

    def __init__(self, conn, readonly: bool = False):
        self.conn = conn
        if not readonly:
            migrate(conn)  # a no-op on an archive (its opening applied every step)

    def exists(self) -> bool:
        """The story tables are there (an archive older than them, opened read-only, has none)."""
        return "story_nodes" in dialect_of(self.conn).tables(self.conn)

    # --- writing ------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (the archive's connection is in autocommit mode). Adding an
        article reads the graph, then relabels stories: on PostgreSQL, where crawls write at once,
        the ``stories`` advisory lock makes that one step (SQLite's BEGIN IMMEDIATE does already)."""
        if self.conn.in_transaction:
            yield
            return
        with transaction(self.conn, lock="stories"):
            yield

    def add(self, item) -> list[dict]:
        """Record one archived article, find its links, join stories. Returns the evidence
        (``[{kind, target, confidence}]``) found for it on this arrival."""
        data = dict(item) if isinstance(item, dict) else {k: item.get(k) for k in (
            "url", "canonical_url", "site", "language", "title", "lead", "body", "images",
            "published_at", "source_name", "original_url", "alternates")}
        f = features(data)
        url = f["url"]
        if not url:
            return []
        with self._transaction():
            self._put_node(f, named=bool(data.get("original_url")))
            evidence = self._evidence(f, data)
            for target, kind, confidence, detail in evidence:
                self._link(url, target, kind, confidence, detail)
            # a guess only where the links leave the story open: a vietnam.vn page whose story
            # holds no paper's article yet, or a paper's article (its versions may have come first)
            if not (on_platform(f) and self._profile(self._story(url))[0]):
                for found in self._content(f):
                    target, kind, confidence, detail = found
                    if not self._conflicts(f, self._story(target)):
                        self._link(url, target, kind, confidence, detail)
                        evidence.append(found)
        return [{"kind": kind, "target": target, "confidence": confidence} for target, kind, confidence, _ in evidence]

    def _put_node(self, f: dict, named: bool = False) -> None:
        stored = {k: v for k, v in f.items() if k not in ("url", "text")}
        row = self.conn.execute("SELECT anchor, story_id FROM story_nodes WHERE url=?", (f["url"],)).fetchone()
        anchor, story = row if row else (f["url"], story_id_for(f["url"]))
        # a replacement, not an update (what SQLite's INSERT OR REPLACE did): the row moves to the
        # end of the table, and the candidate queries below return rows in the order they always did
        if row:
            self.conn.execute("DELETE FROM story_nodes WHERE url=?", (f["url"],))
        self.conn.execute(
            "INSERT INTO story_nodes (url, site, language, day, slug, title_slug, credit, named, archived,"
            " features, text, anchor, story_id) VALUES (?,?,?,?,?,?,?,?,1,?,?,?,?)",
            (f["url"], f["site"], f["language"], f["day"], f["slug"], f["title_slug"], f["credit"], int(named),
             json.dumps(stored, ensure_ascii=False), f["text"], anchor, story))

    def _placeholder(self, url: str) -> None:
        lang, slug = platform_slug(url)
        self.conn.execute(
            "INSERT INTO story_nodes (url, site, language, slug, archived, anchor, story_id)"
            " VALUES (?,?,?,?,0,?,?) ON CONFLICT DO NOTHING",
            (url, site_of(url), language_of_url(url), slug, url, story_id_for(url)))

    def _link(self, src: str, dst: str, kind: str, confidence: float, detail: dict | None) -> None:
        if src == dst:
            return
        self._placeholder(dst)
        self.conn.execute("INSERT INTO story_links (src, dst, kind, confidence, detail) VALUES (?,?,?,?,?)"
                          " ON CONFLICT DO NOTHING",
                          (src, dst, kind, confidence, json.dumps(detail, ensure_ascii=False) if detail else None))
        self._union(src, dst)

    def _union(self, a: str, b: str) -> None:
        (anchor_a, story_a), (anchor_b, story_b) = (
            self.conn.execute("SELECT anchor, story_id FROM story_nodes WHERE url=?", (u,)).fetchone() for u in (a, b))
        if story_a == story_b:
            return
        anchor = min(anchor_a, anchor_b)
        self.conn.execute("UPDATE story_nodes SET anchor=?, story_id=? WHERE story_id IN (?, ?)",
                          (anchor, story_id_for(anchor), story_a, story_b))

    # --- evidence -----------------------------------------------------------------------
    def _evidence(self, f: dict, item: dict) -> list[tuple[str, str, float, dict | None]]:
        url = f["url"]
        out: list[tuple[str, str, float, dict | None]] = []
        seen: set[str] = set()

        def add(target, kind, confidence, detail=None):
            if target and target != url and target not in seen:
                seen.add(target)
                out.append((target, kind, confidence, detail))

        if item.get("original_url", None) and item["original_url"].startswith(("http://", "https://")):
            add(canonicalize(item["original_url"]), "source-link", match.CONFIDENCE["source-link"])
        lang, slug = platform_slug(url)
        if slug:
            # the other language versions archived under the same slug (any subdomain)
            for (other,) in self.conn.execute("SELECT url FROM story_nodes WHERE slug=? AND url<>? ORDER BY url", (slug, url)):
                if is_platform(other):
                    add(other, "same-slug", match.CONFIDENCE["same-slug"])
        for target in self._slug_papers(f):
            add(target, "same-slug", 0.9, {"slug": f["slug"]})
        for other in self._platform_pages_of(f):
            add(other, "same-slug", 0.9, {"slug": f["slug"]})
        for hreflang, target in (item.get("alternates") or {}).items():
            if target and target.startswith(("http://", "https://")) and hreflang != "x-default":
                add(canonicalize(target), "hreflang", match.CONFIDENCE["hreflang"])
        return out

    def _slug_papers(self, f: dict) -> list[str]:
        """A vietnam.vn page's slug is the original's headline: the paper article whose URL slug
        or headline slug it equals (within a few days when both are dated)."""
        if not is_platform(f["url"]) or not f["slug"]:
            return []
        rows = self.conn.execute(
            "SELECT url, day, site FROM story_nodes WHERE (slug=? OR title_slug=?) AND archived=1 ORDER BY url",
            (f["slug"], f["slug"])).fetchall()
        return [u for u, day, site in rows if not is_platform(u) and _near(f["day"], day)
                and (not f["credit"] or f["credit"] == site)]

    def _platform_pages_of(self, f: dict) -> list[str]:
        """The converse: the vietnam.vn pages whose slug is this paper article's URL or headline slug."""
        if is_platform(f["url"]):
            return []
        slugs = {s for s in (f["slug"], f["title_slug"]) if s}
        out = []
        for s in sorted(slugs):
            for u, day, feats in self.conn.execute(
                    "SELECT url, day, features FROM story_nodes WHERE slug=? ORDER BY url", (s,)).fetchall():
                credit = json.loads(feats).get("credit") if feats else None
                if is_platform(u) and _near(f["day"], day) and (not credit or credit == f["site"]):
                    out.append(u)
        return out

    def _content(self, f: dict) -> list:
        """credit+date or content-match against the stories of the same days (day index): one
        original for a vietnam.vn page, one version per language for a paper's article."""
        if not f["day"] or (on_platform(f) and f.get("credit_name") and not f["credit"]):
            return []  # undated; or credited to a paper this crawler does not read: its original is not here
        day = date.fromisoformat(f["day"])
        days = [(day + timedelta(days=d)).isoformat() for d in range(-match.MAX_DAYS, match.MAX_DAYS + 1)]
        own = self._story(f["url"])
        # only what may be a version of this article (indexed by day): a vietnam.vn page looks at
        # the papers' articles (of the credited paper, if any); a paper's article at the vietnam.vn
        # pages not credited to another paper and at other-language articles of the papers
        if on_platform(f):
            where, args = ("site<>? AND site=?", (PLATFORM_SITE, f["credit"])) if f["credit"] else (
                "site<>?", (PLATFORM_SITE,))
        else:  # (a vietnam.vn page that named its original has it)
            where, args = ("(site=? AND named=0 AND (credit IS NULL OR credit=?)) OR (site<>? AND language<>?)",
                           (PLATFORM_SITE, f["site"], PLATFORM_SITE, f["language"]))
        rows = self.conn.execute(
            f"SELECT url, features, story_id FROM story_nodes WHERE archived=1 AND day IN ({','.join('?' * len(days))})"
            f" AND url<>? AND ({where}) ORDER BY url", (*days, f["url"], *args)).fetchall()
        candidates: dict[str, list[dict]] = {}
        kept = []
        for other_url, feats, story in rows:
            if story == own:
                continue
            other = json.loads(feats)
            if match.may_share(f, other):  # cheap: no text read for the rest
                other["url"] = other_url
                kept.append((other, story))
        texts = dict(self.conn.execute(
            f"SELECT url, text FROM story_nodes WHERE url IN ({','.join('?' * len(kept))})",
            [o["url"] for o, _s in kept]).fetchall()) if kept else {}
        for other, story in kept:
            other["text"] = texts.get(other["url"]) or " "
            candidates.setdefault(story, []).append(other)
        # a story that already holds an article of this site in this language has its own original
        mine = self._profile(own)
        for story in list(candidates):
            if self._conflicts(f, story, mine):
                del candidates[story]
        if on_platform(f):
            return [found for found in [match.judge(f, candidates)] if found]
        return match.judge_each_language(f, candidates)

    def _story(self, url: str) -> str:
        return self.conn.execute("SELECT story_id FROM story_nodes WHERE url=?", (url,)).fetchone()[0]

    def _conflicts(self, f: dict, story: str, mine: tuple | None = None) -> bool:
        """Joining the two stories would give one story two originals (two articles of one paper
        in one language, a linked URL not archived yet included), two vietnam.vn articles (two
        slugs), or two archived vietnam.vn versions in one language: different stories."""
        papers_a, slugs_a, langs_a = mine or self._profile(self._story(f["url"]))
        papers_b, slugs_b, langs_b = self._profile(story)
        return bool(papers_a & papers_b) or bool(slugs_a and slugs_b and slugs_a != slugs_b) or bool(langs_a & langs_b)

    def _profile(self, story: str) -> tuple[set[tuple[str, str]], set[str], set[str]]:
        papers, slugs, langs = set(), set(), set()
        for u, site, lang, slug, archived in self.conn.execute(
                "SELECT url, site, language, slug, archived FROM story_nodes WHERE story_id=?", (story,)):
            if site == PLATFORM_SITE or is_platform(u):
                if slug and is_platform(u):
                    slugs.add(slug)
                if archived:
                    langs.add(lang)
            else:
                papers.add((site, lang))
        return papers, slugs, langs

    # --- reading ------------------------------------------------------------------------
    def story_of(self, url: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM story_nodes WHERE url=?", (canonicalize(url),)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT story_id FROM story_nodes WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def members(self, story: str) -> list[dict]:
        rows = self.conn.execute(
            "SELECT url, site, language, archived, day FROM story_nodes WHERE story_id=? ORDER BY url", (story,)).fetchall()
        return with_roles([{"url": u, "site": s, "language": lang, "archived": bool(a), "day": d}
                           for u, s, lang, a, d in rows])

    def stories(self, min_members: int = 2) -> list[dict]:
        out = []
        for (story,) in self.conn.execute(
                "SELECT story_id FROM story_nodes GROUP BY story_id HAVING COUNT(*) >= ? ORDER BY story_id",
                (min_members,)):
            out.append({"story_id": story, "members": self.members(story)})
        return out

    def links(self, url: str | None = None) -> list[dict]:
        sql = "SELECT src, dst, kind, confidence, detail FROM story_links"
        rows = self.conn.execute(sql + (" WHERE src=? OR dst=?" if url else ""), (url, url) if url else ()).fetchall()
        return [{"src": s, "dst": d, "kind": k, "confidence": c, "detail": json.loads(x) if x else None}
                for s, d, k, c, x in rows]

    def recompute(self) -> int:
        """Story ids from scratch: union-find over every stored link (the incremental relabelling
        must agree with it). Returns the number of nodes whose id changed."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (url,) in self.conn.execute("SELECT url FROM story_nodes"):
            find(url)
        for src, dst in self.conn.execute("SELECT src, dst FROM story_links"):
            ra, rb = find(src), find(dst)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        changed = 0
        with self._transaction():
            for url, story in self.conn.execute("SELECT url, story_id FROM story_nodes").fetchall():
                anchor = find(url)
                if story_id_for(anchor) != story:
                    changed += 1
                    self.conn.execute("UPDATE story_nodes SET anchor=?, story_id=? WHERE url=?",
                                      (anchor, story_id_for(anchor), url))
        return changed


def _near(a: str | None, b: str | None, days: int = 3) -> bool:
    gap = match.days_apart(a, b)
    return gap is None or gap <= days


def with_roles(members: list[dict]) -> list[dict]:
    """original: the paper's page (the Vietnamese one when the paper has two); republication: a
    vietnam.vn page in the original's language; translation: any other language."""
    papers = [m for m in members if not on_platform(m)]
    original = None
    if papers:
        original = sorted(papers, key=lambda m: (m["language"] not in ("vi", None), not m["archived"], m["url"]))[0]
    original_lang = (original or {}).get("language") or "vi"
    for m in members:
        if m is original:
            m["role"] = "original"
        elif m["language"] == original_lang:
            m["role"] = "republication"
        else:
            m["role"] = "translation"
    return members

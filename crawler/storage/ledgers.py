"""The archive's ledgers: what runs covered, what they left out as off-topic, how they ended.

Kept beside the articles in the same database (the tables are crawler.storage.migrations'
first step) and written in their own short transactions, row by row (upserts), so crawls writing
to one PostgreSQL archive at once need no lock beyond the rows':

* ``day_counts`` -- articles per publication day of each backfill;
* ``coverage`` -- the day ranges a finished run covered completely (crawler.commands.coverage);
* ``scope_drops`` -- off-topic articles with the text the tagger read and its version
  (crawler.commands.rescope);
* ``runs`` -- each run's arguments, counts and monitor verdicts (crawler.commands.health).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone


class Ledgers:
    """Mixed into :class:`crawler.storage.archive.Archive` (its ``conn``, ``transaction`` and ``_lock``)."""

    def record_day_counts(self, run_id: str, spider: str, counts: dict[str, int]) -> None:
        with self.transaction() as conn:
            conn.executemany("INSERT INTO day_counts (run_id, spider, day, count) VALUES (?, ?, ?, ?)"
                             " ON CONFLICT (run_id, day) DO UPDATE SET spider=excluded.spider, count=excluded.count",
                             [(run_id, spider, day, n) for day, n in sorted(counts.items())])

    # --- coverage ledger ------------------------------------------------------------------
    def record_coverage(self, site: str, start: date, end: date, run_id: str, kind: str) -> None:
        """``start``..``end`` (days, inclusive) of ``site`` were covered completely by one run."""
        with self._lock(), self.transaction() as conn:
            conn.execute("INSERT INTO coverage (site, start_day, end_day, run_id, kind, recorded_at)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         (site, start.isoformat(), end.isoformat(), run_id, kind,
                          datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def coverage(self, site: str) -> list[tuple[date, date]]:
        """The covered ranges of ``site``, merged (ranges that touch or overlap are one), oldest first."""
        rows = self.conn.execute("SELECT start_day, end_day FROM coverage WHERE site=?", (site,)).fetchall()
        return merge_ranges((date.fromisoformat(a), date.fromisoformat(b)) for a, b in rows)

    def coverage_end(self, site: str) -> date | None:
        """The last day of ``site`` that a finished run covered, or None when nothing is covered."""
        ranges = self.coverage(site)
        return ranges[-1][1] if ranges else None

    def coverage_sites(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT site FROM coverage ORDER BY site")]

    # --- off-topic drops, reconsidered when the tagger changes ------------------------------
    def record_scope_drop(self, canonical_url: str, site: str | None, url: str, title: str | None,
                          language: str | None, text: str | None, reason: str, tagger_version: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO scope_drops (canonical_url, site, url, title, language, text, reason,"
                         " tagger_version, dropped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT (canonical_url) DO UPDATE SET site=excluded.site, url=excluded.url,"
                         " title=excluded.title, language=excluded.language, text=excluded.text, reason=excluded.reason,"
                         " tagger_version=excluded.tagger_version, dropped_at=excluded.dropped_at",
                         (canonical_url, site, url, title, language, text, reason, tagger_version,
                          datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def is_scope_dropped(self, canonical_url: str, tagger_version: str) -> bool:
        """Dropped as off-topic by this very tagger: fetching it again would change nothing."""
        return self.conn.execute("SELECT 1 FROM scope_drops WHERE canonical_url=? AND tagger_version=?",
                                 (canonical_url, tagger_version)).fetchone() is not None

    def scope_drops(self, site: str | None = None, *, other_than: str | None = None) -> list[dict]:
        """Recorded off-topic drops (of one site; judged by a tagger other than ``other_than``)."""
        query = "SELECT canonical_url, site, url, title, language, text, reason, tagger_version FROM scope_drops WHERE 1=1"
        args: list[str] = []
        if site:
            query, args = query + " AND site=?", [*args, site]
        if other_than:
            query, args = query + " AND tagger_version!=?", [*args, other_than]
        keys = ("canonical_url", "site", "url", "title", "language", "text", "reason", "tagger_version")
        return [dict(zip(keys, row)) for row in self.conn.execute(query + " ORDER BY canonical_url", args)]

    def forget_scope_drop(self, canonical_url: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM scope_drops WHERE canonical_url=?", (canonical_url,))

    def rejudge_scope_drop(self, canonical_url: str, tagger_version: str) -> None:
        """Still off-topic under ``tagger_version``: remember that it was asked."""
        with self.transaction() as conn:
            conn.execute("UPDATE scope_drops SET tagger_version=? WHERE canonical_url=?", (tagger_version, canonical_url))

    # --- runs and their monitors' verdicts ---------------------------------------------
    def record_run(self, run: dict) -> None:
        """One finished crawl: ``run_id``, ``spider``, ``site``, ``arguments`` (dict), ``started_at``,
        ``finished_at``, ``finish_reason``, ``counts`` (dict), ``verdict`` ("pass" | "fail") and
        ``monitors`` (``{name: {"status", "reason"}}``)."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO runs (run_id, spider, site, arguments, started_at, finished_at,"
                         " finish_reason, counts, verdict, monitors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT (run_id) DO UPDATE SET spider=excluded.spider, site=excluded.site,"
                         " arguments=excluded.arguments, started_at=excluded.started_at, finished_at=excluded.finished_at,"
                         " finish_reason=excluded.finish_reason, counts=excluded.counts, verdict=excluded.verdict,"
                         " monitors=excluded.monitors",
                         (run["run_id"], run["spider"], run.get("site"), json.dumps(run.get("arguments") or {}),
                          run.get("started_at"), run.get("finished_at"), run.get("finish_reason"),
                          json.dumps(run.get("counts") or {}), run["verdict"], json.dumps(run.get("monitors") or {})))

    def runs(self, spider: str | None = None, limit: int | None = None) -> list[dict]:
        """Recorded runs, newest first (of one spider); [] for an archive older than the runs table."""
        if getattr(self, "readonly", False) and "runs" not in self.tables:
            return []
        query, args = "SELECT run_id, spider, site, arguments, started_at, finished_at, finish_reason, counts," \
                      " verdict, monitors FROM runs", []
        if spider:
            query, args = query + " WHERE spider=?", [spider]
        query += " ORDER BY finished_at DESC NULLS LAST, run_id DESC"  # SQLite's order of NULLs on both
        if limit:
            query += f" LIMIT {int(limit)}"
        keys = ("run_id", "spider", "site", "arguments", "started_at", "finished_at", "finish_reason", "counts",
                "verdict", "monitors")
        out = []
        for row in self.conn.execute(query, args):
            run = dict(zip(keys, row))
            for key in ("arguments", "counts", "monitors"):
                run[key] = json.loads(run[key] or "{}")
            out.append(run)
        return out


def merge_ranges(ranges) -> list[tuple[date, date]]:
    """Day ranges (inclusive) merged where they overlap or touch, oldest first."""
    merged: list[list[date]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def gaps(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The uncovered days between merged ranges."""
    return [(a[1] + timedelta(days=1), b[0] - timedelta(days=1)) for a, b in zip(ranges, ranges[1:])]

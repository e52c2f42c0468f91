"""What ``scrapy crawl`` checks before a crawl starts, and how it judges the crawl once it ended.

Both return one-line reasons (empty: all is well); crawler.commands.crawl prints them and sets the
exit status: 2 for a bad invocation (arguments, REPLAY_WARC), 1 for a run that failed.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from crawler.fetching.warc.index import replay_paths


def check_arguments(spidercls, spargs: dict) -> str | None:
    """Build the spider once from its ``-a`` arguments, without a crawler: its own checks (names,
    dates, numbers, ranges) run and their message comes back, instead of a traceback mid-crawl."""
    from spiders.arguments import SpiderArgumentError

    if not (isinstance(spidercls, type) and hasattr(spidercls, "arguments")):
        return None  # a spider that declares no arguments checks none
    try:
        spidercls(**spargs)
    except SpiderArgumentError as exc:
        return str(exc)
    except (TypeError, ValueError) as exc:
        return f"{spidercls.name}: bad arguments {spargs!r}: {exc}"
    return None


def check_replay_warc(value) -> str | None:
    """``REPLAY_WARC`` names files that exist, are not empty and read as WARC (None when unset or fine)."""
    if not value:
        return None
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if str(v).strip()]
    if not names:
        return f"REPLAY_WARC={value!r} names no file"
    for raw in names:
        path = Path(raw).expanduser()
        if not path.exists():
            return f"REPLAY_WARC {path} does not exist"
        files = replay_paths([path])  # a folder: its WARCs, as the replay reads them
        if not files:
            return f"REPLAY_WARC {path} holds no .warc or .warc.gz file"
        for file in files:
            if file.stat().st_size == 0:
                return f"REPLAY_WARC {file} is empty"
            try:
                with open(file, "rb") as fh:
                    head = fh.read(5)
                    if head.startswith(b"\x1f\x8b"):
                        fh.seek(0)
                        head = gzip.GzipFile(fileobj=fh).read(5)
            except (OSError, EOFError) as exc:
                return f"REPLAY_WARC {file} cannot be read: {getattr(exc, 'strerror', None) or exc!r}"
            if not head.startswith(b"WARC/"):
                return f"REPLAY_WARC {file} is not a WARC file"
    return None


def prepare_log_file(settings) -> None:
    """``-s LOG_FILE=logs/x.log`` into a folder that does not exist yet: create the folder."""
    log_file = settings.get("LOG_FILE")
    if log_file:
        Path(log_file).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _failures(responses: int, article_errors: int, article_pages: int, failed_monitors, *more: str) -> list[str]:
    """The rule a site crawl is judged by, on its figures: it fetched something, not every article
    request failed, and (after ``more`` reasons) every monitor passed."""
    reasons = []
    if not responses:
        reasons.append("fetched nothing: not a single response")
    if article_errors and not article_pages:
        reasons.append(f"every article request failed ({article_errors})")
    reasons.extend(more)
    if failed_monitors:
        reasons.append(f"monitor(s) failed: {failed_monitors}")
    return reasons


def run_failures(stats: dict, settings=None) -> list[str]:
    """Why a finished site crawl counts as failed (empty: it succeeded). An incremental run that
    found nothing new fetched its discovery pages and asked for no article: that succeeds."""
    failed = sum(v for k, v in stats.items() if k.startswith("errors/article/") and isinstance(v, int))
    unreadable = stats.get("warc/replay/bad_file") and not stats.get("warc/replay/indexed_urls")
    return _failures(stats.get("response_received_count"), failed, stats.get("articles/responses", 0),
                     stats.get("monitors/failed"), *(["REPLAY_WARC could not be read"] if unreadable else []))


def recorded_run_failures(run: dict) -> list[str]:
    """Why a run recorded in the archive's ``runs`` table failed (empty: it succeeded) -- the rule of
    :func:`run_failures`, read from the record (its verdict, monitors and counts) instead of the live
    stats, for a run that ended on another machine (``scrapy schedule-backfill --status``). The
    unreadable-WARC case shows here as "fetched nothing"."""
    counts = run.get("counts") or {}
    failed = [name for name, m in (run.get("monitors") or {}).items() if m.get("status") != "pass"]
    failed_monitors = (", ".join(failed) or run.get("verdict")) if failed or run.get("verdict") != "pass" else None
    return _failures(counts.get("responses"), counts.get("article_errors"), counts.get("article_pages"), failed_monitors)

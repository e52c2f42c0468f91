"""How sure two articles tell one story: pure comparisons of :func:`signals.features` records.

Evidence kinds, strongest first (:data:`KINDS`): the page's own ``source-link``; ``same-slug``
(vietnam.vn language versions share a slug, and that slug is the original's Vietnamese title,
so it also names the paper's URL or headline); ``hreflang``; ``credit+date`` (the credited paper,
the same day, untranslated remnants or shared names and figures); ``content-match`` (no link at
all: shared names and figures on the same day, well ahead of every other candidate).

Precision over recall: a content or credit link needs several independent signals, and a
margin over the second-best candidate story; otherwise nothing is linked.
"""
from __future__ import annotations

from datetime import date

from crawler.stories.signals import on_platform

KINDS = ("source-link", "same-slug", "hreflang", "credit+date", "content-match")
CONFIDENCE = {"source-link": 1.0, "same-slug": 0.95, "hreflang": 0.95}

#: figures at or below this are days, months, small counts: too common to tell stories apart
MIN_FIGURE = 31
#: content-match: at least this many shared names (Vietnamese or foreign), this score
MIN_NAMES = 2
MIN_SCORE = 5
#: credit+date (the paper is known): a lower bar, still two names and a margin
CREDIT_MIN_SCORE = 3
#: the best candidate story must beat the second by this much, and by this factor (scores
#: without the credit, which every article of the credited paper shares)
MARGIN = 3
CREDIT_MARGIN = 2
MARGIN_FACTOR = 2.0
#: days apart a version may be published (vietnam.vn republishes the same day or the next)
MAX_DAYS = 1


def days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def strong_figures(values) -> set[str]:
    return {v for v in values if "." in v or int(v) > MIN_FIGURE}


def shared(a: dict, b: dict) -> tuple[set[str], set[str]]:
    """The names either text mentions that the other's folded text holds too (a name inside
    a longer matched name counts once), and the distinctive figures both hold."""
    found = {n for n in a["names"] if f" {n} " in b["text"]}
    found |= {n for n in b["names"] if f" {n} " in a["text"]}
    found = {n for n in found if not any(n != m and f" {n} " in f" {m} " for m in found)}
    # a Vietnamese text's foreign words (names, acronyms) that the other text holds
    found |= {w for w in a.get("foreign") or () if f" {w} " in b["text"] and not any(f" {w} " in f" {m} " for m in found)}
    found |= {w for w in b.get("foreign") or () if f" {w} " in a["text"] and not any(f" {w} " in f" {m} " for m in found)}
    figures = strong_figures(a["numbers"]) & strong_figures(b["numbers"])
    return found, figures


def may_share(new: dict, other: dict) -> bool:
    """A cheap test before reading ``other``'s text: a figure in common, one of its names or
    foreign words in ``new``'s text, or one of ``new``'s names inside its names. Every pair
    :func:`shared` finds anything in passes (a version's names are in its original's text)."""
    if strong_figures(new["numbers"]) & strong_figures(other["numbers"]):
        return True
    text = new["text"]
    if any(f" {n} " in text for n in other["names"]) or any(f" {w} " in text for w in other.get("foreign") or ()):
        return True
    joined = " " + "  ".join(other["names"]) + " "
    return any(f" {n} " in joined for n in new["names"]) or bool(other.get("remnants") or new.get("remnants"))


def score(a: dict, b: dict) -> tuple[int, set[str], set[str]]:
    found, figures = shared(a, b)
    return len(found) + len(figures), found, figures


def remnant_match(a: dict, b: dict) -> str | None:
    """An untranslated Vietnamese line of ``a`` (an image alt, a caption) that ``b`` carries:
    its headline slug, its URL slug, or the words in its text."""
    for remnant in a.get("remnants") or []:
        if remnant in (b.get("title_slug"), b.get("slug")):
            return remnant
        if len(remnant.split("-")) >= 6 and f" {remnant.replace('-', ' ')} " in b["text"]:
            return remnant
    return None


def comparable(a: dict, b: dict) -> bool:
    """Two articles that may be versions of one story: never two vietnam.vn pages (their
    versions share a slug, so different slugs are different stories), never one site's two
    articles in one language."""
    if on_platform(a) and on_platform(b):
        return False
    if a["site"] == b["site"] and a["language"] == b["language"]:
        return False
    return True


def rank(new: dict, candidates: dict[str, list[dict]]) -> list[tuple[str, tuple]]:
    """Each candidate story scored by its best comparable member of the same days, best first."""
    scored = []
    for story, members in candidates.items():
        best = None
        for other in members:
            if not comparable(new, other):
                continue
            gap = days_apart(new["day"], other["day"])
            if gap is None or gap > MAX_DAYS:
                continue
            total, found, figures = score(new, other)
            credited = _credits(new, other) or _credits(other, new)
            remnant = remnant_match(new, other) or remnant_match(other, new)
            entry = (total + (3 if remnant else 0), total, found, figures, credited, remnant, other)
            if best is None or entry[0] > best[0]:
                best = entry
        if best is not None:
            scored.append((story, best))
    scored.sort(key=lambda s: s[1][0], reverse=True)
    return scored


def judge(new: dict, candidates: dict[str, list[dict]]) -> tuple[str, str, float, dict] | None:
    """The one candidate story ``new`` belongs to, or None.

    ``candidates`` maps story id -> its members' features (the archive's articles of the same
    days). Returns ``(member url, kind, confidence, detail)`` for the winning story's best
    member. Each story is scored by its best member; the winner needs the kind's bar and a
    margin over the runner-up story, so two stories of the same event (two courtesy calls on
    one day) cancel each other out instead of producing a guess."""
    return decide(rank(new, candidates))


def judge_each_language(new: dict, candidates: dict[str, list[dict]]) -> list[tuple[str, str, float, dict]]:
    """For a paper's article: its versions may be waiting in several languages (an English and a
    French translation are not rivals), so the candidate stories compete language by language
    (the language of each story's best member), each with its own margin."""
    by_language: dict[str | None, list] = {}
    for story, entry in rank(new, candidates):
        by_language.setdefault(entry[-1]["language"], []).append((story, entry))
    found = [decide(scored) for _lang, scored in sorted(by_language.items(), key=lambda kv: str(kv[0]))]
    return [f for f in found if f]


def decide(scored: list[tuple[str, tuple]]) -> tuple[str, str, float, dict] | None:
    if not scored:
        return None
    story, (points, total, found, figures, credited, remnant, other) = scored[0]
    runner_up = scored[1][1][0] if len(scored) > 1 else 0
    if points < MARGIN_FACTOR * runner_up:
        return None
    detail = {"names": sorted(found), "figures": sorted(figures), "score": points,
              "runner_up": runner_up, "day": other["day"]}
    if points < runner_up + (CREDIT_MARGIN if credited else MARGIN):
        return None
    if credited and (remnant or (len(found) >= MIN_NAMES and total >= CREDIT_MIN_SCORE)):
        if remnant:
            detail["remnant"] = remnant
        return other["url"], "credit+date", 0.9 if remnant else 0.85, detail
    if points < runner_up + MARGIN:
        return None
    if len(found) >= MIN_NAMES and total >= MIN_SCORE and (figures or len(found) >= 4):
        return other["url"], "content-match", round(min(0.9, 0.5 + 0.03 * total), 2), detail
    return None


def _credits(version: dict, paper: dict) -> bool:
    """``version`` (a vietnam.vn page) credits ``paper``'s site."""
    return bool(version.get("credit")) and version["credit"] == paper["site"] and not on_platform(paper)

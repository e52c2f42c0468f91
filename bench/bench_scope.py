"""Recall and precision of the foreign-affairs scope filter on the labelled set (issue #15).

    python bench/bench_scope.py              # tables: overall, per site, per language, per half
    python bench/bench_scope.py --misses     # also list every miss and every false keep
    python bench/bench_scope.py --json       # the figures as one JSON object
    python bench/bench_scope.py --sources    # country names: hand lists vs the CLDR library vs both

Set: tests/fixtures/scope/labelled.jsonl (312 real articles of baohatinh.vn and vietnam.vn,
22 languages, hand-labelled; README.md there). Nothing is excluded: the ``ambiguous`` records
count in every figure and are also reported on their own.

Two filters are measured:

* the **slug pre-filter** (``Tagger.slug_is_candidate``) on the URL slug alone -- the last path
  segment for vietnam.vn, the headline part for baohatinh.vn (``/<slug>-post123.html``,
  ``/<slug>-tag123.html``, ``/<section>/<slug>/123.htm``). A slug it rejects is never fetched:
  its recall is what matters;
* the **article tagger** on title + lead (the set has no body) and the URL, whose slug is the
  Vietnamese headline (as the spiders call it; ``noslug``: title + lead alone). An article is *kept* unless the
  tagger says False: ``Tagger.judge`` answers True, None (unsure: archived and flagged) or
  False (dropped). Recall and precision are of *kept*; ``strict`` counts only True as kept.
  A tagger without ``judge`` (the one before #15) is measured through ``is_foreign_affairs``.

Overfitting guard: records are split into two halves by a hash of the article's slug (the
versions of one article in several languages fall in the same half). Rules were tuned looking
only at the misses of the ``tune`` half; the ``holdout`` half is reported separately.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.extraction.topic import Tagger  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "scope" / "labelled.jsonl"


def load(path: Path = LABELLED) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def url_slug(url: str) -> str:
    """The headline slug of an article URL (vietnam.vn: last segment; baohatinh.vn: without its id)."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    last = re.sub(r"\.(html?|amp)$", "", last)
    if re.fullmatch(r"\d+", last) and len(segments) >= 2:  # /chinh-tri/<slug>/185517.htm
        last = segments[-2]
    return re.sub(r"-(post|tag)\d+$", "", last)


def half(record: dict) -> str:
    """``tune`` or ``holdout``, stable, by article (its slug), not by record."""
    return "tune" if zlib.crc32(url_slug(record["url"]).encode("utf-8")) % 2 == 0 else "holdout"


def judge(tagger: Tagger, record: dict, with_slug: bool = True):
    fn = getattr(tagger, "judge", None)
    if fn is not None:
        if with_slug:
            return fn(record["title"], record["lead"], None, record["language"], url=record["url"])
        return fn(record["title"], record["lead"], None, record["language"])
    return tagger.is_foreign_affairs(record["title"], record["lead"], None, record["language"])


def slug_pass(tagger: Tagger, record: dict) -> bool:
    # the pre-filter sees what the vietnam.vn sitemap gives it: a URL whose last segment is the slug
    return tagger.slug_is_candidate("https://www.vietnam.vn/" + url_slug(record["url"]))


def evaluate(records: list[dict], tagger: Tagger | None = None) -> list[dict]:
    tagger = tagger or Tagger()
    rows = []
    for r in records:
        verdict = judge(tagger, r)
        bare = judge(tagger, r, with_slug=False)
        rows.append({**r, "slug": url_slug(r["url"]), "half": half(r), "verdict": verdict,
                     "kept": verdict is not False, "strict": verdict is True, "bare_kept": bare is not False,
                     "slug_pass": slug_pass(tagger, r)})
    return rows


def figures(rows: list[dict], field: str) -> dict:
    tp = sum(1 for r in rows if r["foreign_affairs"] and r[field])
    fn = sum(1 for r in rows if r["foreign_affairs"] and not r[field])
    fp = sum(1 for r in rows if not r["foreign_affairs"] and r[field])
    tn = sum(1 for r in rows if not r["foreign_affairs"] and not r[field])
    return {"n": len(rows), "pos": tp + fn, "tp": tp, "fn": fn, "fp": fp, "tn": tn,
            "recall": tp / (tp + fn) if tp + fn else None,
            "precision": tp / (tp + fp) if tp + fp else None}


def summary(rows: list[dict]) -> dict:
    return {"tagger": figures(rows, "kept"), "tagger_strict": figures(rows, "strict"),
            "tagger_no_slug": figures(rows, "bare_kept"),
            "slug": figures(rows, "slug_pass"),
            "unsure": sum(1 for r in rows if r["verdict"] is None),
            "unsure_pos": sum(1 for r in rows if r["verdict"] is None and r["foreign_affairs"])}


def groups(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"ALL": rows}
    out["ambiguous"] = [r for r in rows if r["ambiguous"]]
    out["not ambiguous"] = [r for r in rows if not r["ambiguous"]]
    for h in ("tune", "holdout"):
        out[f"half {h}"] = [r for r in rows if r["half"] == h]
    for site in sorted({r["site"] for r in rows}):
        out[f"site {site}"] = [r for r in rows if r["site"] == site]
    by_lang = defaultdict(list)
    for r in rows:
        by_lang[r["language"]].append(r)
    for lang, rs in sorted(by_lang.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out[f"lang {lang}"] = rs
    return out


def _f(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def table(rows: list[dict]) -> str:
    lines = [f"{'group':<22} {'n':>4} {'pos':>4} | {'tagger R':>8} {'P':>6} {'fn':>3} {'fp':>3} {'unsure':>6} "
             f"| {'strict R':>8} {'P':>6} | {'noslug R':>8} {'P':>6} | {'slug R':>6} {'P':>6} {'fn':>3} {'skip-neg':>8}"]
    lines.append("-" * len(lines[0]))
    for name, rs in groups(rows).items():
        s = summary(rs)
        t, st, ns, sl = s["tagger"], s["tagger_strict"], s["tagger_no_slug"], s["slug"]
        lines.append(f"{name:<22} {t['n']:>4} {t['pos']:>4} | {_f(t['recall']):>8} {_f(t['precision']):>6} "
                     f"{t['fn']:>3} {t['fp']:>3} {s['unsure']:>6} | {_f(st['recall']):>8} {_f(st['precision']):>6} "
                     f"| {_f(ns['recall']):>8} {_f(ns['precision']):>6} | {_f(sl['recall']):>6} {_f(sl['precision']):>6} "
                     f"{sl['fn']:>3} {sl['tn']:>4}/{sl['tn'] + sl['fp']:<3}")
    return "\n".join(lines)


def misses(rows: list[dict]) -> str:
    out = []
    for title, pred in (("tagger misses (FA, judged False)", lambda r: r["foreign_affairs"] and not r["kept"]),
                        ("tagger false keeps (not FA, kept)", lambda r: not r["foreign_affairs"] and r["kept"]),
                        ("title+lead alone misses (FA, judged False without the slug)",
                         lambda r: r["foreign_affairs"] and not r["bare_kept"]),
                        ("slug misses (FA, slug rejected)", lambda r: r["foreign_affairs"] and not r["slug_pass"])):
        hits = [r for r in rows if pred(r)]
        out.append(f"\n== {title}: {len(hits)}")
        for r in hits:
            flag = "?" if r["ambiguous"] else " "
            out.append(f"{flag} [{r['half']}] {r['language']} {r['category']} verdict={r['verdict']} {r['url']}")
            out.append(f"      {(r['title'] or '')[:120]} | {r['lead'][:200]}")
    return "\n".join(out)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="list misses and false keeps")
    ap.add_argument("--half", choices=("tune", "holdout"), help="only this half (for --misses)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--sources", action="store_true", help="compare hand lists and CLDR country names")
    args = ap.parse_args(argv)
    tagger = Tagger()
    rows = evaluate(load(), tagger)
    result = {name: summary(rs) for name, rs in groups(rows).items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return result
    print(f"tagger version {tagger.version}; {len(rows)} records; kept = judged True or None (unsure); "
          f"skip-neg = negatives the slug filter skips")
    print(table(rows))
    if args.misses:
        print(misses([r for r in rows if args.half in (None, r["half"])]))
    return result


if __name__ == "__main__" and "--sources" not in sys.argv:
    main()


def compare_sources() -> dict:
    """Hand lists vs the CLDR library for the country names: figures with each source alone and both.

    ``hand``: topic_terms.FOREIGN only (countries, demonyms, short forms written by hand);
    ``cldr``: topic_countries.COUNTRIES only (plus the Lao ``lao`` slug token); ``both``: what ships.
    """
    from crawler.extraction import topic, topic_terms

    saved = (topic.COUNTRIES, topic_terms.FOREIGN, topic._SLUG_FOREIGN)
    out = {}
    try:
        for name, countries, foreign in (("hand", {}, saved[1]), ("cldr", saved[0], {}), ("both", saved[0], saved[1])):
            topic.COUNTRIES, topic_terms.FOREIGN = countries, foreign
            topic._lang.cache_clear()
            topic._SLUG_FOREIGN = topic._compile(tuple(foreign.get("vi", ())) + tuple(countries.get("vi", ())) + ("lao",),
                                                 words=True)
            rows = evaluate(load(), Tagger())
            s = summary(rows)
            out[name] = {"tagger": s["tagger"], "no_slug": s["tagger_no_slug"], "slug": s["slug"]}
    finally:
        topic.COUNTRIES, topic_terms.FOREIGN, topic._SLUG_FOREIGN = saved
        topic._lang.cache_clear()
    return out


if __name__ == "__main__" and "--sources" in sys.argv:
    for name, f in compare_sources().items():
        print(f"{name:<5} tagger R {f['tagger']['recall']:.3f} P {f['tagger']['precision']:.3f} (fn {f['tagger']['fn']}, "
              f"fp {f['tagger']['fp']}) | no slug R {f['no_slug']['recall']:.3f} P {f['no_slug']['precision']:.3f} "
              f"| slug R {f['slug']['recall']:.3f} skips {f['slug']['tn']}/{f['slug']['tn'] + f['slug']['fp']} negatives")

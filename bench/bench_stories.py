"""Story linking: pairwise precision and recall on the repository's articles and the decoy week.

    python bench/bench_stories.py [--links]

For each world of :mod:`bench.stories_corpus` the articles go through the real story graph
(crawler.storage.stories) in file order, then in reverse order (a translation before its
original), each into a fresh archive. A pair of articles is predicted to be one story when the
graph gives them one story id; the truth is ``STORIES``. Precision = true linked pairs /
linked pairs, recall = true linked pairs / true pairs. ``--links`` prints every link with its
evidence.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stories_corpus import load_world, truth_pairs, url_of  # noqa: E402
from crawler.storage.stories import StoryGraph  # noqa: E402

WORLDS = ("pages", "dumps", "week", "decoys")


def run(items: dict, order) -> tuple[StoryGraph, dict[str, str]]:
    graph = StoryGraph(sqlite3.connect(":memory:", isolation_level=None))
    for name in order:
        graph.add(items[name])
    url_of = {name: (item.get("canonical_url") or item.get("url")) for name, item in items.items()}
    return graph, {name: graph.story_of(url) for name, url in url_of.items()}


def predicted_pairs(story_of: dict[str, str], items: dict) -> set[frozenset]:
    names = sorted(story_of)
    return {frozenset((a, b)) for i, a in enumerate(names) for b in names[i + 1:]
            if story_of[a] == story_of[b] and url_of(items[a]) != url_of(items[b])}


def measure(world: str, show_links: bool = False) -> list[dict]:
    items = load_world(world)
    truth = truth_pairs(world, items)
    rows = []
    for label, order in (("forward", list(items)), ("reverse", list(reversed(items)))):
        start = time.perf_counter()
        graph, story_of = run(items, order)
        elapsed = time.perf_counter() - start
        got = predicted_pairs(story_of, items)
        tp = len(got & truth)
        rows.append({"world": world, "order": label, "articles": len(items), "true_pairs": len(truth),
                     "linked_pairs": len(got), "precision": tp / len(got) if got else 1.0,
                     "recall": tp / len(truth) if truth else 1.0, "ms_per_article": 1000 * elapsed / len(items),
                     "false": sorted(tuple(sorted(p)) for p in got - truth),
                     "missed": sorted(tuple(sorted(p)) for p in truth - got)})
        if show_links and label == "forward":
            names_of = {}
            for name, item in items.items():
                names_of.setdefault(item.get("canonical_url") or item.get("url"), name)
            for link in graph.links():
                print(f"  [{world}] {names_of.get(link['src'], link['src'])} -> {names_of.get(link['dst'], link['dst'])}"
                      f"  {link['kind']} {link['confidence']} {link['detail'] or ''}")
    return rows


def scale(total: int, per_day: int = 300) -> tuple[float, float]:
    """ms per article for articles 2,000-3,000 and the last 1,000 of ``total`` articles (the decoy world's
    articles cloned under new URLs and slugs, ``per_day`` a day): the lookup stays indexed, not a
    scan of the archive."""
    import copy
    from datetime import date, timedelta
    base = list(load_world("decoys").values())
    graph = StoryGraph(sqlite3.connect(":memory:", isolation_level=None))
    times = []
    for i in range(total):
        item = copy.copy(base[i % len(base)])
        day = (date(2024, 1, 1) + timedelta(days=i // per_day)).isoformat()
        base_url = url_of(item).split("?")[0]
        stem, dot, ext = base_url.rpartition(".") if base_url.endswith((".html", ".htm", ".txt")) else (base_url, "", "")
        item.url = item.canonical_url = f"{stem}-c{i}{dot}{ext}"  # a new slug: one article, not a version
        item.original_url = item.original_url and f"{item.original_url}?c={i}"
        item.alternates = {}
        item.published_at = day
        start = time.perf_counter()
        graph.add(item)
        times.append(time.perf_counter() - start)
    first, last = times[2000:3000], times[-1000:]  # from the 7th day on, the 3-day window is full
    return 1000 * sum(first) / len(first), 1000 * sum(last) / len(last)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", action="store_true", help="print every link and its evidence")
    parser.add_argument("--scale", type=int, default=0, metavar="N",
                        help="also time N cloned articles (300 a day) into one graph")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.WARNING)
    if args.scale:
        first, last = scale(args.scale)
        print(f"scale: {args.scale} articles, 300 a day: {first:.2f} ms/article for articles 2,000-3,000,"
              f" {last:.2f} for the last 1,000")
    results = []
    print(f"{'world':6} {'order':8} {'articles':>8} {'true':>5} {'linked':>6} {'precision':>9} {'recall':>6} {'ms/art':>6}")
    for world in WORLDS:
        for row in measure(world, args.links):
            results.append(row)
            print(f"{row['world']:6} {row['order']:8} {row['articles']:8} {row['true_pairs']:5} {row['linked_pairs']:6}"
                  f" {row['precision']:9.3f} {row['recall']:6.3f} {row['ms_per_article']:6.2f}")
            for pair in row["false"]:
                print(f"    FALSE  {pair}")
            for pair in row["missed"]:
                print(f"    MISSED {pair}")
    tp = sum(r["precision"] * r["linked_pairs"] for r in results)
    linked = sum(r["linked_pairs"] for r in results)
    true = sum(r["true_pairs"] for r in results)
    print(f"all    both     {'':8} {true:5} {linked:6} {tp / linked if linked else 1:9.3f} {tp / true if true else 1:6.3f}")
    return results


if __name__ == "__main__":
    main()

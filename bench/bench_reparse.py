"""``scrapy reparse`` throughput: ``--workers 1`` vs ``--workers 2`` on one synthetic recording.

Target: ``--workers 2`` >= 1.6x the items/s of ``--workers 1`` on a 2-core machine -- which
holds only while the parent's share (reading the index, the pipelines, the archive writes)
stays small next to the parsing the workers do.

* The recording: ``bench/synth.py``'s synthetic site (default baoquocte, 1,500 articles plus its
  listing pages, feed and robots.txt) written as one WARC (tests.support.synth_recording).
* Each run is a fresh ``scrapy reparse`` process into a fresh ``ARCHIVE_DIR``, the two
  alternating ``--repeat`` times (best of each kept: the machine is shared). ``--workers 1``
  parses in the parent; ``--workers 2`` forks one parsing process, and the parent, which writes,
  parses a chunk whenever the next one to write is still in that worker.
* Printed per run: wall seconds (process start to exit, so start-up is included), items
  archived, items/s, and where the parent's time went (the command's ``seconds:`` line:
  ``index`` = reading the WARC index and choosing the captures, ``writers`` = building the
  site crawlers (extensions, pipelines), ``parsing`` = parsing in the parent,
  ``waiting_for_workers`` = the parent idle for the next chunk (workers 2),
  ``writing`` = pipelines + archive + signals, ``total``).

    python bench/bench_reparse.py [--site baoquocte] [--articles 1500] [--repeat 2]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine, report


def run(warc: Path, archive: Path, workers: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scrapy", "reparse", str(warc), "--workers", str(workers),
                           "-s", f"ARCHIVE_DIR={archive}", "-s", "LOG_LEVEL=WARNING",
                           "-s", "REPARSE_PROGRESS_INTERVAL=0"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"reparse --workers {workers} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    written = sum(int(n) for n in re.findall(r"pipeline/archive/written=(\d+)", proc.stderr))
    seconds = dict((k, float(v)) for k, v in re.findall(r"(\w+) ([\d.]+)", proc.stderr.split("seconds:")[-1]))
    return {"wall": wall, "items": written, "parent": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="baoquocte")
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support import synth_recording

    with tempfile.TemporaryDirectory(prefix="bench-reparse-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        warc, truth = synth_recording(tmp, args.site, args.articles)
        print(f"recording: {warc.stat().st_size / 1e6:.1f} MB, {len(truth)} articles "
              f"({time.perf_counter() - t0:.1f} s to write)", flush=True)
        best: dict[int, dict] = {}
        for attempt in range(args.repeat):
            for workers in (1, 2):
                result = run(warc, tmp / f"archive-{workers}-{attempt}", workers)
                print(f"  --workers {workers}: {result['wall']:.2f} s, {result['items']} items, "
                      f"{result['items'] / result['wall']:.1f} items/s; parent: "
                      + ", ".join(f"{k} {v}" for k, v in result["parent"].items()), flush=True)
                if workers not in best or result["wall"] < best[workers]["wall"]:
                    best[workers] = result
    one, two = best[1], best[2]
    figures = {"machine": machine(), "site": args.site, "articles": args.articles,
               "items archived": one["items"]}
    for workers, result in best.items():
        figures[f"--workers {workers} seconds"] = result["wall"]
        figures[f"--workers {workers} items/s"] = result["items"] / result["wall"]
        for key, value in result["parent"].items():
            figures[f"--workers {workers} parent {key} s"] = value
    figures["speedup (items/s, 2 vs 1)"] = one["wall"] / two["wall"]
    if one["items"] != two["items"]:
        figures["WARNING"] = f"the runs archived {one['items']} and {two['items']} items"
    report("reparse", figures)


if __name__ == "__main__":
    main()

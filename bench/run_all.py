"""Every benchmark, one after the other, then each target against its measured figure.

    .venv/bin/python bench/run_all.py            # ~3 minutes on the 2-core reference machine
    .venv/bin/python bench/run_all.py --quick    # smaller sizes, a smoke run (~40 s)

Steps: the synthetic recordings (bench/synth.py), the crawl throughput on baoquocte and
vietnam.vn (bench/bench_crawl.py), the extraction speed and accuracy (bench/bench_extract.py),
the date fast path (bench/bench_dates.py) and the archive memory replay (bench/bench_archive.py).
Figures are printed as they come; the summary is also written to bench/out/results.json.
"""
from __future__ import annotations

import argparse
import json
import time

from common import ROOT, machine

OUT = ROOT / "bench" / "out"


def main(quick: bool = False) -> int:
    import bench_archive
    import bench_crawl
    import bench_dates
    import bench_extract
    import synth

    t0 = time.perf_counter()
    sizes = {"baoquocte": 1000 if quick else 5000, "vietnamvn": 1000 if quick else 5000,
             "baohatinh": 300 if quick else 1000, "cantho": 300 if quick else 1000}
    print(f"== synthetic recordings {sizes}")
    synth.generate(synth.DEFAULT_OUT, sizes, check_n=20)
    crawl = {site: bench_crawl.main(site, sizes[site], "static", 16, mirror_check=(site == "baoquocte"))
             for site in ("baoquocte", "vietnamvn")}
    extract = bench_extract.main(rounds=2 if quick else 3, synthetic=20 if quick else 60)
    dates = bench_dates.main()
    archive = bench_archive.main((1000, 10000) if quick else (1000, 100000))
    small, large = (1000, 10000) if quick else (1000, 100000)

    rows = []
    for site, f in crawl.items():
        rows.append((f"crawl {site}: real/bare pages/s", ">= 0.80", f["throughput ratio real/bare"],
                     f["throughput ratio real/bare"] >= 0.8,
                     f"{f['real: pages/s']:.0f} vs {f['bare: pages/s']:.0f} pages/s; "
                     f"CPU {f['real: crawler CPU ms/page']:.2f} vs {f['bare: crawler CPU ms/page']:.2f} ms/page"))
    rows.append(("extraction vs trafilatura+metadata (x)", ">= 5", extract["speed-up vs trafilatura+metadata (x)"],
                 extract["speed-up vs trafilatura+metadata (x)"] >= 5,
                 f"{extract['all pages: ours ms/page']:.2f} vs {extract['all pages: trafilatura+metadata ms/page']:.2f} ms/page"))
    rows.append(("extraction vs trafilatura text-only (x)", ">= 5", extract["speed-up vs trafilatura (x)"],
                 extract["speed-up vs trafilatura (x)"] >= 5,
                 f"{extract['all pages: ours ms/page']:.2f} vs {extract['all pages: trafilatura ms/page']:.2f} ms/page"))
    rows.append(("extraction body F1 on fixtures", ">= trafilatura", extract["fixtures body F1 ours"],
                 extract["fixtures body F1 ours"] >= extract["fixtures body F1 trafilatura"],
                 f"trafilatura {extract['fixtures body F1 trafilatura']:.3f}"))
    slow_us = dates["dateparser (languages=['vi'], DMY) µs/date"]
    rows.append(("dates: fast path vs dateparser (x)", ">= 100", dates["speed-up fast path vs dateparser (x)"],
                 dates["speed-up fast path vs dateparser (x)"] >= 100,
                 f"{dates['fast path µs/date']:.1f} vs {slow_us:.0f} µs/date"))
    ratio = archive[f"peak RSS ratio {large}/{small}"]
    rows.append((f"memory: peak RSS {large} / {small} articles", "<= 1.50", ratio, ratio <= 1.5,
                 f"{archive[f'replay {large:>6} articles: peak RSS MB']:.0f} vs "
                 f"{archive[f'replay {small:>6} articles: peak RSS MB']:.0f} MB"))
    elapsed = time.perf_counter() - t0
    print(f"\n== summary ({machine()}; {elapsed:.0f} s{'; --quick sizes' if quick else ''})")
    for name, target, value, met, detail in rows:
        print(f"  {'MET ' if met else 'MISS'}  {name:<44} {value:>8.3f}  target {target:<15} {detail}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(
        {"machine": machine(), "seconds": elapsed, "quick": quick,
         "targets": [{"name": n, "target": t, "value": v, "met": m, "detail": d} for n, t, v, m, d in rows],
         "crawl": crawl, "extract": extract, "dates": dates, "archive": archive},
        ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not the reference figures)")
    raise SystemExit(main(ap.parse_args().quick))

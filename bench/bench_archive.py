"""SQLite archive writes/s, and peak RSS of a 1k- vs a 100k-article replay through the pipelines.

Target: peak RSS at 100k within 1.5x of 1k (seen-store and dedup live in SQLite, not RAM).
The replay feeds synthetic articles through the real pipeline chain
(normalize -> dates -> scope -> dedup -> archive) in a fresh process per size.
    python bench/bench_archive.py [--sizes 1000,100000]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time

from common import ROOT, peak_rss_mb, report

WORDS = ("hội nghị ngoại giao đối ngoại địa phương hợp tác quốc tế đại sứ bộ trưởng tỉnh Hà Tĩnh Cần Thơ "
         "phát triển kinh tế văn hóa đoàn công tác làm việc ký kết biên bản ghi nhớ thúc đẩy quan hệ").split()


def synthetic_item(n: int, rng: random.Random) -> dict:
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(8))
    day = 1 + n % 28
    return {"url": f"https://baoquocte.vn/bai-viet-so-{n}-{100000 + n}.html",
            "canonical_url": f"https://baoquocte.vn/bai-viet-so-{n}-{100000 + n}.html",
            "site": "baoquocte.vn", "language": "vi", "title": f"Bài viết số {n}", "lead": "Tóm tắt.",
            "body": f"Bài {n}.\n\n" + body, "authors": ["Minh Vương"], "published_at_raw": f"{day:02d}/12/2023 09:15",
            "date_source": "page", "tags": [], "images": [], "foreign_affairs": True}


def replay(n: int, archive_dir: str) -> dict:
    """Runs inside a fresh process: feed n items through the real pipelines."""
    from scrapy.utils.test import get_crawler

    from crawler.items import new_item
    from pipelines import (
        ArchivePipeline,
        DatesPipeline,
        DedupPipeline,
        NormalizePipeline,
    )
    from pipelines.scope import ScopePipeline

    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": archive_dir})
    crawler.spider = None
    chain = [cls.from_crawler(crawler) for cls in
             (NormalizePipeline, DatesPipeline, ScopePipeline, DedupPipeline, ArchivePipeline)]
    for p in chain:
        if hasattr(p, "open_spider"):
            p.open_spider()
    rng = random.Random(1)
    t0 = time.perf_counter()
    for i in range(n):
        item = new_item(**synthetic_item(i, rng))
        for p in chain:
            item = p.process_item(item)
    elapsed = time.perf_counter() - t0
    chain[-1].close_spider()
    return {"n": n, "seconds": elapsed, "items_per_s": n / elapsed, "peak_rss_mb": peak_rss_mb()}


def writes_per_second(n: int = 5000) -> float:
    from crawler.storage.archive import Archive

    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(tmp)
        items = []
        for i in range(n):
            item = synthetic_item(i, rng)
            item.update(fingerprint=f"fp{i}", published_at="2023-12-01")
            items.append(item)
        t0 = time.perf_counter()
        for item in items:
            archive.add(item)
        elapsed = time.perf_counter() - t0
        archive.close()
    return n / elapsed


def main(sizes=(1000, 100000)) -> dict:
    figures = {"archive writes/s (one transaction each)": writes_per_second()}
    runs = {}
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--child", str(n), tmp], cwd=ROOT / "bench",
                                 capture_output=True, text=True, check=True)
            runs[n] = json.loads(out.stdout.strip().splitlines()[-1])
        figures[f"replay {n:>6} articles: items/s"] = runs[n]["items_per_s"]
        figures[f"replay {n:>6} articles: peak RSS MB"] = runs[n]["peak_rss_mb"]
    small, large = min(sizes), max(sizes)
    figures[f"peak RSS ratio {large}/{small}"] = runs[large]["peak_rss_mb"] / runs[small]["peak_rss_mb"]
    figures["target ratio (<=)"] = 1.5
    report("archive", figures)
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(replay(int(sys.argv[2]), sys.argv[3])))
    else:
        ap = argparse.ArgumentParser()
        ap.add_argument("--sizes", default="1000,100000")
        args = ap.parse_args()
        main(tuple(int(s) for s in args.sizes.split(",")))

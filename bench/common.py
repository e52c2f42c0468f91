"""Shared helpers for the benchmark scripts (not tests: they print figures, they assert nothing)."""
from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB.

    Linux: ``VmHWM`` from /proc/self/status. Not ``getrusage().ru_maxrss``: Linux carries
    ru_maxrss over fork + exec, so a child started by a big parent (run_all.py, with
    trafilatura and Scrapy loaded) reported the parent's size as its own peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def timed(fn, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, result


def report(name: str, figures: dict) -> None:
    """Print one benchmark's figures as aligned text and a JSON line (for BENCHMARKS.md)."""
    print(f"\n== {name}")
    for key, value in figures.items():
        if isinstance(value, float):
            value = f"{value:,.3f}"
        print(f"  {key:<44} {value}")
    print("JSON " + json.dumps({"bench": name, **figures}, ensure_ascii=False))


def timed_crawl(process, crawler, kwargs: dict, profiler=None) -> dict:
    """Run one crawl to its end; its engine start -> stop span in wall and process CPU seconds.

    Measured between the engine signals, so the import and settings time of the process is left
    out of both figures. ``profiler`` (pyinstrument) is started and stopped around the crawl."""
    from scrapy import signals

    times: dict[str, float] = {}

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def started():
        times.setdefault("start", time.perf_counter())
        times.setdefault("cpu_start", cpu())

    def stopped():
        times.setdefault("stop", time.perf_counter())
        times.setdefault("cpu_stop", cpu())

    crawler.signals.connect(started, signal=signals.engine_started)
    crawler.signals.connect(stopped, signal=signals.engine_stopped)
    process.crawl(crawler, **kwargs)
    if profiler is not None:
        profiler.start()
    process.start()
    if profiler is not None:
        profiler.stop()
    return {"seconds": times["stop"] - times["start"], "cpu_seconds": times["cpu_stop"] - times["cpu_start"]}

"""Issue #10 (7): ``scrapy report -o report.html`` -- a self-contained page, rendered in headless Chromium."""
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest

from crawler.storage.archive import Archive
from tests.support import ROOT

pytestmark = pytest.mark.slow  # a subprocess and a browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _archive(directory):
    archive = Archive(directory)
    start = date(2024, 1, 1)
    n = 0
    for offset in range(20):
        if offset in (5, 6, 12):  # three days without an article
            continue
        for _ in range(1 + offset % 3):
            n += 1
            for site, lang in (("vietnam.vn", ("vi", "en", "fr")[n % 3]), ("baoquocte.vn", "vi")):
                archive.add({"url": f"https://{site}/a-{n}.html", "canonical_url": f"https://{site}/a-{n}.html",
                             "site": site, "language": lang, "fingerprint": f"{site}{n}", "title": f"Title {n}",
                             "authors": ["A B"] if n % 2 else [], "body": "x " * 60,
                             "published_at": f"{start + timedelta(days=offset)}T08:00:00+07:00",
                             "provenance": {"title": "site"}})
    for i, verdict in enumerate(("pass", "fail")):
        archive.record_run({"run_id": f"r{i}", "spider": "vietnamvn", "site": "vietnam.vn", "arguments": {"since": "2024-01-01"},
                            "finished_at": f"2024-01-2{i}T00:00:00+00:00", "counts": {"items": 7}, "verdict": verdict,
                            "monitors": {"fields": {"status": verdict, "reason": None if verdict == "pass" else "authors 10%"}}})
    archive.close()


def test_report_is_self_contained_and_renders(tmp_path):
    _archive(tmp_path / "a")
    out = tmp_path / "out" / "report.html"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    proc = subprocess.run([sys.executable, "-m", "scrapy", "report", "-o", str(out), "-s", f"ARCHIVE_DIR={tmp_path / 'a'}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 5  # per day x2, completeness x2, languages of vietnam.vn
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page) and "<script" not in page  # nothing to fetch
    assert "3 day(s) without an article" in page and "authors 10%" in page and ">FAIL<" in page
    if not os.path.exists(CHROMIUM):
        pytest.skip("no chromium")
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1200,2400", out.as_uri()],
                   capture_output=True, timeout=120, check=False)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    colours = image.getcolors(maxcolors=1 << 20)
    counts = {c: n for n, c in colours}
    bars = sum(n for c, n in counts.items() if abs(c[0] - 0x1f) < 12 and abs(c[1] - 0x77) < 12 and abs(c[2] - 0xb4) < 12)
    red = sum(n for c, n in counts.items() if c[0] > 190 and c[1] < 70 and c[2] < 70)
    assert bars > 5000, "no chart bars rendered"
    assert red > 50, "no empty-day markers or failed verdicts rendered"
    assert len(colours) > 50  # text, charts: not a blank page

"""Field accuracy on the real corpus (tests/fixtures/real: 62 page-store texts nobody here wrote):
ours beside trafilatura's, scored by the same rules (tests/test_real_corpus.py).

The texts are text dumps, not HTML: trafilatura is given each dump as an HTML page with one
``<p>`` per line (the first line also as ``<title>``), its site taken from the manifest URL as
ours is, and its metadata (title, date, author) and text read as our fields. Its language is its
own guess, when it makes one; it has no source_name or original_url, so those count as right only
where the truth is empty.

    python bench/bench_real_corpus.py
"""
from __future__ import annotations

import html
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_real_corpus import FIELDS, corpus, is_not_article, run_fixture, score, table  # noqa: E402


def trafilatura_item(text: str, url: str, site: str) -> dict | None:
    import trafilatura

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    page = (f"<html><head><title>{html.escape(lines[0])}</title></head><body>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>")
    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True)
    if doc is None:
        return None
    doc = doc if isinstance(doc, dict) else doc.as_dict()
    authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    return {"site": site, "language": doc.get("language"), "title": doc.get("title"), "authors": authors,
            "published_at": doc.get("date"), "source_name": None, "original_url": None, "body": doc.get("text")}


def main() -> None:
    import json

    ours, theirs, times = {}, {}, {"ours": 0.0, "trafilatura": 0.0}
    for txt, url in corpus():
        spec = json.loads(txt.with_name(txt.stem + ".expected.json").read_text(encoding="utf-8"))
        name = f"{txt.parent.name}/{txt.stem}"
        t0 = time.perf_counter()
        item, skipped = run_fixture(txt, url)
        times["ours"] += time.perf_counter() - t0
        ours[name] = score(spec, item, skipped)
        t0 = time.perf_counter()
        other = trafilatura_item(txt.read_text(encoding="utf-8"), url, spec["expected"]["site"])
        times["trafilatura"] += time.perf_counter() - t0
        if is_not_article(spec):
            theirs[name] = dict.fromkeys(FIELDS, False)  # it has no way to say "not an article"
        else:
            theirs[name] = score(spec, other, None) if other else dict.fromkeys(FIELDS, False)
    a, b = table(ours), table(theirs)
    print(f"real corpus: {len(ours)} texts (tests/fixtures/real)")
    print(f"{'field':<14} {'ours':>6} {'trafilatura':>12}")
    for field in FIELDS:
        print(f"{field:<14} {a[field]:6.3f} {b[field]:12.3f}")
    print(f"{'ms per text':<14} {1000 * times['ours'] / len(ours):6.1f} {1000 * times['trafilatura'] / len(ours):12.1f}")


if __name__ == "__main__":
    main()

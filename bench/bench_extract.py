"""ms/page of the site page objects vs ``trafilatura.bare_extraction`` on the same pages, and body accuracy.

Targets: our extraction >= 5x faster per page than trafilatura, and at least as accurate on the fixtures.

* Pages: every ``tests/fixtures/<spider>/<name>.html`` that has a ``<name>.expected.json``, and a
  sample of ``bench/synth.py``'s synthetic article pages of each site (generated if missing).
* Ours: ``HtmlResponse`` from the page's bytes -> the spider's page object -> ``to_item()``
  (title, lead, body, authors, date, language, section, tags, images... -- everything).
* trafilatura: ``bare_extraction(html_text, url=url)`` with its defaults (main text only,
  ``with_metadata=False``) -- the primary comparison, since it is the faster of the two --
  and with ``with_metadata=True`` (title, author, date... as ours) for reference.
* Speed: total time over the page set, best of ``--rounds`` rounds, divided by the page count.
* Accuracy: token-level F1 of the extracted body against the expected body (the
  fixture's ``expected.body``; for the HTML renderings of seeds, also ``seeds/NNN_*.expected.json``;
  for synthetic pages, the generated body). Tokens: casefolded ``\\w+`` runs, as bags.

    python bench/bench_extract.py [--rounds 3] [--synthetic 60]
"""
from __future__ import annotations

import argparse
import json
import re
import time
import warnings
from collections import Counter

from common import ROOT, machine, report

FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
SYNTH = ROOT / "bench" / "out" / "synth"
SPIDERS = ("baohatinh", "baoquocte", "cantho", "vietnamvn")
_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> Counter:
    return Counter(t.casefold() for t in _TOKEN.findall(text or ""))


def f1(got: str | None, expected: str | None) -> float:
    g, e = tokens(got), tokens(expected)
    if not g and not e:
        return 1.0
    overlap = sum((g & e).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(g.values()), overlap / sum(e.values())
    return 2 * precision * recall / (precision + recall)


class Page:
    def __init__(self, spider: str, name: str, url: str, body: bytes, expected: dict[str, str], meta: dict | None = None):
        self.spider, self.name, self.url, self.body = spider, name, url, body
        self.text = body.decode("utf-8")
        self.expected = expected  # reference name -> expected body
        self.meta = meta or {}


def fixture_pages() -> list[Page]:
    seeds = {p.name.split("_")[0]: json.loads(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.expected.json")}
    pages = []
    for spider in SPIDERS:
        for case in sorted((FIXTURES / spider).glob("*.expected.json")):
            spec = json.loads(case.read_text(encoding="utf-8"))
            name = case.name.removesuffix(".expected.json")
            refs = {"fixture": spec["expected"].get("body")}
            m = re.match(r"seed(\d{3})", name)
            if m and m[1] in seeds:
                refs["seed"] = seeds[m[1]].get("body")
            pages.append(Page(spider, name, spec["url"], (FIXTURES / spider / f"{name}.html").read_bytes(), refs,
                              spec.get("meta")))
    return pages


def synthetic_pages(per_site: int) -> list[Page]:
    if per_site <= 0:
        return []
    missing = [s for s in SPIDERS if not (SYNTH / s / "truth.jsonl").exists()]
    if missing:
        import synth

        synth.generate(SYNTH, {s: max(per_site, synth.DEFAULT_SITES[s]) for s in missing}, quiet=True)
    pages = []
    for spider in SPIDERS:
        site = SYNTH / spider
        files = {row["url"]: row["file"] for row in json.loads((site / "manifest.json").read_text(encoding="utf-8"))}
        rows = [json.loads(line) for line in (site / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
        step = max(1, len(rows) // per_site)
        for row in rows[::step][:per_site]:
            pages.append(Page(spider, row["template"], row["url"], (site / files[row["url"]]).read_bytes(),
                              {"synthetic": row["body"]}))
    return pages


def page_classes():
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    return {s: loader.load(s).article_page for s in SPIDERS}


def ours(classes):
    from scrapy.http import HtmlResponse, Request

    def extract(page: Page):
        request = Request(page.url, meta=page.meta)
        response = HtmlResponse(page.url, body=page.body, encoding="utf-8", request=request)
        return classes[page.spider](response).to_item()
    return extract


def trafilatura_fn(with_metadata: bool):
    import trafilatura

    def extract(page: Page):
        return trafilatura.bare_extraction(page.text, url=page.url, with_metadata=with_metadata)
    return extract


def body_of(result) -> str | None:
    if result is None:
        return None
    from crawler.items import ArticleItem

    if isinstance(result, ArticleItem):
        return result.get("body")
    return getattr(result, "text", None) if not isinstance(result, dict) else result.get("text")


def timed_total(fn, pages: list[Page], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for page in pages:
            fn(page)
        best = min(best, time.perf_counter() - t0)
    return best


def main(rounds: int = 3, synthetic: int = 60) -> dict:
    warnings.filterwarnings("ignore")  # trafilatura's lxml FutureWarnings
    classes = page_classes()
    sets = {"fixtures": fixture_pages(), "synthetic": synthetic_pages(synthetic)}
    engines = {"ours": ours(classes), "trafilatura": trafilatura_fn(False), "trafilatura+metadata": trafilatura_fn(True)}
    for page in sets["fixtures"] + sets["synthetic"]:  # warm up every code path (imports, caches)
        for fn in engines.values():
            fn(page)
    figures = {"machine": machine(), "pages": ", ".join(f"{k}: {len(v)}" for k, v in sets.items()),
               "trafilatura call": "bare_extraction(html, url=url) defaults; +metadata: with_metadata=True"}
    totals = {name: 0.0 for name in engines}
    n_all = 0
    for set_name, pages in sets.items():
        if not pages:
            continue
        for spider in SPIDERS:
            subset = [p for p in pages if p.spider == spider]
            if not subset:
                continue
            t = {name: timed_total(fn, subset, rounds) / len(subset) * 1000 for name, fn in engines.items()}
            for name in engines:
                totals[name] += t[name] * len(subset)
            n_all += len(subset)
            figures[f"{set_name}/{spider} ({len(subset)}): ms/page ours | traf | traf+meta"] = \
                f"{t['ours']:.2f} | {t['trafilatura']:.2f} | {t['trafilatura+metadata']:.2f}"
    # accuracy: body token F1 against every reference the page has
    acc: dict[tuple[str, str], list[tuple[float, float]]] = {}
    worst = []
    for set_name, pages in sets.items():
        for page in pages:
            got_ours = body_of(engines["ours"](page))
            got_traf = body_of(engines["trafilatura"](page))
            for ref, expected in page.expected.items():
                if expected is None:
                    continue
                pair = (f1(got_ours, expected), f1(got_traf, expected))
                acc.setdefault((set_name if ref != "seed" else "seeds", page.spider), []).append(pair)
                acc.setdefault((set_name if ref != "seed" else "seeds", "all"), []).append(pair)
                if set_name == "fixtures":
                    worst.append((pair[0], f"{page.spider}/{page.name}", pair[1]))
    for (set_name, spider), pairs in sorted(acc.items()):
        mo = sum(p[0] for p in pairs) / len(pairs)
        mt = sum(p[1] for p in pairs) / len(pairs)
        figures[f"body F1 {set_name}/{spider} ({len(pairs)}): ours | traf"] = f"{mo:.3f} | {mt:.3f}"
    worst.sort()
    figures["lowest fixture F1 (ours, page, traf)"] = "; ".join(f"{o:.3f} {name} {t:.3f}" for o, name, t in worst[:3])
    ms = {name: totals[name] / n_all for name in engines}
    figures["all pages: ours ms/page"] = ms["ours"]
    figures["all pages: trafilatura ms/page"] = ms["trafilatura"]
    figures["all pages: trafilatura+metadata ms/page"] = ms["trafilatura+metadata"]
    figures["speed-up vs trafilatura (x)"] = ms["trafilatura"] / ms["ours"]
    figures["speed-up vs trafilatura+metadata (x)"] = ms["trafilatura+metadata"] / ms["ours"]
    figures["target speed-up (x, >=)"] = 5.0
    fx = acc.get(("fixtures", "all"), [])
    figures["fixtures body F1 ours"] = sum(p[0] for p in fx) / len(fx)
    figures["fixtures body F1 trafilatura"] = sum(p[1] for p in fx) / len(fx)
    figures["fixtures: pages where ours < trafilatura"] = sum(1 for p in fx if p[0] < p[1])
    report("extract", figures)
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--synthetic", type=int, default=60, help="synthetic pages per site (0: fixtures only)")
    args = ap.parse_args()
    main(args.rounds, args.synthetic)

"""The real corpus (tests/fixtures/real, #17): 62 verbatim page-store texts nobody here wrote,
with ground truth read by a collector who had not seen the parsers.

Every text goes through the seeds path with its manifest URL (spiders.seeds.dump_to_item: the
URL's site picks the parser, vietnam.vn's language comes from the URL), then through the
normalize and dates pipelines, and is scored field by field:

* ``site``, ``language``, ``title``, ``authors``, ``source_name``, ``original_url``: equal;
* ``published_at``: the same day, and the same hour and minute when the truth has a time;
* ``body``: starts with ``body_starts``, ends with ``body_ends`` (whitespace folded) and holds
  none of ``body_excludes``.

A page the truth says is no article (title and body null: tag listings) must be refused by
the parser with a reason; that refusal counts as right for every field. The per-field accuracy
table is printed (``pytest -s``) and each field must reach 0.95. Run this file as a script
(``python -m tests.test_real_corpus``) for the table and each fixture's wrong fields.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.utils.misc import load_object

from crawler import settings
from spiders.seeds import Skip, dump_to_item, parser_for_url, read_manifest
from tests.support import FIXTURES, run_item_pipelines, scrapy_crawl, stats_from_log

REAL = FIXTURES / "real"
MANIFEST = REAL / "manifest.tsv"
PARSERS = [load_object(p) for p in settings.TEXT_PARSERS]
FIELDS = ("site", "language", "title", "published_at", "authors", "source_name", "original_url", "body")
THRESHOLD = 0.95


def _ws(text: str | None) -> str:
    return " ".join((text or "").split())


def is_not_article(spec: dict) -> bool:
    return spec["expected"].get("title") is None and spec.get("body_starts") is None


def same_date(truth: str | None, got: str | None) -> bool:
    if truth is None:
        return got is None
    if not got or got[:10] != truth[:10]:
        return False
    return len(truth) <= 10 or got[10:16] == truth[10:16]


def score(spec: dict, item: dict | None, skipped: Skip | None) -> dict[str, bool]:
    """{field: right} for one fixture."""
    if is_not_article(spec):
        return dict.fromkeys(FIELDS, item is None and skipped is not None and skipped.reason == "not_an_article")
    if item is None:
        return dict.fromkeys(FIELDS, False)
    expected = spec["expected"]
    right = {f: (item.get(f) or ([] if f == "authors" else None)) == expected[f]
             for f in ("site", "language", "title", "authors", "source_name", "original_url")}
    right["published_at"] = same_date(expected["published_at"], item.get("published_at"))
    body = _ws(item.get("body"))
    right["body"] = (body.startswith(_ws(spec["body_starts"])) and body.endswith(_ws(spec["body_ends"]))
                     and not any(_ws(bad) in body for bad in spec.get("body_excludes", [])))
    return right


def run_fixture(txt: Path, url: str) -> tuple[dict | None, Skip | None]:
    try:
        item = dump_to_item(txt.read_bytes(), url, PARSERS, parser_for_url(url, PARSERS), capture_time_known=False)
    except Skip as skip:
        return None, skip
    return ItemAdapter(run_item_pipelines(item)).asdict(), None


def corpus() -> list[tuple[Path, str]]:
    return [(REAL / row["file"], row["url"]) for row in read_manifest(MANIFEST)]


def scores() -> dict[str, dict[str, bool]]:
    out = {}
    for txt, url in corpus():
        spec = json.loads(txt.with_name(txt.stem + ".expected.json").read_text(encoding="utf-8"))
        out[f"{txt.parent.name}/{txt.stem}"] = score(spec, *run_fixture(txt, url))
    return out


def table(results: dict[str, dict[str, bool]]) -> dict[str, float]:
    n = len(results)
    return {f: sum(r[f] for r in results.values()) / n for f in FIELDS}


def format_table(accuracy: dict[str, float], n: int) -> str:
    rows = [f"{'field':<14} accuracy  (of {n})"]
    rows += [f"{f:<14} {a:8.3f}  ({round(a * n)})" for f, a in accuracy.items()]
    return "\n".join(rows)


@pytest.fixture(scope="module")
def results():
    return scores()


def test_manifest_lists_every_real_text():
    listed = {txt for txt, _ in corpus()}
    assert listed == set(REAL.glob("*/*.txt")) and len(listed) == 62
    assert all(txt.with_name(txt.stem + ".expected.json").is_file() for txt in listed)


def test_every_manifest_url_is_a_known_site():
    assert [url for _, url in corpus() if parser_for_url(url, PARSERS) is None] == []


def test_per_field_accuracy(results):
    accuracy = table(results)
    print("\n" + format_table(accuracy, len(results)))
    wrong = {name: [f for f in FIELDS if not r[f]] for name, r in results.items() if not all(r.values())}
    assert all(a >= THRESHOLD for a in accuracy.values()), (accuracy, wrong)


def test_listings_are_refused_with_a_reason():
    for txt, url in corpus():
        spec = json.loads(txt.with_name(txt.stem + ".expected.json").read_text(encoding="utf-8"))
        if is_not_article(spec):
            item, skip = run_fixture(txt, url)
            assert item is None and skip.reason == "not_an_article" and skip.detail, txt.name


def test_seeds_crawl_with_the_manifest(tmp_path):
    """``scrapy crawl seeds -a path=… -a manifest=…`` over the real corpus, plus a missing file and
    an unknown site's URL in a CSV manifest: both counted, the run goes on."""
    rows = read_manifest(MANIFEST)
    csv_manifest = tmp_path / "manifest.csv"
    lines = ["kind,file,url"] + [f"{r['kind'].replace(',', ' ')},{r['file']},{r['url']}" for r in rows]
    lines += ["x,nowhere/missing.txt,https://baohatinh.vn/a-post1.html",
              f"x,{rows[0]['file']},https://example.org/some-page"]  # same file: an unknown site wins last
    csv_manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = scrapy_crawl("seeds", "-a", f"path={REAL}", "-a", f"manifest={csv_manifest}", "-O", str(out),
                        "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = stats_from_log(proc.stderr)
    assert stats.get("seeds/manifest/missing_file") == 1
    assert stats.get("seeds/manifest/unknown_site") == 1
    assert stats.get("seeds/skipped/not_an_article") == 3
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_url = {item["url"]: item for item in items}
    nl = next(r["url"] for r in rows if r["file"].startswith("vietnamvn/nl-"))
    assert by_url[nl]["site"] == "vietnam.vn" and by_url[nl]["language"] == "nl"
    cantho = next(r["url"] for r in rows if "jsessionid" in r["url"])
    assert cantho in by_url and ";jsessionid" not in by_url[cantho]["canonical_url"]
    assert not any(item["url"].startswith("https://example.org") for item in items)


if __name__ == "__main__":  # the table and every fixture's wrong fields
    res = scores()
    for name, r in res.items():
        if not all(r.values()):
            print(f"{name:70s} {' '.join(f for f in FIELDS if not r[f])}")
    print(format_table(table(res), len(res)))
    sys.exit(0)

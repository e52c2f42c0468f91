"""Fundus-style text-dump fixtures: every ``tests/fixtures/text/<site>/<name>.txt`` with a
``<name>.expected.json`` beside it is recognized from its text alone, parsed by the text
parser that claims it (no crawl), run through the normalize and dates pipelines, and
compared field by field.

These are text dumps of pages other than the seeds -- other articles, other languages, the
other UI locale, other byline and caption habits -- so the text rules are checked as rules.
``<name>.expected.json`` holds ``{"expected": {<field>: <value>}}`` (only the fields listed
are compared, see tests.support.COMPARED_FIELDS) and may add ``"body_excludes": [...]``,
strings that must not appear in the body (captions, related boxes, footers).
"""
import json

import pytest
from scrapy.utils.misc import load_object

from crawler import settings
from tests.support import COMPARED_FIELDS, FIXTURES, comparable, run_item_pipelines

PARSERS = [load_object(p) for p in settings.TEXT_PARSERS]
CASES = sorted((FIXTURES / "text").glob("*/*.expected.json"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name.split('.')[0]}")
def test_text_fixture(case):
    spec = json.loads(case.read_text(encoding="utf-8"))
    text = case.with_name(case.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
    claimed = [p for p in PARSERS if p.recognize(text)]
    assert claimed, "no text parser recognizes this dump"
    item = run_item_pipelines(claimed[0](text, f"file:///{case.parent.name}/{case.stem}.txt").to_item())
    got = comparable(item)
    assert set(spec["expected"]) <= set(COMPARED_FIELDS)
    assert {k: got[k] for k in spec["expected"]} == spec["expected"]
    assert [bad for bad in spec.get("body_excludes", []) if bad in item["body"]] == []


def test_there_are_text_fixtures_for_every_site():
    sites = {json.loads(p.read_text(encoding="utf-8"))["expected"].get("site") for p in CASES}
    assert sites >= {"baohatinh.vn", "baoquocte.vn", "vietnam.vn", "songoaivu.cantho.gov.vn"}, sites

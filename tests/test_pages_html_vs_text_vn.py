"""The seeds rendered as HTML read the same through the HTML page objects as the seed text
dumps through the text parsers (vietnam.vn seeds 000/003/004, Can Tho seed 002).

The HTML renderings (tests/fixtures/<spider>/seed*.html) carry what the dumps carry, in
markup that follows docs/sites.md: invented class names for vietnam.vn, generic Liferay 6.1 for
Can Tho; the text side is exactly what ``scrapy crawl seeds`` runs.
"""
import json

import pytest

from spiders.cantho.text import CanthoText
from spiders.vietnamvn.text import VietnamvnText
from tests.support import FIXTURES, SEEDS, run_item_pipelines
from tests.test_pages import page_item

FIELDS = ("title", "lead", "body", "language", "authors", "source_name", "original_url")
CASES = [
    ("000", "vietnamvn", "seed000_id", VietnamvnText),
    ("003", "vietnamvn", "seed003_nl", VietnamvnText),
    ("004", "vietnamvn", "seed004_fr", VietnamvnText),
    ("002", "cantho", "seed002_en", CanthoText),
    ("002", "cantho", "seed002_vi_ui", CanthoText),
]


def text_item(seed: str, parser):
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    text = path.read_text(encoding="utf-8")
    assert parser.recognize(text)
    return run_item_pipelines(parser(text, path.as_uri()).to_item())


def html_item(spider: str, name: str):
    spec = json.loads((FIXTURES / spider / f"{name}.expected.json").read_text(encoding="utf-8"))
    return page_item(spider, spec["url"], (FIXTURES / spider / f"{name}.html").read_bytes(), spec.get("meta"))


@pytest.mark.parametrize("seed,spider,name,parser", CASES, ids=[c[2] for c in CASES])
def test_html_and_text_paths_agree(seed, spider, name, parser):
    from_text, from_html = text_item(seed, parser), html_item(spider, name)
    assert {f: from_html[f] for f in FIELDS} == {f: from_text[f] for f in FIELDS}
    assert from_html["published_at"][:10] == from_text["published_at"][:10]
    assert from_html["site"] == from_text["site"]

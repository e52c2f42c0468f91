"""Stories (#11): every translation and republication linked to its original, in the archive.

The articles are the repository's own (seeds, text and HTML fixtures, the real page texts)
parsed by the project's parsers, plus the decoy set of bench/stories_decoys.py; the graph is
the one the StoriesPipeline writes (crawler.storage.stories) on a real archive.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from bench.bench_stories import measure
from bench.stories_corpus import load, load_world
from crawler.items import new_item
from crawler.storage.archive import Archive
from crawler.storage.stories import StoryGraph
from pipelines.stories import fill_story_fields
from tests.support import FIXTURES, ROOT, scrapy_crawl

SEED_004_ORIGINAL = ("https://baoquocte.vn/bo-ngoai-giao-tiep-tuc-dong-hanh-ho-tro-cac-dia-phuong-trong-cong-toc-"
                     "doi-ngoai-310837.html")


@pytest.fixture(scope="module")
def dumps():
    logging.disable(logging.WARNING)
    try:
        return load("dumps")
    finally:
        logging.disable(logging.NOTSET)


@pytest.fixture(scope="module")
def pages():
    logging.disable(logging.WARNING)
    try:
        return load("pages")
    finally:
        logging.disable(logging.NOTSET)


@pytest.fixture
def graph(tmp_path):
    archive = Archive(tmp_path / "archive")
    yield StoryGraph(archive.conn)
    archive.close()


def url(item) -> str:
    return item.get("canonical_url") or item.get("url")


def story_urls(graph: StoryGraph, item) -> set[str]:
    return {m["url"] for m in graph.members(graph.story_of(url(item)))}


def roles(graph: StoryGraph, item) -> dict[str, str]:
    return {m["url"]: m["role"] for m in graph.members(graph.story_of(url(item)))}


@pytest.mark.parametrize("order", ["original first", "translation first"])
def test_seeds_000_and_001_are_one_story(graph, dumps, order):
    names = ["seeds/001", "seeds/000"] if order == "original first" else ["seeds/000", "seeds/001"]
    for name in names:
        graph.add(dumps[name])
    indonesian, original = dumps["seeds/000"], dumps["seeds/001"]
    assert graph.story_of(url(indonesian)) == graph.story_of(url(original))
    assert roles(graph, original) == {url(original): "original", url(indonesian): "translation"}
    (link,) = graph.links(url(indonesian))
    assert link["kind"] == "content-match"  # neither names the other
    assert "bui thanh son" in link["detail"]["names"] and "85000" in link["detail"]["figures"]


def test_seeds_000_and_001_among_every_dump(graph, dumps):
    """With every other text dump of the repository archived too, still exactly these versions."""
    for item in dumps.values():
        graph.add(item)
    assert story_urls(graph, dumps["seeds/001"]) == {
        url(dumps["seeds/000"]), url(dumps["seeds/001"]),
        url(dumps["text/vietnamvn/vi-republished-baohatinh-sapo-prefix"])}
    assert roles(graph, dumps["text/vietnamvn/vi-republished-baohatinh-sapo-prefix"])[
        url(dumps["text/vietnamvn/vi-republished-baohatinh-sapo-prefix"])] == "republication"


@pytest.mark.parametrize("order", ["translation first", "original first"])
def test_seed_004_joins_its_original_by_url_whenever_it_arrives(graph, dumps, order):
    original = new_item(url=SEED_004_ORIGINAL, canonical_url=SEED_004_ORIGINAL, site="baoquocte.vn", language="vi",
                        title="Bộ Ngoại giao tiếp tục đồng hành, hỗ trợ các địa phương trong công tác đối ngoại",
                        body="Ngày 11 và 12/4, tại thành phố Tuyên Quang, Bộ Ngoại giao phối hợp với UBND tỉnh "
                             "tổ chức Hội nghị lãnh đạo các cơ quan ngoại vụ địa phương năm 2025.",
                        published_at="2025-04-12T10:00:00+07:00")
    seed = dumps["seeds/004"]
    for item in ([seed, original] if order == "translation first" else [original, seed]):
        graph.add(item)
    assert graph.story_of(url(seed)) == graph.story_of(SEED_004_ORIGINAL)
    assert roles(graph, seed) == {url(seed): "translation", SEED_004_ORIGINAL: "original"}
    assert [link["kind"] for link in graph.links(url(seed))] == ["source-link"]


def test_seed_004_before_its_original_is_a_story_with_the_url_it_names(graph, dumps):
    for item in dumps.values():
        graph.add(item)
    members = graph.members(graph.story_of(url(dumps["seeds/004"])))
    assert {m["url"]: (m["role"], m["archived"]) for m in members} == {
        url(dumps["seeds/004"]): ("translation", True), SEED_004_ORIGINAL: ("original", False)}


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_seed_003_is_linked_to_its_baoquocte_original_by_its_text_and_to_nothing_else(graph, dumps, order):
    """003 names only the paper (Báo Quốc Tế) and its day; baoquocte's closing article of
    23/12/2023 is among 96 dumps, with other articles of that week on the same conference."""
    names = list(dumps) if order == "forward" else list(reversed(dumps))
    for name in names:
        graph.add(dumps[name])
    seed, original = dumps["seeds/003"], dumps["text/baoquocte/vi_compact_chuan_23122023"]
    assert story_urls(graph, seed) == {url(seed), url(original)}
    (link,) = graph.links(url(seed))
    assert link["kind"] == "credit+date"


def test_vietnamvn_language_versions_are_one_story(graph, pages):
    versions = ["vietnamvn/s1_vi", "vietnamvn/s1_en", "vietnamvn/s1_fr", "vietnamvn/s1_id", "vietnamvn/seed003_nl"]
    for name in versions:
        graph.add(pages[name])
    story = graph.story_of(url(pages["vietnamvn/s1_vi"]))
    assert {graph.story_of(url(pages[n])) for n in versions} == {story}
    by_url = {m["url"]: m for m in graph.members(story)}
    assert by_url[url(pages["vietnamvn/s1_vi"])]["role"] == "republication"
    assert {by_url[url(pages[n])]["role"] for n in versions[1:]} == {"translation"}
    (original,) = [m for m in by_url.values() if m["role"] == "original"]
    assert original["site"] == "baoquocte.vn" and not original["archived"]
    kinds = {link["kind"] for n in versions for link in graph.links(url(pages[n]))}
    assert {"same-slug", "source-link", "hreflang"} <= kinds


def test_hreflang_alternates_are_extracted(pages):
    alternates = pages["vietnamvn/vi-fullmeta"].alternates
    assert alternates == {
        "en": "https://www.vietnam.vn/en/ha-tinh-tang-cuong-hop-tac-voi-tinh-kham-muon-lao",
        "fr": "https://www.vietnam.vn/fr/ha-tinh-tang-cuong-hop-tac-voi-tinh-kham-muon-lao",
        "id": "https://www.vietnam.vn/id/ha-tinh-tang-cuong-hop-tac-voi-tinh-kham-muon-lao"}
    assert pages["baoquocte/full-meta_hoi-nghi-ngoai-giao-32-252871"].alternates == {}


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_translation_with_no_link_is_found_by_content_and_decoys_are_never_grouped(graph, order):
    items = load_world("decoys")
    names = list(items) if order == "forward" else list(reversed(items))
    for name in names:
        graph.add(items[name])
    hungary = items["baoquocte/bt-tiep-dai-su-hungary"]
    assert story_urls(graph, hungary) == {url(hungary), url(items["decoys/T1_en_hungary"]),
                                          url(items["decoys/T1b_fr_hungary"])}
    assert {link["kind"] for link in graph.links(url(items["decoys/T1_en_hungary"]))} == {"content-match"}
    for name in [n for n in items if n.startswith("decoys/D")]:
        assert story_urls(graph, items[name]) == {url(items[name])}, name


def test_precision_and_recall_on_every_world():
    logging.disable(logging.WARNING)
    try:
        rows = [row for world in ("pages", "dumps", "week", "decoys") for row in measure(world)]
    finally:
        logging.disable(logging.NOTSET)
    assert [(r["world"], r["order"], r["false"]) for r in rows if r["false"]] == []
    linked = sum(r["linked_pairs"] for r in rows)
    true = sum(r["true_pairs"] for r in rows)
    assert linked / true >= 0.9


def test_incremental_ids_agree_with_union_find_from_scratch(graph, dumps, pages):
    for item in list(dumps.values()) + list(pages.values()):
        graph.add(item)
    before = {s["story_id"]: {m["url"] for m in s["members"]} for s in graph.stories()}
    assert graph.recompute() == 0
    assert {s["story_id"]: {m["url"] for m in s["members"]} for s in graph.stories()} == before


def test_story_id_does_not_depend_on_arrival_order(tmp_path, pages):
    names = ["vietnamvn/s1_en", "vietnamvn/s1_vi", "vietnamvn/seed003_nl"]
    ids = []
    for i, order in enumerate([names, list(reversed(names))]):
        archive = Archive(tmp_path / f"a{i}")
        graph = StoryGraph(archive.conn)
        for name in order:
            graph.add(pages[name])
        ids.append(graph.story_of(url(pages["vietnamvn/s1_vi"])))
        archive.close()
    assert ids[0] == ids[1]


def test_item_fields_say_what_the_version_was_made_from(graph, dumps):
    from itemadapter import ItemAdapter
    graph.add(dumps["seeds/001"])
    item = dumps["seeds/000"]
    fill_story_fields(graph, ItemAdapter(item), graph.add(item))
    assert item.translation_of == url(dumps["seeds/001"]) and item.republished_from is None
    assert item.story_id == graph.story_of(url(dumps["seeds/001"]))
    assert [e["kind"] for e in item.link_evidence] == ["content-match"]


def scrapy(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_crawl_then_stories_command(tmp_path):
    """The pipeline in a real crawl, and ``scrapy stories --json`` / ``scrapy stories URL``."""
    dumps_dir = tmp_path / "dumps"
    dumps_dir.mkdir()
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        (dumps_dir / path.name).write_bytes(path.read_bytes())
    original = FIXTURES / "text" / "baoquocte" / "vi_compact_chuan_23122023.txt"
    (dumps_dir / original.name).write_bytes(original.read_bytes())
    archive = tmp_path / "archive"
    crawl = scrapy_crawl("seeds", "-a", f"path={dumps_dir}", "-s", f"ARCHIVE_DIR={archive}",
                         "-O", str(tmp_path / "out.jsonl"))
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    listed = scrapy("stories", "--json", "-s", f"ARCHIVE_DIR={archive}")
    assert listed.returncode == 0, listed.stderr[-2000:]
    stories = [json.loads(line) for line in listed.stdout.splitlines()]
    by_name = {}
    for story in stories:
        for m in story["members"]:
            by_name[m["url"].rsplit("/", 1)[-1][:3]] = (story["story_id"], m["role"], m["language"], m["site"])
    assert by_name["000"][0] == by_name["001"][0]
    assert by_name["001"][1:] == ("original", "vi", "baohatinh.vn")
    assert by_name["000"][1:] == ("translation", "id", "vietnam.vn")
    assert by_name["003"][0] == by_name["vi_"][0] and by_name["003"][1] == "translation"
    assert "002" not in by_name  # Can Tho's conference story has one version here
    one = scrapy("stories", SEED_004_ORIGINAL, "--json", "-s", f"ARCHIVE_DIR={archive}")
    (story,) = [json.loads(line) for line in one.stdout.splitlines()]
    assert {m["role"] for m in story["members"]} == {"original", "translation"}
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(i["story_id"] and isinstance(i["link_evidence"], list) for i in exported)
    assert sorted(e["kind"] for i in exported for e in i["link_evidence"]) == [
        "content-match", "credit+date", "source-link"]

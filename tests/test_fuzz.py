"""Hostile input: random and mutated pages/strings never hang or crash the parsers.

Property: a parser returns an item or raises :class:`crawler.extraction.page.ParseError` (a clear,
counted error); the date parser returns a valid ISO date or None; the pipelines either
pass an item or drop it with DropItem. Anything else is a bug.
"""
import re
from datetime import date, datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler import settings as project_settings
from crawler.extraction.dates import parse_date
from crawler.extraction.page import ParseError
from tests.support import FIXTURES, SEEDS, run_item_pipelines

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?$")
LANGS = st.sampled_from(["vi", "en", "fr", "nl", "id", "de", None])
FETCHED = datetime(2026, 11, 22, tzinfo=timezone.utc)
FUZZ = settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])

TEXT_PARSERS = [load_object(p) for p in project_settings.TEXT_PARSERS]
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@FUZZ
@given(raw=st.text(max_size=200), lang=LANGS)
def test_date_parser_never_raises(raw, lang):
    parsed = parse_date(raw, lang, raw, FETCHED)
    assert parsed is None or ISO.match(parsed.value)


@FUZZ
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       hh=st.integers(0, 23), mi=st.integers(0, 59),
       form=st.sampled_from(["{d:02d}/{m:02d}/{y} {hh:02d}:{mi:02d}", "Thứ Hai, {d}/{m}/{y} - {hh:02d}:{mi:02d}",
                             "{hh:02d}:{mi:02d} | {d:02d}/{m:02d}/{y}", "{y}-{m:02d}-{d:02d}T{hh:02d}:{mi:02d}:00+07:00"]))
def test_numeric_dates_round_trip(day, hh, mi, form):
    raw = form.format(d=day.day, m=day.month, y=day.year, hh=hh, mi=mi)
    assert parse_date(raw, "vi", None, FETCHED).value == f"{day.isoformat()}T{hh:02d}:{mi:02d}:00+07:00"


def _mutate(text: str, data) -> str:
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["drop", "dup", "swap", "junk", "cut", "blank"]))
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "junk":
            lines.insert(i, data.draw(st.text(max_size=80)))
        elif op == "cut":
            lines = lines[:i]
        else:
            lines[i] = "\u00a0 \t"
    return "\n".join(lines)


def _check_text(text: str) -> None:
    for parser in TEXT_PARSERS:
        try:
            recognized = parser.recognize(text)
        except Exception as exc:  # recognize must never raise
            raise AssertionError(f"{parser.__name__}.recognize raised {exc!r}") from exc
        if not recognized:
            continue
        try:
            item = parser(text, "file:///fuzz.txt").to_item()
        except ParseError:
            return
        try:
            run_item_pipelines(item)
        except DropItem:
            pass
        return


@FUZZ
@given(data=st.data(), seed=st.sampled_from(range(len(SEED_TEXTS))))
def test_mutated_seed_texts(data, seed):
    _check_text(_mutate(SEED_TEXTS[seed], data))


@FUZZ
@given(text=st.text(max_size=2000))
def test_random_text(text):
    _check_text(text)


def _spider_pages():
    loader = SpiderLoader.from_settings(get_project_settings())
    pages = []
    for name in loader.list():
        page = getattr(loader.load(name), "article_page", None)
        fixtures = sorted((FIXTURES / name).glob("*.html")) if (FIXTURES / name).is_dir() else []
        if page is not None and fixtures:
            pages.append((page, [f.read_text(encoding="utf-8", errors="replace") for f in fixtures]))
    return pages


SPIDER_PAGES = _spider_pages()


def _check_html(page_cls, html: str) -> None:
    url = "https://www.vietnam.vn/en/fuzz-page"
    response = HtmlResponse(url=url, body=html.encode("utf-8", "surrogatepass"), encoding="utf-8",
                            request=Request(url))
    try:
        item = page_cls(response).to_item()
    except ParseError:
        return
    try:
        run_item_pipelines(item)
    except DropItem:
        pass


@FUZZ
@given(data=st.data())
def test_mutated_html_pages(data):
    if not SPIDER_PAGES:
        return
    page_cls, htmls = data.draw(st.sampled_from(SPIDER_PAGES))
    html = data.draw(st.sampled_from(htmls))
    for _ in range(data.draw(st.integers(1, 6))):
        a = data.draw(st.integers(0, len(html)))
        b = data.draw(st.integers(a, min(len(html), a + 400)))
        op = data.draw(st.sampled_from(["delete", "truncate", "junk", "tagsoup"]))
        if op == "delete":
            html = html[:a] + html[b:]
        elif op == "truncate":
            html = html[:a]
        elif op == "junk":
            html = html[:a] + data.draw(st.text(max_size=60)) + html[a:]
        else:
            html = html[:a] + "<div><p><table><tr><td><p>" + html[a:]
    _check_html(page_cls, html)


@FUZZ
@given(html=st.text(max_size=3000))
def test_random_html(html):
    for page_cls, _ in SPIDER_PAGES:
        _check_html(page_cls, html.replace("\x00", ""))

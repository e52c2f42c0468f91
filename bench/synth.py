"""A large synthetic recording of each site, in the site's own layout (for the crawl and extraction benchmarks).

Article pages are the saved pages of ``tests/fixtures/<spider>/`` used as templates: the
template's title, lead, body paragraphs, publication day and URL are swapped for generated
ones wherever they occur verbatim (``<h1>``, ``<title>``, meta, JSON-LD, alt texts...), and
everything else -- header, menus, ads, image tables and captions, "Tin liên quan" boxes,
bylines, footers -- stays as the site serves it. A body paragraph the template writes with
inline markup (not verbatim) is kept as is, so the expected body (``truth.jsonl``) is the
template's expected body with the swapped paragraphs replaced. Text is drawn, per template,
from the words of the template's own expected text (so the language stays the page's).

Discovery is generated in each spider's format (what the spider modules document):

* baoquocte: ``/rss_feed/ngoai-giao`` (RSS 2.0) and the section listing ``/ngoai-giao`` +
  ``/ngoai-giao&s_cond=&BRSR=<offset>`` (15 cards per page, MasterCMS pager), newest first;
* vietnamvn: ``/sitemap.xml`` (index) -> ``/sitemap/sitemap-post/YYYY-MM-DD.xml`` daily files,
  each slug in vi, en, fr, nl and id;
* baohatinh: ``/sitemap.xml`` -> monthly ``/sitemaps/news-YYYY-M.xml``, ``/rss/home.rss``, and
  the ``/chinh-tri/`` and ``/the-gioi/`` category pages (``a.cms-link``, ``rel=next``);
* cantho: the Liferay asset-publisher listing ``?cur=N`` (friendly article URLs).

Output, per site, in ``OUT/<spider>/`` (``tests/fixtures`` is only read):

* ``manifest.json`` -- ``[{"url", "file", "status", "headers"}]``, what
  :meth:`tests.mirror.Mirror.load_dir` and ``bench/bench_crawl.py``'s server serve;
* ``truth.jsonl`` -- one line per article page: ``url``, ``template``, ``title``, ``lead``,
  ``body``, ``day``;
* ``info.json`` -- counts, the date range (for backfills) and the generation time.

    python bench/synth.py [--out bench/out/synth] [--sites baoquocte=5000,vietnamvn=1000,...] [--check 40]

``--check N`` parses the first N article pages of each site with the site's page object and
reports how many give exactly the intended title and body (a check of the generator, not a benchmark).
"""
from __future__ import annotations

import argparse
import html as htmlmod
import json
import random
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from common import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT_OUT = ROOT / "bench" / "out" / "synth"
DEFAULT_SITES = {"baoquocte": 5000, "vietnamvn": 1000, "baohatinh": 1000, "cantho": 1000}
#: the newest synthetic article is published on this day; older ones go back ARTICLES_PER_DAY a day
NEWEST_DAY = date(2025, 12, 31)
ARTICLES_PER_DAY = 12

HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml"
RSS_TYPE = "application/rss+xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"

#: a foreign-affairs phrase per language, put in each title so the topic tagger keeps the
#: article on the general-news sites (as the fixtures, which are all foreign-affairs stories bar one)
ANCHORS = {
    "vi": ["Hợp tác quốc tế", "Đối ngoại", "Ngoại giao", "Quan hệ hữu nghị", "Đại sứ quán"],
    "en": ["International cooperation", "Foreign affairs", "Diplomatic ties", "Ambassador visit"],
    "fr": ["Coopération internationale", "Visite officielle", "Ambassade"],
    "nl": ["Internationale samenwerking", "Buitenlandse zaken", "Ambassade"],
    "id": ["Kerja sama internasional", "Duta besar", "Luar negeri"],
}
#: ascii slug words with a foreign-affairs stem (vietnam.vn slugs are filtered on them)
SLUG_ANCHORS = ["hop-tac-quoc-te", "ngoai-giao", "doi-ngoai", "dai-su", "huu-nghi-viet-lao", "quan-he-song-phuong"]
#: words never drawn: photo-credit / caption triggers and site names
_BANNED = {"ảnh", "nguồn", "photo", "photos", "foto", "fotos", "source", "bron", "sumber", "quelle", "credit",
           "ttxvn", "tgvn", "vna", "baoquocte.vn", "baohatinh.vn", "vietnam.vn", "comment", "reactie", "komentar",
           "commentaire"}
_PUNCT = "\"'“”‘’«»()[]{}.,;:!?…–—-|/"
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


# --- text ---------------------------------------------------------------------------------------
class Lexicon:
    """Random sentences from the words of one template's own text."""

    def __init__(self, text: str):
        words = []
        for raw in text.split():
            w = raw.strip(_PUNCT)
            if len(w) < 2 or any(c.isdigit() for c in w) or w.casefold() in _BANNED or not w.isalpha():
                continue
            words.append(w.lower() if not w.isupper() else w)
        self.words = words or ["tin", "tức"]

    def words_(self, rng: random.Random, n: int) -> list[str]:
        return [rng.choice(self.words) for _ in range(n)]

    def sentence(self, rng: random.Random, lo: int = 12, hi: int = 26) -> str:
        words = self.words_(rng, rng.randint(lo, hi))
        if len(words) > 8:
            words[rng.randint(3, len(words) - 3)] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randint(2, 4)))

    def title(self, rng: random.Random, anchor: str) -> str:
        return f"{anchor} " + " ".join(self.words_(rng, rng.randint(6, 10)))


def ascii_slug(text: str, max_words: int = 10) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words[:max_words]) or "bai-viet"


def day_of(i: int) -> date:
    return NEWEST_DAY - timedelta(days=i // ARTICLES_PER_DAY)


# --- article templates -------------------------------------------------------------------------
_DAY_RE = r"(?<![\d/]){d}/{m}/{y}(?!\d)"


@dataclass
class Template:
    name: str
    spider: str
    url: str
    html: str
    expected: dict
    language: str
    day: date | None  # the publication day the page shows (swapped for the synthetic one)
    lexicon: Lexicon = field(init=False)

    def __post_init__(self):
        e = self.expected
        self.lexicon = Lexicon(" ".join(filter(None, (e.get("title"), e.get("lead"), e.get("body")))))

    @classmethod
    def load(cls, spider: str, name: str) -> Template:
        spec = json.loads((FIXTURES / spider / f"{name}.expected.json").read_text(encoding="utf-8"))
        page = (FIXTURES / spider / f"{name}.html").read_text(encoding="utf-8")
        expected = spec["expected"]
        day = None
        for value in (expected.get("published_at"), expected.get("published_at_raw")):
            if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
                day = date.fromisoformat(value[:10])
                break
        if day is None:  # the page shows a day the expected JSON does not pin: the first dd/mm/yyyy
            m = re.search(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(20\d{2})(?!\d)", page)
            if m:
                day = date(int(m[3]), int(m[2]), int(m[1]))
        return cls(name, spider, spec["url"], page, expected, expected.get("language") or "vi", day)

    def render(self, rng: random.Random, url: str, day: date, *, title_anchor: str,
               dated_first_paragraph: str | None = None) -> tuple[str, dict]:
        """(HTML, truth) of one synthetic article."""
        e = self.expected
        page = self.html
        lex = self.lexicon
        truth = {"url": url, "template": f"{self.spider}/{self.name}", "language": self.language}
        title = lex.title(rng, title_anchor)
        lead = " ".join(lex.sentence(rng, 14, 24) for _ in range(rng.randint(1, 2)))
        if not e.get("title"):  # a page without a readable title: the topic goes into the lead
            lead = f"{title_anchor} {lead[0].lower()}{lead[1:]}"
        # body paragraphs first (a title or lead may be a substring of nothing else)
        body_out = []
        first = True
        for para in (e.get("body") or "").split("\n\n"):
            if not para:
                continue
            new = lex.paragraph(rng)
            if first and dated_first_paragraph:
                new = dated_first_paragraph + new[0].lower() + new[1:]
            hit, page = _swap(page, para, new)
            body_out.append(new if hit else para)
            first = first and not hit
        truth["body"] = "\n\n".join(body_out)
        if e.get("title"):
            hit, page = _swap(page, e["title"], title)
            truth["title"] = title if hit else e["title"]
        if e.get("lead"):
            hit, page = _swap(page, e["lead"], lead)
            truth["lead"] = lead if hit else e["lead"]
        if self.day is not None:
            page = _swap_day(page, self.day, day)
            truth["day"] = day.isoformat()
        page = page.replace(htmlmod.escape(self.url), htmlmod.escape(url)).replace(self.url, url)
        return page, truth


def _swap(page: str, old: str, new: str) -> tuple[bool, str]:
    for form in dict.fromkeys((htmlmod.escape(old, quote=False), htmlmod.escape(old), old)):
        if form in page:
            return True, page.replace(form, htmlmod.escape(new, quote=False))
    return False, page


def _swap_day(page: str, old: date, new: date) -> str:
    def numeric(m: re.Match) -> str:
        d, mo = m[1], m[2]
        return f"{new.day:0{len(d)}d}/{new.month:0{len(mo)}d}/{new.year}"

    page = re.sub(rf"(?<![\d/])(0?{old.day})/(0?{old.month})/{old.year}(?!\d)", numeric, page)
    return re.sub(rf"(?<!\d){old.isoformat()}(?!\d)", new.isoformat(), page)


# --- output ----------------------------------------------------------------------------------------
class Recording:
    def __init__(self, out: Path):
        self.out = out
        if out.exists():
            shutil.rmtree(out)
        (out / "pages").mkdir(parents=True)
        self.manifest: list[dict] = []
        self.truth: list[dict] = []

    def add(self, url: str, body: str | bytes, content_type: str, status: int = 200) -> None:
        name = f"pages/{len(self.manifest):06d}" + (".html" if "html" in content_type else
                                                       ".xml" if ("xml" in content_type) else ".txt")
        data = body.encode("utf-8") if isinstance(body, str) else body
        (self.out / name).write_bytes(data)
        self.manifest.append({"url": url, "file": name, "status": status, "headers": {"Content-Type": content_type}})

    def article(self, url: str, page: str, truth: dict) -> None:
        self.add(url, page, HTML_TYPE)
        self.truth.append(truth)

    def close(self, info: dict) -> dict:
        (self.out / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=0), encoding="utf-8")
        with open(self.out / "truth.jsonl", "w", encoding="utf-8") as fh:
            for row in self.truth:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        info = {"pages": len(self.manifest), "articles": len(self.truth), **info}
        (self.out / "info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        return info


def _robots(disallow: list[str]) -> str:
    return "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in disallow)


def _sitemap(entries: list[tuple[str, str | None]], index: bool = False) -> str:
    tag, root = ("sitemap", "sitemapindex") if index else ("url", "urlset")
    rows = "\n".join(f"<{tag}><loc>{htmlmod.escape(u)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + f"</{tag}>"
                     for u, m in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}\n</{root}>\n")


def _rss(title: str, link: str, items: list[tuple[str, str, datetime]]) -> str:
    rows = "".join(f"<item><title><![CDATA[{t}]]></title><link>{htmlmod.escape(u)}</link>"
                   f"<guid isPermaLink=\"true\">{htmlmod.escape(u)}</guid><pubDate>{format_datetime(when)}</pubDate></item>\n"
                   for t, u, when in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>{link}</link>\n{rows}</channel></rss>\n")


def _when(rng: random.Random, day: date) -> datetime:
    from crawler.extraction.dates import VN_TZ

    return datetime(day.year, day.month, day.day, rng.randint(6, 21), rng.randint(0, 59), tzinfo=VN_TZ)


def _replace_between(page: str, start_marker: str, end_marker: str, new: str) -> str:
    """``page`` with what lies between the first ``start_marker`` and the next ``end_marker`` replaced."""
    a = page.index(start_marker)
    b = page.index(end_marker, a)
    return page[:a] + new + page[b:]


# --- sites -----------------------------------------------------------------------------------------
def baoquocte(out: Path, n: int, seed: int, as_of: date | None = None) -> dict:
    from spiders.baoquocte.rules import HOME

    rng = random.Random(seed)
    templates = [Template.load("baoquocte", name) for name in (
        "nometa_tham-van-lanh-su-viet-lao-252788", "byline-title_ngoai-giao-2023-252655",
        "full-meta_hoi-nghi-ngoai-giao-32-252871", "changed-layout_bao-ho-cong-dan-252640")]
    rec = Recording(out)
    rec.add(f"{HOME}/robots.txt", _robots(["/search_enginer.html", "/admin/"]), TEXT_TYPE)
    cards = []
    for i in range(n):
        t = templates[i % len(templates)]
        day = day_of(i)
        sub = random.Random(rng.random())
        page, truth = t.render(sub, f"{HOME}/__URL__", day, title_anchor=sub.choice(ANCHORS["vi"]))
        # the slug follows the title and the ID goes down with age, as on the site
        url = f"{HOME}/{ascii_slug(truth.get('title') or 'bai viet')}-{400000 - i}.html"
        page = page.replace(f"{HOME}/__URL__", url)
        truth["url"] = url
        when = _when(rng, day)
        if as_of and day > as_of:
            continue
        rec.article(url, page, truth)
        cards.append((url, truth.get("title") or "", truth.get("lead") or "", when))
    n = len(cards)
    # the feed: the 20 newest
    rec.add(f"{HOME}/rss_feed/ngoai-giao", _rss("Ngoại giao - Báo Thế giới và Việt Nam", f"{HOME}/ngoai-giao",
                                                [(t, u, w) for u, t, _, w in cards[:20]]), RSS_TYPE)
    # the section listing, 15 cards a page, with the article page's chrome
    chrome = templates[0].html
    per_page, pages = 15, (n + 14) // 15
    for p in range(pages):
        offset = p * per_page
        url = f"{HOME}/ngoai-giao" if p == 0 else f"{HOME}/ngoai-giao&s_cond=&BRSR={offset}"
        box = ['<div class="bx-listing fw lt clearfix">']
        for u, t, lead, when in cards[offset:offset + per_page]:
            path = u.removeprefix(HOME)
            box.append(f'<div class="article fw lt clearfix"><a class="article-image lt" href="{path}">'
                       f'<img src="https://cdn.baoquocte.vn/stores/news_dataimages/thumb/{path.strip("/")}.jpg" '
                       f'alt="{htmlmod.escape(t)}" /></a><h3 class="article-title f0"><a href="{path}" '
                       f'title="{htmlmod.escape(t)}">{htmlmod.escape(t)}</a></h3>'
                       f'<span class="time">{when:%d/%m/%Y %H:%M}</span>'
                       f'<div class="article-desc">{htmlmod.escape(lead[:160])}</div></div>')
        box.append("</div>")
        links = [f'<a href="/ngoai-giao&s_cond=&BRSR={q * per_page}">{q + 1}</a>' for q in range(p + 1, min(pages, p + 4))]
        if p + 1 < pages:
            links.append(f'<a href="/ngoai-giao&s_cond=&BRSR={(pages - 1) * per_page}">Trang cuối</a>')
        prev = f'<a href="/ngoai-giao&s_cond=&BRSR={(p - 1) * per_page}">Trang trước</a>' if p else ""
        box.append(f'<div class="__MB_ARTICLE_PAGING fw lt clearfix"><div class="lt">{prev}</div>'
                   f'<div class="rt">{"".join(links)}</div></div>')
        listing = _replace_between(chrome, '<div class="col-left lt">', '<div class="col-right rt">',
                                   '<div class="col-left lt"><h1 class="box-title">Ngoại giao</h1>'
                                   + "\n".join(box) + "</div>\n  ")
        listing = re.sub(r"<title>.*?</title>", "<title>Ngoại giao - Báo Thế giới và Việt Nam</title>", listing,
                         flags=re.S)
        rec.add(url, listing, HTML_TYPE)
    oldest = day_of(n - 1)
    return rec.close({"listing_pages": pages, "feed_items": min(20, n), "since": oldest.isoformat(),
                      "until": NEWEST_DAY.isoformat(), "crawl_args": ["-a", f"pages={pages + 5}"]})


def vietnamvn(out: Path, n: int, seed: int, as_of: date | None = None) -> dict:
    """``n`` article pages: n/5 slugs, each in vi, en, fr, nl and id."""
    from spiders.vietnamvn.spider import HOME, article_url

    rng = random.Random(seed)
    by_lang = {
        "vi": [Template.load("vietnamvn", "s1_vi")],
        "en": [Template.load("vietnamvn", "s1_en")],
        "fr": [Template.load("vietnamvn", "s1_fr"), Template.load("vietnamvn", "seed004_fr")],
        "nl": [Template.load("vietnamvn", "seed003_nl")],
        "id": [Template.load("vietnamvn", "s1_id"), Template.load("vietnamvn", "seed000_id")],
    }
    languages = ("vi", "en", "fr", "nl", "id")
    rec = Recording(out)
    rec.add(f"{HOME}/robots.txt", _robots(["/api/", "/search"]), TEXT_TYPE)
    slugs = max(1, n // len(languages))
    per_day: dict[date, list[tuple[str, str]]] = {}
    for s in range(slugs):
        day = day_of(s * len(languages))
        sub = random.Random(rng.random())
        slug = f"{sub.choice(SLUG_ANCHORS)}-{'-'.join(ascii_slug(w) for w in sub.sample(by_lang['vi'][0].lexicon.words, 5))}-{s}"
        slug = re.sub(r"-+", "-", slug)
        for _k, lang in enumerate(languages):
            t = by_lang[lang][s % len(by_lang[lang])]
            url = article_url(slug, lang)
            page, truth = t.render(sub, url, day, title_anchor=sub.choice(ANCHORS[lang]))
            if not (as_of and day > as_of):
                rec.article(url, page, truth)
        when = _when(rng, day)
        if as_of and day > as_of:
            continue
        lastmod = (when - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        per_day.setdefault(day, []).append((article_url(slug, "vi"), lastmod))
    index = [(f"{HOME}/news-sitemap.xml", None), (f"{HOME}/sitemap/sitemap-page.xml", None),
             (f"{HOME}/sitemap-tag.xml", None)]
    for day, entries in sorted(per_day.items()):
        loc = f"{HOME}/sitemap/sitemap-post/{day.isoformat()}.xml"
        index.append((loc, f"{day.isoformat()}T23:59:00.000Z"))
        rec.add(loc, _sitemap(entries), XML_TYPE)
    rec.add(f"{HOME}/sitemap.xml", _sitemap(index, index=True), XML_TYPE)
    oldest = min(per_day)
    return rec.close({"slugs": slugs, "daily_sitemaps": len(per_day), "since": oldest.isoformat(),
                      "until": NEWEST_DAY.isoformat(),
                      "crawl_args": ["-a", f"since={oldest.isoformat()}", "-a", f"until={NEWEST_DAY.isoformat()}"]})


def baohatinh(out: Path, n: int, seed: int, as_of: date | None = None) -> dict:
    from spiders.baohatinh.rules import HOME

    rng = random.Random(seed)
    templates = [Template.load("baohatinh", name) for name in (
        "seed001_hoi-nghi-ngoai-vu-post254817", "jsonld_bolikhamxay-post255043",
        "nometa_xuc-tien-dau-tu-han-quoc-post254602", "changed-layout_dai-su-australia-post255478")]
    rec = Recording(out)
    rec.add(f"{HOME}/robots.txt", _robots(["/tim-kiem/"]), TEXT_TYPE)
    months: dict[tuple[int, int], list[tuple[str, str]]] = {}
    cards = []
    for i in range(n):
        t = templates[i % len(templates)]
        day = day_of(i)
        sub = random.Random(rng.random())
        page, truth = t.render(sub, f"{HOME}/__URL__", day, title_anchor=sub.choice(ANCHORS["vi"]))
        url = f"{HOME}/{ascii_slug(truth.get('title') or 'bai viet')}-post{400000 - i}.html"
        page = page.replace(f"{HOME}/__URL__", url)
        truth["url"] = url
        when = _when(rng, day)
        if as_of and day > as_of:
            continue
        rec.article(url, page, truth)
        months.setdefault((day.year, day.month), []).append((url, when.isoformat()))
        cards.append((url, truth.get("title") or "", when))
    index = [(f"{HOME}/sitemaps/categories.xml", None), (f"{HOME}/sitemaps/tags-1.xml", None)]
    for (y, m), entries in sorted(months.items(), reverse=True):
        loc = f"{HOME}/sitemaps/news-{y}-{m}.xml"
        index.append((loc, entries[0][1]))
        rec.add(loc, _sitemap(entries), XML_TYPE)
    rec.add(f"{HOME}/sitemap.xml", _sitemap(index, index=True), XML_TYPE)
    rec.add(f"{HOME}/rss/home.rss", _rss("Báo Hà Tĩnh - Trang chủ", f"{HOME}/", [(t, u, w) for u, t, w in cards[:30]]),
            RSS_TYPE)
    chrome = (FIXTURES / "baohatinh" / "replay" / "chinh-tri.html").read_text(encoding="utf-8")
    per_page = 20
    for c, category in enumerate(("chinh-tri", "the-gioi")):
        mine = cards[c::2]
        pages = min(5, (len(mine) + per_page - 1) // per_page)
        for p in range(pages):
            url = f"{HOME}/{category}/" + (f"?page={p + 1}" if p else "")
            stories = "".join(
                f'<article class="story"><h2 class="story__heading"><a class="cms-link" href="{u}" '
                f'title="{htmlmod.escape(t)}">{htmlmod.escape(t)}</a></h2>'
                f'<time class="time">{w:%d/%m/%Y %H:%M}</time></article>\n'
                for u, t, w in mine[p * per_page:(p + 1) * per_page])
            nxt = f'<a class="next" href="{HOME}/{category}/?page={p + 2}" rel="next">Trang sau</a>' if p + 1 < pages else ""
            main = f'<main class="site-main"><div class="main-col"><div class="list-stories">{stories}</div>' \
                   f'<div class="pagination">{nxt}</div></div>'
            page = _replace_between(chrome, '<main class="site-main">', "</main>", main)
            page = re.sub(r'<link rel="next"[^>]*>', "", page)
            rec.add(url, page, HTML_TYPE)
    oldest = day_of(n - 1)
    return rec.close({"monthly_sitemaps": len(months), "since": oldest.isoformat(), "until": NEWEST_DAY.isoformat(),
                      "crawl_args": ["-a", f"since={oldest.isoformat()}", "-a", f"until={NEWEST_DAY.isoformat()}"]})


def cantho(out: Path, n: int, seed: int, as_of: date | None = None) -> dict:
    from spiders.cantho.spider import SECTION_URL

    rng = random.Random(seed)
    templates = [Template.load("cantho", name) for name in ("a3_caption_byline", "seed002_en", "seed002_vi_ui")]
    per_page = 25
    n = min(n, 200 * per_page)  # CANTHO_MAX_PAGES
    rec = Recording(out)
    rec.add("http://1cua.songoaivu.cantho.gov.vn/robots.txt", _robots(["/c/", "/api/"]), TEXT_TYPE)
    items = []
    for i in range(n):
        t = templates[i % len(templates)]
        day = day_of(i)
        sub = random.Random(rng.random())
        lead_in = f"On {MONTHS_EN[day.month - 1]} {day.day}, {day.year}, "
        page, truth = t.render(sub, f"{SECTION_URL}/__URL__", day, title_anchor=sub.choice(ANCHORS["en"]),
                               dated_first_paragraph=lead_in)
        url_title = f"{ascii_slug(truth.get('title') or 'news')}-{i}"
        url = f"{SECTION_URL}/-/asset_publisher/uJQhHtnO4IGB/content/{url_title}"
        page = page.replace(f"{SECTION_URL}/__URL__", url)
        truth["url"] = url
        if as_of and day > as_of:
            continue
        rec.article(url, page, truth)
        items.append((url, truth.get("title") or "", lead_in))
    chrome = (FIXTURES / "cantho" / "replay" / "listing_page1.html").read_text(encoding="utf-8")
    pages = (len(items) + per_page - 1) // per_page
    for p in range(pages):
        url = SECTION_URL if p == 0 else f"{SECTION_URL}?cur={p + 1}"
        links = ""
        if p + 1 < pages:
            links = (f'<a class="next" href="{SECTION_URL}?cur={p + 2}">Next</a>'
                     f'<a class="last" href="{SECTION_URL}?cur={pages}">Last</a>')
        pager = (f'<div class="taglib-page-iterator"><div class="search-pages"><div class="page-selector">Page {p + 1} '
                 f'of {pages}</div><div class="page-links">{links}</div></div></div>')
        abstracts = "".join(
            f'<div class="asset-abstract ">\n<h3 class="asset-title"><a href="{u}">{htmlmod.escape(t)}</a></h3>\n'
            f'<div class="asset-content"><div class="asset-summary">{htmlmod.escape(lead.rstrip(", "))}…</div>'
            f'<div class="asset-more"><a href="{u}">Read More &raquo; </a></div></div>\n'
            f'<div class="asset-metadata"></div>\n</div>'
            for u, t, lead in items[p * per_page:(p + 1) * per_page])
        page = _replace_between(chrome, '<div class="taglib-page-iterator" id="_101_INSTANCE_uJQhHtnO4IGB_pageIteratorplain">',
                                '<div class="taglib-page-iterator" id="_101_INSTANCE_uJQhHtnO4IGB_pageIteratorns">',
                                pager + abstracts)
        page = _replace_between(page, '<div class="taglib-page-iterator" id="_101_INSTANCE_uJQhHtnO4IGB_pageIteratorns">',
                                "</div></div></div>", pager.removesuffix("</div></div></div>"))
        rec.add(url, page, "text/html;charset=UTF-8")
    return rec.close({"listing_pages": pages, "crawl_args": []})


GENERATORS = {"baoquocte": baoquocte, "vietnamvn": vietnamvn, "baohatinh": baohatinh, "cantho": cantho}


# --- check -------------------------------------------------------------------------------------------
def check(site_dir: Path, spider: str, n: int) -> tuple[int, int, list[str]]:
    """How many of the first ``n`` article pages parse to their intended title and body."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    page_cls = SpiderLoader.from_settings(get_project_settings()).load(spider).article_page
    files = {row["url"]: row["file"] for row in json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))}
    truths = [json.loads(line) for line in (site_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()[:n]]
    ok, bad = 0, []
    for t in truths:
        body = (site_dir / files[t["url"]]).read_bytes()
        response = HtmlResponse(t["url"], body=body, encoding="utf-8", request=Request(t["url"]))
        item = page_cls(response).to_item()
        from crawler.extraction.text import normalize_text

        if normalize_text(item.get("body")) == normalize_text(t["body"]) and item.get("title") == t.get("title"):
            ok += 1
        else:
            bad.append(t["template"])
    return ok, len(truths), bad


def parse_sites(value: str) -> dict[str, int]:
    out = {}
    for part in value.split(","):
        name, _, count = part.partition("=")
        if name.strip() not in GENERATORS:
            raise SystemExit(f"unknown site {name!r}; known: {', '.join(GENERATORS)}")
        out[name.strip()] = int(count or DEFAULT_SITES[name.strip()])
    return out


def generate(out: Path = DEFAULT_OUT, sites: dict[str, int] | None = None, seed: int = 20251231,
             check_n: int = 0, quiet: bool = False, as_of: date | None = None) -> dict:
    """``as_of``: the site as it stood that day -- the same articles (same pages and URLs for the
    same seed), without those published after it (tests of scheduled runs over time)."""
    results = {}
    for spider, n in (sites or DEFAULT_SITES).items():
        t0 = time.perf_counter()
        info = GENERATORS[spider](out / spider, n, seed, as_of)
        info["seconds"] = round(time.perf_counter() - t0, 2)
        if check_n:
            ok, total, bad = check(out / spider, spider, check_n)
            info["check"] = f"{ok}/{total}"
            if bad:
                info["check_failures"] = sorted(set(bad))
        (out / spider / "info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        results[spider] = info
        if not quiet:
            print(f"{spider:10} {info['articles']:>6} articles, {info['pages']:>6} pages in {info['seconds']:.1f} s"
                  + (f", check {info['check']}" if check_n else "")
                  + (f" (failing templates: {', '.join(info['check_failures'])})" if info.get("check_failures") else ""))
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--sites", default=",".join(f"{k}={v}" for k, v in DEFAULT_SITES.items()))
    ap.add_argument("--seed", type=int, default=20251231)
    ap.add_argument("--check", type=int, default=0, help="parse the first N article pages of each site")
    args = ap.parse_args()
    generate(args.out, parse_sites(args.sites), args.seed, args.check)

"""Prove a refactor changes no item: run the same inputs through two code versions and diff the items.

    python scripts/compare_items.py --base REV [--head REV | --worktree] [--out DIR] [--only pages,text,seeds,replays]

The base version is checked out in a temporary ``git worktree``; the head version is another commit
(``--head REV``, also a temporary worktree) or, by default, the working tree of this repository
(``--worktree``, uncommitted changes included). Each version runs in its own child process with the
version's directory as cwd and first on ``PYTHONPATH`` (the venv's editable-install finder is removed,
and the child checks that ``crawler`` resolves inside that tree). What is compared:

  pages    tests/fixtures/<spider>/**/<name>.html with <name>.expected.json beside it: the spider's
           ``article_page(response).to_item()``, then normalize + dates (tests.support.run_item_pipelines);
           case id: spider + the fixture's url (+ sha1 of the html when two fixtures share a url)
  text     every other tests/fixtures/**/*.txt (text/<site>, real/<site>; not recordings): the first
           settings.TEXT_PARSERS class that recognizes it, ``Cls(text, url).to_item()``, the pipelines;
           case id: sha1 of the text (the parser's class name is recorded and compared)
  seeds    seeds/*.txt, the same way
  replays  every recording tests/fixtures/<spider>/**/manifest.json, replayed by ``scrapy crawl`` from a
           WARC (the version's tests.support.warc_from_manifest + replay_args): a backfill when a json
           beside the manifest holds since/until, else an incremental with TODAY pinned to the latest date
           in the recording; case id: spider + a fingerprint of the recorded URLs + args, then canonical_url

Why only layout-independent entry points: the refactor moves modules (spiders into per-site packages,
crawler/ regrouped) and may rename fixtures, so the children never import a module by its path. They
find everything the way Scrapy and the tests do: get_project_settings() (SCRAPY_SETTINGS_MODULE=
crawler.settings), SpiderLoader.from_settings() for spiders (``article_page``, ``name``), dotted paths in
settings["TEXT_PARSERS"], tests.support's helpers, ``python -m scrapy crawl``; and cases are keyed by
content (url, sha1, recorded URLs), never by file name; a text dump is parsed under its file:/// url in
the base on both sides, so renaming it changes nothing. Fields starting with "_" (where a case came
from) and the volatile ``fetched_at`` are not compared.

Writes <out>/base.json, <out>/head.json, <out>/diff.json; exit status 0 when everything is identical.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: the interpreter of the test environment (COMPARE_PYTHON overrides; its own sys.path never wins: see above)
PYTHON = os.environ.get("COMPARE_PYTHON") or str(REPO / ".venv-test" / "bin" / "python")
KINDS = ("pages", "text", "seeds", "replays")
VOLATILE = {"fetched_at"}
#: every child starts with this: drop the editable install's finder so imports resolve in the cwd tree only
BOOT = ("import os, sys; sys.path.insert(0, os.getcwd()); sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in "
        "getattr(f, '__module__', '')]; import crawler; here = os.path.realpath(crawler.__file__); "
        "assert here.startswith(os.path.realpath(os.getcwd()) + os.sep), here; ")
CRAWL = BOOT + "from scrapy.cmdline import execute; execute(['scrapy', *sys.argv[1:]])"


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def plain(item) -> dict:
    from itemadapter import ItemAdapter
    data = json.loads(json.dumps(ItemAdapter(item).asdict(), default=str, sort_keys=True))
    return {k: v for k, v in data.items() if k not in VOLATILE}


def guarded(make, *args) -> dict:
    """``make(*args)``, or the error it raised: a case that fails is a result too."""
    try:
        return make(*args)
    except Exception as exc:  # a case that fails is a result too
        return {"error": f"{type(exc).__name__}: {exc}"}


def unique(cases: dict, key: str) -> str:
    """``key``, or ``key #2``, ``key #3``... when taken (identical inputs twice)."""
    n = 1
    while (key if n == 1 else f"{key} #{n}") in cases:
        n += 1
    return key if n == 1 else f"{key} #{n}"


def text_dumps(tree: Path) -> dict[str, list[Path]]:
    """The text dumps of a tree: tests/fixtures/**/*.txt outside recordings, and seeds/*.txt."""
    recordings = [m.parent for m in (tree / "tests/fixtures").glob("*/**/manifest.json")]
    return {"text": sorted(p for p in (tree / "tests/fixtures").rglob("*.txt") if not any(r in p.parents for r in recordings)),
            "seeds": sorted((tree / "seeds").glob("*.txt"))}


def text_urls(tree: Path) -> dict[str, str]:
    """{sha1 of a dump: its file:/// url in ``tree``} -- both versions parse a dump under the base's url,
    so renaming a dump changes nothing."""
    return {sha1(p.read_bytes()): f"file:///{p.parent.name}/{p.stem}.txt" for ps in text_dumps(tree).values() for p in ps}


def recording_args(manifest: Path) -> list[str]:
    """A backfill over the range a spec beside the manifest gives, else an incremental as of the recording."""
    for spec in sorted(manifest.parent.glob("*.json")):
        data = json.loads(spec.read_text(encoding="utf-8")) if spec != manifest else None
        if isinstance(data, dict) and data.get("since") and data.get("until"):
            return ["-a", f"since={data['since']}", "-a", f"until={data['until']}"]
    dates = []
    for path in manifest.parent.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            raw = path.read_bytes()
            text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8", "replace")
            dates += re.findall(r"(?<!\d)(20\d\d-[01]\d-[0-3]\d)(?!\d)", text)
            dates += [f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in
                      re.findall(r"(?<!\d)([0-3]?\d)/([01]?\d)/(20\d\d)(?!\d)", text)]
    return (["-s", f"TODAY={max(dates)}"] if dates else []) + ["-s", "INCREMENTAL_DEFAULT_DAYS=3650"]


def child(kinds: list[str], work: Path) -> dict:
    """Runs inside one version's tree: the pages/text/seeds items, and the crawls to run for replays."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.misc import load_object
    from scrapy.utils.project import get_project_settings

    import crawler
    from tests import support

    pipelines = getattr(support, "run_item_pipelines", lambda item: item)
    settings = get_project_settings()
    loader = SpiderLoader.from_settings(settings)
    fixtures, tree = Path("tests/fixtures"), Path.cwd()
    recordings = sorted(m.parent for m in fixtures.glob("*/**/manifest.json"))
    def in_recording(p):
        return any(r in p.parents for r in recordings)
    def spider_of(p):
        return next((part for part in p.relative_to(fixtures).parts if part in loader.list()), None)
    out = {"crawler": crawler.__file__, **{kind: {} for kind in kinds}}

    if "pages" in kinds:
        cases = []
        for spec_path in sorted(fixtures.glob("*/**/*.expected.json")):
            html_path = spec_path.with_name(spec_path.name.replace(".expected.json", ".html"))
            spider = spider_of(spec_path)
            if html_path.exists() and not in_recording(spec_path) and spider:
                spec = json.loads(spec_path.read_text(encoding="utf-8"))
                cases.append((spider, spec["url"], spec.get("meta") or {}, html_path, html_path.read_bytes()))
        shared = [(spider, url) for spider, url, *_ in cases]
        for spider, url, meta, html_path, html in cases:
            response = HtmlResponse(url, body=html, encoding="utf-8", request=Request(url, meta=meta))
            page = loader.load(spider).article_page
            record = guarded(lambda cls, resp: plain(pipelines(cls(resp).to_item())), page, response)
            key = f"{spider} {url}" + (f" sha1:{sha1(html)[:12]}" if shared.count((spider, url)) > 1 else "")
            out["pages"][unique(out["pages"], key)] = dict(record, _fixture=str(html_path))

    parsers = [load_object(p) for p in settings.getlist("TEXT_PARSERS")]
    base_urls = json.loads((work / "text_urls.json").read_text(encoding="utf-8"))
    for kind, files in text_dumps(Path(".")).items():
        for path in files if kind in kinds else []:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
            url = base_urls.get(sha1(raw), f"file:///{path.parent.name}/{path.stem}.txt")
            parser = guarded(lambda dump: next((p for p in parsers if p.recognize(dump)), None), text)
            record = parser if isinstance(parser, dict) else {"parser": parser and parser.__name__}
            if parser and not isinstance(parser, dict):
                record.update(guarded(lambda cls, dump, where: plain(pipelines(cls(dump, where).to_item())), parser, text, url))
            out[kind][unique(out[kind], f"sha1:{sha1(raw)[:16]}")] = dict(record, _file=str(path))

    if "replays" in kinds:
        crawls = out["replays"] = []
        for i, folder in enumerate(recordings):
            spider, manifest = spider_of(folder), folder / "manifest.json"
            if not spider:
                continue
            warc = support.warc_from_manifest(tree / manifest, work / f"rec{i}.warc.gz")
            urls = sorted(row["url"] for row in json.loads(manifest.read_text(encoding="utf-8")))
            args = recording_args(manifest)
            crawls.append({"key": f"{spider} rec:{sha1(json.dumps(urls).encode())[:10]} {' '.join(args)}",
                           "folder": str(folder), "out": str(work / f"rec{i}.jsonl"),
                           "argv": ["crawl", spider, *support.replay_args(warc, work / f"archive{i}"),
                                    "-O", str(work / f"rec{i}.jsonl"), *args]})
    return out


def run_crawl(tree: Path, env: dict, crawl: dict, timeout: int) -> dict:
    """One replay crawl in ``tree``: {case id: record}, its items keyed by canonical_url."""
    log = Path(crawl["out"]).with_suffix(".log")
    try:
        with log.open("w") as err:
            rc = subprocess.run([PYTHON, "-c", CRAWL, *crawl["argv"]], cwd=tree, env=env, stdout=err,
                                stderr=subprocess.STDOUT, timeout=timeout, check=False).returncode
    except subprocess.TimeoutExpired:
        rc = f"timeout after {timeout}s"
    text = log.read_text(encoding="utf-8", errors="replace")
    reason = re.findall(r"'finish_reason': '(\w+)'", text)
    run = {"returncode": rc, "finish_reason": reason[-1] if reason else None, "_folder": crawl["folder"]}
    records = {}
    out = Path(crawl["out"])
    for line in out.read_text(encoding="utf-8").splitlines() if out.exists() else []:
        item = {k: v for k, v in json.loads(line).items() if k not in VOLATILE}
        records[unique(records, f"{crawl['key']} | {item.get('canonical_url') or item.get('url')}")] = item
    run["items"] = len(records)
    return {f"{crawl['key']} | run": run, **records}


def collect(side: str, tree: Path, kinds: list[str], work: Path, timeout: int, urls: dict) -> tuple[dict, list]:
    """The child's results for one version, and its crawls (run later, two at a time)."""
    work.mkdir(parents=True)
    (work / "text_urls.json").write_text(json.dumps(urls))
    env = dict(os.environ, PYTHONPATH=str(tree), SCRAPY_SETTINGS_MODULE="crawler.settings", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([PYTHON, __file__, "--child", str(work), "--only", ",".join(kinds)], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=timeout * 4, check=False)
    if proc.returncode:
        raise SystemExit(f"{side} child failed in {tree}:\n{proc.stderr[-3000:]}")
    result = json.loads((work / "child.json").read_text(encoding="utf-8"))
    print(f"{side}: {tree} (crawler from {result['crawler']})")
    return result, [(tree, env, crawl) for crawl in result.pop("replays", [])]


def diff(base: dict, head: dict, kinds: list[str]) -> tuple[dict, list]:
    summary, details = {}, []
    for kind in kinds:
        b, h = base.get(kind, {}), head.get(kind, {})
        common = sorted(b.keys() & h.keys())
        differing = 0
        for case in common:
            fields = sorted(f for f in b[case].keys() | h[case].keys() if not f.startswith("_"))
            changed = [f for f in fields if b[case].get(f) != h[case].get(f)]
            differing += bool(changed)
            details += [{"kind": kind, "case": case, "field": f, "base": b[case].get(f), "head": h[case].get(f)}
                        for f in changed]
        for case, base_has in [(c, "missing") for c in sorted(h.keys() - b.keys())] + \
                [(c, "present") for c in sorted(b.keys() - h.keys())]:
            details.append({"kind": kind, "case": case, "field": None, "base": base_has,
                            "head": "present" if base_has == "missing" else "missing"})
        summary[kind] = {"compared": len(common), "identical": len(common) - differing, "differing": differing,
                         "only_base": len(b.keys() - h.keys()), "only_head": len(h.keys() - b.keys())}
    return summary, sorted(details, key=lambda d: d["field"] is None)  # changed fields first, then missing cases


def short(value, width: int = 150) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[:width] + f"... ({len(text)} chars)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="commit of the version before the change")
    head = ap.add_mutually_exclusive_group()
    head.add_argument("--head", help="commit of the version after (default: this working tree)")
    head.add_argument("--worktree", action="store_true", help="compare against this working tree (the default)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/compare_items"))
    ap.add_argument("--only", default=",".join(KINDS), help="comma-separated subset of " + ",".join(KINDS))
    ap.add_argument("--show", type=int, default=20, help="differences printed in detail")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per crawl")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    kinds = [k for k in args.only.split(",") if k]
    if set(kinds) - set(KINDS) or (not args.child and not args.base):
        ap.error(f"--base is required; --only takes {','.join(KINDS)}")
    if args.child:  # inside one version's tree
        exec(BOOT)
        (args.child / "child.json").write_text(json.dumps(child(kinds, args.child.resolve()), ensure_ascii=False))
        return 0

    started, temp = time.time(), Path(tempfile.mkdtemp(prefix="compare_items_", dir="/tmp"))
    trees, worktrees = {}, []
    try:
        for side, rev in (("base", args.base), ("head", args.head)):
            if rev is None:
                trees[side] = REPO
                continue
            sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                                 capture_output=True, text=True, check=True).stdout.strip()
            trees[side] = temp / side
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(trees[side]), sha], check=True)
            worktrees.append(trees[side])
            print(f"{side}: {rev} = {sha[:10]}")
        shutil.rmtree(args.out / "work", ignore_errors=True)
        with ThreadPoolExecutor(2) as pool:
            urls = text_urls(trees["base"])
            results = dict(zip(trees, pool.map(
                lambda s: collect(s, trees[s], kinds, args.out / "work" / s, args.timeout, urls), trees)))
            sides = {side: results[side][0] for side in trees}
            jobs = [(side, job) for side in trees for job in results[side][1]]
            if jobs:
                print(f"replaying {len(jobs)} crawls, 2 at a time ...", flush=True)
                sides["base"]["replays"], sides["head"]["replays"] = {}, {}
                for (side, _), records in zip(jobs, pool.map(lambda j: run_crawl(*j[1], args.timeout), jobs)):
                    sides[side]["replays"].update(records)
    finally:
        for tree in worktrees:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(temp, ignore_errors=True)

    summary, details = diff(sides["base"], sides["head"], kinds)
    args.out.mkdir(parents=True, exist_ok=True)
    for side in sides:
        sides[side].update(tree=str(trees[side]), rev=getattr(args, side) or "working tree")
        (args.out / f"{side}.json").write_text(json.dumps(sides[side], ensure_ascii=False, indent=1, sort_keys=True))
    (args.out / "diff.json").write_text(json.dumps({"summary": summary, "differences": details}, ensure_ascii=False, indent=1))
    print(f"\n{'kind':8} {'compared':>8} {'identical':>9} {'differing':>9} {'only base':>9} {'only head':>9}")
    for kind, s in summary.items():
        print(f"{kind:8} {s['compared']:8} {s['identical']:9} {s['differing']:9} {s['only_base']:9} {s['only_head']:9}")
    for d in details[:args.show]:
        print(f"\n[{d['kind']}] {d['case']}" + (f"\n  {d['field']}:" if d["field"] else "")
              + f"\n    base: {short(d['base'])}\n    head: {short(d['head'])}")
    if len(details) > args.show:
        print(f"\n... {len(details) - args.show} more differences in {args.out / 'diff.json'}")
    same = not details
    print(f"\n{'IDENTICAL' if same else 'DIFFERENT'}: {len(details)} differences; full JSON in {args.out}; "
          f"{time.time() - started:.0f}s")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

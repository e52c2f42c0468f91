"""``scrapy report``'s page: one self-contained HTML file (charts as inline SVG, no script, no
external file) per archive -- per site: articles per day with the empty days marked, field
completeness, the language mix (vietnam.vn), the last runs and their verdicts."""
from __future__ import annotations

import html
import io
import json
from collections import Counter
from datetime import date, timedelta

#: colours of the page (the screenshot test looks for them)
BAR, EMPTY, GOOD, BAD = "#1f77b4", "#d62728", "#2ca02c", "#d62728"
FIELDS = ("title", "lead", "authors", "published_at", "time", "body")


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width=9.0, height=2.6):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    return plt, fig, ax


def per_day_chart(counts: dict[date, int], start: date, end: date) -> tuple[str, list[date]]:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    values = [counts.get(d, 0) for d in days]
    empty = [d for d, v in zip(days, values) if v == 0]
    plt, fig, ax = _figure()
    ax.bar(days, values, color=BAR, width=0.8, label="articles")
    if empty:
        top = max(values + [1])
        ax.scatter(empty, [top * 0.04] * len(empty), marker="x", color=EMPTY, s=30, label="no article", zorder=3)
    ax.set_ylabel("articles / day")
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    svg = _svg(fig)
    plt.close(fig)
    return svg, empty


def bar_chart(labels: list[str], values: list[float], *, percent: bool, colour: str = BAR) -> str:
    plt, fig, ax = _figure(6.0, 0.35 * len(labels) + 0.8)
    ax.barh(labels, values, color=colour)
    ax.invert_yaxis()
    if percent:
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of articles")
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.0f}{'%' if percent else ''}", va="center", fontsize=8)
    svg = _svg(fig)
    plt.close(fig)
    return svg


def site_data(archive, site: str, days: int) -> dict:
    rows = [json.loads(raw) for (raw,) in archive.conn.execute("SELECT item_json FROM articles WHERE site=?", (site,))]
    per_day: Counter[date] = Counter()
    for item in rows:
        try:
            per_day[date.fromisoformat((item.get("published_at") or "")[:10])] += 1
        except ValueError:
            pass
    end = max(per_day) if per_day else date.today()
    start = max(min(per_day) if per_day else end, end - timedelta(days=days - 1))
    complete = {}
    for name in FIELDS:
        if name == "time":
            n = sum(1 for i in rows if "T" in (i.get("published_at") or ""))
        else:
            n = sum(1 for i in rows if i.get(name))
        complete[name] = 100.0 * n / len(rows) if rows else 0.0
    return {"site": site, "articles": len(rows), "per_day": per_day, "start": start, "end": end,
            "complete": complete, "languages": Counter(i.get("language") or "?" for i in rows)}


def render(archive, days: int = 60, recent_runs: int = 10) -> str:
    sites = [row[0] for row in archive.conn.execute("SELECT DISTINCT site FROM articles ORDER BY site")]
    runs = archive.runs()
    for run in runs:
        if run["site"] and run["site"] not in sites:
            sites.append(run["site"])
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>vnfa archive report</title>",
             "<style>body{font-family:sans-serif;margin:1.5em;max-width:1100px}h2{border-bottom:2px solid #ccc}"
             f"td,th{{padding:2px 8px;text-align:left}}.pass{{color:{GOOD};font-weight:bold}}"
             f".fail{{color:{BAD};font-weight:bold}}.charts{{display:flex;flex-wrap:wrap;gap:1em}}</style></head><body>",
             f"<h1>vnfa archive report</h1><p>{html.escape(archive.location)}: {archive.count()} article(s)</p>"]
    for site in sites:
        data = site_data(archive, site, days)
        head = f"<h2 id='{html.escape(site)}'>{html.escape(site)}</h2><p>{data['articles']} article(s)"
        if data["articles"]:
            chart, empty = per_day_chart(data["per_day"], data["start"], data["end"])
            parts.append(f"{head}; {data['start']}..{data['end']}: {len(empty)} day(s) without an article</p>")
            parts.append(f"<h3>Articles per day</h3>{chart}")
            parts.append("<div class='charts'><div><h3>Field completeness</h3>"
                         + bar_chart(list(data["complete"]), list(data["complete"].values()), percent=True) + "</div>")
            if site == "vietnam.vn" or len(data["languages"]) > 1:
                langs = data["languages"].most_common()
                parts.append("<div><h3>Languages</h3>"
                             + bar_chart([k for k, _ in langs], [v for _, v in langs], percent=False) + "</div>")
            parts.append("</div>")
        else:
            parts.append(head + "</p>")
        site_runs = [r for r in runs if r["site"] == site][:recent_runs]
        parts.append("<h3>Last runs</h3>")
        if not site_runs:
            parts.append("<p>no run recorded</p>")
            continue
        parts.append("<table><tr><th>finished</th><th>spider</th><th>arguments</th><th>items</th><th>verdict</th>"
                     "<th>failed monitors</th></tr>")
        for run in site_runs:
            failed = "; ".join(f"{k}: {m.get('reason') or ''}" for k, m in run["monitors"].items() if m.get("status") != "pass")
            args = " ".join(f"{k}={v}" for k, v in run["arguments"].items())
            parts.append(f"<tr><td>{html.escape(run['finished_at'] or '')}</td><td>{html.escape(run['spider'])}</td>"
                         f"<td>{html.escape(args)}</td><td>{run['counts'].get('items', 0)}</td>"
                         f"<td class='{run['verdict']}'>{run['verdict'].upper()}</td><td>{html.escape(failed)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)

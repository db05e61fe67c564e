"""The one-page report for the client: ``report.html``, self-contained (no network, no scripts;
the chart is inline SVG), readable on screen and printed to PDF from any browser on A4 or Letter.

Account and period, the headline figures, the monthly content mix, the content-mix bands, what to
change, the largest sales blasts, the checklist's top people, and what an archive cannot tell.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import duckdb

from archivelens.analysis import duplicates, network, report
from archivelens.analysis.buckets import bucketed
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError, sentence_for_os_error

FILE_NAME = "report.html"
_COLORS = (
    ("replies_to_others", "Conversation", "#2E86AB"),
    ("sharing_tweets", "Sharing others", "#59A14F"),
    ("amplifying", "Amplifying", "#F1A340"),
    ("promotional_tweets", "Promoting", "#D1495B"),
)
_CSS = """
body { font: 11pt/1.4 -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #222;
       max-width: 60em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0; } h2 { font-size: 12.5pt; margin: 1.2em 0 .4em; }
.sub { color: #666; margin: .2em 0 1em; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: .6em; }
.card { border: 1px solid #ccd; border-radius: 6px; padding: .5em .7em; }
.card b { font-size: 16pt; display: block; } .card small { color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
td, th { text-align: left; padding: .2em .4em; border-bottom: 1px solid #e3e3ea;
         vertical-align: top; }
ol li { margin-bottom: .4em; } .muted { color: #666; font-size: 9.5pt; }
svg { width: 100%; height: auto; }
@page { size: auto; margin: 11mm; }
@media print { body { margin: 0; max-width: none; font-size: 7.5pt; line-height: 1.25; }
               .cards { grid-template-columns: repeat(6, 1fr); gap: .3em; }
               .card { padding: .2em .4em; } .card b { font-size: 11pt; }
               h1 { font-size: 13pt; } h2 { font-size: 9.5pt; margin: .6em 0 .2em; }
               table { font-size: 7pt; } td, th { padding: .05em .3em; } ol li { margin: 0; }
               svg { width: 72%; } .muted { font-size: 7pt; }
               h2 { break-after: avoid; } table, ol, svg { break-inside: avoid; } }
"""


def write(
    con: duckdb.DuckDBPyConnection, scope: Scope, path: Path, rep: report.Report | None = None
) -> Path:
    """Write the report for *scope* to *path* (complete, or not at all); *rep*, if the caller
    has built it already."""
    html = render(con, scope, rep)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        scratch.write_text(html, encoding="utf-8")
        os.replace(scratch, path)
    except OSError as err:
        scratch.unlink(missing_ok=True)
        raise UserError(sentence_for_os_error(err, f"writing {path.name}")) from None
    return path


def render(con: duckdb.DuckDBPyConnection, scope: Scope, rep: report.Report | None = None) -> str:
    rep = rep or report.build(con, scope)
    months = rep.months
    blasts = [
        c for c in duplicates.clusters(con, scope).to_pylist() if c["cluster_kind"] == "sales_blast"
    ][:3]
    people = _top_people(con, scope) if rep.summary.holds("follower", "following") else None
    who = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>ArchiveLens report — {escape(who)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(who)} on Twitter/X</h1>",
        f"<p class='sub'>Archive of {scope.generated_at:%d %B %Y} · {escape(scope.label)} · "
        "made offline by ArchiveLens</p>",
        _cards(rep),
        "<h2>What to change</h2>",
        _advice(rep),
        "<h2>Content mix over time</h2>",
        _chart(months),
        "<h2>Against the common content-mix rules</h2>",
        "<table>"
        + "".join(
            f"<tr><th>{escape(b.name)}</th><td>{escape(b.position)}</td>"
            f"<td class='muted'>{escape(b.explanation)}</td></tr>"
            for b in rep.bands
        )
        + "</table>",
        "<h2>Largest sales blasts</h2>",
        _blasts(blasts),
        "<h2>Followers to review first</h2>",
        _people(people, rep),
        "<h2>What an archive cannot tell</h2>",
        f"<p class='muted'>{escape(' '.join(rep.cannot_measure))}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _pct(value: float | None) -> str:
    if value is None:
        return "–"
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


def _cards(rep: report.Report) -> str:
    v = rep.summary.values
    cards = [
        ("Conversation", _pct(v["conversation_share"]), "of tweets are replies to others"),
        ("Promotion", _pct(v["promotion_share"]), "of own tweets sell something"),
        ("Amplification", _pct(v["amplification_share"]), "retweets and quotes"),
        (
            "Repetition",
            _pct(rep.value("repetition_share")),
            "of own tweets re-send a sales message",
        ),
        ("Links", _pct(v["curation_share"]), "of links point to other people's sites"),
        (
            "Reciprocity",
            _pct(rep.value("follow_back_share")),
            "of followers followed back"
            if rep.value("follow_back_share") is not None
            else rep.explanation("follow_back_share"),
        ),
    ]
    body = "".join(
        f"<div class='card'>{escape(title)}<b>{escape(value)}</b>"
        f"<small>{escape(text)}</small></div>"
        for title, value, text in cards
    )
    return f"<div class='cards'>{body}</div><p class='muted'>{v['tweets']:,} tweets.</p>"


def _advice(rep: report.Report) -> str:
    if not rep.recommendations:
        return "<p>Nothing stands out: keep talking with people and sharing useful things.</p>"
    items = "".join(
        f"<li><b>{escape(r.action)}</b><br><span class='muted'>{escape(r.figure)}. "
        f"{escape(r.why)} Rows: {escape(r.rows)}.</span></li>"
        for r in rep.recommendations
    )
    return f"<ol>{items}</ol>"


def _chart(months: list[dict]) -> str:
    """A stacked bar per month (per quarter or year when there are many), as inline SVG."""
    if not months:
        return "<p class='muted'>No tweets in this period.</p>"
    buckets, unit = bucketed(months, {"month": 36, "quarter": 36, "year": 36})
    width, height, left, bottom = 720, 220, 34, 26
    top = max((sum(b[key] for key, _, _ in _COLORS) for b in buckets), default=1) or 1
    slot = (width - left) / len(buckets)
    bars = []
    for i, b in enumerate(buckets):
        y = height - bottom
        for key, _, color in _COLORS:
            h = (height - bottom - 10) * b[key] / top
            x = left + i * slot + slot * 0.15
            bars.append(
                f"<rect x='{x:.1f}' y='{y - h:.1f}' width='{slot * 0.7:.1f}' height='{h:.1f}' "
                f"fill='{color}'/>"
            )
            y -= h
        if len(buckets) <= 12 or i % max(1, len(buckets) // 12) == 0:
            bars.append(
                f"<text x='{left + (i + 0.5) * slot:.1f}' y='{height - 8}' font-size='10' "
                f"text-anchor='middle'>{escape(b['label'])}</text>"
            )
    legend = " ".join(
        f"<span style='color:{color}'>■</span> {escape(name)}" for _, name, color in _COLORS
    )
    return (
        f"<svg viewBox='0 0 {width} {height}' role='img' aria-label='Content mix by {unit}'>"
        f"<text x='0' y='12' font-size='10'>{top}</text>"
        f"<line x1='{left}' y1='{height - bottom}' x2='{width}' y2='{height - bottom}' "
        "stroke='#999'/>" + "".join(bars) + f"</svg><p class='muted'>Per {unit}: {legend}</p>"
    )


def _blasts(blasts: list[dict]) -> str:
    if not blasts:
        return "<p>No sales message was re-sent.</p>"
    rows = "".join(
        f"<tr><td>{c['size']}×</td><td>{escape(' '.join(c['representative'].split()))}</td>"
        f"<td class='muted'>{c['first_at']:%Y-%m-%d} – {c['last_at']:%Y-%m-%d}</td></tr>"
        for c in blasts
    )
    return f"<table><tr><th>Sent</th><th>Message</th><th>First – last</th></tr>{rows}</table>"


def _top_people(con: duckdb.DuckDBPyConnection, scope: Scope, count: int = 6) -> list[tuple]:
    # fetchmany, not LIMIT: DuckDB 2.0.1 ignores a LIMIT over the checklist's CTEs (seen here:
    # "SELECT … FROM rows LIMIT 10" gave all 640 rows)
    return con.execute(
        f"""{network.CHECKLIST_FROM}
            SELECT coalesce('@' || screen_name, 'account ' || account_id), display_name,
                   interactions, last_interaction
            FROM rows WHERE interactions > 0 AND review_status = 'to_review'
            ORDER BY {network.CHECKLIST_ORDER}""",
        scope.params(),
    ).fetchmany(count)


def _people(people: list[tuple] | None, rep: report.Report) -> str:
    if people is None:
        return f"<p class='muted'>Followers are {escape(rep.explanation('followers'))}.</p>"
    if not people:
        return "<p>No follower you talk with is waiting for a review.</p>"
    rows = "".join(
        f"<tr><td>{escape(handle)}</td><td>{escape(name or '')}</td><td>{n}×</td>"
        f"<td class='muted'>{last:%Y-%m-%d}</td></tr>"
        for handle, name, n, last in people
    )
    return (
        "<p class='muted'>Followers you talk with but don't follow back: look at each one by "
        "hand.</p><table><tr><th>Account</th><th>Name</th><th>Talked</th><th>Last</th></tr>"
        f"{rows}</table>"
    )

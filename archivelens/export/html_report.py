"""The one-page report for the client: ``report.html``, self-contained (no network, no scripts;
the chart is inline SVG, the logo a data: URI), readable on screen and printed on one page of A4
or Letter from any browser. What it says is decided in :mod:`archivelens.export.page` (the PDF
says the same); this module only lays it out.
"""

from __future__ import annotations

import base64
import os
from html import escape
from pathlib import Path

import duckdb

from archivelens.analysis import report
from archivelens.analysis.comparison import Compared
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError, sentence_for_os_error
from archivelens.export import page as pages

FILE_NAME = "report.html"
_CSS = """
body { font: 11pt/1.4 -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #222;
       max-width: 60em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0; } h2 { font-size: 12.5pt; margin: 1.2em 0 .4em; }
.head { display: flex; gap: 1em; align-items: center; }
.head img { max-height: 4em; max-width: 12em; object-fit: contain; }
.sub, .prep { color: #666; margin: .2em 0; } .prep { color: #222; font-weight: 600; }
.note { border-left: 3px solid #2E86AB; padding: .2em .6em; margin: .6em 0; font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: .6em; margin-top: .8em; }
.card { border: 1px solid #ccd; border-radius: 6px; padding: .5em .7em; }
.card b { font-size: 16pt; display: block; } .card small { color: #555; }
.card i { display: block; font-style: normal; font-size: 9pt; }
.better { color: #2d7d46; } .worse { color: #b3261e; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; table-layout: fixed; }
td, th { text-align: left; padding: .2em .4em; border-bottom: 1px solid #e3e3ea;
         vertical-align: top; overflow: hidden; text-overflow: ellipsis; }
ol { padding-left: 1.6em; } ol li { margin-bottom: .4em; } .muted { color: #666; font-size: 9.5pt; }
.within { color: #2d7d46; font-weight: 600; } .outside { color: #b3261e; font-weight: 600; }
svg { width: 100%; height: auto; display: block; }
@page { size: auto; margin: 11mm; }
@media print {
  body { margin: 0; padding: 0; max-width: 188mm; font-size: 7.5pt; line-height: 1.25; }
  .head img { max-height: 12mm; max-width: 40mm; }
  h1 { font-size: 13pt; } h2 { font-size: 9pt; margin: 1.8mm 0 .6mm; break-after: avoid; }
  .sub, .prep { margin: 0; } .note { margin: 1.5mm 0; padding: .3mm 2mm; }
  .cards { grid-template-columns: repeat(6, 1fr); gap: 1.5mm; margin-top: 1.5mm; }
  .card { padding: .5mm 1.5mm; height: 13mm; overflow: hidden; font-size: 7pt; }
  .card b { font-size: 11pt; }
  /* with a comparison each card grows a line: the chart gives the height back */
  .compared .card { height: 16mm; } .compared ~ svg { max-height: 29mm; }
  .card i { font-size: 6.5pt; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .card small { display: block; font-size: 6pt; line-height: 1.2; max-height: 2.4em;
                overflow: hidden; }
  table { font-size: 7pt; } td, th { padding: .1mm 1mm; white-space: nowrap; }
  ol { margin: 0; padding-left: 4mm; } ol li { margin: 0 0 .6mm; }
  .line, ol li span { display: block; white-space: nowrap; overflow: hidden;
                      text-overflow: ellipsis; }
  ol li b, .two { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
                  overflow: hidden; }
  td .two { white-space: normal; }
  .note { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical;
          overflow: hidden; }
  .muted { font-size: 7pt; margin: .5mm 0; } svg { max-height: 34mm; }
  .cannot { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical;
            overflow: hidden; }
  table, ol, svg, .cards { break-inside: avoid; }
}
"""


def write(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    path: Path,
    rep: report.Report | None = None,
    compared: Compared | None = None,
) -> Path:
    """Write the report for *scope* to *path* (complete, or not at all); *rep*, if the caller
    has built it already; *compared*, the before and after asked for."""
    html = render(con, scope, rep, compared)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        scratch.write_text(html, encoding="utf-8")
        os.replace(scratch, path)
    except OSError as err:
        scratch.unlink(missing_ok=True)
        raise UserError(sentence_for_os_error(err, f"writing {path.name}")) from None
    return path


def render(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rep: report.Report | None = None,
    compared: Compared | None = None,
) -> str:
    return render_page(pages.build(con, scope, rep, compared))


def render_page(p: pages.Page) -> str:
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>ArchiveLens report — {escape(p.title)}</title><style>{_CSS}</style></head><body>",
        _head(p),
        _cards(p),
        "<h2>What to change</h2>",
        _advice(p),
        "<h2>Content mix over time</h2>",
        chart_svg(p.buckets, p.unit),
        "<h2>Against the common content-mix rules</h2>",
        _bands(p),
        "<h2>Largest sales blasts</h2>",
        _blasts(p),
        "<h2>Followers to review first</h2>",
        _people(p),
        "<h2>What an archive cannot tell</h2>",
        f"<p class='muted cannot'>{escape(p.cannot_tell)} {escape(p.workbook_note)}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _head(p: pages.Page) -> str:
    b = p.brand
    logo = (
        f"<img alt='logo' src='data:{b.logo_type};base64,{base64.b64encode(b.logo).decode()}'>"
        if b.logo and b.logo_type
        else ""
    )
    prepared = pages.prepared_line(b)
    lines = [
        f"<h1 class='line'>{escape(p.title)}</h1>",
        f"<p class='sub line'>{escape(p.subtitle)}</p>",
        f"<p class='prep two'>{escape(prepared)}</p>" if prepared else "",
    ]
    note = f"<p class='note'>{escape(b.note)}</p>" if b.note else ""
    return f"<div class='head'>{logo}<div>{''.join(lines)}</div></div>{note}"


def _cards(p: pages.Page) -> str:
    body = "".join(
        f"<div class='card'>{escape(c.title)}<b>{escape(c.value)}</b>"
        + (
            f"<i class='{escape(c.verdict or '')}'>{escape(c.before_after)}</i>"
            if c.before_after
            else ""
        )
        + f"<small>{escape(c.text)}</small></div>"
        for c in p.cards
    )
    counted = " ".join(line for line in (p.tweets_line, p.compared_line) if line)
    lines = (("line", counted), ("line", p.earned))
    paragraphs = "".join(
        f"<p class='muted {style}'>{escape(text)}</p>" for style, text in lines if text
    )
    compared = " compared" if p.compared_line else ""
    return f"<div class='cards{compared}'>{body}</div>{paragraphs}"


def _advice(p: pages.Page) -> str:
    if not p.advice:
        return f"<p class='line'>{escape(p.no_advice or '')}</p>"
    items = "".join(
        f"<li><b>{escape(a.action)}</b><span class='muted'>{escape(a.detail)}</span></li>"
        for a in p.advice
    )
    more = f"<p class='muted line'>{escape(p.more_advice)}</p>" if p.more_advice else ""
    return f"<ol>{items}</ol>{more}"


CHART_WIDTH, CHART_HEIGHT, _LEFT, _BOTTOM, _FONT = 720, 125, 34, 18, 10


def label_step(labels: list[str], slot: float, font: float = _FONT) -> int:
    """Label every n-th bar, n the smallest that keeps neighbouring labels apart (a label's
    width is estimated at 0.62 em per character, a little wider than DejaVu's digits)."""
    widest = max((len(label) for label in labels), default=0) * font * 0.62 + font * 0.8
    return max(1, -int(-widest // slot))


def chart_svg(buckets: list[dict], unit: str) -> str:
    """A stacked bar per month, quarter or year, every tweet in one series, as inline SVG."""
    if not buckets or not any(b[k] for b in buckets for k, _, _ in pages.SERIES):
        return "<p class='muted'>No tweets in this period.</p>"
    width, height, left, bottom = CHART_WIDTH, CHART_HEIGHT, _LEFT, _BOTTOM
    top = max(sum(b[key] for key, _, _ in pages.SERIES) for b in buckets) or 1
    slot = (width - left) / len(buckets)
    step = label_step([b["label"] for b in buckets], slot)
    out = []
    for i, b in enumerate(buckets):
        y = height - bottom
        for key, _, color in pages.SERIES:
            h = (height - bottom - 12) * b[key] / top
            if h > 0:
                out.append(
                    f"<rect x='{left + i * slot + slot * 0.15:.1f}' y='{y - h:.1f}' "
                    f"width='{slot * 0.7:.1f}' height='{h:.1f}' fill='{color}'/>"
                )
            y -= h
        if i % step == 0:
            out.append(
                f"<text x='{left + (i + 0.5) * slot:.1f}' y='{height - 5}' font-size='{_FONT}' "
                f"text-anchor='middle'>{escape(b['label'])}</text>"
            )
    legend = " ".join(
        f"<span style='color:{color}'>■</span> {escape(name)}"
        for _, name, color in pages.chart_series(buckets)
    )
    return (
        f"<svg viewBox='0 0 {width} {height}' role='img' aria-label='Content mix by {unit}'>"
        f"<text x='0' y='10' font-size='{_FONT}'>{top:,}</text>"
        f"<line x1='{left}' y1='{height - bottom}' x2='{width}' y2='{height - bottom}' "
        "stroke='#999'/>" + "".join(out) + "</svg>"
        f"<p class='muted line'>Tweets per {unit}: {legend}</p>"
    )


def _bands(p: pages.Page) -> str:
    rows = "".join(
        f"<tr><th>{escape(b.name)}</th><td><div class='two'>{escape(b.position)}</div></td>"
        f"<td class='{'within' if b.within else 'outside' if b.within is False else ''}'>"
        f"{escape(b.verdict)}</td><td class='muted'><div class='two'>{escape(b.explanation)}</div>"
        "</td></tr>"
        for b in p.bands
    )
    return (
        "<table><colgroup><col style='width:12%'><col style='width:30%'><col style='width:9%'>"
        "<col></colgroup><tr><th>Rule</th><th>Your tweets</th><th>Verdict</th><th>The rule</th>"
        f"</tr>{rows}</table>"
    )


def _blasts(p: pages.Page) -> str:
    if not p.blasts:
        return "<p>No sales message was re-sent.</p>"
    rows = "".join(
        f"<tr><td>{escape(n)}</td><td>{escape(text)}</td>"
        f"<td class='muted'>{escape(dates)}</td></tr>"
        for n, text, dates in p.blasts
    )
    return (
        "<table><colgroup><col style='width:7%'><col><col style='width:19%'></colgroup>"
        f"<tr><th>Sent</th><th>Message</th><th>First – last</th></tr>{rows}</table>"
    )


def _people(p: pages.Page) -> str:
    if p.people is None:
        return f"<p class='muted line'>{escape(p.people_note)}</p>"
    if not p.people:
        return "<p class='line'>No follower you talk with is waiting for a review.</p>"
    rows = "".join(
        f"<tr><td>{escape(handle)}</td><td>{escape(name)}</td><td>{escape(n)}</td>"
        f"<td class='muted'>{escape(last)}</td></tr>"
        for handle, name, n, last in p.people
    )
    return (
        f"<p class='muted line'>{escape(p.people_note)}</p><table><colgroup>"
        "<col style='width:30%'><col><col style='width:12%'><col style='width:14%'></colgroup>"
        f"<tr><th>Account</th><th>Name</th><th>Talked</th><th>Last</th></tr>{rows}</table>"
    )

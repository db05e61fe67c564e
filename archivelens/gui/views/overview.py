"""Overview: the headline metrics as cards, the content-mix bands, and a monthly chart."""

from __future__ import annotations

import calendar
import math
from html import escape

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from archivelens import pipeline
from archivelens.analysis import metrics, report
from archivelens.analysis.buckets import bucketed
from archivelens.analysis.metrics import CANNOT_MEASURE
from archivelens.gui.context import LibraryContext
from archivelens.gui.text_fit import breakable
from archivelens.gui.views.comparison_panel import ComparisonPanel
from archivelens.gui.views.engagement_panel import EngagementPanel
from archivelens.gui.widgets import Card, View
from archivelens.words import number, percent, plural

SERIES = (
    ("Conversation", "replies_to_others", "#2E86AB"),
    ("Sharing others", "sharing_tweets", "#59A96A"),
    ("Amplifying", "amplifying", "#F2A541"),
    ("Promoting", "promotional_tweets", "#D1495B"),
)


pct = percent  # a share that is not zero is "<1%", never "0%" (the bands say it the same way)


class OverviewView(View):
    figures_shown = Signal(object)  # the report's Headline (its figures), each time shown
    own_domains_answered = Signal(list)  # the suggested own websites confirmed, or [] if not
    advice_opened = Signal(object)  # a Recommendation whose rows the user asked to see

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        self.scroller = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        self.body = body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.status = QLabel("<i>Calculating…</i>")
        # Its line stays when it is hidden: the cards below never move when the work ends.
        policy = self.status.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.status.setSizePolicy(policy)
        layout.addWidget(self.status)
        grid = QGridLayout()
        self.cards = {
            "conversation": Card("Conversation"),
            "promotion": Card("Promotion"),
            "amplification": Card("Amplification"),
            "repetition": Card("Repetition"),
            "links": Card("Links you share"),
            "reciprocity": Card("Reciprocity"),
        }
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
        layout.addLayout(grid)
        # The same figures in two periods, when asked for: evidence beyond one snapshot.
        self.comparison = ComparisonPanel(ctx)
        layout.addWidget(self.comparison)
        # What to change, from the numbers above: each with the rows behind it one click away.
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        # At the top of its place: while working it may be held taller (what it showed before).
        self.advice.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.advice.linkActivated.connect(self._open_advice)
        layout.addWidget(self.advice)
        # A suggested own website is a guess: the user confirms it or says it is not theirs.
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        self.suggestion.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion.linkActivated.connect(self._answer_suggestion)
        self.suggestion.hide()
        layout.addWidget(self.suggestion)
        # What each kind of tweet earned: the evidence behind the advice above.
        self.engagement = EngagementPanel(ctx)
        layout.addWidget(self.engagement)
        self.chart = QChart()
        self.chart.setTitle("Content mix by month")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(300)
        # Bars per bucket follow the chart's width (a label needs ~30 px): re-bucket on resize.
        self._resized = QTimer(self)
        self._resized.setSingleShot(True)
        self._resized.setInterval(150)
        self._resized.timeout.connect(lambda: self._fill_chart(self.months))
        self.chart_view.installEventFilter(self)
        self.months: list[dict] | None = None  # None until this scope's months are known
        self.follow_palette()
        layout.addWidget(self.chart_view)
        self.bands = QLabel()
        self.bands.setWordWrap(True)
        self.bands.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.bands)
        self.cannot = QLabel()
        self.cannot.setWordWrap(True)
        layout.addWidget(self.cannot)
        layout.addStretch(1)
        self.report: report.Report | None = None  # the whole report, once all of it is shown
        self.headline: report.Headline | None = None
        self.suggested: list[str] = []
        # What the user reads stays in place when a part above it grows (the advice arrives).
        self._anchor: tuple[QWidget, int] | None = None
        bar = scroll.verticalScrollBar()
        bar.valueChanged.connect(self._remember_place)
        bar.rangeChanged.connect(self._keep_place)
        self.loader = self.new_loader()
        self.loader.failed.connect(lambda *_: self._failed())

    def refresh(self) -> None:
        """Ask for the report in three steps on the view's worker lane, each shown as it comes:
        the headline figures and bands (a fraction of the whole report's time), the months'
        chart, then the advice. The cards keep their numbers until the new ones come (no flash
        of blanks); the slower parts say they are being worked out at once, never showing an
        older scope's. The lane delivers only its newest request's answer, so a newer scope's
        refresh drops every step still to come of this one."""
        scope = self.ctx.scope
        if scope is None:
            return
        self._set_status("<i>Calculating…</i>")
        self._chart_working()
        self._advice_working()
        self.report = None
        self.engagement.working()
        self.loader.request(lambda con: report.headline(con, scope), self._show_headline)
        self.comparison.refresh(scope)

    def _show_headline(self, head: report.Headline) -> None:
        """The figures are in: show them, and ask for the months (the engagement panel now too:
        on two cores it would slow the figures down)."""
        self._show_figures(head)
        self.engagement.refresh(head.scope)
        self.loader.request(
            lambda con: metrics.monthly(con, head.scope),
            lambda months: self._show_months(head, months),
        )

    def _show_months(self, head: report.Headline, months: list[dict]) -> None:
        self._fill_chart(months)
        self.loader.request(lambda con: pipeline.finish_report(con, head, months), self._show_rest)

    def _show_rest(self, rep: report.Report) -> None:
        """The whole report: the advice, the last part to come."""
        self.report = rep
        self._set_status("")
        self._show_advice(rep)

    def _failed(self) -> None:
        """A step failed (the dialog says why): no part keeps saying it is being worked out."""
        self._set_status("")
        if self.months is None:
            self.chart.setTitle("Content mix by month")
        if self.report is None:
            self.advice.setMinimumHeight(0)
            self.advice.setText("")
        self.engagement.working(False)

    def show_report(self, rep: report.Report) -> None:
        """Show a whole report at once (what the three steps show in turn)."""
        self._show_figures(rep)
        self._fill_chart(rep.months)
        self._show_rest(rep)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _show_figures(self, rep: report.Headline) -> None:
        """The cards, the bands and the own-website question: all from the headline."""
        self.headline = rep
        v = rep.summary.values
        self.cards["conversation"].set(
            pct(v["conversation_share"]),
            f"of your tweets are replies to others — {plural(v['accounts_replied_to'], 'person')}"
            f", {number(v['recurring_partners'])} of them 3+ times",
        )
        self.cards["promotion"].set(
            pct(v["promotion_share"]),
            f"of your own tweets sell something ({plural(v['promotional_tweets'], 'tweet')})",
        )
        self.cards["amplification"].set(
            pct(v["amplification_share"]),
            f"retweets and quotes of {plural(v['accounts_amplified'], 'account')}",
        )
        rep_share = rep.value("repetition_share")
        self.cards["repetition"].set(
            pct(rep_share),
            "of your tweets re-send a sales message: "
            f"{plural(rep.value('sales_blast_clusters') or 0, 'sales blast')}",
        )
        self.cards["links"].set(
            pct(v["curation_share"]),
            f"of your links point to other people's sites; {pct(v['own_domain_share'])} "
            "to your own",
        )
        if rep.value("follow_back_share") is not None:
            self.cards["reciprocity"].set(
                pct(v["follow_back_share"]),
                f"of your followers you follow back ({v['mutuals']:,} of {v['followers']:,})",
            )
        elif rep.summary.holds("follower", "following"):
            self.cards["reciprocity"].set("–", "you have no followers in this archive")
        else:
            self.cards["reciprocity"].set("–", rep.explanation("follow_back_share"))
        if not rep.tweets_file:  # unknown, not 0 people and 0 blasts
            for name in ("conversation", "promotion", "amplification", "repetition", "links"):
                self.cards[name].set("–", rep.unknown("tweets") or "")
        self._show_suggestion(rep.summary.own_domains if rep.summary.own_domains_suggested else [])
        rows = "".join(
            f"<tr><td><b>{b.name}</b></td><td>{b.position}</td>"
            f"<td>{'within' if b.within else 'outside' if b.within is False else '–'}</td></tr>"
            f"<tr><td></td><td colspan=2><small>{b.explanation}</small></td></tr>"
            for b in rep.bands
        )
        self.bands.setText(
            "<h3>Content mix against the common rules</h3>"
            "<p>Context, not pass/fail: the rules disagree with each other.</p>"
            f"<table cellpadding=3>{rows}</table>"
        )
        self.cannot.setText("Not measurable from an archive: " + " ".join(CANNOT_MEASURE))
        self.figures_shown.emit(rep)

    def _chart_working(self) -> None:
        """The chart empty, its title saying the months are being counted (not an empty axis:
        no tweets would look the same)."""
        self.months = None
        self._fill_chart(None)

    def _advice_working(self) -> None:
        """The advice's place says it is being worked out, as tall as what it showed before
        (the parts below stay where they are until the new advice comes)."""
        if self.report is not None and self.advice.isVisible():  # an older scope's advice
            self.advice.setMinimumHeight(self.advice.height())
        self.advice.setText("<h3>What to change</h3><p><i>Working out the advice…</i></p>")

    def _show_advice(self, rep: report.Report) -> None:
        self.advice.setMinimumHeight(0)
        if not rep.recommendations:
            # Why there is none: too few tweets to judge is not "nothing stands out".
            self.advice.setText(f"<h3>What to change</h3><p>{escape(rep.advice.note)}</p>")
            return
        items = "".join(
            f"<li><b>{escape(breakable(r.action))}</b><br>"
            f"<small>{escape(r.figure)}. {escape(r.why)} "
            f"<a href='{n}'>Show the rows</a></small></li>"
            for n, r in enumerate(rep.recommendations)
        )
        self.advice.setText(f"<h3>What to change</h3><ol>{items}</ol>")

    def _open_advice(self, link: str) -> None:
        if self.report is not None and link.isdigit():
            self.advice_opened.emit(self.report.recommendations[int(link)])

    def _show_suggestion(self, domains: list[str]) -> None:
        self.suggested = domains
        self.suggestion.setVisible(bool(domains))
        if domains:
            names = ", ".join(f"<b>{d}</b>" for d in domains)
            self.suggestion.setText(
                f"Your own website looks like {names}: your sales tweets link there most, so "
                "links to it count as promotion. <a href='yes'>Yes, it's mine</a> · "
                "<a href='no'>No, not mine</a>"
            )

    def _answer_suggestion(self, answer: str) -> None:
        self.suggestion.hide()
        self.own_domains_answered.emit(list(self.suggested) if answer == "yes" else [])

    def follow_palette(self) -> None:
        """Chart colours for the current (light or dark) palette; the bars keep theirs."""
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        theme = QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        self.chart.setTheme(theme)
        self.chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        self._fill_chart(self.months)  # a theme resets the series' colours

    def _remember_place(self, value: int) -> None:
        """What the user reads: the first part that starts in view (one that starts above may
        be a part still coming, which grows), else the one covering the view; and how far from
        the view's top it is."""
        parts = [
            w
            for w in self.body.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if w.isVisible() and w.geometry().bottom() >= value
        ]
        starting = [w for w in parts if w.y() >= value]
        top = min(starting or parts, key=lambda w: w.y(), default=None)
        self._anchor = (top, value - top.y()) if top is not None and value > 0 else None

    def _keep_place(self) -> None:
        """The page grew or shrank (a part came in): the widget the user was reading stays
        where it was on screen, as a browser's scroll anchoring keeps it."""
        if self._anchor is not None:
            widget, offset = self._anchor
            self.scroller.verticalScrollBar().setValue(widget.y() + offset)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.chart_view and event.type() == QEvent.Type.Resize:
            self._resized.start()
        return super().eventFilter(watched, event)

    def _fill_chart(self, months: list[dict] | None) -> None:
        self.months = months
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        if months is None:
            self.chart.setTitle("Content mix by month: counting the months…")
            return
        buckets, unit = bucketed(months, self._bars_that_fit())
        self.chart.setTitle(f"Content mix by {unit}")
        series = QStackedBarSeries()
        for title, key, color in SERIES:
            bar = QBarSet(title)
            bar.setColor(color)
            for b in buckets:
                bar.append(float(b[key]))
            series.append(bar)
        self.chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(axis_labels([b["label"] for b in buckets], unit) or ["–"])
        self.chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        axis_y.setTitleText("tweets")
        self.chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        # Ticks on round numbers (0, 25, 50, 75, 100), not wherever the tallest bar ends.
        peak = max((sum(float(b[key]) for _t, key, _c in SERIES) for b in buckets), default=0)
        top, step = nice_scale(peak)
        axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_y.setTickAnchor(0)
        axis_y.setTickInterval(step)
        axis_y.setRange(0, top)

    def _bars_that_fit(self) -> dict[str, int]:
        """How many bars of each unit the plot can label without QtCharts eliding them to
        "…": the widest line of a unit's labels, in the axis font, must fit a bar's slot."""
        metrics = QFontMetrics(QBarCategoryAxis().labelsFont())
        # the plot is narrower than the view: the value axis, its title and the margins
        plot = max(200, self.chart_view.width() - 120)
        widest = {"month": "Sep", "quarter": "’23", "year": "2023"}
        return {
            unit: max(3, plot // (metrics.horizontalAdvance(text) + 12))
            for unit, text in widest.items()
        }


def nice_scale(peak: float, ticks: int = 5) -> tuple[float, float]:
    """The top of a value axis from 0 and its tick step, both round (1, 2, 2.5 or 5 × 10ⁿ,
    whole numbers only: tweets are counted), with about *ticks* steps up to *peak*."""
    if peak <= 0:
        return 1.0, 1.0
    raw = peak / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(
        m * magnitude
        for m in (1, 2, 2.5, 5, 10)
        if m * magnitude >= raw and round(m * magnitude, 6).is_integer()
    )
    step = round(step)
    return float(math.ceil(peak / step) * step), float(step)


def axis_labels(labels: list[str], unit: str) -> list[str]:
    """Short two-line labels that fit narrow bars ("Jan<br>’23", "Feb", "Q1<br>’23", "Q2"):
    the year only where it changes, so dozens of bars stay readable in a small window."""
    out = []
    for i, text in enumerate(labels):
        year = f"’{text[2:4]}"
        if unit == "year":
            out.append(text)
            continue
        part = calendar.month_abbr[int(text[5:7])] if unit == "month" else text[5:]
        new_year = i == 0 or labels[i - 1][:4] != text[:4]
        # A category axis merges equal names: an HTML comment keeps each one distinct, unseen.
        out.append(f"{part}<br>{year}" if new_year else f"{part}<!--{text}-->")
    return out

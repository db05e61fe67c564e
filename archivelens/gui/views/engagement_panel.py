"""The Overview's evidence for the advice: what each kind of tweet earned, and the ten tweets
that earned most (``metrics.md``, "Engagement by kind").

The counts are a snapshot at archive time, and an archive without counts (classic
``tweets.csv``) says so in words: every cell "–", never 0.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from archivelens import pipeline
from archivelens.analysis import engagement, time_zone
from archivelens.analysis.engagement import Engagement
from archivelens.analysis.scope import Scope
from archivelens.gui.context import LibraryContext
from archivelens.gui.text_fit import breakable, wrapping
from archivelens.gui.views.tweets import KIND_LABELS
from archivelens.gui.workers import Loader
from archivelens.words import number

TOP_TEXT = 140  # characters of a top tweet shown; the Tweets view has the rest
SHOW_TOP = "top"  # the link that opens the Tweets view, most liked first
# What the panel's worker answers: per kind, the top ten, weekday × hour and its clock.
Shown = tuple[Engagement, list[dict[str, Any]], list[list[int]], time_zone.LocalZone]


def per_tweet(value: float | None) -> str:
    """Likes or retweets per tweet as people read them: "0.3", "2.1", "14"; "–" unknown."""
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def no_sentence(eng: Engagement) -> str:
    """Why there is no "your promotional tweets earned …" sentence for *eng*."""
    if not eng.known:
        return f"Unknown: {eng.reason}"
    return (
        f"No comparison sentence: fewer than {engagement.MIN_TWEETS} promotional tweets or "
        "replies to others in this period, too few to say what each kind earns."
    )


def kinds_table(eng: Engagement) -> str:
    """The per-kind rows (kinds with tweets only) as a rich-text table."""
    head = "".join(
        f"<th align={a}>{t}</th>"
        for t, a in (
            ("", "left"),
            ("tweets", "right"),
            ("likes / tweet", "right"),
            ("retweets / tweet", "right"),
            ("median likes", "right"),
        )
    )
    rows = "".join(
        f"<tr><td>{escape(r.label)}</td><td align=right>{number(r.tweets)}</td>"
        f"<td align=right><b>{per_tweet(r.likes_per_tweet)}</b></td>"
        f"<td align=right>{per_tweet(r.retweets_per_tweet)}</td>"
        f"<td align=right>{per_tweet(r.median_likes)}</td></tr>"
        for r in eng.rows
        if r.tweets
    )
    return f"<table cellpadding=3><tr>{head}</tr>{rows}</table>"


def top_list(top: list[dict[str, Any]]) -> str:
    """The most liked and retweeted tweets, one short line each."""
    items = []
    for t in top:
        text = " ".join((t["text"] or "").split())
        short = text if len(text) <= TOP_TEXT else text[: TOP_TEXT - 1] + "…"
        kind = KIND_LABELS.get(t["kind"], t["kind"])
        items.append(
            f"<li><small>{t['created_at']:%Y-%m-%d} · {kind} · "
            f"{number(t['favorite_count'])} likes · {number(t['retweet_count'])} retweets"
            f"</small><br>{escape(breakable(short))}</li>"
        )
    return f"<ol>{''.join(items)}</ol>"


class EngagementPanel(QWidget):
    """Loads engagement by kind and the top tweets on a worker lane of its own."""

    show_top = Signal()  # "show them in the Tweets view, most liked first"

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engagement: Engagement | None = None
        self.top: list[dict[str, Any]] = []
        self.hours: list[list[int]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("<h3>What each kind of tweet earned</h3>")
        self.sentence = wrapping(QLabel())
        self.sentence.setTextFormat(Qt.TextFormat.RichText)
        self.table = wrapping(QLabel())
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.note = wrapping(QLabel())
        self.when = wrapping(QLabel())  # when the account posts: a counts-free fact
        self.top_label = wrapping(QLabel())
        self.top_label.setTextFormat(Qt.TextFormat.RichText)
        self.top_label.linkActivated.connect(lambda _link: self.show_top.emit())
        for w in (self.title, self.sentence, self.table, self.note, self.when, self.top_label):
            layout.addWidget(w)
        layout.addStretch(1)  # held taller while working: the lines stay at its top
        self.loader = Loader(ctx, self)
        self.loader.failed.connect(lambda sentence, _details: self.sentence.setText(sentence))

    def working(self, on: bool = True) -> None:
        """While the figures are asked for: one line saying so in place of an older scope's
        (the panel as tall as before: what is below it stays put); *on* False: the line gone,
        nothing coming (the Overview's own step failed before asking)."""
        if not on:
            self.setMinimumHeight(0)
        elif self.engagement is not None and self.isVisible():  # showing an older scope's
            self.setMinimumHeight(self.height())
        self.sentence.setText("<i>Calculating what each kind of tweet earned…</i>" if on else "")
        for w in (self.table, self.note, self.when, self.top_label):
            w.hide()

    def refresh(self, scope: Scope) -> None:
        def query(con) -> Shown:
            eng = pipeline.engagement(con, scope)
            top = engagement.top_tweets(con, scope).to_pylist()
            zone = time_zone.snapshot_zone(con, scope.snapshot_id)
            return eng, top, engagement.posting_hours(con, scope), zone

        self.loader.request(query, self._show)

    def _show(self, result: Shown) -> None:
        eng, top, self.hours, zone = result
        self.setMinimumHeight(0)
        self.engagement, self.top = eng, top
        when = engagement.when_posted(self.hours, zone)
        self.when.setText(when or "")
        self.when.setVisible(when is not None)
        said = engagement.headline(eng)
        self.sentence.setText(f"<b>{escape(said)}</b>" if said else escape(no_sentence(eng)))
        self.table.setVisible(eng.known)
        self.table.setText(kinds_table(eng) if eng.known else "")
        # Counts change after the archive is made: the figures are what they were then.
        self.note.setText(
            f"{eng.reason} Retweets of others are left out: their counts are someone else's."
            if eng.known
            else ""
        )
        self.note.setVisible(eng.known)
        self.top_label.setVisible(bool(top))
        if top:
            self.top_label.setText(
                "<b>The tweets that earned most</b> (likes + retweets) · "
                f"<a href='{SHOW_TOP}'>Show all your tweets, most liked first</a>" + top_list(top)
            )

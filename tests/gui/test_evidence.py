"""Evidence beyond one snapshot, on the Overview: what each kind of tweet earned (against the
generated counts), the ten that earned most, and before and after."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date, timedelta
from statistics import mean

import openpyxl
from PySide6.QtWidgets import QMessageBox

from archivelens import pipeline
from archivelens.analysis import comparison, engagement
from archivelens.cli import main
from archivelens.gui.views.comparison_panel import BASELINE, LAST_YEAR, OFF, figure
from archivelens.gui.views.engagement_panel import per_tweet
from archivelens.words import number
from tests.conftest import era_spec
from tests.gui.conftest import answers_yes_state
from tests.gui.test_app import settle, show


def _overview(qtbot, open_window, make_archive, library, spec, era="current"):
    path, story, _ = make_archive(era, spec=spec)
    pipeline.import_archive(path, library)
    window = open_window()
    window.show()
    return window, show(qtbot, window, "Overview"), story


def _cell(label: str, tweets: int, likes: float | None) -> str:
    """How a kind's row starts in the panel's table."""
    return (
        f"<td>{label}</td><td align=right>{number(tweets)}</td>"
        f"<td align=right><b>{per_tweet(likes)}</b></td>"
    )


def test_the_overview_says_what_each_kind_earned(qtbot, open_window, make_archive, library):
    spec = era_spec("current", tweets=1500, engagement=True)
    window, overview, story = _overview(qtbot, open_window, make_archive, library, spec)
    panel = overview.engagement
    table = panel.table.text()
    for kind in engagement.KINDS[:5]:  # each kind against the generator's own counts
        tweets = [t for t in story.tweets if t.kind == kind]
        likes = mean(t.favorite_count for t in tweets) if tweets else None
        assert _cell(engagement.LABELS[kind], len(tweets), likes) in table, kind
    promo = [t for t in story.tweets if t.promotional and t.kind != "retweet"]
    promo_likes = mean(t.favorite_count for t in promo)
    assert _cell("promotional tweets", len(promo), promo_likes) in table
    sentence = panel.sentence.text()
    assert f"Your promotional tweets earned {promo_likes:.1f} likes each" in sentence
    assert "snapshot" not in table and engagement.SNAPSHOT_NOTE in panel.note.text()
    # When the account posts, from the generated tweets' own times (UTC: no zone named).
    own = [t for t in story.tweets if t.kind != "retweet"]
    grid = [[0] * 24 for _ in range(7)]
    for t in own:
        grid[t.created_at.weekday()][t.created_at.hour] += 1
    assert panel.when.text() == engagement.when_posted(grid)
    # The period chosen above every view: the figures follow it.
    window.ctx.set_dates(date(2022, 1, 1), date(2022, 12, 31))
    settle(qtbot, overview)
    inside = [
        t
        for t in story.tweets
        if t.kind == "reply_to_others"
        and date(2022, 1, 1) <= t.created_at.date() <= date(2022, 12, 31)
    ]
    assert panel.engagement.of("reply_to_others").tweets == len(inside)
    assert _cell("replies to others", len(inside), mean(t.favorite_count for t in inside)) in (
        panel.table.text()
    )
    # The ten that earned most, and all the rest one click away, most liked first.
    want = engagement.top_tweets(window.ctx.con, window.ctx.scope).column("tweet_id").to_pylist()
    assert [t["tweet_id"] for t in panel.top] == want and len(want) == 10
    panel.top_label.linkActivated.emit("top")
    tweets = window.views["Tweets"]
    assert window.views_stack.currentWidget() is tweets
    settle(qtbot, tweets)
    assert tweets.model.sort_state == ("favorite_count", True)
    in_range = [t for t in story.tweets if t.created_at.year == 2022]
    assert tweets.model.value(0, "favorite_count") == max(t.favorite_count for t in in_range)


def test_an_archive_without_counts_says_unknown_never_zero(
    qtbot, open_window, make_archive, library
):
    _window, overview, _ = _overview(
        qtbot, open_window, make_archive, library, era_spec("classic"), era="classic"
    )
    panel = overview.engagement
    assert panel.engagement is not None and not panel.engagement.known
    assert panel.sentence.text() == f"Unknown: {engagement.NO_COUNTS}"
    assert not panel.table.isVisible() and not panel.top_label.isVisible()
    assert all(r.likes_per_tweet is None for r in panel.engagement.rows)


def test_before_and_after_the_last_twelve_months(qtbot, open_window, make_archive, library):
    spec = era_spec("current", tweets=3000, quiet_last_year=True)
    window, overview, _ = _overview(qtbot, open_window, make_archive, library, spec)
    panel = overview.comparison
    assert not panel.table.isVisible()  # off until asked for
    panel.mode.setCurrentIndex(panel.mode.findData(LAST_YEAR))
    settle(qtbot, overview)
    before, after = comparison.default_periods(window.ctx.scope)
    want = comparison.compare(window.ctx.con, window.ctx.scope, before, after)
    result = panel.result
    assert (result.before, result.after) == (before, after) and result.judged
    assert f"Before: {before.start} to {before.end} ({number(want.before_tweets)} tweets)" in (
        panel.periods.text()
    )
    conv = next(r for r in want.rows if r.metric == "conversation_share")
    assert conv.verdict == "worse"  # no replies at all in the last year
    assert (
        f"<td>Conversation share</td><td align=right>{figure(conv.before, 'share')}</td>"
        f"<td align=right><b>0%</b></td><td align=right>−{-conv.change:.1f} pt</td>"
        "<td>▼ worse</td>"
    ) in panel.table.text()
    assert not panel.note.isVisible()  # the periods line says what the note would
    assert not panel.followers_label.isVisible()  # one archive: nothing to compare
    panel.mode.setCurrentIndex(panel.mode.findData(OFF))
    assert not panel.table.isVisible() and panel.result is None


def test_a_period_under_thirty_tweets_shows_figures_but_no_verdict(
    qtbot, open_window, make_archive, library
):
    window, overview, _ = _overview(
        qtbot, open_window, make_archive, library, era_spec("current", tweets=1000)
    )
    panel = overview.comparison
    last = window.ctx.scope.generated_at.date()
    panel.set_mode(BASELINE, baseline=last - timedelta(days=3))  # after: three days
    settle(qtbot, overview)
    assert panel.baseline.isVisible()
    result = panel.result
    assert result.after.start == last - timedelta(days=3) and not result.judged
    assert panel.note.text().startswith("No verdict: a period has fewer than 30 tweets")
    assert "▲" not in panel.table.text() and "▼" not in panel.table.text()
    assert "<td>Tweets</td>" in panel.table.text()
    # A date after the archive's last day is refused by the date box itself.
    panel.baseline.setDate(panel.baseline.maximumDate().addDays(30))
    assert panel.baseline.date().toPython() == last


def test_followers_gained_and_lost_belong_to_the_comparison(qtbot, open_window, two_snapshots):
    old, new = two_snapshots
    window = open_window()
    window.show()
    overview = show(qtbot, window, "Overview")
    panel = overview.comparison
    panel.set_mode(LAST_YEAR)
    settle(qtbot, overview)
    assert panel.followers is not None
    gained = len(set(new.followers) - set(old.followers))
    lost = len(set(old.followers) - set(new.followers))
    assert gained + lost > 0
    assert (
        f"Followers gained {number(gained)}, lost {number(lost)} between the archives"
        in panel.followers_label.text()
    )
    counts, _ = comparison.follower_changes(
        window.ctx.con, window.ctx.scope, panel.result.before, panel.result.after
    )
    assert (counts["gained_follower"], counts["lost_follower"]) == (gained, lost)


def _exported(qtbot, window, worker) -> None:
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)


def _cli_comparison(library, out, *asked: str) -> bytes:
    """comparison.csv as ``archivelens export`` writes it for the same library and periods."""
    with redirect_stdout(io.StringIO()):
        assert main(["export", "--db", str(library), "--out", str(out), *asked]) == 0
    return (out / "comparison.csv").read_bytes()


def test_the_app_exports_the_comparison_the_overview_shows(
    qtbot, open_window, make_archive, library, tmp_path, answers_yes
):
    spec = era_spec("current", tweets=3000, quiet_last_year=True)
    window, overview, _ = _overview(qtbot, open_window, make_archive, library, spec)
    # No comparison on the Overview: nothing is asked and the set holds none.
    assert window.comparison_for_export() is None and answers_yes == []
    panel = overview.comparison
    panel.set_mode(LAST_YEAR)
    settle(qtbot, overview)
    before, after = panel.result.before, panel.result.after
    last_year = window.comparison_for_export()
    assert last_year is not None and last_year.baseline is None
    periods = f"{before.start} to {before.end} with {after.start} to {after.end}"
    assert f"The Overview compares {periods}." in answers_yes[-1]
    _exported(qtbot, window, window.export_to(tmp_path / "app-year", last_year))
    _exported(qtbot, window, window.export_workbook_to(tmp_path / "book", last_year))
    (book,) = (tmp_path / "book").glob("*.xlsx")
    assert "Comparison" in openpyxl.load_workbook(book, read_only=True).sheetnames
    # Around a picked date: the day the box shows goes to the export.
    work_began = window.ctx.scope.generated_at.date() - timedelta(days=200)
    panel.set_mode(BASELINE, baseline=work_began)
    settle(qtbot, overview)
    dated = window.comparison_for_export()
    assert dated is not None and dated.baseline == str(work_began)
    _exported(qtbot, window, window.export_to(tmp_path / "app-dated", dated))
    # Answered no: the export goes without it, and an earlier comparison.csv goes too.
    answers_yes_state.answer = QMessageBox.StandardButton.No
    assert window.comparison_for_export() is None
    _exported(qtbot, window, window.export_to(tmp_path / "app-dated"))
    assert not (tmp_path / "app-dated" / "comparison.csv").exists()
    _exported(qtbot, window, window.export_to(tmp_path / "app-dated", dated))
    window.close()  # the command line opens the library the window held
    app_year = (tmp_path / "app-year" / "comparison.csv").read_bytes()
    assert app_year == _cli_comparison(library, tmp_path / "cli-year", "--compare")
    assert f"{before.start}/{before.end},{after.start}/{after.end}".encode() in app_year
    assert (tmp_path / "app-dated" / "comparison.csv").read_bytes() == _cli_comparison(
        library, tmp_path / "cli-dated", "--baseline", str(work_began)
    )

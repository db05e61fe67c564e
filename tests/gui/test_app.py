"""The desktop app, offscreen: import through the GUI, every view, review keys, cancel."""

from __future__ import annotations

import dataclasses

import duckdb
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from archivelens import pipeline
from archivelens.analysis import network
from archivelens.gui.workers import Loader
from tests.conftest import era_spec


def import_via_gui(qtbot, window, path):
    worker = window.import_archive(path)
    assert worker is not None
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    return worker


def show(qtbot, window, name):
    """Switch to view *name* and wait until its workers have prepared it. On a real X server
    the window is made the active one first, as a person's click would (keys and shortcuts go
    to the active window only)."""
    if window.isVisible() and not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.sidebar.setCurrentRow(list(window.views).index(name))
    view = window.views[name]
    settle(qtbot, view)
    return view


def settle(qtbot, view):
    loaders = view.findChildren(Loader)
    busy = getattr(view, "busy", lambda: False)  # a view reading on a worker of its own
    qtbot.waitUntil(
        lambda: not busy() and not any(loader.busy() for loader in loaders), timeout=30_000
    )


def test_welcome_then_import_fills_every_view(qtbot, open_window, make_archive, library):
    path, story, _ = make_archive("current", spec=era_spec("current", tweets=500))
    window = open_window()
    window.show()
    assert window.stack.currentIndex() == 0  # the welcome drop zone
    import_via_gui(qtbot, window, path)
    assert window.stack.currentIndex() == 1
    overview = show(qtbot, window, "Overview")
    replies = sum(t.kind == "reply_to_others" for t in story.tweets)
    assert overview.cards["conversation"].value.text() == f"{replies / len(story.tweets):.0%}"
    assert overview.report.value("tweets") == len(story.tweets)
    assert len(overview.chart.series()) == 1
    for name in ("Follow-back", "Duplicates", "Tweets", "Changes"):
        view = show(qtbot, window, name)
        if name == "Follow-back":
            not_back = len(set(story.followers) - set(story.following))
            assert view.model.total() == not_back
            assert view.progress_label.text() == f"Reviewed 0 of {not_back:,}"
        if name == "Tweets":
            assert view.model.total() == len(story.tweets)
        if name == "Duplicates":
            assert view.model.total() == len(
                {t.cluster for t in story.tweets if t.cluster is not None}
            )
        if name == "Changes":
            assert view.empty.isVisible()


def test_review_keys_and_notes_save_and_survive_reopening(
    qtbot, open_imported, open_window, library, monkeypatch
):
    window, _ = open_imported()
    window.show()
    view = show(qtbot, window, "Follow-back")
    first = view.current_account()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F)
    second = view.current_account()
    assert second != first

    def type_and_save(dialog):
        dialog.editor.setPlainText("Bakery in Porto — check bio")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("archivelens.gui.views.checklist.NoteDialog.exec", type_and_save)
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert view.model.value(view.current_row(), "note") == "Bakery in Porto — check bio"
    qtbot.keyClick(view.table, Qt.Key.Key_X)
    assert view.progress_label.text().startswith("Reviewed 2 of")
    assert view.model.value(0, "review_status") == "follow_back"  # changed in place
    window.close()
    with duckdb.connect(str(library), read_only=True) as con:
        found = con.execute("SELECT target_id, status, note FROM reviews").fetchall()
        rows = {r[0]: r[1:] for r in found}
    assert rows == {
        first: ("follow_back", None),
        second: ("not_for_me", "Bakery in Porto — check bio"),
    }
    again = open_window()
    view = show(qtbot, again, "Follow-back")
    assert view.progress_label.text().startswith("Reviewed 2 of")
    view.filter.setCurrentIndex(view.filter.findData("not_for_me"))
    settle(qtbot, view)
    assert view.model.total() == 1 and view.current_account() == second
    assert view.model.value(0, "note") == "Bakery in Porto — check bio"
    assert "Bakery in Porto" in view.who.text()


def test_an_unexpected_error_is_one_sentence(monkeypatch):
    from archivelens.gui import app

    shown = []
    monkeypatch.setattr(
        "archivelens.gui.widgets.show_error",
        lambda parent, sentence, details="": shown.append((sentence, details)),
    )
    try:
        raise KeyError("boom")
    except KeyError as err:
        app.report_unexpected(type(err), err, err.__traceback__)
    [(sentence, details)] = shown
    assert sentence == "Something went wrong (KeyError); what you saved is safe."
    assert "Traceback" in details and "boom" in details


def test_cancel_leaves_library_unchanged(qtbot, open_window, make_archive, library):
    first, _, _ = make_archive("2020-2022")
    pipeline.import_archive(first, library)
    with pipeline.open_library(library) as con:
        before = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    path, _, _ = make_archive("current", spec=era_spec("current", tweets=3000, followers=20000))
    window = open_window()
    worker = window.import_archive(path)
    with qtbot.waitSignal(worker.signals.cancelled, timeout=60_000):
        window.jobs.cancel()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    with pipeline.open_library(library) as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == before


def test_bad_archive_shows_one_sentence(qtbot, open_window, tmp_path, errors):
    bogus = tmp_path / "not-an-archive.zip"
    bogus.write_text("hello")
    window = open_window()
    # The panel's signal, not the worker's: a worker that fails at once could signal before
    # a wait on it is connected.
    with qtbot.waitSignal(window.jobs.failed, timeout=30_000):
        assert window.import_archive(bogus) is not None
    assert errors == [
        "not-an-archive.zip is not a zip file or is damaged; use the .zip Twitter "
        "sent you or the folder it extracts to."
    ]


def test_models_pass_qt_model_tester(qtbot, open_imported, qtmodeltester):
    window, _ = open_imported()
    for name in ("Follow-back", "Tweets", "Duplicates"):
        qtmodeltester.check(show(qtbot, window, name).model)


def test_tweets_search_filter_and_sort(qtbot, open_imported):
    window, story = open_imported()
    view = show(qtbot, window, "Tweets")
    view.kind.setCurrentIndex(view.kind.findData("retweet"))
    settle(qtbot, view)
    assert view.model.total() == sum(t.kind == "retweet" for t in story.tweets)
    view.kind.setCurrentIndex(0)
    view.search.setText("Thank you so much")
    qtbot.waitUntil(
        lambda: view.model.total() == sum("Thank you so much" in t.text for t in story.tweets),
        timeout=30_000,
    )
    view.model.sort(6, Qt.SortOrder.DescendingOrder)
    settle(qtbot, view)
    likes = [view.model.value(r, "favorite_count") for r in range(view.model.rowCount())]
    assert likes == sorted(likes, reverse=True)


def test_export_from_the_window(qtbot, open_imported, library, tmp_path):
    window, _ = open_imported()
    worker = window.export_to(tmp_path / "csv")
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    assert (tmp_path / "csv" / "not_followed_back.csv").exists()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert network.checklist(con, scope).num_rows > 0


def read_csv(path):
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def export_view(qtbot, window, view, target):
    worker = window.export_view_to(view.export_query(), target)
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    return read_csv(target)


def test_tables_export_exactly_what_they_show(qtbot, open_imported, tmp_path):
    window, story = open_imported()
    tweets = show(qtbot, window, "Tweets")
    tweets.kind.setCurrentIndex(tweets.kind.findData("quote"))
    tweets.model.sort(6, Qt.SortOrder.DescendingOrder)  # by likes, most first
    settle(qtbot, tweets)
    rows = export_view(qtbot, window, tweets, tmp_path / "tweets.csv")
    assert len(rows) == tweets.model.total() == sum(t.kind == "quote" for t in story.tweets)
    assert {r["kind"] for r in rows} == {"quote"}
    assert [r["tweet_id"] for r in rows] == [
        str(tweets.model.value(i, "tweet_id")) for i in range(len(rows))
    ]
    assert rows[0]["created_at"].endswith("Z")  # the contract's formats, not the table's

    checklist = show(qtbot, window, "Follow-back")
    first = checklist.current_account()
    checklist.set_status("not_for_me")
    checklist.filter.setCurrentIndex(checklist.filter.findData("not_for_me"))
    settle(qtbot, checklist)
    rows = export_view(qtbot, window, checklist, tmp_path / "checklist.csv")
    assert [(r["account_id"], r["review_status"]) for r in rows] == [(str(first), "not_for_me")]

    dups = show(qtbot, window, "Duplicates")
    rows = export_view(qtbot, window, dups, tmp_path / "dups.csv")
    assert len({r["cluster_id"] for r in rows}) == dups.model.total()
    assert len(rows) == sum(t.cluster is not None for t in story.tweets)


def test_changes_between_two_snapshots(qtbot, qtmodeltester, open_window, two_snapshots):
    old, new = two_snapshots
    window = open_window()
    view = show(qtbot, window, "Changes")
    assert not view.empty.isVisible() and view.old.count() == 2
    gained = set(new.followers) - set(old.followers)
    lost = set(old.followers) - set(new.followers)
    assert view.model.total() == len(gained) + len(lost) + len(
        set(new.following) ^ set(old.following)
    )
    assert f"{len(gained):,} new follower" in view.summary.text()
    qtmodeltester.check(view.model)


def test_analysis_settings_dialog_and_apply(qtbot, open_imported, errors):
    from archivelens.analysis import duplicates, promotion
    from archivelens.gui.settings_dialog import AnalysisSettingsDialog

    window, _ = open_imported()
    overview = show(qtbot, window, "Overview")
    before = overview.report.value("promotional_tweets")
    current = pipeline.analysis_settings(window.ctx.con, window.ctx.scope.account_id)
    dialog = AnalysisSettingsDialog(
        current, promotion.default_lexicon_text(), ["shop.example"], 85.0, window
    )
    qtbot.addWidget(dialog)
    assert dialog.settings() == current  # opening and closing changes nothing
    assert dialog.domains() == ["shop.example"] and not dialog.domain_list.isEnabled()
    dialog.phrase_list.selectAll()
    dialog.remove_selected()
    dialog.patterns.setPlainText("")
    assert dialog.add_phrase("coffee") and dialog.add_phrase("morning")
    dialog.suggest.setChecked(False)
    assert dialog.domain_list.isEnabled() and dialog.new_domain.isEnabled()
    assert dialog.add_domain("https://www.Shop.example/books") is False  # already listed
    assert dialog.add_domain("https://www.my-books.example/new") and not dialog.add_domain("x")
    assert dialog.domains() == ["shop.example", "my-books.example"]
    dialog.domain_list.selectAll()
    dialog.remove_selected_domains()
    assert dialog.domains() == [] and not dialog.no_domains.isHidden()
    dialog.threshold.setValue(90)
    wanted = dialog.settings()
    assert promotion.Lexicon(wanted.lexicon).entries == ["coffee", "morning"]
    assert (wanted.own_domains, wanted.threshold) == ([], 90.0)
    worker = window.apply_settings(wanted)
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    settle(qtbot, overview)
    assert overview.report.value("promotional_tweets") != before
    assert duplicates.threshold(window.ctx.con) == 90.0
    window.apply_settings(pipeline.AnalysisSettings("re:(broken\n", [], 90.0))
    qtbot.waitUntil(lambda: window.worker is None and bool(errors), timeout=60_000)
    assert errors == [
        "The sales-word pattern “re:(broken” on line 1 is not valid (missing ): (broken); "
        "fix or remove it."
    ]
    assert pipeline.analysis_settings(window.ctx.con, window.ctx.scope.account_id) == wanted


def test_open_another_library_and_recent_libraries(
    qtbot, open_window, make_archive, library, tmp_path, settings, errors
):
    path, _, _ = make_archive("current")
    other = tmp_path / "other" / "other.duckdb"
    pipeline.import_archive(path, other)
    settings.add_recent_library(str(other))  # opened in an earlier session
    window = open_window()
    window.show()
    assert "other.duckdb" in window.welcome.recent.text()  # the empty library's welcome lists it
    new = window.switch_library(other)
    assert new is not window and new.ctx.path == other and not window.isVisible()
    try:
        assert new.stack.currentIndex() == 1
        assert settings.recent_libraries()[:2] == [str(other), str(library)]
        new._fill_recent()
        assert [a.text() for a in new.recent_menu.actions()] == [str(library)]
        bogus = tmp_path / "notes.duckdb"
        bogus.write_text("not a database")
        assert new.switch_library(bogus) is None and new.isVisible()
        assert errors and "is not an archivelens library" in errors[0]
    finally:
        new.close()


def test_numbers_lead_to_the_rows_behind_them(qtbot, open_imported, library):
    window, story = open_imported()
    overview = show(qtbot, window, "Overview")
    tweets = window.views["Tweets"]
    assert window.sidebar.item(3).text() == f"Tweets  ({len(story.tweets):,})"
    assert window.summary.text().startswith(
        f"{len(story.tweets):,} tweets · {len(story.followers):,} followers · "
        f"{len(story.following):,} following · all time · library: "
    )
    qtbot.mouseClick(overview.cards["conversation"], Qt.MouseButton.LeftButton)
    settle(qtbot, tweets)
    assert window.views_stack.currentWidget() is tweets
    assert tweets.model.total() == overview.report.value("replies_to_others")
    overview_row = list(window.views).index("Overview")
    window.sidebar.setCurrentRow(overview_row)
    overview.cards["promotion"].setFocus()
    qtbot.keyClick(overview.cards["promotion"], Qt.Key.Key_Return)
    settle(qtbot, tweets)
    assert tweets.kind.currentIndex() == 0  # the earlier drill-down's filter is gone
    assert tweets.model.total() == overview.report.value("promotional_tweets")
    dups = show(qtbot, window, "Duplicates")
    dups.table.selectRow(0)
    cluster, size = dups.model.value(0, "cluster_id"), dups.model.value(0, "size")
    dups.tweets_button.click()
    settle(qtbot, tweets)
    assert tweets.model.total() == size
    assert {tweets.model.value(r, "cluster_id") for r in range(size)} == {cluster}
    tweets.cluster_chip.click()
    settle(qtbot, tweets)
    assert tweets.model.total() == len(story.tweets) and tweets.cluster_chip.isHidden()


def test_marking_tweets_and_reading_clusters(qtbot, open_imported):
    window, story = open_imported()
    window.show()
    overview = show(qtbot, window, "Overview")
    before = overview.report.value("promotional_tweets")
    tweets = show(qtbot, window, "Tweets")
    tweets.promo.setCurrentIndex(tweets.promo.findData(False))
    settle(qtbot, tweets)
    tweets.table.selectRow(0)
    full = tweets.model.value(0, "text")
    assert full.split("\n")[0] in tweets.preview.toPlainText()  # read in full below the table
    tweets.table.setFocus()
    qtbot.keyClick(tweets.table, Qt.Key.Key_P)
    assert tweets.model.value(0, "promotional") is True  # shown in place, row kept
    assert "promotional" in tweets.preview.toPlainText()
    assert tweets.model.index(0, 3).data() == "promotional"
    overview = show(qtbot, window, "Overview")
    assert overview.report.value("promotional_tweets") == before + 1
    tweets = show(qtbot, window, "Tweets")
    tweets.table.selectRow(0)
    qtbot.keyClick(tweets.table, Qt.Key.Key_A)
    assert tweets.model.value(0, "promotional") is False
    selection = QItemSelection(tweets.model.index(0, 0), tweets.model.index(4, 0))
    tweets.table.selectionModel().select(
        selection,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(tweets.table, Qt.Key.Key_P)  # several at once
    # Retweets are other people's words: never promotional, whatever the mark says.
    marked = [tweets.model.value(r, "kind") != "retweet" for r in range(5)]
    assert [tweets.model.value(r, "promotional") for r in range(6)] == [*marked, False]
    overview = show(qtbot, window, "Overview")
    assert overview.report.value("promotional_tweets") == before + sum(marked)
    dups = show(qtbot, window, "Duplicates")
    cluster = dups.model.value(0, "cluster_id")
    truth = [t for t in story.tweets if t.cluster is not None]
    assert dups.model.total() == len({t.cluster for t in truth})
    html = dups.members.toHtml()
    assert "the first" in html and "#ffe08a" in html  # each version, the changed words marked
    dups.table.selectRow(1)
    settle(qtbot, dups)
    assert dups.model.value(1, "cluster_id") != cluster and dups.members.toHtml() != html


def test_enter_opens_the_profile_and_nothing_else_goes_online(qtbot, open_imported, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "archivelens.gui.views.checklist.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()),
    )
    window, _ = open_imported()
    window.show()
    for name in window.views:
        show(qtbot, window, name)
    assert opened == []
    view = show(qtbot, window, "Follow-back")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened == [f"https://twitter.com/intent/user?user_id={view.current_account()}"]


def test_find_goes_to_a_search_field(qtbot, open_imported):
    window, _ = open_imported()
    window.show()
    window.activateWindow()
    checklist = show(qtbot, window, "Follow-back")
    window.find_action.trigger()
    assert checklist.search_box().hasFocus()
    show(qtbot, window, "Duplicates")  # no search of its own: Find searches the tweets
    window.find_action.trigger()
    assert window.views_stack.currentWidget() is window.views["Tweets"]
    assert window.views["Tweets"].search_box().hasFocus()


def test_a_classic_archive_explains_what_it_lacks(qtbot, open_imported):
    window, story = open_imported("classic")
    overview = show(qtbot, window, "Overview")
    assert overview.cards["reciprocity"].detail.text() == (
        "not in this archive (classic archives have no follower or following lists)"
    )
    checklist = show(qtbot, window, "Follow-back")
    assert checklist.model.total() == 0
    assert "no follower lists" in checklist.notice.text()
    tweets = show(qtbot, window, "Tweets")
    assert tweets.model.total() == len(story.tweets)
    # Likes and retweets are unknown, not 0: "–", with the reason in the tooltip (issue 19.7).
    model = tweets.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    for title in ("Likes", "RTs"):
        cell = model.index(0, titles.index(title))
        assert model.data(cell) == "–"
        assert "classic archives" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    text = model.index(0, titles.index("Text"))
    assert "classic" not in (model.data(text, Qt.ItemDataRole.ToolTipRole) or "")
    tweets.table.setCurrentIndex(cell)
    assert "likes and retweets unknown" in tweets.preview.toPlainText()


def test_the_overview_says_why_there_is_no_advice(qtbot, open_window, make_archive, library):
    spec = era_spec("current", tweets=22, blast_clusters=0, thanks_replies=0, notes=0)
    path, _, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    overview = show(qtbot, open_window(), "Overview")
    qtbot.waitUntil(lambda: "What to change" in overview.advice.text(), timeout=30_000)
    assert "Too few tweets in this period to advise: 22, advice needs 50." in overview.advice.text()
    assert "Nothing stands out" not in overview.advice.text()


def test_an_archive_without_tweets_says_so_on_the_overview(
    qtbot, open_window, make_archive, library
):
    spec = era_spec("2018-2020", tweets=50)
    path, _, _ = make_archive("2018-2020", spec=spec, drop_from_zip=("tweet.js",))
    pipeline.import_archive(path, library)
    overview = show(qtbot, open_window(), "Overview")
    qtbot.waitUntil(lambda: "What to change" in overview.advice.text(), timeout=30_000)
    assert overview.cards["conversation"].detail.text() == "no tweets file in this archive"
    assert "there is no tweets file in this archive" in overview.advice.text()


def test_window_size_and_splitters_are_remembered(qtbot, open_imported, open_window):
    window, _ = open_imported()
    window.show()
    window.resize(760, 560)  # inside the offscreen screen (800 × 600): restoring keeps it there
    window.splitter.setSizes([230, 500])
    checklist = window.views["Follow-back"]
    checklist.splitter.setSizes([300, 200])
    sizes = (window.splitter.sizes(), checklist.splitter.sizes())
    window.close()
    again = open_window()
    again.show()
    assert again.size() == window.size()
    assert (again.splitter.sizes(), again.views["Follow-back"].splitter.sizes()) == sizes


def test_closing_while_views_are_loading(qtbot, open_imported, pool):
    window, _ = open_imported("current", spec=era_spec("current", tweets=3000, followers=20000))
    window.show()
    for row in range(len(window.views)):  # every view starts preparing at once
        window.sidebar.setCurrentRow(row)
    window.close()  # interrupts them and waits: nothing may be left running or crash later
    assert window.ctx.closed and pool.activeThreadCount() == 0
    qtbot.wait(50)  # answers that arrive now land nowhere


def test_date_range_applies_to_every_view(qtbot, open_imported):
    from datetime import date

    from PySide6.QtCore import QDate

    window, story = open_imported()
    overview = show(qtbot, window, "Overview")
    window.scope_bar.all_time.setChecked(False)
    window.scope_bar.date_from.setDate(QDate(2021, 1, 1))
    window.scope_bar.date_to.setDate(QDate(2021, 12, 31))
    qtbot.waitUntil(lambda: window.ctx.scope.date_from == date(2021, 1, 1), timeout=5_000)
    settle(qtbot, overview)
    in_2021 = [t for t in story.tweets if t.created_at.year == 2021]
    assert overview.report.value("tweets") == len(in_2021)
    tweets = show(qtbot, window, "Tweets")
    assert tweets.model.total() == len(in_2021)
    window.scope_bar.date_from.setDate(QDate(2022, 6, 1))  # after the end: refused, scope unchanged
    qtbot.wait(600)
    assert window.ctx.scope.date_from == date(2021, 1, 1)
    assert "after the end date" in window.statusBar().currentMessage()


def test_dropping_an_archive_or_a_library(qtbot, open_window, make_archive, tmp_path, errors):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QApplication

    from archivelens.gui.main_window import MainWindow

    path, _, _ = make_archive("current")
    window = open_window()
    window.show()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(tmp_path / "b.zip"))])
    drop = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)  # two files: the first is imported, and the window says so
    assert window.worker is not None
    assert "One archive at a time" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert window.stack.currentIndex() == 1 and errors == []
    other = tmp_path / "other.duckdb"
    pipeline.import_archive(path, other)
    window.open_dropped([other])  # a library file opens in a window in place of this one
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    shown = [w for w in shown if w.isVisible()]
    assert [w.ctx.path for w in shown] == [other]
    shown[0].close()


def test_suggested_own_website_is_confirmed_or_cleared_on_the_overview(qtbot, open_imported):
    window, _ = open_imported("current", spec=era_spec("current", blast_clusters=3))
    overview = show(qtbot, window, "Overview")
    assert overview.suggestion.isVisibleTo(overview)
    assert "zimblerbooks.com" in overview.suggestion.text()
    account = window.ctx.scope.account_id
    overview.suggestion.linkActivated.emit("yes")
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)
    settings = pipeline.analysis_settings(window.ctx.con, account)
    assert settings.own_domains == ["zimblerbooks.com"]
    settle(qtbot, overview)
    assert not overview.suggestion.isVisibleTo(overview)  # confirmed: no longer a guess
    window.answer_own_domains([])  # "No, not mine" (via the settings, as the link does)
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)
    assert pipeline.analysis_settings(window.ctx.con, account).own_domains == []


def test_review_keys_work_as_soon_as_follow_back_is_shown(qtbot, open_imported):
    window, _ = open_imported()
    window.show()
    window.activateWindow()
    view = show(qtbot, window, "Follow-back")
    assert view.table.hasFocus()  # not the filter box: F must not pick a filter
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=30_000)
    first = view.current_account()
    assert first is not None
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F)
    row = window.ctx.con.execute(
        "SELECT status FROM reviews WHERE target_id = ?", [first]
    ).fetchone()
    assert row == ("follow_back",)


def test_first_launch_fits_the_screen(qtbot, open_window):
    """No remembered geometry: the window takes at most 92 % × 90 % of the screen (so the status
    bar shows on a 768-px screen), and could be as small as 1024×700."""
    window = open_window()
    window.show()
    screen = window.screen().availableGeometry()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700
    assert window.width() <= max(int(screen.width() * 0.92), hint.width())
    assert window.height() <= max(int(screen.height() * 0.9), hint.height())


def test_quitting_during_an_import_asks_first(qtbot, open_window, make_archive, answers_yes):
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.conftest import answers_yes_state

    path, _, _ = make_archive("current", spec=era_spec("current", tweets=3000))
    window = open_window()
    window.show()
    worker = window.import_archive(path)
    assert worker is not None
    answers_yes_state.answer = QMessageBox.StandardButton.No
    window.close()
    assert window.isVisible() and answers_yes and "cancel" in answers_yes[0].lower()
    answers_yes_state.answer = QMessageBox.StandardButton.Yes
    window.close()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)


def test_open_archive_folder_imports_an_extracted_archive(
    qtbot, open_window, make_archive, monkeypatch
):
    folder, story, _ = make_archive("current", as_zip=False)
    monkeypatch.setattr(
        "archivelens.gui.main_window.QFileDialog.getExistingDirectory",
        lambda *args, **kwargs: str(folder),
    )
    window = open_window()
    window.show()
    window.open_archive_folder()
    qtbot.waitUntil(lambda: window.worker is None and window.ctx.scope is not None, timeout=60_000)
    overview = show(qtbot, window, "Overview")
    assert overview.report.value("tweets") == len(story.tweets)


def test_enter_without_a_browser_copies_the_address(qtbot, open_imported, monkeypatch):
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(
        "archivelens.gui.views.checklist.QDesktopServices.openUrl", lambda url: False
    )
    window, _ = open_imported()
    window.show()
    view = show(qtbot, window, "Follow-back")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=30_000)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    url = f"https://twitter.com/intent/user?user_id={view.current_account()}"
    assert QApplication.clipboard().text() == url
    assert "copied" in window.statusBar().currentMessage()


def test_the_note_dialog_is_finished_from_the_keyboard(qtbot):
    from PySide6.QtWidgets import QPlainTextEdit

    from archivelens.gui.widgets import NoteDialog

    dialog = NoteDialog("first line")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert dialog.editor.tabChangesFocus()  # Tab moves to the buttons, never types a tab
    dialog.editor.setFocus()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)  # Enter: a new line, as in any editor
    qtbot.keyClicks(dialog.editor, "second line")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.text() == "first line\nsecond line"


def test_tab_leaves_a_table(qtbot, open_imported):
    window, _ = open_imported()
    window.show()
    window.activateWindow()
    tweets = show(qtbot, window, "Tweets")
    tweets.table.setFocus()
    assert not tweets.table.tabKeyNavigation()
    qtbot.keyClick(tweets.table, Qt.Key.Key_Tab)
    assert not tweets.table.hasFocus()


def test_the_sample_opens_in_a_throwaway_window(qtbot, open_window, library):
    window = open_window()
    window.show()
    sample = window.import_sample()
    try:
        qtbot.waitUntil(
            lambda: sample.worker is None and sample.ctx.scope is not None, timeout=60_000
        )
        assert sample.ctx.path.parent != library.parent and not sample.remember
        assert "sample, not saved" in sample.windowTitle()
        assert window.ctx.snapshots() == []  # the user's own library holds no stranger
        folder = sample.scratch_folder
        assert folder is not None and folder.exists()
    finally:
        sample.close()
    assert not folder.exists()


def test_sidebar_counts_follow_a_threshold_change(qtbot, open_imported):
    from archivelens.analysis import duplicates

    window, _ = open_imported()
    window.show()
    show(qtbot, window, "Overview")
    before = window.sidebar.item(2).text()
    show(qtbot, window, "Tweets")  # not on the Overview: its counts must follow anyway
    settings = pipeline.analysis_settings(window.ctx.con, window.ctx.scope.account_id)
    worker = window.apply_settings(dataclasses.replace(settings, threshold=60.0))
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    settle(qtbot, window.views["Overview"])
    clusters = duplicates.repetition(window.ctx.con, window.ctx.scope).clusters
    assert window.sidebar.item(2).text() == f"Duplicates  ({clusters:,})" != before


def test_follow_back_handles_are_never_cut_at_1024(qtbot, open_imported):
    window, _ = open_imported()
    window.resize(1024, 700)
    window.show()
    view = show(qtbot, window, "Follow-back")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=30_000)
    header = view.table.horizontalHeader()
    metrics = view.table.fontMetrics()
    widest = max(
        metrics.horizontalAdvance(view.model.data(view.model.index(r, 0)))
        for r in range(min(view.model.rowCount(), 50))
    )
    assert header.sectionSize(0) >= widest
    status = [c.key for c in view.model.columns].index("review_status")
    assert header.sectionSize(status) >= metrics.horizontalAdvance("followed back")


def test_removing_an_archive_says_what_goes_and_what_stays(
    qtbot, open_window, two_snapshots, library, answers_yes
):
    window = open_window()
    window.show()
    newest = window.ctx.scope.snapshot_id
    worker = window.remove_snapshot()
    assert worker is not None
    assert "notes" in answers_yes[0] and "stay" in answers_yes[0]
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert window.ctx.scope is not None and window.ctx.scope.snapshot_id != newest
    assert len(window.ctx.snapshots()) == 1
    window.remove_snapshot()
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    assert window.ctx.scope is None and window.stack.currentIndex() == 0  # the welcome page


def test_export_offers_the_folder_and_marks_show_whose_they_are(
    qtbot, open_imported, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    opened = []
    monkeypatch.setattr(
        "archivelens.gui.finished.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    window, _ = open_imported()
    window.show()
    worker = window.export_to(tmp_path / "out")
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    box = next(b for b in window.findChildren(QMessageBox) if b.windowTitle() == "Export finished")
    show_folder = next(b for b in box.buttons() if b.text() == "Open Folder")
    show_folder.click()
    assert opened == [str(tmp_path / "out")]
    tweets = show(qtbot, window, "Tweets")
    tweets.table.selectRow(0)
    tweets.table.setFocus()
    qtbot.keyClick(tweets.table, Qt.Key.Key_P)
    column = [c.key for c in tweets.model.columns].index("override")
    assert tweets.model.data(tweets.model.index(0, column)) == "promotional"


def test_changes_with_one_archive_shows_no_empty_table(qtbot, open_imported):
    window, _ = open_imported()
    window.show()
    changes = show(qtbot, window, "Changes")
    assert changes.empty.isVisibleTo(changes)
    assert not changes.table.isVisibleTo(changes) and not changes.bar.isVisibleTo(changes)


def test_dropping_a_folder_on_the_welcome_page(qtbot, open_window, make_archive, errors):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    folder, story, _ = make_archive("current", as_zip=False)
    window = open_window()
    window.show()
    assert window.stack.currentWidget() is window.welcome
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    point = window.welcome.drop_zone.mapTo(window, QPoint(20, 20))
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted() and window.welcome.drop_zone.property("hover") is True
    drop = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert window.welcome.drop_zone.property("hover") is False
    qtbot.waitUntil(lambda: window.worker is None and window.ctx.scope is not None, timeout=60_000)
    assert errors == [] and window.stack.currentIndex() == 1
    assert show(qtbot, window, "Overview").report.value("tweets") == len(story.tweets)


def test_the_sidebar_never_clips_its_counts(qtbot, open_imported):
    spec = era_spec("current", followers=1500, following=60, mutuals=20)
    window, _ = open_imported("current", spec=spec)
    window.resize(1024, 700)
    window.show()
    show(qtbot, window, "Overview")
    item = window.sidebar.item(1)
    assert item.text() == "Follow-back  (1,480)"
    text_width = window.sidebar.fontMetrics().horizontalAdvance(item.text())
    assert window.sidebar.viewport().width() >= text_width


def test_what_to_change_on_the_overview_leads_to_its_rows(qtbot, open_imported):
    window, _ = open_imported("current", spec=era_spec("current", blast_clusters=4))
    window.show()
    overview = show(qtbot, window, "Overview")
    advice = overview.report.recommendations
    assert advice and advice[0].rule == "retire_sales_blasts"
    assert "What to change" in overview.advice.text() and "Show the rows" in overview.advice.text()
    overview.advice.linkActivated.emit("0")
    assert window.views_stack.currentWidget() is window.views["Duplicates"]


def _workbook_exported(qtbot, open_window, make_archive, library, folder):
    """The window after exporting a generated archive's workbook into *folder*."""
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    window.show()
    assert window.workbook_action.isEnabled()
    worker = window.export_workbook_to(folder)
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    return window


def test_export_an_excel_workbook_from_the_app(qtbot, open_window, make_archive, library, tmp_path):
    window = _workbook_exported(qtbot, open_window, make_archive, library, tmp_path / "book")
    assert sorted(p.suffix for p in (tmp_path / "book").iterdir()) == [".html", ".xlsx"]
    assert "workbook" in window.statusBar().currentMessage()


def test_the_app_says_which_sheets_stopped_at_excels_limit(
    qtbot, open_window, make_archive, library, tmp_path, monkeypatch
):
    from archivelens.export import workbook

    monkeypatch.setattr(workbook, "EXCEL_ROWS", 50)
    window = _workbook_exported(qtbot, open_window, make_archive, library, tmp_path / "book")
    message = window.statusBar().currentMessage()
    assert message.endswith(
        ". “Follow-back checklist”, “Conversation partners” and "
        "“Tweets” stop at Excel's 50 rows; the CSV set (File ▸ Export for Consultant) holds "
        "every row."
    ), message

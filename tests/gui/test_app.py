"""The desktop app, offscreen: import through the GUI, every view, review keys, cancel."""

from __future__ import annotations

import duckdb
from PySide6.QtCore import Qt

from archivelens import pipeline
from archivelens.analysis import network
from tests.conftest import era_spec


def import_via_gui(qtbot, window, path):
    worker = window.import_archive(path)
    assert worker is not None
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None)
    return worker


def test_welcome_then_import_fills_every_view(qtbot, open_window, make_archive, library):
    path, story, _ = make_archive("current", spec=era_spec("current", tweets=500))
    window = open_window()
    window.show()
    assert window.stack.currentIndex() == 0  # the welcome drop zone
    import_via_gui(qtbot, window, path)
    assert window.stack.currentIndex() == 1
    overview = window.views["Overview"]
    replies = sum(t.kind == "reply_to_others" for t in story.tweets)
    assert overview.cards["conversation"].value.text() == f"{replies / len(story.tweets):.0%}"
    assert overview.report.value("tweets") == len(story.tweets)
    assert len(overview.chart.series()) == 1
    for row, name in enumerate(("Follow-back", "Duplicates", "Tweets", "Changes")):
        window.sidebar.setCurrentRow(row + 1)
        view = window.views[name]
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


def test_review_keys_save_and_survive_reopening(qtbot, open_window, make_archive, library):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    window.show()
    window.sidebar.setCurrentRow(1)
    view = window.views["Follow-back"]
    first = view.current_account()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F)
    second = view.current_account()
    assert second != first
    qtbot.keyClick(view.table, Qt.Key.Key_X)
    assert view.progress_label.text().startswith("Reviewed 2 of")
    window.close()
    with duckdb.connect(str(library), read_only=True) as con:
        rows = dict(con.execute("SELECT target_id, status FROM reviews").fetchall())
    assert rows == {first: "follow_back", second: "not_for_me"}
    again = open_window()
    again.sidebar.setCurrentRow(1)
    view = again.views["Follow-back"]
    view.filter.setCurrentIndex(view.filter.findData("follow_back"))
    assert view.model.total() == 1 and view.current_account() == first


def test_cancel_leaves_library_unchanged(qtbot, open_window, make_archive, library):
    first, _, _ = make_archive("2020-2022")
    pipeline.import_archive(first, library)
    with pipeline.open_library(library) as con:
        before = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    path, _, _ = make_archive("current", spec=era_spec("current", tweets=3000, followers=20000))
    window = open_window()
    worker = window.import_archive(path)
    with qtbot.waitSignal(worker.signals.cancelled, timeout=60_000):
        window.cancel_work()
    qtbot.waitUntil(lambda: window.worker is None)
    with pipeline.open_library(library) as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == before


def test_bad_archive_shows_one_sentence(qtbot, open_window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "archivelens.gui.main_window.show_error",
        lambda parent, sentence, details="": shown.append(sentence),
    )
    bogus = tmp_path / "not-an-archive.zip"
    bogus.write_text("hello")
    window = open_window()
    worker = window.import_archive(bogus)
    with qtbot.waitSignal(worker.signals.failed, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == [
        "not-an-archive.zip is not a zip file or is damaged; use the .zip Twitter "
        "sent you or the folder it extracts to."
    ]


def test_models_pass_qt_model_tester(qtbot, qtmodeltester, open_window, make_archive, library):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    for name in ("Follow-back", "Tweets", "Duplicates"):
        window.sidebar.setCurrentRow(list(window.views).index(name))
        qtmodeltester.check(window.views[name].model)


def test_tweets_search_filter_and_sort(qtbot, open_window, make_archive, library):
    path, story, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    window.sidebar.setCurrentRow(3)
    view = window.views["Tweets"]
    view.kind.setCurrentIndex(view.kind.findData("retweet"))
    assert view.model.total() == sum(t.kind == "retweet" for t in story.tweets)
    view.kind.setCurrentIndex(0)
    view.search.setText("Thank you so much")
    qtbot.waitUntil(
        lambda: view.model.total() == sum("Thank you so much" in t.text for t in story.tweets),
        timeout=3000,
    )
    view.model.sort(6, Qt.SortOrder.DescendingOrder)
    likes = [view.model.value(r, "favorite_count") for r in range(view.model.rowCount())]
    assert likes == sorted(likes, reverse=True)


def test_export_from_the_window(qtbot, open_window, make_archive, library, tmp_path):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    worker = window.export_to(tmp_path / "csv")
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    assert (tmp_path / "csv" / "not_followed_back.csv").exists()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert network.checklist_count(con, scope) > 0


def test_tweets_view_exports_exactly_what_it_shows(
    qtbot, open_window, make_archive, library, tmp_path
):
    import csv

    path, story, _ = make_archive("current")
    pipeline.import_archive(path, library)
    window = open_window()
    window.sidebar.setCurrentRow(3)
    view = window.views["Tweets"]
    view.kind.setCurrentIndex(view.kind.findData("quote"))
    rows = view.export_view(tmp_path / "view.csv")
    assert rows == view.model.total() == sum(t.kind == "quote" for t in story.tweets)
    with open(tmp_path / "view.csv", encoding="utf-8-sig", newline="") as f:
        got = list(csv.DictReader(f))
    assert {r["kind"] for r in got} == {"quote"}
    assert len(got) == rows

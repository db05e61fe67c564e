"""Issue 19, points 8–14: what is unknown, empty or disabled is said, in plain words, unclipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from archivelens import pipeline
from tests.conftest import era_spec
from tests.gui.test_app import import_via_gui, show

# -- 8. Follow-back without follower lists ----------------------------------------------------


@pytest.mark.parametrize(
    ("era", "drop"),
    [("classic", ()), ("current", ("data/follower.js",))],
    ids=["classic", "no-follower-js"],
)
def test_follow_back_without_lists_disables_what_cannot_act(qtbot, open_imported, era, drop):
    window, _ = open_imported(era, drop_from_zip=drop)
    window.show()
    view = show(qtbot, window, "Follow-back")
    assert view.model.total() == 0
    reason = view.notice.text()
    assert view.notice.isVisibleTo(view) and "not in this archive" in reason
    assert "Import a complete archive" in reason
    for button in [*view.row_buttons, view.export_button]:
        assert not button.isEnabled(), button.text()
        assert button.toolTip() == reason, button.text()
    assert not window.export_view_action.isEnabled()
    assert window.export_view_action.statusTip() == reason
    assert "Nobody to review" in view.who.text()  # the empty state, without repeating why
    assert not view.filter.isEnabled() and not view.search_field.isEnabled()
    assert not view.progress.isVisibleTo(view)
    # Another view can export: the menu item follows the view on screen.
    show(qtbot, window, "Tweets")
    assert window.export_view_action.isEnabled()


def test_follow_back_says_why_most_handles_are_unknown(qtbot, open_imported):
    window, _ = open_imported("current", spec=era_spec("current", followers=200, mutuals=10))
    window.show()
    view = show(qtbot, window, "Follow-back")
    total = view.browser.total
    assert view.unknown_handles * 2 > total  # the generator names few followers anywhere
    assert view.notice.isVisibleTo(view)
    assert view.notice.text().startswith(f"{view.unknown_handles:,} followers of {total:,} show")
    assert "handle unknown" in view.notice.text()
    assert all(b.isEnabled() for b in [*view.row_buttons, view.export_button])
    assert window.export_view_action.isEnabled()


# -- 9. Changes' empty states ----------------------------------------------------------------


def test_changes_with_one_archive_asks_for_an_older_or_newer_one(qtbot, open_imported):
    window, _ = open_imported()
    window.show()
    view = show(qtbot, window, "Changes")
    assert view.empty.isVisibleTo(view) and view.empty.wordWrap()
    assert "older or newer" in view.empty.text()


def test_changes_with_one_classic_archive_asks_for_archives_with_lists(qtbot, open_imported):
    window, _ = open_imported("classic")
    window.show()
    view = show(qtbot, window, "Changes")
    assert view.empty.isVisibleTo(view)
    assert "this archive has none" in view.empty.text() and "2019 or later" in view.empty.text()


def test_changes_say_which_lists_an_archive_lacks(qtbot, open_window, make_archive, library):
    spec = era_spec("current", followers=80, following=40, mutuals=10)
    old_path, _, _ = make_archive("current", spec=spec)
    partial = replace(spec, generated_at=datetime(2024, 2, 1), seed=spec.seed + 1)
    new_path, _, _ = make_archive("current", spec=partial, drop_from_zip=("data/follower.js",))
    pipeline.import_archive(old_path, library)
    pipeline.import_archive(new_path, library)
    window = open_window()
    window.show()
    view = show(qtbot, window, "Changes")
    qtbot.waitUntil(lambda: view.lacking.isVisibleTo(view), timeout=10_000)
    assert view.lacking.wordWrap()
    assert view.lacking.text() == (
        "Followers not compared: the archive of 2024-02-01 does not hold that list."
    )
    assert "Followers" not in view.summary.text() and "you followed" in view.summary.text()


def test_changes_with_no_lists_on_either_side_say_what_would_help(
    qtbot, open_window, make_archive, library
):
    spec = era_spec("classic")
    old_path, _, _ = make_archive("classic", spec=spec)
    newer = replace(spec, generated_at=datetime(2018, 6, 1), seed=spec.seed + 1)
    new_path, _, _ = make_archive("classic", spec=newer)
    pipeline.import_archive(old_path, library)
    pipeline.import_archive(new_path, library)
    window = open_window()
    window.show()
    view = show(qtbot, window, "Changes")
    qtbot.waitUntil(lambda: view.lacking.isVisibleTo(view), timeout=10_000)
    assert view.summary.text() == "Nothing to compare"
    assert "Import an archive of this account that holds its follower" in view.lacking.text()


# -- 10. No file names in what a person reads --------------------------------------------------


def test_import_notes_name_what_is_missing_and_keep_files_in_details(
    qtbot, open_window, make_archive
):
    path, _, _ = make_archive("current", drop_from_zip=("data/follower.js",))
    window = open_window()
    window.show()
    import_via_gui(qtbot, window, path)
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert box.windowTitle() == "Archive imported, with notes"
    assert "Your followers list is missing from this archive" in box.informativeText()
    assert ".js" not in box.text() + box.informativeText()
    assert "data/follower.js" in box.detailedText()
    box.close()


# -- 14. Export done dialogs -------------------------------------------------------------------


def _finished_export(qtbot, window, worker) -> QMessageBox:
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    titles = ("Export finished", "Workbook saved")
    return next(
        b for b in window.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() in titles
    )


def test_export_dialogs_name_every_file_and_open_each(qtbot, open_imported, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        "archivelens.gui.finished.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    window, _ = open_imported()
    window.show()
    out = tmp_path / "set"
    box = _finished_export(qtbot, window, window.export_to(out))
    written = sorted(p.name for p in out.iterdir())
    listed = box.informativeText()
    assert all(f"• {name} — " in listed for name in written), listed
    assert box.text() == f"Wrote {len(written)} files to {out}."
    assert {b.text() for b in box.buttons()} == {"Open Report", "Open Folder", "Close"}
    next(b for b in box.buttons() if b.text() == "Open Report").click()
    assert opened == [str(out / "report.html")]
    box.close()

    book = tmp_path / "book"
    box = _finished_export(qtbot, window, window.export_workbook_to(book))
    (xlsx,) = book.glob("*.xlsx")
    assert f"• {xlsx.name} — the workbook, 9 sheets" in box.informativeText()
    assert "• report.html — the one-page report" in box.informativeText()
    assert {b.text() for b in box.buttons()} == {
        "Open Workbook",
        "Open Report",
        "Open Folder",
        "Close",
    }
    next(b for b in box.buttons() if b.text() == "Open Workbook").click()
    assert opened[-1] == str(xlsx)
    box.close()


def test_when_nothing_can_open_a_file_the_app_says_so(qtbot, open_imported, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr("archivelens.gui.finished.QDesktopServices.openUrl", lambda url: False)
    window, _ = open_imported()
    window.show()
    assert not window.open_local(tmp_path, "file manager")
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert box.windowTitle() == "No file manager opened"
    assert str(tmp_path) in box.text()
    assert QApplication.clipboard().text() == str(tmp_path)
    assert "No file manager could be opened" in window.statusBar().currentMessage()
    box.close()


# -- 11. Singular and plural, numbers as people read them --------------------------------------


def test_one_tweet_is_one_tweet_and_a_small_share_reads_the_same_everywhere(qtbot, open_imported):
    spec = era_spec("current", tweets=1000, blast_clusters=1, blast_size=2, thanks_replies=0)
    window, story = open_imported("current", spec=spec)
    window.show()
    overview = show(qtbot, window, "Overview")
    share = overview.report.value("promotion_share")
    assert 0 < share < 0.005, share  # a sliver of promotion: neither "0%" nor "1%"
    assert overview.cards["promotion"].value.text() == "<1%"
    eighty = next(b for b in overview.report.bands if b.name == "80/20")
    assert eighty.position == "<1% promotional"
    assert "<1% promotional" in overview.bands.text().replace("&lt;", "<")
    four = next(b for b in overview.report.bands if b.name == "4-1-1")
    assert ".0 " not in four.position, four.position
    assert "(2 tweets)" in overview.cards["promotion"].detail.text()
    # The title names the app once, at its end.
    assert window.windowTitle().count("ArchiveLens") == 1
    assert window.windowTitle().endswith(" — ArchiveLens")
    # One tweet found is "1 tweet".
    texts = [t.text.lower() for t in story.tweets]
    unique = next(
        words
        for t in story.tweets
        if t.kind == "original"
        and len(words := " ".join(t.text.split()[:5]).lower()) > 20
        and sum(words in text for text in texts) == 1
    )
    tweets = show(qtbot, window, "Tweets")
    tweets.search.setText(unique)
    qtbot.waitUntil(lambda: tweets.count.text() == "1 tweet", timeout=10_000)


def test_chart_ticks_sit_on_round_numbers(qtbot, open_imported):
    from PySide6.QtCharts import QValueAxis

    from archivelens.gui.views.overview import nice_scale

    window, _ = open_imported("current", spec=era_spec("current", tweets=700))
    window.show()
    overview = show(qtbot, window, "Overview")
    (axis,) = [a for a in overview.chart.axes() if isinstance(a, QValueAxis)]
    step = axis.tickInterval()
    assert axis.tickType() == QValueAxis.TickType.TicksDynamic and axis.tickAnchor() == 0
    assert step in {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500}
    assert axis.min() == 0 and axis.max() % step == 0
    assert [nice_scale(p) for p in (23, 46, 69, 93, 0, 3)] == [
        (25, 5),
        (50, 10),
        (80, 20),
        (100, 20),
        (1, 1),
        (3, 1),
    ]


# -- 12. Clipped text ---------------------------------------------------------------------------


def _fits(widget, text: str) -> bool:
    return widget.width() >= widget.fontMetrics().horizontalAdvance(text) + 10


def test_pickers_and_columns_show_their_whole_text(qtbot, open_window, two_snapshots):
    window = open_window()
    window.resize(1024, 700)
    window.show()
    picker = window.scope_bar.snapshot
    qtbot.waitUntil(lambda: picker.count() == 2)
    for i in range(picker.count()):
        assert _fits(picker, picker.itemText(i)), picker.itemText(i)
    changes = show(qtbot, window, "Changes")
    for combo in (changes.old, changes.new):
        assert _fits(combo, combo.currentText()) and _fits(combo, "2023-12-31")
    tweets = show(qtbot, window, "Tweets")
    header = tweets.table.horizontalHeader()
    metrics = tweets.table.fontMetrics()
    keys = [c.key for c in tweets.model.columns]
    for key, widest in (("promotional", "promotional"), ("override", "not promotional")):
        assert header.sectionSize(keys.index(key)) >= metrics.horizontalAdvance(widest) + 12, key
    # "Why" gives way to the text at 1024 px (the preview says why in full).
    assert header.sectionSize(keys.index("matched_terms")) <= 170
    assert header.sectionSize(keys.index("text")) >= 100


# -- 13. Analysis Settings for a person who is not a programmer ---------------------------------


def test_settings_edit_phrases_as_a_list_with_what_each_marks(qtbot, open_imported, library):
    from archivelens.analysis import promotion

    window, story = open_imported()
    window.show()
    show(qtbot, window, "Overview")
    dialog = window.settings_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    built_in = promotion.Lexicon(promotion.default_lexicon_text()).entries
    assert dialog.phrases() == [e for e in built_in if not e.startswith("re:")]
    assert dialog.patterns.toPlainText().splitlines() == [
        e[3:].strip() for e in built_in if e.startswith("re:")
    ]
    assert not dialog.advanced.isVisible()  # patterns wait for the expert who asks
    dialog.advanced_toggle.click()
    assert dialog.advanced.isVisible()
    assert dialog.settings().lexicon is None  # nothing changed: still the built-in list
    # Each phrase says how many tweets of this archive it marks, counted on a worker.
    qtbot.waitUntil(lambda: dialog.counting is None and bool(dialog.counts), timeout=20_000)
    texts = [t.text.lower() for t in story.tweets if t.kind != "retweet"]
    item = dialog.phrase_list.topLevelItem(0)
    phrase = item.text(0)
    expected = sum(phrase in text for text in texts)
    assert item.text(1) == f"{expected} tweet{'s' if expected != 1 else ''}"
    # Add and remove like any list.
    word = next(w for w in texts[0].split() if w.isalpha() and len(w) > 3)
    assert dialog.add_phrase(word) and not dialog.add_phrase(word.upper())
    qtbot.waitUntil(lambda: word in dialog.counts, timeout=20_000)
    assert dialog.counts[word] >= 1
    last = dialog.phrase_list.topLevelItem(dialog.phrase_list.topLevelItemCount() - 1)
    assert last.text(0) == word and last.text(1).endswith(("tweet", "tweets"))
    lexicon = dialog.settings().lexicon
    assert lexicon is not None and word in promotion.Lexicon(lexicon).entries
    assert lexicon.startswith("# archivelens default sales lexicon")  # its notes are kept
    last.setSelected(True)
    dialog.remove_button.click()
    assert word not in dialog.phrases() and dialog.settings().lexicon is None
    # A pattern typed as a phrase goes to the patterns.
    dialog.add_phrase("re:\\bsale\\b")
    assert dialog.patterns.toPlainText().splitlines()[-1] == "\\bsale\\b"
    # Whom each page applies to.
    pages = {dialog.tabs.tabText(i): dialog.tabs.widget(i) for i in range(dialog.tabs.count())}
    said = {
        name: " ".join(lbl.text() for lbl in page.findChildren(QLabel))
        for name, page in pages.items()
    }
    assert "For every account in this library." in said["Sales phrases"]
    assert "For @ZimblerMiller only" in said["Your websites"]
    assert "For every account in this library." in said["Re-sent messages"]
    dialog.reject()


def test_questions_are_titled_in_plain_words(qtbot, open_imported, monkeypatch):
    titles: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        titles.append(title)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr("archivelens.gui.main_window.QMessageBox.question", question)
    window, _ = open_imported()
    assert window.remove_snapshot() is None  # answered No: nothing removed
    assert titles == ["Remove this archive?"]

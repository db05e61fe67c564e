"""The app and a damaged, full or read-only library: a clear message, never the empty welcome
page; "Rebuild Library" bringing back every review; a full disk while reviewing is one
sentence and the status stays as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from PySide6.QtWidgets import QDialog

from archivelens import pipeline
from archivelens.analysis import network
from archivelens.gui import app
from archivelens.gui.main_window import MainWindow
from archivelens.gui.rebuild import RebuildDialog
from archivelens.store.library import LibraryDamaged
from tests.gui.test_app import show

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample-archive.zip"


def reviewed(library: Path, archive: Path = SAMPLE, n: int = 30) -> list[tuple]:
    """*library* holding *archive* with *n* reviews (a third with notes); its reviews."""
    pipeline.import_archive(archive, library, analysis=False)
    with pipeline.open_library(library) as con:
        account = pipeline.resolve_scope(con).account_id
        for i in range(n):
            network.set_review_status(con, account, 500 + i, ("follow_back", "not_for_me")[i % 2])
            if i % 3 == 0:
                network.set_note(con, account, 500 + i, f"note {i}")
    return reviews(library)


def reviews(library: Path) -> list[tuple]:
    with duckdb.connect(str(library), read_only=True) as con:
        return con.execute("SELECT * FROM reviews ORDER BY ALL").fetchall()


def cut_in_half(library: Path) -> None:
    os.truncate(library, library.stat().st_size // 2)


def test_a_damaged_library_is_named_and_rebuilt(qtbot, library, settings, pool):
    typed = reviewed(library)
    cut_in_half(library)
    with pytest.raises(LibraryDamaged) as caught:
        MainWindow(library, settings, pool)
    dialog = RebuildDialog(caught.value, pool)
    qtbot.addWidget(dialog)
    assert "is damaged (it is cut short" in dialog.message.text()
    assert str(library) in dialog.message.text()
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        dialog.rebuild()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert reviews(library) == typed
    assert any(".damaged-" in p.name for p in library.parent.iterdir())
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    assert window.stack.currentIndex() == 1  # the views, not the empty welcome page
    window.close()


def test_opening_a_damaged_library_offers_the_rebuild(monkeypatch, library, settings, pool):
    reviewed(library, n=3)
    cut_in_half(library)
    offered = []

    def exec_(dialog):
        offered.append(dialog.message.text())
        return QDialog.DialogCode.Rejected  # the person closes the offer

    monkeypatch.setattr(RebuildDialog, "exec", exec_)
    assert app.open_window(library, settings=settings, pool=pool) is None
    assert offered and "damaged" in offered[0] and str(library) in offered[0]


def test_a_moved_archive_is_asked_for(qtbot, tmp_path, library, pool):
    archive = Path(shutil.copy(SAMPLE, tmp_path / "twitter.zip"))
    typed = reviewed(library, archive)
    cut_in_half(library)
    moved = tmp_path / "elsewhere.zip"
    archive.rename(moved)
    dialog = RebuildDialog(LibraryDamaged(library, "The library is damaged"), pool)
    qtbot.addWidget(dialog)
    dialog.rebuild()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)  # it asks at once
    assert "twitter.zip" in dialog.message.text() and "Locate" in dialog.message.text()
    assert dialog.locate_button.isVisibleTo(dialog) and dialog.result() == 0
    with qtbot.waitSignal(dialog.finished, timeout=60_000):
        dialog.add_archive(moved)
    assert reviews(library) == typed


@pytest.fixture
def tiny_disk(tmp_path):
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", folder], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    yield folder
    subprocess.run(["umount", "-l", folder], check=False)


def test_a_full_disk_while_reviewing_is_one_sentence(qtbot, monkeypatch, tiny_disk, settings, pool):
    library = tiny_disk / "lib" / "library.duckdb"
    pipeline.import_archive(SAMPLE, library)
    shown: list[str] = []
    monkeypatch.setattr(
        "archivelens.gui.views.checklist.show_error",
        lambda parent, sentence, details="": shown.append(sentence),
    )
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    view = show(qtbot, window, "Follow-back")
    view.table.setFocus()
    view.table.selectRow(0)
    before = view.model.value(0, "review_status")
    with open(tiny_disk / "filler", "wb") as fh:  # the disk fills up while the person works
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    view.set_status("follow_back")
    assert shown == [
        "The disk is full: archivelens stopped while saving the review. "
        "Free some space and try again."
    ]
    assert view.model.value(0, "review_status") == before and view.current_row() == 0
    window.close()
    with duckdb.connect(str(library), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reviews").fetchone() == (0,)


@pytest.fixture
def read_only_folder():
    """A folder made read-only by a read-only bind mount of itself (root, as CI runs)."""
    mounted: list[Path] = []

    def make(folder: Path) -> Path:
        for args in (["--bind", folder, folder], ["-o", "remount,ro,bind", folder]):
            if subprocess.run(["mount", *args], capture_output=True).returncode != 0:
                pytest.skip("cannot bind-mount read-only here (not root?)")
            if folder not in mounted:
                mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", folder], check=False)


def test_a_read_only_library_is_browsed_not_changed(
    qtbot, monkeypatch, library, settings, pool, read_only_folder
):
    pipeline.import_archive(SAMPLE, library)
    read_only_folder(library.parent)
    shown: list[str] = []
    monkeypatch.setattr(
        "archivelens.gui.views.checklist.show_error",
        lambda parent, sentence, details="": shown.append(sentence),
    )
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    assert window.stack.currentIndex() == 1
    show(qtbot, window, "Overview")
    for name in ("Duplicates", "Tweets", "Follow-back"):
        view = show(qtbot, window, name)
        assert view.model.rowCount() > 0, name
    view.table.selectRow(0)
    view.set_status("follow_back")
    assert len(shown) == 1 and "read-only" in shown[0] and str(library.parent) in shown[0]
    window.close()


def test_rebuild_library_from_the_file_menu(qtbot, monkeypatch, library, settings, pool):
    typed = reviewed(library)
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    show(qtbot, window, "Follow-back")

    def exec_(dialog):  # the person clicks Rebuild Library and waits
        dialog.rebuild()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
        return dialog.result()

    monkeypatch.setattr(RebuildDialog, "exec", exec_)
    rebuilt = window.rebuild_library()
    assert rebuilt is not None and rebuilt is not window
    qtbot.addWidget(rebuilt)
    assert rebuilt.ctx.con.execute("SELECT * FROM reviews ORDER BY ALL").fetchall() == typed
    assert any(".damaged-" in p.name for p in library.parent.iterdir())
    view = show(qtbot, rebuilt, "Follow-back")
    assert view.progress_label.text().startswith("Reviewed")
    rebuilt.close()


def test_damage_a_view_meets_is_named_never_something_went_wrong(
    qtbot, monkeypatch, tmp_path, settings, pool
):
    """A damaged block shows only when read: at opening (the rebuild is offered) or in a
    view (one sentence pointing to File ▸ Rebuild Library…), at offsets across the file."""
    source = tmp_path / "source" / "library.duckdb"
    pipeline.import_archive(SAMPLE, source)
    shown: list[str] = []
    monkeypatch.setattr(
        "archivelens.gui.widgets.show_error",
        lambda parent, sentence, details="": shown.append(sentence),
    )
    at_opening = in_a_view = 0
    for step in range(12):
        library = tmp_path / f"copy-{step}" / "library.duckdb"
        shutil.copytree(source.parent, library.parent)
        size = library.stat().st_size
        with library.open("r+b") as fh:
            fh.seek(size * step // 12 + 100)
            fh.write(bytes(range(256)) * 2)
        try:
            window = MainWindow(library, settings, pool)
        except LibraryDamaged:
            at_opening += 1
            continue
        qtbot.addWidget(window)
        before = len(shown)
        for name in ("Overview", "Follow-back", "Duplicates", "Tweets", "Changes"):
            show(qtbot, window, name)
        in_a_view += len(shown) > before
        window.close()
    assert shown and at_opening and in_a_view
    for sentence in shown:
        assert "is damaged" in sentence and "File ▸ Rebuild Library" in sentence, sentence


def test_a_library_imported_without_analysis_is_prepared_on_the_views_workers(
    qtbot, library, settings, pool, errors
):
    """Readers only check the derived state: the window prepares it on its workers when a view
    first asks (the first view shown after the library opens), and every view reads it."""
    from archivelens.read import prepared

    pipeline.import_archive(SAMPLE, library, analysis=False)
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    scope = window.ctx.scope
    assert scope is not None and prepared.fingerprint(window.ctx.con, scope) is None
    for name in ("Duplicates", "Tweets", "Follow-back"):  # views that read through no use case
        assert show(qtbot, window, name).model.rowCount() > 0, name
    assert prepared.fingerprint(window.ctx.con, scope) is not None
    show(qtbot, window, "Overview")
    assert errors == []
    window.close()

"""GUI fixtures: offscreen Qt, an isolated settings file, a pool that must end idle."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import pytest
import shiboken6

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QThreadPool

from archivelens.gui.main_window import MainWindow
from archivelens.gui.settings import Settings
from testkit.archivegen import Spec, Story


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def pool():
    pool = QThreadPool()
    yield pool
    assert pool.waitForDone(30_000), "a worker thread was left running"
    assert pool.activeThreadCount() == 0


class Shown(list[str]):
    """The sentences error dialogs would have shown; ``expected`` when the test asked for them."""

    expected = False


@pytest.fixture(autouse=True)
def error_dialogs(monkeypatch):
    """An error dialog is modal: in a test nobody clicks it, and the suite would wait forever
    (CI ends at its time limit with no word of why). Every one is recorded instead, from any
    module of the GUI that shows them; a test that did not ask for ``errors`` fails on one, with
    its sentence and details."""
    from archivelens.gui import widgets

    shown = Shown()
    details_of: list[str] = []

    def record(parent, sentence, details=""):
        shown.append(sentence)
        details_of.append(details)

    original = widgets.show_error
    for name, module in list(sys.modules.items()):
        if name.startswith("archivelens.gui") and getattr(module, "show_error", None) is original:
            monkeypatch.setattr(module, "show_error", record)
    yield shown
    if not shown.expected:
        told = "\n".join(f"{s}\n{d}" for s, d in zip(shown, details_of, strict=True))
        assert not shown, f"an error dialog was shown:\n{told}"


@pytest.fixture
def errors(error_dialogs) -> list[str]:
    """The sentences the window shows in error dialogs (instead of showing them)."""
    error_dialogs.expected = True
    return error_dialogs


@pytest.fixture
def open_window(qtbot, library, settings, pool):
    windows = []

    def make() -> MainWindow:
        window = MainWindow(library, settings, pool)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):  # pytest-qt may have closed and deleted it already
            window.close()


@pytest.fixture
def open_imported(imported, open_window) -> Callable[..., tuple[MainWindow, Story]]:
    """A window on an imported library, the preamble of most view tests:
    ``open_imported(era, spec=…, **options)`` imports the generated archive (tests/conftest.py's
    *imported*) and opens MainWindow on it; returns (window, story)."""

    def make(
        era: str = "current", spec: Spec | None = None, **options: object
    ) -> tuple[MainWindow, Story]:
        story = imported(era, spec=spec, **options)
        return open_window(), story

    return make


@pytest.fixture(autouse=True)
def answers_yes(monkeypatch) -> list[str]:
    """Questions the window asks (e.g. "quit and cancel the import?") answered Yes, and
    recorded; a test sets ``answers_yes.answer`` to answer No. Never a modal dialog in a test."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return getattr(answers_yes_state, "answer", QMessageBox.StandardButton.Yes)

    answers_yes_state.__dict__.clear()
    monkeypatch.setattr("archivelens.gui.main_window.QMessageBox.question", question)
    return asked


class _State:
    pass


answers_yes_state = _State()

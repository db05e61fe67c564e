"""GUI fixtures: offscreen Qt, an isolated settings file, a pool that must end idle."""

from __future__ import annotations

import os
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


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    """The sentences the window shows in error dialogs (instead of showing them)."""
    shown: list[str] = []
    monkeypatch.setattr(
        "archivelens.gui.main_window.show_error",
        lambda parent, sentence, details="": shown.append(sentence),
    )
    return shown


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

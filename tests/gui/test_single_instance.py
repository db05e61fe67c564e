"""One app per user and library: a second launch hands its archive to the running app (a real
second process), or just raises it; a crashed app's socket does not block the next start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from archivelens.gui import single_instance
from archivelens.gui.app import claim
from archivelens.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_env(tmp_path, monkeypatch) -> dict[str, str]:
    """The user's runtime folder (where the socket lives), settings and data, all in tmp."""
    env = dict(os.environ)
    for var, sub in (
        ("XDG_RUNTIME_DIR", "run"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
    ):
        folder = tmp_path / sub
        folder.mkdir(mode=0o700)
        monkeypatch.setenv(var, str(folder))
        env[var] = str(folder)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def launch(env: dict[str, str], *args: str) -> subprocess.Popen:
    """``archivelens ARGS`` as a person's second launch would run it: a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "archivelens", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_app(qtbot, library, settings, pool, files=()):
    """The running app, as ``gui.app.run`` makes it: the name claimed first, then the window."""
    server = claim(library, list(files))
    assert server is not None and server.server.isListening()
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    window.show()
    single_instance.Instances(server, library, window)
    return window


def wait_exit(qtbot, process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=int(timeout * 1000))
    _out, err = process.communicate()
    return process.returncode, err


def test_a_second_launch_hands_its_archive_to_the_running_app(
    qtbot, private_env, make_archive, library, settings, pool, errors
):
    path, story, _ = make_archive("current")
    window = first_app(qtbot, library, settings, pool)
    assert window.stack.currentIndex() == 0  # empty library: the welcome page
    other = QWidget()
    qtbot.addWidget(other)
    other.show()  # the person is elsewhere
    second = launch(private_env, "--db", str(library), str(path))
    code, err = wait_exit(qtbot, second)
    assert (code, err) == (0, "")
    qtbot.waitUntil(lambda: window.worker is None and window.ctx.scope is not None, timeout=60_000)
    assert window.ctx.scope.screen_name == story.spec.owner_handle
    assert window.stack.currentIndex() == 1
    assert errors == []
    # A plain second launch only raises the window, and leaves at once.
    started = time.monotonic()
    code, err = wait_exit(qtbot, launch(private_env, "--db", str(library)))
    assert (code, err) == (0, "") and time.monotonic() - started < 30
    window.close()


def test_files_sent_while_the_app_is_still_starting_wait_for_its_window(
    qtbot, private_env, make_archive, library, settings, pool, errors
):
    """The name is claimed first; a second launch in the seconds before the window exists
    waits for its answer, and its archive is imported once the window is there."""
    path, story, _ = make_archive("current")
    server = claim(library, [])
    second = launch(private_env, "--db", str(library), str(path))
    time.sleep(2)  # the first app is still "starting": no event loop, no window
    assert second.poll() is None  # waiting for the answer, not opening the library
    window = MainWindow(library, settings, pool)
    qtbot.addWidget(window)
    window.show()
    single_instance.Instances(server, library, window)
    code, err = wait_exit(qtbot, second)
    assert (code, err) == (0, "")
    qtbot.waitUntil(lambda: window.worker is None and window.ctx.scope is not None, timeout=60_000)
    assert window.ctx.scope.screen_name == story.spec.owner_handle
    window.close()


def test_two_archives_handed_over_are_imported_one_after_the_other(
    qtbot, private_env, make_archive, two_snapshot_paths, library, settings, pool, errors
):
    window = first_app(qtbot, library, settings, pool)
    launches = [launch(private_env, "--db", str(library), str(p)) for p in two_snapshot_paths]
    for process in launches:
        assert wait_exit(qtbot, process) == (0, "")
    qtbot.waitUntil(lambda: len(window.ctx.snapshots()) == 2, timeout=90_000)
    qtbot.waitUntil(lambda: window.worker is None, timeout=60_000)
    assert errors == []
    window.close()


@pytest.fixture
def two_snapshot_paths(make_archive):
    from dataclasses import replace
    from datetime import datetime

    from tests.conftest import era_spec

    spec = era_spec("current", followers=100, following=50, mutuals=20)
    old, _, _ = make_archive("current", spec=spec)
    new, _, _ = make_archive("current", spec=replace(spec, generated_at=datetime(2024, 3, 1)))
    return [old, new]


def test_a_crashed_apps_socket_does_not_block_the_next_start(qtbot, private_env, library):
    """A socket file nobody answers on (the app crashed): the next app takes the name."""
    name = single_instance.server_name(library)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(name)
    stale.close()  # the file stays, nobody listens
    assert Path(name).exists()
    assert not single_instance.hand_over(name, [])
    server = claim(library, [])
    assert server is not None and server.server.isListening()
    server.close()


def test_the_name_is_per_user_and_library(private_env, tmp_path):
    a = single_instance.server_name(tmp_path / "a" / "library.duckdb")
    assert a == single_instance.server_name(tmp_path / "a" / ".." / "a" / "library.duckdb")
    assert a != single_instance.server_name(tmp_path / "b" / "library.duckdb")
    assert a.startswith(private_env["XDG_RUNTIME_DIR"])

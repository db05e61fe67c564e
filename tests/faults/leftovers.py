"""What a stopped app leaves behind: `archivelens --demo` sent SIGTERM or killed, in a real
process (offscreen), leaves no `/tmp/archivelens-demo-*` folder for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.faults import fault
from tests.faults.judge import ROOT

DEMO = "archivelens-demo-"


def _app(work: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TMPDIR": str(work / "tmp"),
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_CONFIG_HOME": str(work / "config"),  # the app's settings: not the machine's
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "archivelens", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _demo_running(work: Path) -> tuple[subprocess.Popen[str], Path]:
    """The demo, once its throwaway library exists (its import of the sample is under way)."""
    proc = _app(work, "--demo")
    deadline = time.monotonic() + 60
    while True:
        found = list((work / "tmp").glob(f"{DEMO}*/demo.duckdb"))
        if found:
            return proc, found[0].parent
        assert proc.poll() is None, f"the demo ended first: {proc.communicate()[1][-300:]}"
        assert time.monotonic() < deadline, "the demo never created its library"
        time.sleep(0.01)


@fault("leftovers", "the demo sent SIGTERM while it imports the sample")
def demo_terminated(work: Path) -> str:
    proc, folder = _demo_running(work)
    assert folder.name.startswith(f"{DEMO}{proc.pid}-"), f"not named after its process: {folder}"
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()  # never left running after the suite (it waited on an error dialog once)
        proc.communicate()
        raise AssertionError("the demo was still running 60 s after SIGTERM") from None
    assert proc.returncode == 0, f"exit {proc.returncode}: {err[-300:]}"
    assert "Traceback" not in err, err[-600:]
    assert not folder.exists(), f"{folder.name} left behind after SIGTERM"
    return "SIGTERM closed the demo and removed its folder"


@fault("leftovers", "the demo killed (kill -9): the next run removes its folder")
def demo_killed(work: Path) -> str:
    proc, folder = _demo_running(work)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert folder.exists(), "nothing was left to clean"
    later = _app(work, "--version")
    out, err = later.communicate(timeout=60)
    assert later.returncode == 0, err
    assert not folder.exists(), f"{folder.name} left behind after the next run"
    return f"killed; the next run (`archivelens --version`: {out.strip()}) removed its folder"

"""Scratch folders for long operations: named after the process that made them, so that one left
behind by a killed process (SIGKILL, a power cut) is recognised and removed by the next run."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path


def make(prefix: str, parent: Path | None = None) -> Path:
    """A new private folder ``<prefix><pid>-<random>`` in *parent* (the temp folder by default),
    after removing any such folder whose process is gone."""
    where = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    remove_stale(prefix, where)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=where))


def remove_stale(prefix: str, parent: Path) -> None:
    """Remove the *prefix* folders in *parent* whose process no longer runs."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process: not ours to judge
    return True

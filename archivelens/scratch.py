"""Scratch folders for long operations: named after the process that made them, so that one left
behind by a killed process (SIGKILL, a power cut) is recognised and removed by the next run.

Folders in the temp folder are found by their prefix. An export's scratch folder lives inside the
folder exported to (moving a finished file out of it is then instant), which no later run would
know to look in: such a folder is *noted* — a small file in the per-user state folder
(``~/.local/state/archivelens/unfinished`` on Linux) names it while it exists — and the start of
any later run (:func:`sweep`) removes every noted folder whose process is gone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import platformdirs

# Folders of the temp folder a killed run may leave: imports, the demo, the sample window.
TEMP_PREFIXES = ("archivelens-import-", "archivelens-demo-", "archivelens-sample-")

Undo = Callable[[Path], bool]  # puts back what a half-finished step changed; True when done


def make(
    prefix: str, parent: Path | None = None, *, noted: bool = False, undo: Undo | None = None
) -> Path:
    """A new private folder ``<prefix><pid>-<random>`` in *parent* (the temp folder by default),
    after removing any such folder whose process is gone (*undo* first puts back what it had
    changed). A *noted* folder is remembered until :func:`discard` so that any later run
    removes it if this process dies."""
    where = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    remove_stale(prefix, where, undo)
    if not noted:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=where))
    while True:  # the note first: a kill between the two leaves a note, never a lost folder
        folder = where / f"{prefix}{os.getpid()}-{secrets.token_hex(6)}"
        _note(folder)
        try:
            folder.mkdir(mode=0o700)
            return folder
        except FileExistsError:
            continue
        except OSError:
            _forget(folder)
            raise


def discard(folder: Path) -> None:
    """Remove a folder :func:`make` gave, and forget it."""
    shutil.rmtree(folder, ignore_errors=True)
    _forget(folder)


def _forget(folder: Path) -> None:
    with suppress(OSError):
        (notes_folder() / folder.name).unlink()


def remove_stale(prefix: str, parent: Path, undo: Undo | None = None) -> None:
    """Remove the *prefix* folders in *parent* whose process no longer runs."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            _remove(entry, undo)


def sweep(undo: dict[str, Undo] | None = None) -> None:
    """What any run does first: remove what killed runs left — the temp folder's scratch
    folders, and every noted folder whose process is gone (*undo* maps a prefix to the step
    that puts back what such a folder's run had half changed)."""
    undo = undo or {}
    for prefix in TEMP_PREFIXES:
        remove_stale(prefix, Path(tempfile.gettempdir()))
    try:
        notes = list(notes_folder().iterdir())
    except OSError:
        return
    for note in notes:
        _sweep_note(note, undo)


def notes_folder() -> Path:
    return platformdirs.user_state_path("archivelens", appauthor=False) / "unfinished"


def _note(folder: Path) -> None:
    """Remember *folder* (best effort: without a state folder, the next run of the same
    operation in the same place still removes it)."""
    notes = notes_folder()
    with suppress(OSError):
        notes.mkdir(mode=0o700, parents=True, exist_ok=True)
        (notes / folder.name).write_text(
            str(folder.parent.resolve() / folder.name), encoding="utf-8"
        )


def _sweep_note(note: Path, undo: dict[str, Undo]) -> None:
    match = re.match(r"(.*?)(\d+)-", note.name)
    if not match or _alive(int(match.group(2))):
        return
    with suppress(OSError, ValueError):
        folder = Path(note.read_text(encoding="utf-8").strip())
        # Only the very folder the note was written for: never anything else it might name.
        if folder.name == note.name and folder.is_dir():
            _remove(folder, undo.get(match.group(1)))
        if not folder.exists():
            note.unlink()


def _remove(folder: Path, undo: Undo | None) -> None:
    """Remove a dead run's *folder*, after *undo* has put back what it held (kept if it could
    not: a later run tries again)."""
    if undo is not None and not undo(folder):
        return
    shutil.rmtree(folder, ignore_errors=True)


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

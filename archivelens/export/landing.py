"""Putting an export's files in place: the whole set, or none of it.

An export (the CSV set + ``report.html``, or a workbook + ``report.html``) is written completely
into a scratch folder inside the folder exported to. Only then does it *land*: every name it
will take is checked first (a folder, or a read-only file, in the way refuses the export before
anything moves), each file the set replaces is moved aside into the scratch folder, and the new
file moved in — all renames on one disk. If a rename fails part-way, what was moved in is taken
out and what was there is put back, so a failed export leaves the folder exactly as it was: never
a set mixing two exports.

A journal (``.landing`` in the scratch folder) lists the names while they move and is removed
once the last one is in place. A run killed in that moment (kill -9, a power cut) leaves the
journal behind, and whichever run finds the folder next — the start of any archivelens command
or the app (:func:`archivelens.scratch.sweep`), or the next export into the same folder — rolls
the half-landed set back before removing the folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from archivelens import scratch
from archivelens.errors import UserError, sentence_for_os_error

PREFIX = ".archivelens-export-"
_JOURNAL = ".landing"
_ASIDE = ".replaced"
_REMOVED = "-"  # a journal line naming a file removed, not replaced: never one of ours to undo


def scratch_folder(folder: Path) -> Path:
    """A private scratch folder inside *folder* (same disk: moving a finished file out of it is
    instant), remembered until :func:`discard` so that a later run removes it if this one is
    killed; or one sentence saying why it cannot be made."""
    try:
        return scratch.make(PREFIX, folder, noted=True, undo=roll_back)
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"writing into {folder}")) from None


def discard(work: Path) -> None:
    """Remove the scratch folder *work* — unless it still holds a file a failed landing could
    not put back (then the next run tries again: nothing the person had is deleted)."""
    if (work / _JOURNAL).exists():
        return
    scratch.discard(work)


def check_destinations(folder: Path, names: Sequence[str]) -> None:
    """Refuse, before anything is written, an export whose files could not all take their
    places: a folder (or anything but a file) or a read-only file under one of *names*."""
    for name in names:
        target = folder / name
        try:
            mode = target.lstat().st_mode
        except FileNotFoundError:
            continue
        except OSError as err:
            raise UserError(sentence_for_os_error(err, f"checking {target}")) from None
        if stat.S_ISLNK(mode):
            continue  # the link itself is replaced, never what it points to
        if stat.S_ISDIR(mode):
            raise UserError(
                f"{target} is a folder, and the export needs that name for a file: rename or "
                "move that folder, or export to another folder (nothing was written)."
            )
        if not stat.S_ISREG(mode):
            raise UserError(
                f"{target} is not an ordinary file, and the export needs that name: remove it "
                "or export to another folder (nothing was written)."
            )
        if not os.access(target, os.W_OK):
            raise UserError(
                f"{target} is read-only, and the export would replace it: make it writable or "
                "export to another folder (nothing was written)."
            )


def land(work: Path, folder: Path, names: Sequence[str], remove: Sequence[str] = ()) -> None:
    """Move the finished files *names* from the scratch folder *work* into *folder*, all of
    them or (after putting back what was there) none. The files *remove* — an earlier export's
    that this set has no place for — go with them: moved aside like a replaced file, so a
    failure puts them back too."""
    check_destinations(folder, [*names, *remove])
    aside = work / _ASIDE
    journal = work / _JOURNAL
    current = names[0]
    try:
        aside.mkdir()
        lines = [*names, *(_REMOVED + name for name in remove)]
        journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for current in [*remove, *names]:
            target = folder / current
            if os.path.lexists(target):
                os.replace(target, aside / current)
            if current in names:
                os.replace(work / current, target)
    except OSError as err:
        roll_back(work)
        raise UserError(
            sentence_for_os_error(err, f"putting {current} in place in {folder}")
            + " The folder is as it was."
        ) from None
    journal.unlink()  # the set stands: from here on nothing is rolled back


def roll_back(work: Path) -> bool:
    """Undo a landing that did not finish (journal present): the new files out, the replaced
    ones back. True when nothing of the folder's earlier content is left only in *work*."""
    journal = work / _JOURNAL
    try:
        names = journal.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    folder, aside = work.parent, work / _ASIDE
    complete = True
    for line in reversed(names):
        removed = line.startswith(_REMOVED)
        name = line.removeprefix(_REMOVED)
        target = folder / name
        try:
            if os.path.lexists(aside / name):
                os.replace(aside / name, target)  # the earlier file, over the new one if moved
            elif not removed and not os.path.lexists(work / name) and os.path.lexists(target):
                target.unlink()  # the new file, where there was none before
        except OSError:
            complete = False
    if complete:
        with suppress(OSError):
            journal.unlink()
    return complete

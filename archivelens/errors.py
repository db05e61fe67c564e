"""The two kinds of failure archivelens knows.

A :class:`UserError` is something a person can cause and fix (a damaged archive, a full disk, a
library another program holds open). It carries one sentence meant for them; front ends show that
sentence and nothing else. Every other exception is a bug and may show a traceback under --debug.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can act on; ``str(err)`` is one plain sentence."""

    exit_code = 2


class Cancelled(Exception):
    """The user asked a long operation to stop; nothing it started was kept."""


class NotPrepared(RuntimeError):
    """A reader met derived state (the promotional classification, the duplicate clusters) that
    is missing or older than the settings: a bug — whoever opens a scope prepares it first
    (``archivelens.read.prepared.prepare``); reading never computes it."""


def sentence_for_os_error(err: OSError, what: str) -> str:
    """One sentence for an OSError met while doing *what* (e.g. "writing the library")."""
    import errno

    if err.errno == errno.ENOSPC:
        return f"The disk is full: archivelens stopped while {what}. Free some space and try again."
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"Permission denied while {what} ({err.filename or 'a file'})."
    if err.errno == errno.ENOENT:
        return f"File not found while {what}: {err.filename or 'unknown file'}."
    return f"Could not finish {what}: {err.strerror or err}."


def from_environment(err: BaseException, what: str) -> UserError | None:
    """The sentence for a failure the machine caused while doing *what* — a full disk, too
    little memory — whichever layer raised it (DuckDB reports a full disk at commit as a
    transaction error), or None for anything else (a bug)."""
    import errno

    text = str(err)
    if (isinstance(err, OSError) and err.errno == errno.ENOSPC) or "No space left" in text:
        return UserError(sentence_for_os_error(OSError(errno.ENOSPC, "No space left"), what))
    if isinstance(err, MemoryError) or "Out of Memory" in text or "out of memory" in text:
        return UserError(f"Not enough memory to finish {what}; close other programs and retry.")
    return None

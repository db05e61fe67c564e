"""Progress reporting and cancellation for long operations, with no UI dependency.

Every long operation is a plain function taking ``progress=`` and ``cancel=``. The CLI passes a
text bar, the GUI a worker that forwards to Qt signals, tests pass nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from archivelens.errors import Cancelled


class Progress(Protocol):
    def update(self, stage: str, fraction: float | None = None) -> None:
        """Report the current *stage* and the overall fraction done (0..1, None if unknown)."""


class NullProgress:
    def update(self, stage: str, fraction: float | None = None) -> None:
        pass


class Scaled:
    """A sub-operation's 0..1 progress mapped into a slice (*start*, *span*) of the whole."""

    def __init__(self, progress: Progress, start: float, span: float) -> None:
        self.progress, self.start, self.span = progress, start, span

    def update(self, stage: str, fraction: float | None = None) -> None:
        self.progress.update(stage, None if fraction is None else self.start + self.span * fraction)


class CancelToken:
    """Set from any thread; checked by the operation between steps.

    Long DuckDB statements cannot poll a flag, so an operation registers an interrupt callback
    (``connection.interrupt``) for the time such a statement runs.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._interrupts: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            callbacks = list(self._interrupts)
        for callback in callbacks:
            callback()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Register *callback* until the returned function is called."""
        with self._lock:
            self._interrupts.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._interrupts:
                    self._interrupts.remove(callback)

        return remove


class Stages:
    """Maps named stages with weights onto one 0..1 progress scale."""

    def __init__(self, progress: Progress, weights: dict[str, float]) -> None:
        self._progress = progress
        total = sum(weights.values()) or 1.0
        self._start: dict[str, float] = {}
        self._span: dict[str, float] = {}
        acc = 0.0
        for name, weight in weights.items():
            self._start[name] = acc / total
            self._span[name] = weight / total
            acc += weight

    def update(self, key: str, text: str, within: float = 0.0) -> None:
        within = min(max(within, 0.0), 1.0)
        self._progress.update(text, self._start[key] + self._span[key] * within)

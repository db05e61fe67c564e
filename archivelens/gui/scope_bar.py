"""The bar above every view: the date range they all follow and the archive (account and
snapshot) they show."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget


class ScopeBar(QWidget):
    dates_chosen = Signal(object, object)  # (start, end) dates, or (None, None) for all time
    refused = Signal(str)  # one sentence: why the dates were not applied
    snapshot_chosen = Signal(str, str)  # account handle, generation day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.all_time = QCheckBox("All time")
        self.all_time.setChecked(True)
        self.all_time.toggled.connect(self._apply)
        # Typing a date changes it digit by digit: apply once the user pauses.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(400)
        self._typing.timeout.connect(self._apply)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self._typing.start())
        self.snapshot = QComboBox()
        self.snapshot.activated.connect(
            lambda i: self.snapshot_chosen.emit(*self.snapshot.itemData(i))
        )
        for w in (self.all_time, QLabel("from"), self.date_from, QLabel("to"), self.date_to):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(QLabel("Archive:"))
        bar.addWidget(self.snapshot)

    def show_snapshots(self, snapshots: list[tuple[int, str, str]], current: int) -> None:
        """(snapshot id, handle, day) of each snapshot, *current* selected."""
        self.snapshot.clear()
        for sid, name, day in snapshots:
            self.snapshot.addItem(f"@{name} · {day}", (name, day))
            if sid == current:
                self.snapshot.setCurrentIndex(self.snapshot.count() - 1)

    def set_span(self, first: date, last: date) -> None:
        """Start the date pickers at the snapshot's first and last tweet (all time stays on)."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _apply(self) -> None:
        self._typing.stop()
        custom = not self.all_time.isChecked()
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            self.dates_chosen.emit(None, None)
            return
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if start > end:
            self.refused.emit("The start date is after the end date.")
            return
        self.dates_chosen.emit(start, end)

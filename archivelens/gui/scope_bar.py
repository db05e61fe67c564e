"""The bar above every view: the date range they all follow and the archive (account and
snapshot) they show."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget


class DateBox(QDateEdit):
    """A date box where a click picks the part under the pointer (year, month or day) whole,
    so typing "2019" replaces the year at once, as in a calendar app; Qt's own box only puts
    the cursor there, and typed digits are refused until a double-click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.lineEdit().installEventFilter(self)  # the clicks land on the line edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.lineEdit()
            and event.type() == QEvent.Type.MouseButtonRelease
            and not self.lineEdit().hasSelectedText()  # a drag-selection stays as made
        ):
            self.setSelectedSection(self.currentSection())
        return super().eventFilter(watched, event)


class ScopeBar(QWidget):
    dates_chosen = Signal(object, object)  # (start, end) dates, or (None, None) for all time
    refused = Signal(str)  # one sentence: why the dates were not applied
    snapshot_chosen = Signal(int)  # the snapshot id

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
        # Always editable: choosing a date turns "All time" off.
        self.date_from = DateBox()
        self.date_to = DateBox()
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._date_edited)
        self.snapshot = QComboBox()
        # The whole "@handle · 2023-12-31", never "@brenden_gerelle · 20".
        self.snapshot.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.snapshot.activated.connect(
            lambda i: self.snapshot_chosen.emit(self.snapshot.itemData(i))
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
            self.snapshot.addItem(f"@{name} · {day}", sid)
            if sid == current:
                self.snapshot.setCurrentIndex(self.snapshot.count() - 1)

    def set_span(self, first: date, last: date) -> None:
        """Start the date pickers at the snapshot's first and last tweet (all time stays on)."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _date_edited(self) -> None:
        if self.all_time.isChecked():
            self.all_time.blockSignals(True)
            self.all_time.setChecked(False)
            self.all_time.blockSignals(False)
        self._typing.start()

    def _apply(self) -> None:
        self._typing.stop()
        if self.all_time.isChecked():
            self.dates_chosen.emit(None, None)
            return
        if self.date_from.date() > self.date_to.date():
            self.refused.emit("The start date is after the end date.")
            return
        self.dates_chosen.emit(self.date_from.date().toPython(), self.date_to.date().toPython())

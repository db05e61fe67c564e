"""Small shared widgets: metric cards, the error dialog, a debounced search box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from archivelens.gui import APP_NAME
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column
from archivelens.gui.workers import Loader


class View(QWidget):
    """A page of the main window over the library context.

    ``refresh`` prepares what the page shows for the current scope; the window calls it when
    the page is shown and its ``shown_version`` is older than the context's.
    """

    export_requested = Signal()  # "Export this view…": the window asks where and writes it
    export_changed = Signal()  # the view can or cannot export now (see ``export_reason``)
    message = Signal(str)  # a passing remark for the status bar

    EXPORT_TIP = "Save exactly the rows shown here, with their filters, as a CSV file"

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.shown_version = -1
        self.export_reason: str | None = None  # why this view cannot export now, if so
        self.export_button: QPushButton | None = None

    def refresh(self) -> None:
        raise NotImplementedError

    def new_loader(self) -> Loader:
        """A worker lane for this view's queries; a failure is one sentence in a dialog."""
        loader = Loader(self.ctx, self)
        loader.failed.connect(self.tell)
        return loader

    def tell(self, sentence: str, details: str = "") -> None:
        """One sentence in a dialog over this view: a failure met reading what it shows."""
        show_error(self, sentence, details)

    def export_query(self) -> ViewExport | None:
        """What this view shows, as the CSV to write; None where it shows no table."""
        return None

    def search_box(self) -> QLineEdit | None:
        """The view's search field (Ctrl+F), if it has one."""
        return None

    def focus_widget(self) -> QWidget | None:
        """What takes the keyboard when the view is shown (its table, so keys work at once)."""
        return None

    def make_export_button(self) -> QPushButton:
        button = QPushButton("Export this view…")
        button.setToolTip(self.EXPORT_TIP)
        button.clicked.connect(self.export_requested)
        self.export_button = button
        return button

    def set_export_reason(self, reason: str | None) -> None:
        """Disable exporting with *reason* (shown as the button's tooltip), or enable it
        (None); the window's File ▸ Export This View follows."""
        self.export_reason = reason
        if self.export_button is not None:
            self.export_button.setEnabled(reason is None)
            self.export_button.setToolTip(reason or self.EXPORT_TIP)
        self.export_changed.emit()


@dataclass(frozen=True)
class ViewExport:
    sql: str
    params: dict[str, Any]
    file_name: str  # suggested


class Card(QFrame):
    """A headline number with a title and one line of explanation; clicking it shows the rows
    behind the number (where the window connected ``clicked``)."""

    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setObjectName("cardDetail")
        for w in (self.title, self.value, self.detail):
            layout.addWidget(w)
        layout.addStretch(1)
        self.setMinimumWidth(190)

    def set(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)

    def link(self, tooltip: str) -> None:
        """Make the card a link: a hand cursor, a tooltip, Enter or a click emits ``clicked``."""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tooltip)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.toolTip():
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
        else:
            super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Emits ``search`` 250 ms after the user stops typing."""

    search = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(lambda: self.search.emit(self.text()))
        self.textChanged.connect(lambda _t: self._timer.start())


def show_error(parent: QWidget, sentence: str, details: str = "") -> None:
    """One clear sentence; the technical details only if the user asks for them."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, sentence, QMessageBox.StandardButton.Ok, parent
    )
    if details:
        box.setDetailedText(details)
    box.exec()


def compact_table(table: QTableView) -> None:
    """One line a row, rows as tall as the text needs, no row numbers: a list people scan."""
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(False)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab moves on to the next control, as everywhere else


def fit_labels(table: QTableView, columns: Sequence[Column]) -> None:
    """Widen each column with a fixed few texts (``Column.labels``) to its widest, after
    ``resizeColumnsToContents`` sized it to the rows loaded so far: never "promoti…"."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    for section, column in enumerate(columns):
        if column.labels:
            widest = max(metrics.horizontalAdvance(text) for text in column.labels)
            header.resizeSection(section, max(header.sectionSize(section), widest + 20))


# Palette roles only, so the light and dark palettes of the system both read well.
STYLE = """
QFrame#card { background: palette(base); border: 1px solid palette(midlight);
              border-radius: 8px; padding: 6px; }
QFrame#card:focus { border: 2px solid palette(highlight); }
QLabel#cardTitle { font-weight: 600; }
QLabel#cardValue { font-size: 24pt; font-weight: 600; }
QListWidget#sidebar { font-size: 11pt; }
QListWidget#sidebar::item { padding: 7px 10px; }
QFrame#dropZone { border: 2px dashed palette(mid); border-radius: 16px; }
QFrame#dropZone[hover="true"] { border: 2px dashed palette(highlight);
                                background: palette(alternate-base); }
"""


class NoteDialog(QDialog):
    """A note about a person: wraps long lines; Ctrl+Enter saves, Esc cancels, Tab moves on."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Your note about this account (Ctrl+Enter saves):"))
        self.editor = QPlainTextEdit(text)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(True)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)  # go on writing where it ends
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.editor.installEventFilter(self)  # Ctrl+Enter reaches us before the editor
        self.resize(420, 220)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.editor.toPlainText()

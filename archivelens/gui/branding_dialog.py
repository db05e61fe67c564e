"""Tools ▸ Report Branding: the consultant's name, the client's, a logo and a short note, shown on
report.html, the PDF and the workbook. The dialog only edits; the window saves (one small row)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from archivelens.store.branding import MAX_NAME, MAX_NOTE, Branding


class BrandingDialog(QDialog):
    def __init__(self, current: Branding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Report Branding")
        self.current = current
        self.logo_path: Path | None = None  # a new logo chosen in this dialog
        self.logo_removed = False
        self.consultant = QLineEdit(current.consultant or "")
        self.consultant.setMaxLength(MAX_NAME)
        self.client = QLineEdit(current.client or "")
        self.client.setMaxLength(MAX_NAME)
        self.note = QPlainTextEdit(current.note or "")
        self.note.setPlaceholderText(f"A short note to the client (at most {MAX_NOTE} characters)")
        self.note.setMaximumHeight(90)
        self.preview = QLabel()
        self.preview.setMinimumSize(160, 54)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        form = QFormLayout()
        form.addRow("Your name:", self.consultant)
        form.addRow("Client:", self.client)
        form.addRow("Logo (PNG or JPEG):", logo_row)
        form.addRow("Note:", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        hint = QLabel(
            "Shown on the one-page report (HTML and PDF) and the workbook's Summary. Kept in "
            "this library."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._show_logo(current.logo)

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a logo", str(Path.home()), "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.set_logo(Path(path))

    def set_logo(self, path: Path) -> None:
        self.logo_path, self.logo_removed = path, False
        try:
            self._show_logo(path.read_bytes())
        except OSError:
            self.preview.setText(path.name)  # saving says why it cannot be read

    def remove_logo(self) -> None:
        self.logo_path, self.logo_removed = None, True
        self._show_logo(None)

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.preview.setPixmap(
                pixmap.scaled(
                    160,
                    54,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo" if not data else "(not an image)")

    def changes(self) -> dict[str, str | None]:
        """The arguments of ``pipeline.set_branding`` for what the user entered ("" removes)."""
        logo: str | None = None
        if self.logo_path is not None:
            logo = str(self.logo_path)
        elif self.logo_removed:
            logo = ""
        return {
            "consultant": self.consultant.text(),
            "client": self.client.text(),
            "note": self.note.toPlainText(),
            "logo": logo,
        }

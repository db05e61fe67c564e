"""What the window says when work is done: the notes an import left, the files an export wrote
(each one named, with buttons that open the workbook, the report and the folder), and — when
nothing on the computer can open a file — that it could not, with the path copied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from archivelens.export import html_report
from archivelens.words import join, plural, split_files

if TYPE_CHECKING:  # the workbook module (and XlsxWriter) load on the first export
    from archivelens.export.csvset import ExportResult
    from archivelens.export.workbook import WorkbookResult


@dataclass(frozen=True)
class Written:
    """What an export wrote, for the dialog that says so."""

    title: str
    text: str
    files: list[str]  # one line per file written: its name and what it holds
    workbook: Path | None = None
    report: Path | None = None  # the report to open, where it is not report.html


_REPORT_LINE = f"{html_report.FILE_NAME} — the one-page report, for the browser"


def csv_written(result: ExportResult) -> Written:
    """Every file of the CSV set, with its rows, and the report."""
    files = [f"{name} — {plural(rows, 'row')}" for name, rows in result.files.items()]
    count = plural(len(files) + 1, "file")
    return Written("Export finished", f"Wrote {count} to {result.folder}.", [*files, _REPORT_LINE])


def workbook_written(result: WorkbookResult) -> Written:
    """What the finished workbook holds, and where a sheet had to stop."""
    from archivelens.export.workbook import EXCEL_ROWS

    text = f"Wrote the workbook {result.path.name} to {result.path.parent}."
    if result.cut:
        names = [f"“{title}”" for title in result.cut]
        verb = "stop" if len(names) > 1 else "stops"
        text += (
            f" {join(names)} {verb} at Excel's {EXCEL_ROWS:,} rows; the CSV set "
            "(File ▸ Export for Consultant) holds every row."
        )
    sheets = plural(len(result.sheets), "sheet")
    return Written(
        "Workbook saved",
        text,
        [f"{result.path.name} — the workbook, {sheets}", _REPORT_LINE],
        result.path,
    )


def pdf_written(path: Path) -> Written:
    """The one-page report as a PDF: "Open Report" opens it (in the PDF viewer)."""
    return Written(
        "PDF report saved",
        f"Wrote the one-page report {path.name} to {path.parent}.",
        [f"{path.name} — the one-page report, to print or send"],
        report=path,
    )


def _open(box: QMessageBox) -> QMessageBox:
    """Show *box* without blocking; it goes when closed (no pile of boxes after many runs)."""
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def import_notes(window: QMainWindow, warnings: list[str]) -> QMessageBox:
    """What the import noticed, in a person's words; the archive's file names behind
    "Show Details…"."""
    split = [split_files(w) for w in warnings]
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Archive imported, with notes",
        f"The archive is imported. The import noticed {plural(len(split), 'thing')} worth knowing:",
        parent=window,
    )
    box.setInformativeText("\n\n".join(f"• {sentence}" for sentence, _ in split))
    details = [f"{sentence}\n    {files}" for sentence, files in split if files]
    if details:
        box.setDetailedText("Files in the archive:\n\n" + "\n\n".join(details))
    box.addButton(QMessageBox.StandardButton.Close)
    return _open(box)


def offer_files(window: QMainWindow, written: Written, folder: Path) -> QMessageBox:
    """A finished export names every file it wrote, with buttons that open the workbook, the
    report and the folder."""
    box = QMessageBox(QMessageBox.Icon.Information, written.title, written.text, parent=window)
    box.setInformativeText("\n".join(f"• {line}" for line in written.files))
    opens = [
        (written.workbook, "Open Workbook", "spreadsheet program"),
        (written.report, "Open Report", "PDF viewer")
        if written.report
        else (folder / html_report.FILE_NAME, "Open Report", "web browser"),
        (folder, "Open Folder", "file manager"),
    ]
    for path, label, program in opens:
        if path is not None and path.exists():  # local files: nothing goes online
            button = box.addButton(label, QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda _c=False, p=path, w=program: open_local(window, p, w))
    box.addButton(QMessageBox.StandardButton.Close)
    return _open(box)


def open_local(window: QMainWindow, path: Path, program: str) -> bool:
    """Open *path* with the desktop's *program*; where none opens, say so and copy the path
    (so it can be pasted into one)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QApplication.clipboard().setText(str(path))
    window.statusBar().showMessage(f"No {program} could be opened: the path is copied.", 8000)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        f"No {program} opened",
        f"No {program} could be opened on this computer. Its location is copied, to paste "
        f"into one:\n\n{path}",
        QMessageBox.StandardButton.Close,
        window,
    )
    _open(box)
    return False

"""The app's PDF report (File ▸ Export PDF Report…) and its branding (Tools ▸ Report Branding…)."""

from __future__ import annotations

from archivelens import pipeline
from archivelens.gui.branding_dialog import BrandingDialog
from archivelens.store.branding import Branding
from tests import printing
from tests.test_report_page import logo_png


def _menu_texts(window) -> list[str]:
    return [a.text() for menu in window.menuBar().actions() for a in menu.menu().actions()]


def test_export_the_pdf_report_from_the_app(qtbot, open_imported, tmp_path):
    window, _ = open_imported()
    window.show()
    assert "Export &PDF Report…" in _menu_texts(window) and window.pdf_action.isEnabled()
    worker = window.export_pdf_to(tmp_path / "pdf")
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.worker is None, timeout=30_000)
    (pdf,) = (tmp_path / "pdf").iterdir()
    assert printing.pages(pdf) == 1 and "@ZimblerMiller" in printing.text(pdf)
    assert pdf.name in window.statusBar().currentMessage()


def test_branding_set_in_the_dialog_is_kept_and_shown(qtbot, open_imported, tmp_path, errors):
    window, _ = open_imported()
    assert "Report &Branding…" in _menu_texts(window)
    logo = tmp_path / "logo.png"
    logo.write_bytes(logo_png(300, 100))
    dialog = BrandingDialog(pipeline.branding(window.ctx.con), window)
    qtbot.addWidget(dialog)
    dialog.consultant.setText("Ada Lovelace")
    dialog.client.setText("Zimbler Books")
    dialog.note.setPlainText("See you on Thursday.")
    dialog.set_logo(logo)
    assert not dialog.preview.pixmap().isNull()  # the logo is previewed
    assert window.save_branding(dialog.changes())
    stored = pipeline.branding(window.ctx.con)
    assert stored == Branding(
        "Ada Lovelace", "Zimbler Books", "See you on Thursday.", logo.read_bytes(), "image/png"
    )
    again = BrandingDialog(stored, window)  # opened again: what is kept
    qtbot.addWidget(again)
    assert again.client.text() == "Zimbler Books" and not again.preview.pixmap().isNull()
    again.remove_logo()
    again.note.setPlainText("x" * 400)
    assert not window.save_branding(again.changes())
    assert errors and "The note is 400 characters long" in errors[0]
    assert pipeline.branding(window.ctx.con) == stored  # refused: nothing changed
    again.note.setPlainText("")
    assert window.save_branding(again.changes())
    assert pipeline.branding(window.ctx.con) == Branding("Ada Lovelace", "Zimbler Books")

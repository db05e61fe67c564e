"""Printing report.html as a person would, with headless Chromium, on A4 and on Letter; and
reading PDFs back (pages and text) with pypdf."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf

PAPERS = {"A4": "A4", "Letter": "letter"}


def chromium() -> str | None:
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p), None)


def print_html(html: str, paper: str, out: Path) -> Path:
    """*html* printed to *out* (PDF) on *paper* ("A4" or "Letter"), as a browser's Print does
    with that paper chosen: the page's own ``size: auto`` is set to it."""
    browser = chromium()
    assert browser, "chromium is not installed"
    sized = html.replace("@page { size: auto;", f"@page {{ size: {PAPERS[paper]};", 1)
    assert sized != html, "the page lost its @page rule"
    source = out.with_suffix(".html")
    source.write_text(sized, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={out}",
                "--no-pdf-header-footer",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return out


def pages(pdf: Path | bytes) -> int:
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def text(pdf: Path | bytes) -> str:
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def paper_size(pdf: Path | bytes) -> tuple[float, float]:
    """The first page's size in millimetres."""
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72, 1), round(float(box.height) * 25.4 / 72, 1)

"""Faults around the client's one page: the PDF and the branding it carries."""

from __future__ import annotations

from pathlib import Path

from tests.faults import fault
from tests.faults.judge import (
    cli,
    fill,
    fingerprint,
    imported_library,
    ok,
    refused_cleanly,
    tiny_disk,
    unchanged,
)


@fault("report", "the PDF export onto a full disk", needs_root=True)
def pdf_on_a_full_disk(work: Path) -> str:
    library = imported_library(work)
    with tiny_disk(work / "disk") as disk:
        (disk / "out").mkdir()
        fill(disk)
        before = fingerprint(disk / "out")
        said = refused_cleanly(
            cli("export", "--db", library, "--format", "pdf", "--out", disk / "out"), "disk is full"
        )
        unchanged(before, disk / "out", "the export folder")  # no half PDF, no scratch folder
    return said


@fault("report", "a logo that is a renamed text file")
def logo_not_an_image(work: Path) -> str:
    library = imported_library(work)
    logo = work / "logo.png"
    logo.write_text("not really a picture\n", encoding="utf-8")
    before = fingerprint(library)
    said = refused_cleanly(cli("brand", "--db", library, "--logo", logo), "logo.png")
    unchanged(before, library, "the library")
    return said


@fault("report", "a PNG cut short half-way")
def logo_cut_short(work: Path) -> str:
    from tests.test_report_page import logo_png

    library = imported_library(work)
    logo = work / "logo.png"
    logo.write_bytes(logo_png()[:300])
    said = refused_cleanly(cli("brand", "--db", library, "--logo", logo), "damaged")
    ok(cli("export", "--db", library, "--format", "pdf", "--out", work / "out"))
    return said

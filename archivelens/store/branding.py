"""The consultant's branding of the client deliverables: their name, the client's name, a logo
and a short note. Set once and kept in the library (one row), so every report.html, PDF and
workbook made from it carries them without asking again."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import duckdb

from archivelens.errors import UserError, sentence_for_os_error
from archivelens.store.writes import transaction

# What fits the one-page budget of the report: longer text would push it onto a second page.
MAX_NAME = 80
MAX_NOTE = 300
MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Branding:
    consultant: str | None = None
    client: str | None = None
    note: str | None = None
    logo: bytes | None = None
    logo_type: str | None = None  # "image/png" or "image/jpeg"

    def __bool__(self) -> bool:
        return any((self.consultant, self.client, self.note, self.logo))


def get(con: duckdb.DuckDBPyConnection) -> Branding:
    row = con.execute(
        "SELECT consultant, client, note, logo, logo_type FROM branding WHERE id = 1"
    ).fetchone()
    if row is None:
        return Branding()
    return Branding(row[0], row[1], row[2], bytes(row[3]) if row[3] is not None else None, row[4])


def save(con: duckdb.DuckDBPyConnection, brand: Branding) -> None:
    """Replace the library's branding with *brand* (checked first: one sentence if refused),
    in one transaction that also journals it, so a rebuilt library keeps it."""
    check(brand)
    with transaction(con, "saving the report branding") as tx:
        con.execute("DELETE FROM branding")
        if brand:
            con.execute(
                "INSERT INTO branding VALUES (1, ?, ?, ?, ?, ?)",
                [brand.consultant, brand.client, brand.note, brand.logo, brand.logo_type],
            )
        tx.record("branding", **entry(brand))


def entry(brand: Branding) -> dict[str, str | None]:
    """*brand* as a journal entry's fields (the logo as base64 text)."""
    logo = base64.b64encode(brand.logo).decode("ascii") if brand.logo else None
    return {
        "consultant": brand.consultant,
        "client": brand.client,
        "note": brand.note,
        "logo": logo,
        "logo_type": brand.logo_type,
    }


def from_entry(e: dict) -> Branding:
    """The branding a journal entry (:func:`entry`) recorded."""
    logo = base64.b64decode(e["logo"]) if e.get("logo") else None
    return Branding(e.get("consultant"), e.get("client"), e.get("note"), logo, e.get("logo_type"))


def check(brand: Branding) -> None:
    for label, text, limit in (
        ("The consultant's name", brand.consultant, MAX_NAME),
        ("The client's name", brand.client, MAX_NAME),
        ("The note", brand.note, MAX_NOTE),
    ):
        if text is not None and len(text) > limit:
            raise UserError(
                f"{label} is {len(text)} characters long; the one-page report has room for {limit}."
            )
    if brand.logo is not None:
        if len(brand.logo) > MAX_LOGO_BYTES:
            raise UserError(
                f"The logo is {len(brand.logo) // 1024:,} KB; at most {MAX_LOGO_BYTES // 1024} KB "
                "fits the library (a smaller PNG or JPEG is sharp enough for the page)."
            )
        if logo_type(brand.logo) is None:
            raise UserError("The logo is not a PNG or JPEG image.")


def logo_type(data: bytes) -> str | None:
    """The MIME type of a PNG or JPEG image, from its first bytes; None for anything else."""
    return next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), None)


def read_logo(path: Path) -> bytes:
    """The bytes of the logo file at *path*, checked (size and type), or one sentence."""
    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise UserError(
                f"The logo {path.name} is {size // 1024:,} KB; at most {MAX_LOGO_BYTES // 1024} KB "
                "fits the library (a smaller PNG or JPEG is sharp enough for the page)."
            )
        data = path.read_bytes()
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"reading the logo {path}")) from None
    if logo_type(data) is None:
        raise UserError(f"The logo {path.name} is not a PNG or JPEG image.")
    _check_readable(data, path.name)
    return data


def _check_readable(data: bytes, name: str) -> None:
    """Refuse a damaged image now, not when a report is made from it."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # Pillow raises many kinds for a damaged file
        raise UserError(f"The logo {name} is damaged: it cannot be read as an image.") from None

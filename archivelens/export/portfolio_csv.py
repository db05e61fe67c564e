"""``portfolio.csv``: a consultant's clients side by side, in the CSV set's formats (UTF-8 with a
BOM, ISO dates, shares with 4 decimals, empty for unknown, the formula guard)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pyarrow as pa

from archivelens.analysis.portfolio import COLUMNS, Entry
from archivelens.export import csvset
from archivelens.read import tables

FILE_NAME = "portfolio.csv"
_SHARES = ("conversation_share", "amplification_share", "promotion_share", "repetition_share")


def write(entries: list[Entry], folder: Path, bom: bool = True) -> Path:
    """Write *entries* as ``portfolio.csv`` in *folder* (it appears only once complete)."""
    csvset.create_folder(folder)
    rows = [
        {c: getattr(e, c) or (None if c == "status" else getattr(e, c)) for c in COLUMNS}
        for e in entries
    ]
    table = pa.Table.from_pylist(rows, schema=_schema()) if rows else _schema().empty_table()
    select = ", ".join(tables.share4(c) + f" AS {c}" if c in _SHARES else c for c in COLUMNS)
    with duckdb.connect() as con:
        con.register("portfolio_rows", table)
        target = folder / FILE_NAME
        csvset.write_csv(con, f"SELECT {select} FROM portfolio_rows", {}, target, bom)
    return target


def _schema() -> pa.Schema:
    types = {
        "library": pa.string(),
        "account": pa.string(),
        "account_id": pa.int64(),
        "archive_date": pa.date32(),
        "status": pa.string(),
        **{c: pa.float64() for c in _SHARES},
    }
    names = [f.name for f in dataclasses.fields(Entry) if f.name in COLUMNS]
    return pa.schema([(n, types.get(n, pa.int64())) for n in names])

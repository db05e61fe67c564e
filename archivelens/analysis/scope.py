"""Which snapshot and which dates an analysis covers.

Every report, export and app view works on one :class:`Scope`: a snapshot of one account and an
optional date range (inclusive dates, UTC). ``--account`` and ``--snapshot`` pick the snapshot;
by default the newest snapshot of the only, or most recently imported, account.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import duckdb

from archivelens.errors import UserError

LAST_DAY = date(9998, 12, 31)  # the last date --from/--to take (open ranges end after it)


@dataclass(frozen=True)
class Scope:
    snapshot_id: int
    account_id: int
    screen_name: str | None
    generated_at: datetime
    date_from: date | None = None
    date_to: date | None = None

    def with_dates(self, date_from: date | None, date_to: date | None) -> Scope:
        if date_from and date_to and date_from > date_to:
            raise UserError(f"The start date {date_from} is after the end date {date_to}.")
        return replace(self, date_from=date_from, date_to=date_to)

    @property
    def start(self) -> datetime:
        """Inclusive lower bound of tweet times (the epoch when open)."""
        return datetime.combine(self.date_from, time()) if self.date_from else datetime(1970, 1, 1)

    @property
    def end(self) -> datetime:
        """Exclusive upper bound of tweet times (far future when open, or when the last day is
        that far: a date picker goes up to 9999-12-31, and the day after it does not exist)."""
        if self.date_to and self.date_to < LAST_DAY:
            return datetime.combine(self.date_to + timedelta(days=1), time())
        return datetime.combine(LAST_DAY + timedelta(days=1), time())

    def params(self) -> dict[str, object]:
        """Named parameters every scoped query uses: $snapshot, $account, $start, $end."""
        return {
            "snapshot": self.snapshot_id,
            "account": self.account_id,
            "start": self.start,
            "end": self.end,
        }

    @property
    def label(self) -> str:
        if not (self.date_from or self.date_to):
            return "all time"
        return f"{self.date_from or 'start'} to {self.date_to or 'end'}"


def parse_date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{what} must be a date like 2023-01-31, not {text!r}.") from None
    if day > LAST_DAY:
        raise UserError(f"{what} must be a date up to {LAST_DAY}, not {text!r}.")
    return day


def resolve_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Scope:
    """The whole history of snapshot *snapshot_id*."""
    row = con.execute(
        """SELECT s.snapshot_id, s.account_id, coalesce(a.screen_name, s.screen_name),
                  s.generated_at
           FROM snapshots s LEFT JOIN accounts a USING (account_id) WHERE s.snapshot_id = ?""",
        [snapshot_id],
    ).fetchone()
    if row is None:
        raise UserError(f"No snapshot {snapshot_id} in this library.")
    return Scope(*row)


def resolve(
    con: duckdb.DuckDBPyConnection,
    account: str | None = None,
    snapshot: str | None = None,
) -> Scope:
    """The snapshot chosen by an account handle (or id) and a snapshot date, with defaults."""
    rows = _snapshot_rows(con)
    if not rows:
        raise UserError("The library is empty: import an archive first (archivelens import PATH).")
    if account:
        wanted = account.lstrip("@").lower()
        rows = [r for r in rows if (r[2] or "").lower() == wanted or str(r[1]) == wanted]
        if not rows:
            raise UserError(f"No account @{wanted} in this library.")
    else:
        latest_import = max(rows, key=lambda r: r[4])
        rows = [r for r in rows if r[1] == latest_import[1]]
    if snapshot:
        day = parse_date(snapshot, "--snapshot")
        rows = [r for r in rows if r[3].date() == day]
        if not rows:
            raise UserError(f"No snapshot of {snapshot} for this account.")
    snapshot_id, account_id, handle, generated_at, _ = rows[0]
    return Scope(snapshot_id, account_id, handle, generated_at)


def resolve_kept(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int | None = None
) -> Scope | None:
    """Snapshot *snapshot_id* if it is (still) in the library, else the newest snapshot of
    *account_id*, else None: the app keeps showing the archive the person chose."""
    rows = _snapshot_rows(con)
    chosen = [r for r in rows if r[0] == snapshot_id] or [r for r in rows if r[1] == account_id]
    if not chosen:
        return None
    snapshot, account, handle, generated_at, _ = chosen[0]
    return Scope(snapshot, account, handle, generated_at)


def _snapshot_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(snapshot id, account id, handle, generated at, imported at), newest first."""
    return con.execute(
        """SELECT s.snapshot_id, s.account_id, coalesce(a.screen_name, s.screen_name),
                  s.generated_at, s.imported_at
           FROM snapshots s LEFT JOIN accounts a USING (account_id)
           ORDER BY s.generated_at DESC, s.snapshot_id DESC"""
    ).fetchall()

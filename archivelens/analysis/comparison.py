"""Before and after: two periods of one account, figure by figure (``metrics.md``).

By default the last 12 months of the archive against the 12 before them; or before and after a
date a consultant sets (``baseline``: when their work with the client began), or any two periods.
Shares change in percentage points, counts and numbers by their difference. A period with fewer
than :data:`MIN_TWEETS` tweets shows its figures but no verdict. With two or more snapshots of the
account, the followers gained and lost between the snapshots nearest each period's end belong to
the comparison too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from archivelens.analysis import changes, metrics, report
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError

MIN_TWEETS = 30

# (summary.csv name, which way is better: +1 higher, -1 lower, 0 neither)
COMPARED: tuple[tuple[str, int], ...] = (
    ("tweets", 0),
    ("conversation_share", +1),
    ("conversation_breadth", +1),
    ("recurring_partners", +1),
    ("amplification_share", +1),
    ("link_share", 0),
    ("curation_share", +1),
    ("promotion_share", -1),
    ("repetition_share", -1),
    ("scheduler_share", -1),
    ("likes_per_original", +1),
    ("retweets_per_original", +1),
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start}/{self.end}"


@dataclass(frozen=True)
class Row:
    metric: str
    before: Any
    after: Any
    change: float | None  # after − before (shares in percentage points), None when unknown
    kind: str  # count | share | number
    verdict: str | None  # "better" | "worse" | "same" | None (no verdict)
    explanation: str


# Followers gained and lost between the archives nearest each period's end, with a sentence for
# each list that could not be compared (:func:`follower_changes`).
FollowerCounts = tuple[dict[str, int], list[str]]


@dataclass(frozen=True)
class Comparison:
    before: Period
    after: Period
    rows: tuple[Row, ...]
    before_tweets: int
    after_tweets: int
    note: str  # why there is no verdict, or what the periods are

    @property
    def judged(self) -> bool:
        return min(self.before_tweets, self.after_tweets) >= MIN_TWEETS


def default_periods(scope: Scope, baseline: date | None = None) -> tuple[Period, Period]:
    """The last 12 months of the archive and the 12 before; or the 12 months before *baseline*
    and the time from it to the archive's date (at most 12 months)."""
    end = scope.date_to or scope.generated_at.date()
    if baseline is None:
        after = Period(_months_back(end, 12) + timedelta(days=1), end)
        before = Period(_months_back(after.start, 12), after.start - timedelta(days=1))
        return before, after
    if baseline > end:
        raise UserError(f"The baseline {baseline} is after the archive's last day {end}.")
    after_end = min(end, _months_back(baseline, -12) - timedelta(days=1))
    return Period(_months_back(baseline, 12), baseline - timedelta(days=1)), Period(
        baseline, after_end
    )


def periods_for(
    scope: Scope,
    compare_from: date | None = None,
    compare_to: date | None = None,
    baseline: date | None = None,
) -> tuple[Period, Period]:
    """The two periods a command line asks for: ``--baseline DATE`` (12 months before it
    against the time from it), ``--compare-from A --compare-to B`` (A–B against the report's
    own period, else against the day after B to the archive's date), or neither (the last 12
    months against the 12 before)."""
    if baseline and (compare_from or compare_to):
        raise UserError("Give either --baseline or --compare-from/--compare-to, not both.")
    if baseline or not (compare_from or compare_to):
        return default_periods(scope, baseline)
    end = scope.date_to or scope.generated_at.date()
    if compare_to is None:
        raise UserError("--compare-from needs --compare-to (the last day of the earlier period).")
    start = compare_from or (scope.date_from if scope.date_from else _months_back(compare_to, 12))
    before = Period(start, compare_to)
    if scope.date_from or scope.date_to:
        after = Period(scope.date_from or compare_to + timedelta(days=1), end)
    else:
        after = Period(compare_to + timedelta(days=1), end)
    return before, after


# A comparison with the followers gained and lost (None with one archive of the account): what
# ``report --compare`` prints and every export shows.
Compared = tuple[Comparison, FollowerCounts | None]


def follower_rows(followers: FollowerCounts | None) -> tuple[Row, ...]:
    """The followers gained and lost as rows after the figures (none with one archive): a change
    only, since a follower list is the archive's, not a period's; unknown when an archive lacks
    the list, and the row says why."""
    if followers is None:
        return ()
    counts, missing = followers
    lacking = next((s for s in missing if s.startswith("Followers not compared")), None)
    rows = []
    for metric, change, words in (
        ("followers_gained", "gained_follower", "gained"),
        ("followers_lost", "lost_follower", "lost"),
    ):
        explanation = lacking or (
            f"Followers {words} between the archives nearest each period's end."
        )
        value = None if lacking else float(counts[change])
        rows.append(Row(metric, None, None, value, "count", None, explanation))
    return tuple(rows)


def as_dict(result: Comparison, followers: FollowerCounts | None) -> dict:
    """The JSON form (``archivelens report --json``'s ``comparison``)."""

    def period(p: Period, tweets: int) -> dict[str, object]:
        return {"from": str(p.start), "to": str(p.end), "tweets": tweets}

    return {
        "before": period(result.before, result.before_tweets),
        "after": period(result.after, result.after_tweets),
        "verdicts": result.judged,
        "note": result.note,
        "metrics": [
            {
                "metric": r.metric,
                "before": _plain(r.before),
                "after": _plain(r.after),
                "change": None if r.change is None else round(r.change, 4),
                "change_unit": "percentage points" if r.kind == "share" else r.kind,
                "verdict": r.verdict,
                "explanation": r.explanation,
            }
            for r in result.rows
        ],
        "follower_changes": None
        if followers is None
        else {"counts": followers[0], "not_compared": followers[1]},
    }


def _plain(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def _months_back(day: date, months: int) -> date:
    """*day* moved *months* calendar months back (forward when negative), clamped to the month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(d, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def compare(
    con: duckdb.DuckDBPyConnection, scope: Scope, before: Period, after: Period
) -> Comparison:
    """Every compared figure of *scope*'s account in *before* and in *after*."""
    if before.start > before.end or after.start > after.end:
        raise UserError("A comparison period ends before it starts.")
    shared = metrics.Shared.of(con, scope)  # one snapshot: its lists are counted once

    def figures(period: Period) -> dict[str, report.Metric]:
        dated = scope.with_dates(period.start, period.end)
        return {m.name: m for m in report.figures(con, dated, shared)}

    first, second = figures(before), figures(after)
    n_before, n_after = int(first["tweets"].value or 0), int(second["tweets"].value or 0)
    judged = min(n_before, n_after) >= MIN_TWEETS
    rows = tuple(_row(name, better, first[name], second[name], judged) for name, better in COMPARED)
    note = (
        f"{before.start} to {before.end} against {after.start} to {after.end}."
        if judged
        else f"No verdict: a period has fewer than {MIN_TWEETS} tweets "
        f"({n_before:,} before, {n_after:,} after)."
    )
    return Comparison(before, after, rows, n_before, n_after, note)


def _row(name: str, better: int, a: report.Metric, b: report.Metric, judged: bool) -> Row:
    change = None
    if isinstance(a.value, int | float) and isinstance(b.value, int | float):
        change = (b.value - a.value) * (100 if a.kind == "share" else 1)
    verdict = None
    if judged and change is not None and better:
        same = abs(change) < (1.0 if a.kind == "share" else 1e-9)
        verdict = "same" if same else ("better" if change * better > 0 else "worse")
    return Row(name, a.value, b.value, change, a.kind, verdict, a.explanation)


def follower_changes(
    con: duckdb.DuckDBPyConnection, scope: Scope, before: Period, after: Period
) -> FollowerCounts | None:
    """Followers gained and lost (and follows made and dropped) between the account's snapshots
    nearest the end of each period, with a sentence for each list that could not be compared;
    None when one snapshot is nearest both."""
    refs = changes.snapshots_of(con, scope.account_id)
    if len(refs) < 2:
        return None

    def nearest(day: date) -> changes.SnapshotRef:
        return min(refs, key=lambda r: (abs((r.generated_at.date() - day).days), r.snapshot_id))

    old, new = nearest(before.end), nearest(after.end)
    if old.snapshot_id == new.snapshot_id:
        return None
    if old.generated_at > new.generated_at:
        old, new = new, old
    return changes.summary_counts(changes.diff(con, old, new)), changes.not_compared(old, new)

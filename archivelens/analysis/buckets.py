"""Months, quarters or years: the buckets a chart of the monthly content mix shows (the app's
Overview and the HTML report). Plain Python over ``metrics.monthly`` rows."""

from __future__ import annotations


def month_range(first: str, last: str) -> list[str]:
    """Every month from *first* to *last* ("YYYY-MM"), so quiet months show as gaps."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def bucketed(months: list[dict], max_bars: int | dict[str, int] = 24) -> tuple[list[dict], str]:
    """Months, quarters or years — the finest that gives at most *max_bars* bars (per unit, as
    their labels differ in width), so every bar keeps a readable label. Months without tweets
    are empty bars, never left out. Labels are "YYYY-MM", "YYYY Q1" or "YYYY"."""
    keys = ("replies_to_others", "sharing_tweets", "promotional_tweets")
    limit = (
        max_bars if isinstance(max_bars, dict) else dict.fromkeys(("month", "quarter"), max_bars)
    )
    by_month = {m["month"]: m for m in months}
    every = month_range(min(by_month), max(by_month)) if by_month else []
    quarters = {f"{m[:4]} Q{(int(m[5:7]) - 1) // 3 + 1}" for m in every}
    if len(every) <= limit["month"]:
        unit, label = "month", lambda m: m
    elif len(quarters) <= limit["quarter"]:
        unit, label = "quarter", lambda m: f"{m[:4]} Q{(int(m[5:7]) - 1) // 3 + 1}"
    else:
        unit, label = "year", lambda m: m[:4]
    out: dict[str, dict] = {}
    for month in every:
        b = out.setdefault(
            label(month), {"label": label(month), "amplifying": 0, **dict.fromkeys(keys, 0)}
        )
        if m := by_month.get(month):
            b["amplifying"] += m["retweets"] + m["quotes"]
            for k in keys:
                b[k] += m[k]
    return list(out.values()), unit

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
            label(month),
            {"label": label(month), "amplifying": 0, **dict.fromkeys((*keys, *PARTITION), 0)},
        )
        if m := by_month.get(month):
            b["amplifying"] += m["retweets"] + m["quotes"]
            for k in keys:
                b[k] += m[k]
            for k, n in partition(m).items():
                b[k] += n
    return list(out.values()), unit


# Every tweet in exactly one of these (the report's chart): promotion first, then what a
# tweet does for others; the rest is the account's own words.
PARTITION = ("conversation", "sharing", "amplified", "promoting", "own_posts")


def partition(m: dict) -> dict[str, int]:
    """A month's tweets split into ``PARTITION``, summing to its tweets. A promotional reply or
    quote counts as promoting only; self-replies, mentions and plain originals are own posts."""
    promo_replies = m.get("promotional_replies", 0)
    promo_amplifying = m.get("promotional_amplifying", 0)
    parts = {
        "conversation": m["replies_to_others"] - promo_replies,
        "sharing": m["sharing_tweets"],
        "amplified": m["retweets"] + m["quotes"] - promo_amplifying,
        "promoting": m["promotional_tweets"],
    }
    parts["own_posts"] = max(m["tweets"] - sum(parts.values()), 0)
    return parts

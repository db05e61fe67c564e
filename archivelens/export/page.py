"""What the client's one page says, decided once for both of its forms (``report.html`` and the
PDF), so they cannot drift apart.

The page is designed to a budget: whatever the account, it must print on one sheet of A4 *and*
of Letter (the narrower A4's width, the shorter Letter's height). So every part has a fixed
number of lines — rows are capped, text is cut to a width measured in columns (a CJK character
takes two) — and the detail lives in the workbook, which the page points to in words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import duckdb

from archivelens.analysis import comparison, duplicates, engagement, network, report
from archivelens.analysis.buckets import bucketed
from archivelens.analysis.comparison import Compared
from archivelens.analysis.scope import Scope
from archivelens.store import branding

# The budget: rows shown and columns a line may take (at the page's print size).
MAX_ADVICE = 6
MAX_BLASTS = 3
MAX_PEOPLE = 5
ACTION_COLUMNS = 260
DETAIL_COLUMNS = 170
BAND_COLUMNS = 200
MESSAGE_COLUMNS = 110
NAME_COLUMNS = 40
NOTE_COLUMNS = 300
CANNOT_COLUMNS = 340
EARNED_COLUMNS = 170  # the sentence a consultant quotes: one line
# The chart: bars per unit before a coarser one is used; a label is shown on every n-th bar
# so that labels never touch (the renderers measure them).
CHART_BARS = {"month": 48, "quarter": 48, "year": 48}

# The chart's series: every tweet falls in exactly one (analysis.buckets.series).
SERIES = (
    ("conversation", "Conversation", "#2E86AB"),
    ("sharing", "Sharing others", "#59A14F"),
    ("amplified", "Amplifying", "#F1A340"),
    ("promoting", "Promoting", "#D1495B"),
    ("own_posts", "Own posts, threads and mentions", "#9AA3AD"),
)


@dataclass(frozen=True)
class Card:
    title: str
    value: str
    text: str
    before_after: str | None = None  # "25% → 32%" with a comparison
    verdict: str | None = None  # "better" | "worse" | "same" where one way is better


@dataclass(frozen=True)
class Advice:
    action: str
    detail: str  # the figure, why, and where in the workbook the rows are


@dataclass(frozen=True)
class BandRow:
    name: str
    position: str
    verdict: str  # "within", "outside" or "no verdict" (too little to judge: the rule says why)
    within: bool | None
    explanation: str


@dataclass
class Page:
    title: str
    subtitle: str
    brand: branding.Branding
    cards: list[Card]
    tweets_line: str
    earned: str | None  # what promotion earns against conversation, when both can be said
    compared_line: str | None  # the two periods each card's before → after compares
    advice: list[Advice]
    no_advice: str | None
    more_advice: str | None  # "2 more in the workbook", when the budget cut the list
    buckets: list[dict[str, Any]]
    unit: str
    bands: list[BandRow]
    blasts: list[tuple[str, str, str]]  # sent, message, first – last
    people: list[tuple[str, str, str, str]] | None  # handle, name, talked, last
    people_note: str
    cannot_tell: str
    workbook_note: str


def build(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rep: report.Report | None = None,
    compared: Compared | None = None,
) -> Page:
    rep = rep or report.build(con, scope)
    who = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
    buckets, unit = bucketed(rep.months, CHART_BARS)
    both = rep.summary.holds("follower", "following")
    return Page(
        title=f"{who} on Twitter/X",
        subtitle=f"Archive of {scope.generated_at:%d %B %Y} · {scope.label} · made offline by "
        "ArchiveLens",
        brand=_brand(con),
        cards=_cards(rep, compared),
        tweets_line=_tweets_line(rep),
        earned=_earned(con, rep),
        compared_line=_compared_line(compared[0]) if compared else None,
        advice=[_advice(r) for r in rep.recommendations[:MAX_ADVICE]],
        no_advice=None if rep.recommendations else _no_advice(rep),
        more_advice=_more(len(rep.recommendations) - MAX_ADVICE),
        buckets=buckets,
        unit=unit,
        bands=[_band(b) for b in rep.bands],
        blasts=_blasts(con, scope),
        people=_people(con, scope) if both else None,
        people_note=(
            "Followers you talk with but don't follow back: look at each one by hand."
            if both
            else f"Followers are {rep.explanation('followers')}."
        ),
        cannot_tell=_cannot_tell(rep.cannot_measure),
        workbook_note="Every list in full: the workbook (one sheet per list) and the CSV set.",
    )


def _brand(con: duckdb.DuckDBPyConnection) -> branding.Branding:
    b = branding.get(con)
    return branding.Branding(
        clip(b.consultant, NAME_COLUMNS * 2) if b.consultant else None,
        clip(b.client, NAME_COLUMNS * 2) if b.client else None,
        clip(b.note, NOTE_COLUMNS) if b.note else None,
        b.logo,
        b.logo_type,
    )


def prepared_line(brand: branding.Branding) -> str | None:
    """ "Prepared for <client> by <consultant>", or what of it is known."""
    parts = []
    if brand.client:
        parts.append(f"for {brand.client}")
    if brand.consultant:
        parts.append(f"by {brand.consultant}")
    return "Prepared " + " ".join(parts) if parts else None


def columns(text: str) -> int:
    """The width of *text* in columns: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, width: int) -> str:
    """*text* on one line, cut to *width* columns with "…" (whitespace runs become one space)."""
    text = " ".join(text.split())
    if columns(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 follower", "2 followers"."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def pct(value: float | None) -> str:
    if value is None:
        return "–"
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


_CARDS = (
    ("Conversation", "conversation_share", "of tweets are replies to others"),
    ("Promotion", "promotion_share", "of own tweets sell something"),
    ("Amplification", "amplification_share", "retweets and quotes"),
    ("Repetition", "repetition_share", "of own tweets re-send a sales message"),
    ("Links", "curation_share", "of links point to other people's sites"),
    ("Reciprocity", "follow_back_share", "of followers followed back"),
)


def _cannot_tell(sentences: tuple[str, ...]) -> str:
    """What the archive cannot tell, as one list ("Replies and mentions you received: the
    archive holds only what you sent." → its first half); the workbook has the sentences."""
    topics = [s.split(":")[0].strip().rstrip(".") for s in sentences]
    if not topics:
        return ""
    text = "; ".join([topics[0], *(t[:1].lower() + t[1:] for t in topics[1:])])
    return clip(f"{text}.", CANNOT_COLUMNS)


def _cards(rep: report.Report, compared: Compared | None = None) -> list[Card]:
    """The six headline shares; an unknown one shows "–" and the reason instead of a number.
    With a comparison each card also shows the share in the period before and the one after
    (reciprocity is the archive's, not a period's: it shows the followers gained and lost)."""
    out = []
    rows = {r.metric: r for r in compared[0].rows} if compared else {}
    for title, name, text in _CARDS:
        value = rep.value(name)
        reason = text if value is not None else clip(rep.explanation(name), 48)
        row = rows.get(name)
        if row is not None:
            out.append(Card(title, pct(value), reason, _before_after(row), row.verdict))
        elif compared:
            out.append(Card(title, pct(value), reason, _followers_moved(compared[1])))
        else:
            out.append(Card(title, pct(value), reason))
    return out


def _before_after(row: comparison.Row) -> str:
    return f"{pct(row.before)} → {pct(row.after)}" + (f" · {row.verdict}" if row.verdict else "")


def _followers_moved(followers: comparison.FollowerCounts | None) -> str:
    if followers is None:
        return "needs two archives"
    gained, lost = (r.change for r in comparison.follower_rows(followers))
    if gained is None or lost is None:
        return "not in both archives"
    return f"+{gained:,.0f} / −{lost:,.0f} followers"


def _compared_line(result: comparison.Comparison) -> str:
    """The two periods the cards' "before → after" compare, and why there is no verdict."""
    b, a = result.before, result.after
    line = (
        f"Cards: before {b.start} – {b.end} ({plural(result.before_tweets, 'tweet')}), "
        f"after {a.start} – {a.end} ({plural(result.after_tweets, 'tweet')})."
    )
    if not result.judged:
        line += f" No verdict: under {comparison.MIN_TWEETS} tweets."
    return line


def _earned(con: duckdb.DuckDBPyConnection, rep: report.Report) -> str | None:
    """The sentence a consultant quotes (promotional tweets against replies), or None when
    either side has too few tweets or the archive keeps no counts."""
    sentence = engagement.headline(rep.earned or engagement.by_kind(con, rep.scope))
    return clip(sentence, EARNED_COLUMNS) if sentence else None


def _tweets_line(rep: report.Report) -> str:
    tweets = rep.value("tweets")
    if tweets is None:
        return f"Tweets: – ({rep.explanation('tweets')})"
    first, last = rep.value("first_tweet"), rep.value("last_tweet")
    span = f", {first:%d %b %Y} – {last:%d %b %Y}" if first and last else ""
    return f"{plural(tweets, 'tweet')}{span}."


def _no_advice(rep: report.Report) -> str:
    """What the page says when the Report gives no recommendation: why (too few tweets, no
    tweets file, an empty period), "nothing stands out" only for an account measured and fine."""
    return rep.advice.note


def _more(count: int) -> str | None:
    if count <= 0:
        return None
    return f"{plural(count, 'more recommendation')} in the workbook's Summary sheet."


def _advice(r: Any) -> Advice:
    # the why last: it is what the line's budget cuts first (the workbook has it whole)
    detail = " ".join(part for part in (f"{r.figure}.", where(r.rows), r.why) if part)
    return Advice(clip(r.action, ACTION_COLUMNS), clip(detail, DETAIL_COLUMNS))


def _band(b: Any) -> BandRow:
    verdict = {True: "within", False: "outside", None: "no verdict"}[b.within]
    return BandRow(
        b.name, clip(b.position, 90), verdict, b.within, clip(b.explanation, BAND_COLUMNS)
    )


def _blasts(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple[str, str, str]]:
    rows = [
        c for c in duplicates.clusters(con, scope).to_pylist() if c["cluster_kind"] == "sales_blast"
    ][:MAX_BLASTS]
    return [
        (
            f"{c['size']}×",
            clip(c["representative"], MESSAGE_COLUMNS),
            f"{c['first_at']:%Y-%m-%d} – {c['last_at']:%Y-%m-%d}",
        )
        for c in rows
    ]


def _people(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple[str, str, str, str]]:
    # fetchmany, not LIMIT: DuckDB 2.0.1 ignores a LIMIT over the checklist's CTEs (seen here:
    # "SELECT … FROM rows LIMIT 10" gave all 640 rows)
    rows = con.execute(
        f"""{network.CHECKLIST_FROM}
            SELECT coalesce('@' || screen_name, 'account ' || account_id), display_name,
                   interactions, last_interaction
            FROM rows WHERE interactions > 0 AND review_status = 'to_review'
            ORDER BY {network.CHECKLIST_ORDER}""",
        scope.params(),
    ).fetchmany(MAX_PEOPLE)
    return [
        (
            clip(handle, NAME_COLUMNS),
            clip(name or "", NAME_COLUMNS),
            plural(n, "time"),
            f"{last:%Y-%m-%d}",
        )
        for handle, name, n, last in rows
    ]


# Where the rows behind a recommendation are, in the client's words: the CSV set's file names
# and filters (Recommendation.rows) become the workbook's sheet and what to filter on.
_FILE_SHEETS = {
    "monthly.csv": "Monthly",
    "summary.csv": "Summary",
    "engagement.csv": "Engagement",
    "top_tweets.csv": "Engagement",
    "comparison.csv": "Comparison",
}
_FILTER_WORDS = {
    "cluster_kind = sales_blast": "the sales blasts",
    "cluster_kind = template": "the template messages",
    "is_promotional = true": "the promotional tweets",
    "kind = reply_to_others": "the replies to others",
    "kind = reply_to_others or mention": "the replies and mentions",
    "kind = promotional or reply_to_others": "promotional tweets and replies to others",
    "interactions > 0": "the people you talked with",
    "review_status = to_review": "not yet reviewed",
}


def where(rows: str) -> str:
    """ "duplicate_blasts.csv, cluster_kind = sales_blast" → "Workbook sheet “Sales blasts and
    templates”: the sales blasts." """
    from archivelens.export.workbook import LIST_SHEETS

    sheets = {file: sheet for sheet, file in LIST_SHEETS.items()} | _FILE_SHEETS
    file, _, rest = rows.partition(",")
    sheet = sheets.get(file.strip())
    if sheet is None:
        return ""
    filters = [f.strip() for f in rest.split(",") if f.strip()] if rest else []
    words = [_FILTER_WORDS.get(f) or _in_words(f) for f in filters]
    return f"Workbook sheet “{sheet}”" + (f": {', '.join(words)}." if words else ".")


def _in_words(condition: str) -> str:
    """A filter the table above does not know, readable anyway: "source_client (Buffer …)" →
    "source client (Buffer …)"."""
    return condition.replace("_", " ").replace(" = ", " is ")


def chart_series(buckets: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The chart's series that hold any tweet (an empty one is left off the legend)."""
    return [s for s in SERIES if any(b[s[0]] for b in buckets)]

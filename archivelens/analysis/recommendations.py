"""What to change: a short, ordered list of concrete actions, each from one transparent rule over
the metrics, with the figure that triggered it and where its rows are.

The consultant's rule (talk with people, share useful things, stop re-sending the catalogue,
review each follower by hand) turned into checks an archive can answer. A rule that does not
fire says nothing, so an account that needs no change gets an empty list. Nothing here advises
on what an archive cannot know: replies received, who is a bot, when someone followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from archivelens.analysis import duplicates, network
from archivelens.analysis.metrics import Summary, share
from archivelens.analysis.scope import Scope
from archivelens.words import percent, plural

MAX_ITEMS = 7
PROMOTION_BAND = 0.20  # the 80/20 rule
SCHEDULER_MAJORITY = 0.5
TREND_MONTHS = 12  # "the last year" against the months before it
TREND_MIN_TWEETS = 30  # each side needs this many tweets to compare
TREND_DROP = 0.7  # a share falling below 70 % of what it was
LOW_CONVERSATION = 0.10
MIN_TWEETS = 50  # below this, an account's shares say too little to advise on


@dataclass(frozen=True)
class Recommendation:
    rule: str  # stable name: which rule fired
    action: str  # what to do, in one sentence
    figure: str  # the number that triggered it
    why: str  # one line: why it matters
    rows: str  # where the consultant finds the rows behind it (file and filter)
    view: str  # the app's view that shows them ("Duplicates", "Tweets", "Follow-back", …)
    filters: dict[str, Any] = field(default_factory=dict)  # the view's filter, if any


def build(
    con: duckdb.DuckDBPyConnection, scope: Scope, s: Summary, months: list[dict[str, Any]]
) -> list[Recommendation]:
    """The recommendations for *scope*, most important first (at most ``MAX_ITEMS``); *months*
    are its ``metrics.monthly`` rows."""
    v = s.values
    if (v["tweets"] or 0) < MIN_TWEETS:
        return []
    found = [
        _sales_blasts(con, scope),
        _promotion(v),
        *_trends(months),
        _low_conversation(v),
        _follow_back(con, scope, s),
        _scheduler(v),
    ]
    fired = [r for r in found if r is not None]
    if any(r.rule == "conversation_falling" for r in fired):  # one piece of advice, not two
        fired = [r for r in fired if r.rule != "little_conversation"]
    return fired[:MAX_ITEMS]


NOTHING_STANDS_OUT = "Nothing stands out: keep talking with people and sharing useful things."


@dataclass(frozen=True)
class Advice:
    """Why the list of recommendations is what it is, in one sentence for every output."""

    status: str  # advised | nothing_stands_out | too_few_tweets | no_tweets | no_tweets_file
    note: str  # the sentence shown in place of (or above) the list


def status(s: Summary, advised: int) -> Advice:
    """Why there is advice, or none: an account measured and fine is not an account too small
    (or without tweets) to measure."""
    if advised:
        return Advice(
            "advised",
            f"{advised} thing{'s' if advised != 1 else ''} to change, most important first.",
        )
    if s.snapshot is not None and not s.snapshot.tweets_file:
        return Advice(
            "no_tweets_file",
            "No advice: there is no tweets file in this archive, and advice is drawn from tweets.",
        )
    tweets = s["tweets"] or 0
    if not tweets:
        return Advice("no_tweets", "No tweets in this period: nothing to advise on.")
    if tweets < MIN_TWEETS:
        return Advice(
            "too_few_tweets",
            f"Too few tweets in this period to advise: {tweets}, advice needs {MIN_TWEETS}.",
        )
    return Advice("nothing_stands_out", NOTHING_STANDS_OUT)


def _pct(x: float | None) -> str:
    return percent(x)


def _sales_blasts(con: duckdb.DuckDBPyConnection, scope: Scope) -> Recommendation | None:
    clusters = [
        c for c in duplicates.clusters(con, scope).to_pylist() if c["cluster_kind"] == "sales_blast"
    ]
    if not clusters:
        return None
    top = max(clusters, key=lambda c: (c["size"], c["last_at"]))
    tweets = sum(c["size"] for c in clusters)
    text = " ".join(top["representative"].split())
    quoted = text if len(text) <= 70 else text[:67] + "…"
    last: datetime = max(c["last_at"] for c in clusters)
    return Recommendation(
        "retire_sales_blasts",
        f"Retire or rewrite your {plural(len(clusters), 're-sent sales message')}: the largest, "
        f"“{quoted}”, went out {plural(top['size'], 'time')}.",
        f"{plural(tweets, 'tweet')} in {plural(len(clusters), 'sales blast')}, the last on "
        f"{last:%Y-%m-%d}",
        "The same pitch again and again reads as broadcasting; followers tune it out.",
        "duplicate_blasts.csv, cluster_kind = sales_blast",
        "Duplicates",
    )


def _promotion(v: dict[str, Any]) -> Recommendation | None:
    promo = v["promotion_share"]
    if promo is None or promo <= PROMOTION_BAND:
        return None
    return Recommendation(
        "promotion_above_band",
        f"Bring promotion down from {_pct(promo)} to at most {_pct(PROMOTION_BAND)} of your "
        "tweets: share other people's useful work and talk with people instead.",
        f"{plural(v['promotional_tweets'], 'promotional tweet')}, {_pct(promo)} of your own",
        "Above a fifth, an account reads as an advertisement (the 80/20 rule).",
        "tweets.csv, is_promotional = true",
        "Tweets",
        {"promotional": True},
    )


def _trends(months: list[dict]) -> list[Recommendation | None]:
    """Conversation and sharing in the last year against the years before it."""
    if len(months) <= TREND_MONTHS:
        return []
    recent, before = months[-TREND_MONTHS:], months[:-TREND_MONTHS]

    def total(rows: list[dict], key: str) -> int:
        return sum(r[key] for r in rows)

    if min(total(recent, "tweets"), total(before, "tweets")) < TREND_MIN_TWEETS:
        return []
    out: list[Recommendation | None] = []
    for key, rule, noun, action, view, filters in (
        (
            "replies_to_others",
            "conversation_falling",
            "Conversation",
            "Reply to people again: answer questions, thank people, join threads in your field.",
            "Tweets",
            {"kind": "reply_to_others"},
        ),
        (
            "sharing_tweets",
            "sharing_falling",
            "Sharing others' work",
            "Share useful links from others in your field again, with a line on why they matter.",
            "Overview",
            {},
        ),
    ):
        now = share(total(recent, key), total(recent, "tweets"))
        then = share(total(before, key), total(before, "tweets"))
        if now is None or then is None or then < 0.05 or now >= then * TREND_DROP:
            out.append(None)
            continue
        out.append(
            Recommendation(
                rule,
                action,
                f"{noun} fell from {_pct(then)} of your tweets before to {_pct(now)} in the last "
                f"{TREND_MONTHS} months",
                "Relationships are built by talking and sharing; a falling share is the "
                "earliest sign of a broadcast account.",
                f"monthly.csv, the last {TREND_MONTHS} months against the ones before",
                view,
                filters,
            )
        )
    return out


def _low_conversation(v: dict[str, Any]) -> Recommendation | None:
    conversation = v["conversation_share"]
    if conversation is None or conversation >= LOW_CONVERSATION:
        return None
    return Recommendation(
        "little_conversation",
        "Talk with people: reply to the accounts in your field, not only post your own news.",
        f"{_pct(conversation)} of your tweets are replies to others "
        f"({v['replies_to_others']:,} of {v['tweets']:,})",
        "Twitter is for conversation; an account that never replies is a notice board.",
        "tweets.csv, kind = reply_to_others",
        "Tweets",
        {"kind": "reply_to_others"},
    )


def _follow_back(con: duckdb.DuckDBPyConnection, scope: Scope, s: Summary) -> Recommendation | None:
    if not s.holds("follower", "following"):
        return None  # the lists are not in this archive: nothing to say about them
    row = con.execute(
        f"""{network.CHECKLIST_FROM}
            SELECT count(*), list(coalesce('@' || screen_name, account_id::VARCHAR)
                                  ORDER BY interactions DESC, position)[1:3]
            FROM rows WHERE interactions > 0 AND review_status = 'to_review'""",
        scope.params(),
    ).fetchone()
    count, names = (int(row[0]), row[1]) if row else (0, [])
    if not count:
        return None
    return Recommendation(
        "follow_back_partners",
        f"Review the {plural(count, 'follower')} you already talk with but don't "
        f"follow back, first: {', '.join(names)}"
        + (" …" if count > len(names) else "")
        + " — look at each one by hand.",
        f"{plural(count, 'follower')} not followed back whom you replied to, mentioned or "
        "retweeted",
        "They are your conversation already; following back is how the relationship starts.",
        "not_followed_back.csv, interactions > 0, review_status = to_review",
        "Follow-back",
        {"status": "to_review", "talked": True},  # exactly the followers it counts
    )


def _scheduler(v: dict[str, Any]) -> Recommendation | None:
    scheduled = v["scheduler_share"]
    if scheduled is None or scheduled < SCHEDULER_MAJORITY:
        return None
    return Recommendation(
        "scheduler_only",
        "Post some tweets live and answer replies as they come: most of yours go out from a "
        "scheduling tool.",
        f"{_pct(scheduled)} of your tweets were sent by scheduling tools "
        f"({v['scheduled_tweets']:,} of {v['tweets']:,})",
        "Scheduled posts can't take part in a conversation that happens now.",
        "tweets.csv, source_client (Buffer, Hootsuite, IFTTT, dlvr.it …)",
        "Tweets",
    )

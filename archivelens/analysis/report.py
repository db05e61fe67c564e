"""The headline report: every summary metric as (name, value, explanation), in one order.

The same rows feed ``archivelens report``, ``summary.csv`` and the app's cards, so a number means
the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from archivelens.analysis import bands as bands_mod
from archivelens.analysis import duplicates, engagement, recommendations
from archivelens.analysis.metrics import CANNOT_MEASURE, Shared, Summary, monthly, summarize
from archivelens.analysis.recommendations import Advice, Recommendation
from archivelens.analysis.scope import Scope
from archivelens.store import snapshots


@dataclass(frozen=True)
class Metric:
    name: str
    value: Any  # int, float share (0..1), datetime, str, or None (not available)
    explanation: str
    kind: str = "count"  # count | share | date | text | number
    unknown: str | None = None  # why the value is None when the archive cannot know it


def label(name: str) -> str:
    """A metric's name in words, for people ("promotion_share" → "Promotion share")."""
    return name.replace("_", " ").capitalize()


VERDICTS = {True: "within", False: "outside", None: ""}  # a band's verdict, as every output says


# Figures from the follower/following lists; every other one comes from the tweets.
NETWORK_METRICS = frozenset(
    {
        "followers",
        "following",
        "mutuals",
        "not_followed_back",
        "not_following_you",
        "follow_back_share",
        "followers_per_following",
    }
)


@dataclass
class Headline:
    """The report's figures without its months and advice: what the summary and the repetition
    give, a fraction of the report's cost. The app shows them first (the cards, the bands) while
    the rest is computed (:func:`complete`)."""

    scope: Scope
    summary: Summary
    metrics: list[Metric]
    bands: list[bands_mod.Band]

    def value(self, name: str) -> Any:
        return next(m.value for m in self.metrics if m.name == name)

    def explanation(self, name: str) -> str:
        return next(m.explanation for m in self.metrics if m.name == name)

    def unknown(self, name: str) -> str | None:
        """Why the figure *name* is unknown (None when it is known)."""
        return next(m.unknown for m in self.metrics if m.name == name)

    @property
    def snapshot_estimated(self) -> bool:
        """Whether the archive's date is an estimate (the archive does not say when it was made)."""
        return bool(self.summary.snapshot and self.summary.snapshot.generated_estimated)

    @property
    def tweets_file(self) -> bool:
        """Whether the archive held a tweets file: without one, every tweet figure is unknown."""
        return self.summary.snapshot is None or self.summary.snapshot.tweets_file


@dataclass
class Report(Headline):
    """The whole report: the headline figures, the months, and the advice with its evidence."""

    recommendations: list[Recommendation] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)  # metrics.monthly, computed once
    cannot_measure: tuple[str, ...] = CANNOT_MEASURE
    # What each kind of tweet earned: computed once for the advice, read by every export.
    earned: engagement.Engagement | None = None

    @property
    def advice(self) -> Advice:
        """Why the recommendations are what they are (none: too few tweets, or nothing stands
        out), one sentence every output shows."""
        return recommendations.status(self.summary, len(self.recommendations))


def build(con: duckdb.DuckDBPyConnection, scope: Scope) -> Report:
    """The whole report of *scope*: the same queries, in the same order, as the app's three
    steps (:func:`headline`, :func:`monthly`, :func:`complete`)."""
    head = headline(con, scope)
    return complete(con, head, monthly(con, scope))


def headline(con: duckdb.DuckDBPyConnection, scope: Scope) -> Headline:
    """The headline figures and the bands of *scope* (the summary and the repetition)."""
    s = summarize(con, scope)
    rep = duplicates.repetition(con, scope)
    return Headline(scope, s, _known(s, _metrics(s, rep)), bands_mod.bands(s))


def complete(
    con: duckdb.DuckDBPyConnection, head: Headline, months: list[dict[str, Any]]
) -> Report:
    """*head* with its *months* (``metrics.monthly`` of its scope) made the whole report: what
    each kind of tweet earned, and the advice drawn from all of it."""
    scope, s = head.scope, head.summary
    earned = engagement.by_kind(con, scope)
    advice = recommendations.build(con, scope, s, months, earned)
    return Report(scope, s, head.metrics, head.bands, advice, months, earned=earned)


def _known(s: Summary, metrics: list[Metric]) -> list[Metric]:
    """*metrics* with the figures the archive cannot know made None, each with its reason: every
    tweet figure of an archive without a tweets file, and the like and retweet figures of tweets
    that carry no counts (classic archives)."""
    snapshot = s.snapshot
    if snapshot is None:
        return metrics
    if not snapshot.tweets_file:
        why = snapshots.NO_TWEETS_FILE
        return [m if m.name in NETWORK_METRICS else _unknown(m, why) for m in metrics]
    if s["originals"] and not s["originals_with_counts"]:
        why = snapshots.missing_counts_sentence(snapshot)
        return [_unknown(m, why) if m.name in _COUNT_METRICS else m for m in metrics]
    return metrics


_COUNT_METRICS = frozenset({"likes_per_original", "retweets_per_original"})


def _unknown(m: Metric, why: str) -> Metric:
    return Metric(m.name, None, f"{m.explanation} {why[0].upper()}{why[1:]}.", m.kind, why)


def figures(
    con: duckdb.DuckDBPyConnection, scope: Scope, shared: Shared | None = None
) -> list[Metric]:
    """The headline figures of *scope* alone: the report without its months and advice (what a
    comparison of two periods needs, at a third of the cost); *shared* as for ``summarize``."""
    return _metrics(summarize(con, scope, shared), duplicates.repetition(con, scope))


_BOTH = ("follower", "following")


def _metrics(s: Summary, rep: duplicates.Repetition) -> list[Metric]:
    v = s.values

    def net(name: str, explanation: str, *needs: str, kind: str = "count") -> Metric:
        """A figure from the follower/following lists: None where the archive lacks one."""
        if s.holds(*needs):
            return Metric(name, v[name], explanation, kind)
        assert s.snapshot is not None
        why = snapshots.missing_list_sentence(s.snapshot, *needs)
        return Metric(name, None, why, kind, why)

    domains = ", ".join(s.own_domains) or "none"
    own_note = (
        ", suggested: your sales tweets link there most — confirm or clear it"
        if s.own_domains_suggested and s.own_domains
        else ""
    )
    return [
        Metric(
            "tweets",
            v["tweets"],
            "Your tweets in the period (edits counted once, deleted tweets not at all).",
        ),
        Metric(
            "replies_to_others", v["replies_to_others"], "Replies to other people: conversation."
        ),
        Metric(
            "self_replies",
            v["self_replies"],
            "Replies to yourself: thread continuations, not conversation.",
        ),
        Metric("retweets", v["retweets"], "Retweets: amplifying others."),
        Metric("quotes", v["quotes"], "Quote tweets: amplifying others with your comment."),
        Metric(
            "mentions",
            v["mentions"],
            "Tweets naming someone without replying: credit, introductions, thanks.",
        ),
        Metric(
            "originals", v["originals"], "Everything else: your own words, with or without links."
        ),
        Metric(
            "promotional_tweets",
            v["promotional_tweets"],
            "Your tweets (not retweets) that "
            "match the sales lexicon or link to your own domains, or that you marked "
            "promotional.",
        ),
        net("followers", "Accounts following you when the archive was made.", "follower"),
        net("following", "Accounts you follow.", "following"),
        net("mutuals", "Accounts that follow you and that you follow.", *_BOTH),
        net(
            "not_followed_back",
            "Followers you don't follow back: the follow-back checklist.",
            *_BOTH,
        ),
        net("not_following_you", "Accounts you follow that don't follow you.", *_BOTH),
        Metric(
            "duplicate_clusters",
            rep.clusters,
            "Messages you sent again and again with small edits (a new link, an emoji, a "
            "'Reminder:', a changed price): sales blasts and template messages.",
        ),
        Metric(
            "tweets_in_duplicate_clusters",
            rep.tweets,
            "Your tweets (not retweets) that belong to a near-duplicate cluster.",
        ),
        Metric(
            "sales_blast_clusters",
            rep.sales_blasts,
            "Near-duplicate clusters that are mostly promotional: the same sales message re-sent.",
        ),
        Metric(
            "tweets_in_sales_blasts",
            rep.sales_blast_tweets,
            "Your tweets in sales blasts.",
        ),
        Metric(
            "template_clusters",
            rep.templates,
            "Near-duplicate clusters that don't sell: the same canned words to many people "
            "(a thank-you, a greeting). Counted apart from repetition.",
        ),
        Metric(
            "tweets_in_template_messages",
            rep.template_tweets,
            "Your tweets in template messages.",
        ),
        Metric(
            "conversation_share", v["conversation_share"], "Replies to others ÷ tweets.", "share"
        ),
        Metric(
            "conversation_breadth", v["accounts_replied_to"], "Distinct accounts you replied to."
        ),
        Metric(
            "recurring_partners",
            v["recurring_partners"],
            "Accounts you replied to 3 or more times.",
        ),
        Metric(
            "amplification_share",
            v["amplification_share"],
            "(Retweets + quotes) ÷ tweets.",
            "share",
        ),
        Metric(
            "accounts_amplified",
            v["accounts_amplified"],
            "Distinct accounts you retweeted or quoted.",
        ),
        Metric(
            "link_share",
            v["link_share"],
            "Your tweets (not retweets) with a non-Twitter link ÷ your tweets (not retweets).",
            "share",
        ),
        Metric(
            "curation_share",
            v["curation_share"],
            "Links to other people's domains ÷ all non-Twitter links.",
            "share",
        ),
        Metric(
            "own_domain_share",
            v["own_domain_share"],
            f"Links to your own domains ({domains}{own_note}) ÷ all non-Twitter links.",
            "share",
        ),
        Metric(
            "promotion_share",
            v["promotion_share"],
            "Promotional tweets ÷ your tweets (not retweets).",
            "share",
        ),
        Metric(
            "repetition_share",
            rep.share,
            "Tweets in sales blasts ÷ your tweets (not retweets): sales messages re-sent.",
            "share",
        ),
        Metric(
            "largest_sales_blast",
            rep.largest,
            "Tweets in the biggest sales blast.",
        ),
        Metric(
            "scheduler_share",
            v["scheduler_share"],
            "Tweets sent from scheduling tools (Buffer, Hootsuite, IFTTT, dlvr.it …) ÷ tweets.",
            "share",
        ),
        Metric(
            "likes_per_original",
            v["likes_per_original"],
            "Likes per original tweet, as counted when the archive was made.",
            "number",
        ),
        Metric(
            "retweets_per_original",
            v["retweets_per_original"],
            "Retweets per original tweet, as counted when the archive was made.",
            "number",
        ),
        net(
            "follow_back_share",
            "Mutuals ÷ followers: how many of your followers you follow back.",
            *_BOTH,
            kind="share",
        ),
        net("followers_per_following", "Followers ÷ following.", *_BOTH, kind="number"),
        Metric("first_tweet", v["first_tweet"], "Your first tweet in the period.", "date"),
        Metric("last_tweet", v["last_tweet"], "Your last tweet in the period.", "date"),
    ]


def as_dict(report: Report) -> dict[str, Any]:
    """A JSON-ready form (``archivelens report --json``)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, float):
            return round(value, 4)
        return value

    scope = report.scope
    return {
        "account": scope.screen_name,
        "account_id": scope.account_id,
        "snapshot": scope.generated_at.strftime("%Y-%m-%d"),
        "snapshot_estimated": report.snapshot_estimated,
        "tweets_file": report.tweets_file,
        "period": {
            "from": str(scope.date_from) if scope.date_from else None,
            "to": str(scope.date_to) if scope.date_to else None,
        },
        "metrics": {m.name: plain(m.value) for m in report.metrics},
        "explanations": {m.name: m.explanation for m in report.metrics},
        "unknown": {m.name: m.unknown for m in report.metrics if m.unknown},
        "bands": [
            {
                "rule": b.name,
                "position": b.position,
                "within": b.within,
                "explanation": b.explanation,
            }
            for b in report.bands
        ],
        "recommendations": [asdict(r) for r in report.recommendations],
        "advice": asdict(report.advice),
        "own_domains": report.summary.own_domains,
        "own_domains_suggested": report.summary.own_domains_suggested,
        "cannot_measure": list(report.cannot_measure),
    }

"""What to change: a short, ordered list of concrete actions, each from one transparent rule over
the metrics, with the figure that triggered it and where its rows are.

The consultant's rule (talk with people, share useful things, stop re-sending the catalogue,
review each follower by hand) turned into checks an archive can answer. A rule that does not
fire says nothing, so an account that needs no change gets an empty list. Nothing here advises
on what an archive cannot know: replies received, who is a bot, when someone followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow.compute as pc

from archivelens.analysis import bands, duplicates, engagement, facts, network
from archivelens.analysis.metrics import Summary, share
from archivelens.analysis.scope import Scope
from archivelens.analysis.textnorm import normalize_all
from archivelens.store.library import query_arrow, register_arrow
from archivelens.words import percent, plural

MAX_ITEMS = 7
PROMOTION_BAND = 0.20  # the 80/20 rule
SCHEDULER_MAJORITY = 0.5
TREND_MONTHS = 12  # "the last year" against the months before it
TREND_MIN_TWEETS = 30  # each side needs this many tweets to compare
TREND_DROP = 0.7  # a share falling below 70 % of what it was
LOW_CONVERSATION = 0.10
MIN_TWEETS = 50  # below this, an account's shares say too little to advise on
BURST_DAYS = 31  # most of the tweets after a silence (facts.SILENCE_DAYS) within this many days

BURST_SHARE = 0.5
CANNED_RECIPIENTS = 5  # the same words sent to this many accounts are canned …
CANNED_SHARE = 0.2  # … and advice when this share of your own tweets is canned
CANNED_MIN_ACCOUNTS = 20
CANNED_SAMPLE = 50_000  # replies and mentions looked at first, before all of them …
CANNED_SAMPLE_SHARE = 0.15  # … and all of them only when this share of own tweets may be canned
OWN_SITE_SHARE = 0.5  # most links going to your own site
OWN_SITE_MIN_LINKS = 10
FOUR_ONE_ONE_MIN_PROMO = 5
FAR = 0.5  # "by far": under half of a rule's target
EARNED_MIN_TWEETS = 20  # promotional tweets and replies each, before their likes compare
EARNED_GAP = 0.5  # promotion earning under half the likes a reply earns …
EARNED_MIN_LIKES = 1.0  # … and replies earning at least one like each (0.1 against 0.3 is noise)


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
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    s: Summary,
    months: list[dict[str, Any]],
    earned: engagement.Engagement,
) -> list[Recommendation]:
    """The recommendations for *scope*, most important first (at most ``MAX_ITEMS``); *months*
    are its ``metrics.monthly`` rows, *earned* what each kind of its tweets earned."""
    v = s.values
    if (v["tweets"] or 0) < MIN_TWEETS:
        return []
    # Most severe first: what the account mostly is now (a burst, canned outreach, the same pitch
    # re-sent), then how far it sits outside the content-mix bands, then how it has drifted,
    # then the people waiting for a follow-back, then how it posts.
    found = [
        _burst(con, scope),
        _canned_outreach(con, scope, v),
        _sales_blasts(con, scope),
        _promotion(v),
        _own_site_links(s),
        _four_one_one(s),
        _promotion_earns_less(earned),
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
    row = con.execute(network.TALKED_TO_REVIEW, scope.params()).fetchone()
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


def _burst(con: duckdb.DuckDBPyConnection, scope: Scope) -> Recommendation | None:
    """Most of the account's tweets in a few weeks after a long silence: a campaign, not a
    presence (one real account sent 325 of its 335 tweets in 17 days after three years)."""
    facts.require(con, scope)
    params = {k: v for k, v in scope.params().items() if k != "account"}
    # The silences whose both ends fall in the scope, each opening a run of tweets that ends at
    # the next one (the run before the first silence follows none: it is never a burst). Most
    # accounts have none: then no tweet is read.
    silent = (
        "FROM silences WHERE snapshot_id = $snapshot AND previous >= $start AND resumed_at < $end"
    )
    (found,) = con.execute(f"SELECT count(*) {silent}", params).fetchone() or (0,)
    if not found:
        return None
    rows = con.execute(
        f"""WITH s AS (SELECT resumed_at, gap {silent}),
            f AS (SELECT created_at FROM tweet_facts
                  WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end)
            SELECT count(*), min(f.created_at), max(f.created_at), any_value(s.gap),
                   (SELECT count(*) FROM f)
            FROM f ASOF JOIN s ON f.created_at >= s.resumed_at
            GROUP BY s.resumed_at ORDER BY s.resumed_at""",
        params,
    ).fetchall()
    for n, first, last, silence, total in rows:
        days = (last - first).total_seconds() / 86400
        if days <= BURST_DAYS and n >= BURST_SHARE * total:
            years = silence / (365.25 * 86400)
            quiet = f"{years:.0f} years" if years >= 1.5 else f"{silence // 86400:,} days"
            span = max(1, round(days))
            start, end = f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"
            return Recommendation(
                "burst",
                "Spread your tweets out: most of them went out in a few weeks after a long "
                "silence — post a little every week and talk with people between your posts.",
                f"{n:,} of your {int(total):,} tweets in {span} day{'s' if span != 1 else ''} "
                f"({start} to {end}), after {quiet} of silence",
                "A burst after silence reads as a campaign; relationships grow from a steady "
                "presence.",
                f"tweets.csv, created_at from {start} to {end}",
                "Tweets",
            )
    return None


# The replies and mentions of a scope (parameters: Scope.params without the account).
_SENT = """snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
           AND kind IN ('reply_to_others', 'mention')"""


def _canned_outreach(
    con: duckdb.DuckDBPyConnection, scope: Scope, v: dict[str, Any]
) -> Recommendation | None:
    """The same words sent as replies or mentions to many people ("Hi", "Interested", "Let's
    connect"): outreach by template is broadcasting too. Short texts count here, though they
    are no *message* for repetition."""
    sql = f"SELECT text, {facts.RECIPIENT_SQL} AS recipient FROM tweets WHERE {_SENT}"
    params = {k: val for k, val in scope.params().items() if k != "account"}
    own = v["own_tweets"] or 0
    if not own or not _may_be_canned(con, params, own, v["replies_to_others"] + v["mentions"]):
        return None
    table = query_arrow(con, sql, params)
    if not table.num_rows:
        return None
    words = table.append_column("words", normalize_all(table.column("text").combine_chunks()))
    # Grouped by DuckDB: Arrow's group_by loads pyarrow.dataset, which needs SSL (the built
    # app has none).
    register_arrow(con, "canned_words", words)
    try:
        canned = con.execute(
            f"""SELECT words, count(DISTINCT recipient) AS recipients, count(*) AS tweets,
                       min(text) AS example
                FROM canned_words WHERE words <> '' GROUP BY words
                HAVING count(DISTINCT recipient) >= {CANNED_RECIPIENTS}
                ORDER BY tweets DESC, words"""
        ).fetchall()
        tweets = sum(n for _, _, n, _ in canned)
        if tweets < CANNED_SHARE * own:
            return None
        ((recipients,),) = con.execute(
            "SELECT count(DISTINCT recipient) FROM canned_words WHERE list_contains($w, words)",
            {"w": [w for w, *_ in canned]},
        ).fetchall()
    finally:
        con.complete()
        con.unregister("canned_words")
    if recipients < CANNED_MIN_ACCOUNTS:
        return None
    shown = ", ".join(f"“{_short(_bare(example), 30)}”" for *_, example in canned[:4])
    more = " …" if len(canned) > 4 else ""
    return Recommendation(
        "canned_outreach",
        "Write to people in your own words: the same short message sent to many accounts reads "
        "as outreach by template, and most people ignore it.",
        f"{tweets:,} of your {own:,} tweets are {len(canned)} canned "
        f"message{'s' if len(canned) != 1 else ''} ({shown}{more}) sent to {recipients:,} "
        "accounts",
        "Canned outreach to many people is broadcasting; a reply that answers what someone "
        "said starts a conversation.",
        "tweets.csv, kind = reply_to_others or mention, the same text",
        "Tweets",
        {"kind": "reply_to_others"},
    )


def _may_be_canned(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], own: int, sent: int
) -> bool:
    """Whether a sample of the *sent* replies and mentions repeats enough that canned texts may
    be a fifth of the *own* tweets. Normalising every reply costs ~1 s per 200,000; canned
    outreach is a few texts sent very often, so a sample shows it. The sample is drawn by
    rowid and only its texts are read: sampling the texts made DuckDB read every reply's."""
    sample = query_arrow(
        con,
        f"""SELECT text FROM tweets WHERE rowid IN (
                SELECT rowid FROM (SELECT rowid FROM tweets WHERE {_SENT})
                USING SAMPLE {CANNED_SAMPLE} ROWS (reservoir, 20))""",
        params,
    )
    if sample.num_rows < CANNED_SAMPLE:
        return True  # that was all of them: look at every one
    counts = pc.value_counts(normalize_all(sample.column("text").combine_chunks()))
    n = counts.field("counts")
    again = pc.and_(pc.greater(n, 1), pc.greater(pc.utf8_length(counts.field("values")), 0))
    repeated = (pc.sum(pc.if_else(again, n, 0)).as_py() or 0) / CANNED_SAMPLE
    return repeated * sent >= CANNED_SAMPLE_SHARE * own


def _bare(text: str) -> str:
    """A tweet's words without the @handles it starts with and its links."""
    return re.sub(r"^(?:@\w+\s*)+|https?://\S+", "", text).strip() or text


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _own_site_links(s: Summary) -> Recommendation | None:
    """Most links going to your own site: the curation band missed by far."""
    share_own, links = s["own_domain_share"], s["links"] or 0
    if share_own is None or links < OWN_SITE_MIN_LINKS or share_own <= OWN_SITE_SHARE:
        return None
    domains = ", ".join(s.own_domains) or "your own domains"
    domain = s.own_domains[0] if s.own_domains else "your own domain"
    return Recommendation(
        "own_site_links",
        "Link to other people's work too: articles, tools and news from others in your field, "
        "with a line on why they matter.",
        f"{_pct(share_own)} of your links go to your own site ({domains}): "
        f"{s['own_links']:,} of {links:,}",
        "Sharing others' work is what makes an account worth following; links only to your "
        "own site read as advertising.",
        f"tweets.csv, link_domains = {domain}",
        "Tweets",
        {"promotional": True},
    )


def _promotion_earns_less(eng: engagement.Engagement) -> Recommendation | None:
    """Promotional tweets earning clearly fewer likes than replies to others (both with enough
    tweets; never for an archive without counts). What followers answered, not why."""
    if not eng.known:
        return None
    promo, replies = eng.of("promotional"), eng.of("reply_to_others")
    if min(promo.tweets, replies.tweets) < EARNED_MIN_TWEETS:
        return None
    sold, talked = promo.likes_per_tweet, replies.likes_per_tweet
    if sold is None or talked is None or talked < EARNED_MIN_LIKES or sold >= talked * EARNED_GAP:
        return None
    return Recommendation(
        "promotion_earns_less",
        "Talk with people more and sell less: your replies earn your followers' attention, "
        "your sales tweets don't.",
        f"Your promotional tweets earned {sold:.1f} likes each, your replies to others "
        f"{talked:.1f} ({promo.tweets:,} and {replies.tweets:,} tweets; counts as at the "
        "archive's date)",
        "Likes show what followers respond to; a comparison, not a cause.",
        "engagement.csv, kind = promotional or reply_to_others",
        "Tweets",
        {"promotional": True},
    )


def _four_one_one(s: Summary) -> Recommendation | None:
    """4-1-1 missed by far: under half the retweets and under half the shares it asks for."""
    ratios = bands.four_one_one_ratios(s)
    if ratios is None or s["promotional_tweets"] < FOUR_ONE_ONE_MIN_PROMO:
        return None
    rt, sh = ratios
    if rt >= 1 * FAR or sh >= 4 * FAR:
        return None
    return Recommendation(
        "four_one_one",
        "For each promotional tweet, share four useful things from others and retweet one.",
        f"per promotional tweet you retweet {rt:.1f} and share {sh:.1f} from others "
        f"({s['promotional_tweets']:,} promotional tweets); 4-1-1 asks for 1 and 4",
        "Promotion is heard when it is a small part of useful sharing (the 4-1-1 rule).",
        "tweets.csv, is_promotional = true",
        "Tweets",
        {"promotional": True},
    )

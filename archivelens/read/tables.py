"""The rows of each table the app shows and the consultant's files export, as SQL.

One query per table, named after its file: ``tweets.csv`` is the rows a Tweets view lists, in
its filter and order; ``duplicate_blasts.csv`` the clusters a Duplicates view lists, tweet by
tweet; ``not_followed_back.csv`` the checklist with its filters and search;
``follower_changes.csv`` the two snapshots a Changes view compares. The CSV set, the workbook and
the app's "export this view" take their SQL from here, so what a person sees is what exports.

Each function returns ``(sql, params)``; the scope's own parameters (``Scope.params``) are added
by whoever runs it. Dates are ISO 8601 UTC text, links are full addresses. The rows read derived
state (the promotional verdicts, the clusters): the scope is prepared first
(:mod:`archivelens.read.prepared`).
"""

from __future__ import annotations

from typing import Any

from archivelens.analysis import browse, changes, duplicates, engagement, network
from archivelens.analysis.promotion import SCOPED_TWEETS
from archivelens.analysis.scope import Scope

Query = tuple[str, dict[str, Any]]  # a table's SQL and its parameters (besides the scope's)


def iso(expr: str) -> str:
    return f"strftime({expr}, '%Y-%m-%dT%H:%M:%SZ')"


def share4(expr: str) -> str:
    return f"printf('%.4f', {expr})"


def tweet_address(handle: str | None) -> str:
    """A tweet's address up to its id (the /i/web/ form when the handle is unknown)."""
    return (
        f"https://twitter.com/{handle}/status/" if handle else "https://twitter.com/i/web/status/"
    )


def tweet_url(handle: str | None, column: str = "tweet_id") -> str:
    """SQL for a tweet's address."""
    return f"'{escape(tweet_address(handle))}' || {column}"


def escape(text: str) -> str:
    """*text* inside an SQL string literal."""
    return text.replace("'", "''")


def tweets(
    scope: Scope,
    filt: browse.TweetFilter | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> Query:
    """``tweets.csv``: the tweets a Tweets view shows (all of them without *filt*), in its
    order."""
    where, params = (filt or browse.TweetFilter()).where()
    return (
        f"""
        WITH t AS ({SCOPED_TWEETS}), {duplicates.CLUSTER_OF}
        SELECT t.tweet_id, {iso("t.created_at")} AS created_at, t.kind,
               t.promotional AS is_promotional,
               nullif(array_to_string(t.matched_terms, '; '), '') AS matched_terms,
               d.cluster_id,
               nullif(array_to_string(list_distinct(t.ext_domains), '; '), '') AS link_domains,
               t.source_client, t.favorite_count, t.retweet_count, t.text,
               {tweet_url(scope.screen_name, "t.tweet_id")} AS tweet_url,
               t.lang, t.reply_to_screen_name AS in_reply_to,
               CASE WHEN t.override THEN 'promotional'
                    WHEN NOT t.override THEN 'not promotional' END AS user_override
        FROM t LEFT JOIN cluster_of d USING (tweet_id)
        WHERE {where}
        {browse.order_by(sort, descending)}""",
        params,
    )


def duplicate_blasts(scope: Scope) -> Query:
    """``duplicate_blasts.csv``: the clusters a Duplicates view lists, tweet by tweet."""
    return (
        f"""
        {duplicates.MEMBERS_SQL}
        SELECT cluster_id, cluster_kind, size AS cluster_size,
               cluster_promotional AS is_promotional, tweet_id,
               {iso("created_at")} AS created_at,
               CAST(similarity AS DECIMAL(5, 1)) AS similarity,
               CAST(days_since_previous AS DECIMAL(18, 2)) AS days_since_previous, text,
               {tweet_url(scope.screen_name)} AS tweet_url
        FROM m WHERE size >= 2 ORDER BY cluster_id, created_at, tweet_id""",
        {},
    )


def not_followed_back(
    status: str | None = None, search: str | None = None, talked: bool = False
) -> Query:
    """``not_followed_back.csv``: the rows a checklist shows (its filters and search), in
    checklist order."""
    where, params = network.checklist_filters(status, search, talked)
    return (
        f"""
        {network.CHECKLIST_FROM}
        SELECT account_id, screen_name, display_name, profile_url, interactions, replies,
               mentions, retweets, {iso("last_interaction")} AS last_interaction,
               review_status, note, {iso("reviewed_at")} AS reviewed_at, quotes
        FROM rows{where} ORDER BY {network.CHECKLIST_ORDER}""",
        params,
    )


def not_following_you() -> Query:
    """``not_following_you.csv``: accounts the owner follows that don't follow back."""
    return (
        f"""
        SELECT account_id, screen_name, display_name, profile_url, interactions,
               {iso("last_interaction")} AS last_interaction
        FROM ({network.NOT_FOLLOWING_YOU_SQL})""",
        {},
    )


def conversation_partners() -> Query:
    """``conversation_partners.csv``: every account the owner engaged with, most first."""
    return (
        f"""
        SELECT account_id, screen_name, display_name, replies, mentions, retweets, quotes,
               {iso("first_interaction")} AS first_interaction,
               {iso("last_interaction")} AS last_interaction, follows_you, you_follow,
               interactions, '{network.PROFILE_URL}' || account_id AS profile_url
        FROM ({network.PARTNERS_SQL})""",
        {},
    )


FOLLOWER_CHANGES_COLUMNS = (
    "account_id",
    "change",
    "screen_name",
    "from_snapshot",
    "to_snapshot",
    "display_name",
)


def follower_changes(old: changes.SnapshotRef, new: changes.SnapshotRef) -> Query:
    """``follower_changes.csv`` between the two snapshots a Changes view compares; a list one of
    them lacks is not compared, and a first line says so."""
    return (
        f"""
        SELECT unnest($not_compared::VARCHAR[]) AS account_id, NULL AS change,
               NULL AS screen_name, {iso("$old_at")} AS from_snapshot,
               {iso("$new_at")} AS to_snapshot, NULL AS display_name
        UNION ALL
        SELECT * FROM (
            SELECT account_id::VARCHAR, change, screen_name, {iso("from_snapshot")},
                   {iso("to_snapshot")}, display_name
            FROM ({changes.DIFF_SQL}))""",
        {**changes.diff_params(old, new), "not_compared": changes.not_compared(old, new)},
    )


def top_tweets(scope: Scope) -> Query:
    """``top_tweets.csv``: the ten own tweets with the most likes + retweets, best first."""
    return (
        f"""SELECT rank, tweet_id, {iso("created_at")} AS created_at, kind, is_promotional,
                   favorite_count, retweet_count, text,
                   {tweet_url(scope.screen_name)} AS tweet_url
            FROM ({engagement.TOP_TWEETS_SQL})""",
        {"limit": engagement.TOP},
    )

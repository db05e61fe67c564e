"""The ``tweets`` table: one row per logical tweet of a snapshot, with its kind and entities.

Import fills it from the canonical staged rows (``archivelens.archive.records``): edit versions
collapse to the latest, duplicates across part files drop, text is HTML-unescaped once, long posts
are completed from ``note-tweet.js``, and each tweet gets exactly one kind (``metrics.md``):
retweet > reply_to_others / self_reply > quote > mention > original.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

KINDS = ("reply_to_others", "self_reply", "retweet", "quote", "mention", "original")


def unescape_sql(expr: str) -> str:
    """Undo the archive's HTML escaping exactly once (``&amp;lt;`` becomes ``&lt;``)."""
    return f"replace(replace(replace({expr}, '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"


_QUOTE_URL = r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)"
_RT_PREFIX = r"^RT @(\w+):"
_DOMAIN = r"^[a-zA-Z][a-zA-Z0-9+.\-]*://(?:[^/?#@]*@)?([^/:?#]+)"
# A long post in tweets.js is cut and ends with "…" and t.co links, in either order.
_TRUNCATION_TAIL = r"(?:\s*(?:…|https://t\.co/\w+))+\s*$"
# A reply's long post starts with the handles it replies to; its note does not.
_LEAD_HANDLES = r"^(?:@\w+\s+)+"
_TCO = r"https://t\.co/\w+"


def _note_key(expr: str, tail: bool) -> str:
    """SQL for the text a tweet and its note are matched on: leading handles (and, for the
    tweet, the truncation tail) gone, and every t.co link the same placeholder — a note's
    t.co links can differ from its tweet's."""
    text = f"regexp_replace({expr}, '{_LEAD_HANDLES}', '')"
    if tail:
        text = f"regexp_replace({text}, '{_TRUNCATION_TAIL}', '')"
    return f"regexp_replace({text}, '{_TCO}', 'https://t.co/_', 'g')"


# Only a tweet posted within a second of some note can be completed from it: the match keys
# (three regular expressions over the text) are made for these few, not for every tweet. A
# statement of its own, so that the optimizer cannot push the keys' filter below this one.
_NOTE_CANDIDATES = """
CREATE OR REPLACE TEMP TABLE note_candidates AS
SELECT tweet_id, created_at, raw_text FROM stage_tweets
WHERE damage IS NULL AND epoch_ms(created_at) // 1000 IN (
    SELECT epoch_ms(created_at) // 1000 + d
    FROM stage_notes CROSS JOIN (VALUES (-1), (0), (1)) AS offsets(d))
"""

_INSERT = f"""
INSERT INTO tweets
WITH staged AS NOT MATERIALIZED (
    -- Records staged only to be counted (no readable id, text or date) are not tweets.
    -- Each reader scans the staging table for the columns it needs: shared, the whole rows were
    -- buffered for both (at 2M tweets, a gigabyte spilled to disk).
    SELECT * EXCLUDE (damage) FROM stage_tweets WHERE damage IS NULL
),
edited AS (
    -- Edit groups (and ids repeated across part files): few, so only they pay for a window,
    -- and only their rows for counting distinct versions (one hash pass finds them).
    SELECT edit_root, count(DISTINCT tweet_id) AS versions
    FROM staged
    WHERE edit_root IN (SELECT edit_root FROM staged GROUP BY edit_root HAVING count(*) > 1)
    GROUP BY edit_root
),
latest AS (
    SELECT s.*, 1 AS edit_versions FROM staged s ANTI JOIN edited e USING (edit_root)
    UNION ALL
    (SELECT s.*, e.versions FROM staged s JOIN edited e USING (edit_root)
     QUALIFY row_number() OVER (PARTITION BY s.edit_root ORDER BY s.tweet_id DESC) = 1)
),
note_keys AS (
    -- A long post's note was created within a second of its tweet: join on the second, ±1.
    SELECT epoch_ms(created_at) // 1000 + d AS sec, created_at,
           regexp_replace(text, '{_LEAD_HANDLES}', '') AS body, {_note_key("text", False)} AS key
    FROM (SELECT created_at, {unescape_sql("raw_text")} AS text FROM stage_notes)
    CROSS JOIN (VALUES (-1), (0), (1)) AS offsets(d)
),
tweet_keys AS (
    SELECT tweet_id, created_at, {_note_key("text", True)} AS key,
           regexp_extract(text, '{_LEAD_HANDLES}') AS lead
    FROM (SELECT tweet_id, created_at, {unescape_sql("raw_text")} AS text FROM note_candidates)
),
note_matches AS (
    -- The completed text keeps the tweet's leading reply handles.
    SELECT s.tweet_id, s.lead || n.body AS text
    FROM tweet_keys s JOIN note_keys n ON epoch_ms(s.created_at) // 1000 = n.sec
    WHERE abs(epoch_ms(s.created_at) - epoch_ms(n.created_at)) <= 1000
      AND length(s.key) >= 10 AND starts_with(n.key, s.key)
    QUALIFY row_number() OVER (PARTITION BY s.tweet_id ORDER BY length(n.body) DESC) = 1
),
completed AS (
    SELECT l.*,
           coalesce(m.text, {unescape_sql("l.raw_text")}) AS text,
           m.text IS NOT NULL AS from_note
    FROM latest l LEFT JOIN note_matches m USING (tweet_id)
),
classified AS (
    SELECT *,
        classic_retweet OR regexp_matches(text, '{_RT_PREFIX}') AS is_retweet,
        coalesce(rt_screen_name, nullif(regexp_extract(text, '{_RT_PREFIX}', 1), ''))
            AS rt_handle,
        -- A link to the tweet's own status is its photo or video (classic tweets.csv).
        list_filter(urls, lambda u: regexp_matches(u, '{_QUOTE_URL}')
            AND TRY_CAST(regexp_extract(u, '{_QUOTE_URL}', 2) AS BIGINT) IS DISTINCT FROM tweet_id
        )[1] AS quote_url,
        (reply_user_id IS NOT NULL OR reply_status_id IS NOT NULL
            OR reply_screen_name IS NOT NULL) AS is_reply,
        (reply_user_id = $owner_id
            OR (reply_user_id IS NULL AND lower(reply_screen_name) = lower($owner_handle)))
            AS is_self
    FROM completed
)
SELECT
    $snapshot_id,
    tweet_id,
    created_at,
    CASE
        WHEN is_retweet THEN 'retweet'
        WHEN is_reply AND coalesce(is_self, false) THEN 'self_reply'
        WHEN is_reply THEN 'reply_to_others'
        WHEN quote_url IS NOT NULL THEN 'quote'
        WHEN len(mentions) > 0 THEN 'mention'
        ELSE 'original'
    END,
    text,
    reply_user_id,
    reply_screen_name,
    reply_status_id,
    list_transform(mentions, lambda m: m.id),
    list_transform(mentions, lambda m: m.screen_name),
    urls,
    list_filter(list_transform(urls, lambda u: regexp_replace(
        lower(regexp_extract(u, '{_DOMAIN}', 1)), '^www\\.', '')), lambda d: d <> ''),
    hashtags,
    CASE WHEN is_retweet THEN coalesce(rt_user_id, list_filter(mentions,
        lambda m: lower(m.screen_name) = lower(rt_handle))[1].id) END,
    CASE WHEN is_retweet THEN rt_handle END,
    CASE WHEN NOT is_retweet THEN nullif(regexp_extract(quote_url, '{_QUOTE_URL}', 1), '') END,
    CASE WHEN NOT is_retweet
         THEN TRY_CAST(nullif(regexp_extract(quote_url, '{_QUOTE_URL}', 2), '') AS BIGINT) END,
    {unescape_sql("source")},  -- the client's name, taken from its anchor when staged
    favorite_count,
    retweet_count,
    lang,
    edit_versions,
    from_note
FROM classified
"""


def insert_from_stage(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, owner_id: int, owner_handle: str | None
) -> None:
    """Fill ``tweets`` for *snapshot_id* from the temp tables ``stage_tweets``/``stage_notes``.

    Row order carries no meaning here, so DuckDB may insert from both threads at once.
    """
    con.execute("SET preserve_insertion_order = false")
    con.execute(_NOTE_CANDIDATES)
    con.execute(
        _INSERT,
        {"snapshot_id": snapshot_id, "owner_id": owner_id, "owner_handle": owner_handle or ""},
    )
    # Reset only on success: after a failure the transaction is aborted, and resetting would
    # raise "transaction is aborted" in place of the real cause (the caller rolls back).
    con.execute("DROP TABLE note_candidates")
    con.execute("RESET preserve_insertion_order")


def count_by_kind(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, int]:
    rows = con.execute(
        "SELECT kind, count(*) FROM tweets WHERE snapshot_id = ? GROUP BY kind", [snapshot_id]
    ).fetchall()
    counts = dict.fromkeys(KINDS, 0)
    counts.update({kind: int(n) for kind, n in rows})
    return counts


def date_span(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[datetime, datetime] | None:
    """The times of the snapshot's first and last tweet (None without tweets)."""
    row = con.execute(
        "SELECT min(created_at), max(created_at) FROM tweets WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None

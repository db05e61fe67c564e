"""The shapes we read from archive records, and SQL that turns each era's records into one form.

Every era's tweets become the same *canonical* columns (see :data:`CANONICAL_TWEET_COLUMNS`), so
nothing downstream knows which era an archive came from. All numbers are read as text first:
2019+ archives write every number as a string, classic archives write JSON numbers; both cast.
"""

from __future__ import annotations

_USER = 'STRUCT(id_str VARCHAR, screen_name VARCHAR, "name" VARCHAR)'

TWEET_TYPE = f"""STRUCT(
  id_str VARCHAR, id VARCHAR, created_at VARCHAR, full_text VARCHAR, "text" VARCHAR,
  source VARCHAR, in_reply_to_status_id_str VARCHAR, in_reply_to_status_id VARCHAR,
  in_reply_to_user_id_str VARCHAR, in_reply_to_user_id VARCHAR, in_reply_to_screen_name VARCHAR,
  favorite_count VARCHAR, retweet_count VARCHAR, lang VARCHAR,
  entities STRUCT(
    user_mentions {_USER}[],
    urls STRUCT(url VARCHAR, expanded_url VARCHAR)[],
    hashtags STRUCT("text" VARCHAR)[]
  ),
  edit_info STRUCT(
    "initial" STRUCT(editTweetIds VARCHAR[]),
    edit STRUCT(initialTweetId VARCHAR, editControlInitial STRUCT(editTweetIds VARCHAR[]))
  ),
  retweeted_status STRUCT(id_str VARCHAR, "user" {_USER})
)"""

NOTE_TYPE = 'STRUCT(createdAt VARCHAR, core STRUCT("text" VARCHAR))'
ACCOUNT_REF_TYPE = "STRUCT(accountId VARCHAR)"
LIKE_TYPE = "STRUCT(tweetId VARCHAR, fullText VARCHAR, expandedUrl VARCHAR)"

# Wrapper key of each kind's records in 2020+ archives.
WRAPPERS = {
    "tweets": "tweet",
    "grailbird": None,
    "follower": "follower",
    "following": "following",
    "block": "blocking",
    "mute": "muting",
    "like": "like",
    "note_tweet": "noteTweet",
}
RECORD_TYPES = {
    "tweets": TWEET_TYPE,
    "grailbird": TWEET_TYPE,
    "follower": ACCOUNT_REF_TYPE,
    "following": ACCOUNT_REF_TYPE,
    "block": ACCOUNT_REF_TYPE,
    "mute": ACCOUNT_REF_TYPE,
    "like": LIKE_TYPE,
    "note_tweet": NOTE_TYPE,
}

CANONICAL_TWEET_COLUMNS = (
    "tweet_id",  # BIGINT
    "edit_root",  # BIGINT: the first version's id; all versions of an edited tweet share it
    "created_at",  # TIMESTAMP, UTC
    "raw_text",  # as stored: still HTML-escaped
    "source",  # the client's HTML anchor
    "reply_status_id",
    "reply_user_id",
    "reply_screen_name",
    "mentions",  # STRUCT(id BIGINT, screen_name VARCHAR, name VARCHAR)[]
    "urls",  # VARCHAR[] expanded URLs
    "hashtags",  # VARCHAR[]
    "favorite_count",
    "retweet_count",
    "lang",
    "classic_retweet",  # BOOLEAN: classic archives mark retweets structurally
    "rt_user_id",
    "rt_screen_name",
    "rt_name",
    "filename",
)

_TIME_FORMATS = "['%a %b %d %H:%M:%S %z %Y', '%Y-%m-%d %H:%M:%S %z']"


def utc(expr: str) -> str:
    """SQL for a TIMESTAMP in UTC from an archive time string (any era's format)."""
    return f"timezone('UTC', try_strptime({expr}, {_TIME_FORMATS}))"


def json_source(paths: list[str], record_type: str, wrapper: str | None) -> str:
    """A FROM clause yielding one column ``r`` with each record, unwrapped."""
    files = ", ".join(_quote(p) for p in paths)
    col_type = f"STRUCT({_ident(wrapper)} {record_type})" if wrapper else record_type
    reader = (
        f"read_json([{files}], format='array', records=false, filename=true, "
        f"columns={{'r': '{_escape(col_type)}'}}, maximum_object_size=33554432)"
    )
    if wrapper:
        return f"(SELECT j.r.{_ident(wrapper)} AS r, filename FROM {reader} AS j)"
    return f"(SELECT r, filename FROM {reader})"


def tweets_from_json(source_sql: str) -> str:
    ids = "TRY_CAST(coalesce(r.id_str, r.id) AS BIGINT)"
    return f"""
SELECT
  {ids} AS tweet_id,
  coalesce(TRY_CAST(coalesce(r.edit_info.edit.initialTweetId,
                             r.edit_info."initial".editTweetIds[1]) AS BIGINT), {ids}) AS edit_root,
  coalesce({utc("r.created_at")},
           make_timestamp((({ids} >> 22) + 1288834974657) * 1000)) AS created_at,
  coalesce(r.full_text, r."text") AS raw_text,
  r.source AS source,
  TRY_CAST(coalesce(r.in_reply_to_status_id_str, r.in_reply_to_status_id) AS BIGINT)
    AS reply_status_id,
  TRY_CAST(coalesce(r.in_reply_to_user_id_str, r.in_reply_to_user_id) AS BIGINT) AS reply_user_id,
  r.in_reply_to_screen_name AS reply_screen_name,
  coalesce(list_transform(r.entities.user_mentions, lambda m: {{
      'id': TRY_CAST(m.id_str AS BIGINT), 'screen_name': m.screen_name, 'name': m."name"}}),
    []) AS mentions,
  coalesce(list_filter(list_transform(r.entities.urls, lambda u: coalesce(u.expanded_url, u.url)),
                       lambda u: u IS NOT NULL), []) AS urls,
  coalesce(list_transform(r.entities.hashtags, lambda h: h."text"), []) AS hashtags,
  coalesce(TRY_CAST(r.favorite_count AS BIGINT), 0) AS favorite_count,
  coalesce(TRY_CAST(r.retweet_count AS BIGINT), 0) AS retweet_count,
  r.lang AS lang,
  r.retweeted_status IS NOT NULL AS classic_retweet,
  TRY_CAST(r.retweeted_status."user".id_str AS BIGINT) AS rt_user_id,
  r.retweeted_status."user".screen_name AS rt_screen_name,
  r.retweeted_status."user"."name" AS rt_name,
  filename
FROM {source_sql}
WHERE {ids} IS NOT NULL"""


def tweets_from_classic_csv(path: str) -> str:
    """The classic ``tweets.csv``: no entities, so mentions and hashtags come from the text."""
    return f"""
SELECT
  TRY_CAST(tweet_id AS BIGINT) AS tweet_id,
  TRY_CAST(tweet_id AS BIGINT) AS edit_root,
  {utc('"timestamp"')} AS created_at,
  "text" AS raw_text,
  source,
  TRY_CAST(nullif(in_reply_to_status_id, '') AS BIGINT) AS reply_status_id,
  TRY_CAST(nullif(in_reply_to_user_id, '') AS BIGINT) AS reply_user_id,
  NULL::VARCHAR AS reply_screen_name,
  list_transform(regexp_extract_all("text", '(?:^|[^\\w])@(\\w{{1,15}})', 1),
    lambda h: {{'id': NULL::BIGINT, 'screen_name': h, 'name': NULL::VARCHAR}}) AS mentions,
  list_filter(string_split(coalesce(expanded_urls, ''), ','), lambda u: u <> '') AS urls,
  regexp_extract_all("text", '(?:^|[^\\w])#(\\w+)', 1) AS hashtags,
  0::BIGINT AS favorite_count,
  0::BIGINT AS retweet_count,
  NULL::VARCHAR AS lang,
  coalesce(retweeted_status_id, '') <> '' AS classic_retweet,
  TRY_CAST(nullif(retweeted_status_user_id, '') AS BIGINT) AS rt_user_id,
  NULL::VARCHAR AS rt_screen_name,
  NULL::VARCHAR AS rt_name,
  filename
FROM read_csv({_quote(path)}, header=true, all_varchar=true, quote='"', escape='"',
              filename=true, strict_mode=false)
WHERE TRY_CAST(tweet_id AS BIGINT) IS NOT NULL"""


def notes_from_json(source_sql: str) -> str:
    return f"""
SELECT timezone('UTC', TRY_CAST(r.createdAt AS TIMESTAMPTZ)) AS created_at,
       r.core."text" AS raw_text, filename
FROM {source_sql}
WHERE r.core."text" IS NOT NULL"""


def account_refs_from_json(source_sql: str) -> str:
    """Account ids in file order: the follow-back checklist keeps the archive's order."""
    return f"""
SELECT TRY_CAST(r.accountId AS BIGINT) AS account_id, row_number() OVER () AS position, filename
FROM {source_sql}"""


def likes_from_json(source_sql: str) -> str:
    return f"""
SELECT TRY_CAST(r.tweetId AS BIGINT) AS tweet_id, r.fullText AS full_text,
       r.expandedUrl AS expanded_url, filename
FROM {source_sql}"""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _escape(text: str) -> str:
    return text.replace("'", "''")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_for(kind: str, paths: list[str], wrapper: str | None) -> str:
    """SQL giving the canonical rows of *kind* from staged files (all with the same wrapper)."""
    if kind == "tweets_csv":
        return "\nUNION ALL\n".join(tweets_from_classic_csv(p) for p in paths)
    source = json_source(paths, RECORD_TYPES[kind], wrapper)
    if kind in ("tweets", "grailbird"):
        return tweets_from_json(source)
    if kind == "note_tweet":
        return notes_from_json(source)
    if kind == "like":
        return likes_from_json(source)
    return account_refs_from_json(source)

"""The shapes we read from archive records, and SQL that turns each era's records into one form.

Every era's tweets become the same *canonical* columns (see :data:`CANONICAL_TWEET_COLUMNS`), so
nothing downstream knows which era an archive came from. All numbers are read as text first:
2019+ archives write every number as a string, classic archives write JSON numbers; both cast.
"""

from __future__ import annotations

_USER = 'STRUCT(id_str VARCHAR, screen_name VARCHAR, "name" VARCHAR)'

# full_text and text are read as JSON so that a value that is not a string (an array, a number)
# is told from real text, not turned into it.
TWEET_TYPE = f"""STRUCT(
  id_str VARCHAR, id VARCHAR, created_at VARCHAR, full_text JSON, "text" JSON,
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
    "source",  # the client's name (still HTML-escaped), taken out of its HTML anchor here: the
    # anchor is about as long as the tweet's text, and staging holds every tweet at once
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
    "filename",  # the name of the temp file the record was staged from (not its path)
    "damage",  # why the record cannot be kept (see DAMAGE), or NULL: damaged records are
    # staged too, so that every record of a file is counted and every skipped one said
)

# What makes a staged record unusable, in the words of the warning that counts them.
DAMAGE = {
    "id": "no readable tweet id",
    "text": "no readable text",
    "date": "no readable date",
    "account": "no readable account id",
}

# The snowflake ids Twitter has used since 2010-11-04 carry their own time.
_SNOWFLAKE_FROM = 29_000_000_000_000_000


def strict_id(expr: str, signed: bool = False) -> str:
    """SQL for an id written as plain digits, else NULL. A bare cast would read "1.5" as 2,
    "0x10" as 16 and "1e5" as 100000: ids must be read exactly or not at all."""
    digits = "-?[0-9]{1,19}" if signed else "[0-9]{1,19}"
    return f"CASE WHEN regexp_full_match({expr}, '{digits}') THEN TRY_CAST({expr} AS BIGINT) END"


def _json_text(expr: str) -> str:
    """The string in a JSON value, NULL for anything else (null, an array, a number)."""
    return f"CASE WHEN json_type({expr}) = 'VARCHAR' THEN {expr} ->> '$' END"


_TIME_FORMATS = "['%a %b %d %H:%M:%S %z %Y', '%Y-%m-%d %H:%M:%S %z']"


_NAIVE_FORMATS = "['%a %b %d %H:%M:%S %Y', '%Y-%m-%d %H:%M:%S']"
_REAL_OFFSET = r"' [+-](?:0[0-9]|1[0-4])[0-5][0-9](?: |$)'"  # UTC-14:59 … UTC+14:59
_WRITTEN_DAY = r"'^(?:[A-Za-z]+ [A-Za-z]+ |[0-9]+-[0-9]+-)([0-9]+) '"


def utc(expr: str) -> str:
    """SQL for a TIMESTAMP in UTC from an archive time string (any era's format), or NULL for
    a time that does not exist: strptime reads "Feb 30" as March 2 and "+9999" as a 99-hour
    offset, so the written day must survive parsing and the offset be one a clock can have."""
    naive = f"try_strptime(regexp_replace({expr}, ' [+-][0-9]{{4}}', ''), {_NAIVE_FORMATS})"
    real = f"""(regexp_matches({expr}, {_REAL_OFFSET})
        AND day({naive}) = TRY_CAST(regexp_extract({expr}, {_WRITTEN_DAY}, 1) AS INTEGER))"""
    return f"CASE WHEN {real} THEN timezone('UTC', try_strptime({expr}, {_TIME_FORMATS})) END"


def source_client(expr: str) -> str:
    """SQL for the client's name in a tweet's ``source`` anchor
    (``<a href="…" rel="nofollow">Twitter for iPhone</a>``): the source itself if not one."""
    return f"coalesce(nullif(regexp_extract({expr}, '>([^<]*)</a>', 1), ''), {expr})"


_NAME = "parse_filename(filename) AS filename"


def json_source(paths: list[str], record_type: str, wrapper: str | None) -> str:
    """A FROM clause yielding one column ``r`` with each record, unwrapped."""
    files = ", ".join(_quote(p) for p in paths)
    col_type = f"STRUCT({_ident(wrapper)} {record_type})" if wrapper else record_type
    reader = (
        f"read_json([{files}], format='array', records=false, filename=true, "
        f"columns={{'r': '{_escape(col_type)}'}}, maximum_object_size=33554432)"
    )
    # Only the temp file's own name is kept (``tweets-0003-000.json``): the whole path, on
    # every row of every staged tweet, was a seventh of staging's memory.
    if wrapper:
        return f"(SELECT j.r.{_ident(wrapper)} AS r, {_NAME} FROM {reader} AS j)"
    return f"(SELECT r, {_NAME} FROM {reader})"


def tweets_from_json(source_sql: str) -> str:
    ids = strict_id("coalesce(r.id_str, r.id)")
    text = f"""coalesce({_json_text("r.full_text")}, {_json_text('r."text"')})"""
    # No time written: a snowflake id carries it. A time written but impossible (30 February,
    # a +9999 offset) is damage: the record is skipped and counted, never misdated.
    time = f"""CASE WHEN r.created_at IS NOT NULL THEN {utc("r.created_at")}
                    WHEN {ids} >= {_SNOWFLAKE_FROM}
                    THEN make_timestamp((({ids} >> 22) + 1288834974657) * 1000) END"""
    edit_root = strict_id(
        'coalesce(r.edit_info.edit.initialTweetId, r.edit_info."initial".editTweetIds[1])'
    )
    return f"""
SELECT
  {ids} AS tweet_id,
  coalesce({edit_root}, {ids}) AS edit_root,
  {time} AS created_at,
  {text} AS raw_text,
  {source_client("r.source")} AS source,
  {strict_id("coalesce(r.in_reply_to_status_id_str, r.in_reply_to_status_id)")}
    AS reply_status_id,
  {strict_id("coalesce(r.in_reply_to_user_id_str, r.in_reply_to_user_id)", signed=True)}
    AS reply_user_id,
  r.in_reply_to_screen_name AS reply_screen_name,
  coalesce(list_transform(r.entities.user_mentions, lambda m: {{
      'id': {strict_id("m.id_str", signed=True)}, 'screen_name': m.screen_name,
      'name': m."name"}}), []) AS mentions,
  coalesce(list_filter(list_transform(r.entities.urls, lambda u: coalesce(u.expanded_url, u.url)),
                       lambda u: u IS NOT NULL), []) AS urls,
  coalesce(list_transform(r.entities.hashtags, lambda h: h."text"), []) AS hashtags,
  TRY_CAST(r.favorite_count AS BIGINT) AS favorite_count,  -- absent (Grailbird): unknown
  TRY_CAST(r.retweet_count AS BIGINT) AS retweet_count,
  r.lang AS lang,
  r.retweeted_status IS NOT NULL AS classic_retweet,
  {strict_id('r.retweeted_status."user".id_str')} AS rt_user_id,
  r.retweeted_status."user".screen_name AS rt_screen_name,
  r.retweeted_status."user"."name" AS rt_name,
  filename,
  CASE WHEN {ids} IS NULL THEN 'id' WHEN {text} IS NULL THEN 'text'
       WHEN {time} IS NULL THEN 'date' END AS damage
FROM {source_sql}"""


def tweets_from_classic_csv(path: str) -> str:
    """The classic ``tweets.csv``: no entities, so mentions and hashtags come from the text."""
    return f"""
SELECT
  {strict_id("tweet_id")} AS tweet_id,
  {strict_id("tweet_id")} AS edit_root,
  {utc('"timestamp"')} AS created_at,
  "text" AS raw_text,
  {source_client("source")} AS source,
  {strict_id("in_reply_to_status_id")} AS reply_status_id,
  {strict_id("in_reply_to_user_id", signed=True)} AS reply_user_id,
  NULL::VARCHAR AS reply_screen_name,
  list_transform(regexp_extract_all("text", '(?:^|[^\\w])@(\\w{{1,15}})', 1),
    lambda h: {{'id': NULL::BIGINT, 'screen_name': h, 'name': NULL::VARCHAR}}) AS mentions,
  list_filter(string_split(coalesce(expanded_urls, ''), ','), lambda u: u <> '') AS urls,
  regexp_extract_all("text", '(?:^|[^\\w])#(\\w+)', 1) AS hashtags,
  NULL::BIGINT AS favorite_count,  -- tweets.csv has no counts: unknown, never 0
  NULL::BIGINT AS retweet_count,
  NULL::VARCHAR AS lang,
  coalesce(retweeted_status_id, '') <> '' AS classic_retweet,
  {strict_id("retweeted_status_user_id")} AS rt_user_id,
  NULL::VARCHAR AS rt_screen_name,
  NULL::VARCHAR AS rt_name,
  {_NAME},
  CASE WHEN {strict_id("tweet_id")} IS NULL THEN 'id' WHEN "text" IS NULL THEN 'text'
       WHEN {utc('"timestamp"')} IS NULL THEN 'date' END AS damage
FROM read_csv({_quote(path)}, header=true, all_varchar=true, quote='"', escape='"',
              filename=true, strict_mode=false)"""


def notes_from_json(source_sql: str) -> str:
    return f"""
SELECT timezone('UTC', TRY_CAST(r.createdAt AS TIMESTAMPTZ)) AS created_at,
       r.core."text" AS raw_text, filename
FROM {source_sql}
WHERE r.core."text" IS NOT NULL"""


def account_refs_from_json(source_sql: str) -> str:
    """Account ids, in file order when stored as they come (``store.network.ListLoader``
    numbers them by where they land: a window numbering them here parsed on one thread)."""
    return f"""
SELECT {strict_id("r.accountId")} AS account_id, filename
FROM {source_sql}"""


def likes_from_json(source_sql: str) -> str:
    return f"""
SELECT {strict_id("r.tweetId")} AS tweet_id, r.fullText AS full_text,
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

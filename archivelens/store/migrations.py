"""The library's schema, as an ordered list of migrations. Never edit a released step: add one.

Every table holds rows of one snapshot (``snapshot_id``) except the user's own decisions, which
belong to an account and so survive re-imports and newer archives.
"""

from __future__ import annotations

import duckdb

from archivelens.errors import UserError
from archivelens.store.writes import transaction

_V1 = """
CREATE TABLE accounts (
    account_id   BIGINT PRIMARY KEY,
    screen_name  VARCHAR,
    display_name VARCHAR,
    created_at   TIMESTAMP
);
CREATE TABLE snapshots (
    snapshot_id         INTEGER PRIMARY KEY,
    account_id          BIGINT NOT NULL,
    generated_at        TIMESTAMP NOT NULL,
    generated_estimated BOOLEAN NOT NULL,
    era                 VARCHAR NOT NULL,
    source_name         VARCHAR,
    imported_at         TIMESTAMP NOT NULL,
    screen_name         VARCHAR,
    display_name        VARCHAR,
    has_follow_lists    BOOLEAN NOT NULL,
    UNIQUE (account_id, generated_at)
);
CREATE TABLE import_files (
    snapshot_id    INTEGER NOT NULL,
    file_name      VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    records        BIGINT,
    manifest_count BIGINT
);
CREATE TABLE import_messages (
    snapshot_id INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    message     VARCHAR NOT NULL
);
CREATE TABLE tweets (
    snapshot_id           INTEGER NOT NULL,
    tweet_id              BIGINT NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    kind                  VARCHAR NOT NULL,
    text                  VARCHAR NOT NULL,
    reply_to_user_id      BIGINT,
    reply_to_screen_name  VARCHAR,
    reply_to_status_id    BIGINT,
    mention_ids           BIGINT[],
    mention_handles       VARCHAR[],
    urls                  VARCHAR[],
    domains               VARCHAR[],
    hashtags              VARCHAR[],
    retweeted_user_id     BIGINT,
    retweeted_screen_name VARCHAR,
    quoted_screen_name    VARCHAR,
    quoted_status_id      BIGINT,
    source_client         VARCHAR,
    favorite_count        BIGINT NOT NULL,
    retweet_count         BIGINT NOT NULL,
    lang                  VARCHAR,
    edit_versions         INTEGER NOT NULL,
    from_note             BOOLEAN NOT NULL
);
CREATE TABLE followers (snapshot_id INTEGER NOT NULL, account_id BIGINT NOT NULL,
                        position BIGINT NOT NULL);
CREATE TABLE following (snapshot_id INTEGER NOT NULL, account_id BIGINT NOT NULL,
                        position BIGINT NOT NULL);
CREATE TABLE blocks (snapshot_id INTEGER NOT NULL, account_id BIGINT NOT NULL);
CREATE TABLE mutes  (snapshot_id INTEGER NOT NULL, account_id BIGINT NOT NULL);
CREATE TABLE likes (
    snapshot_id  INTEGER NOT NULL,
    tweet_id     BIGINT,
    text         VARCHAR,
    expanded_url VARCHAR
);
CREATE TABLE people (
    snapshot_id  INTEGER NOT NULL,
    account_id   BIGINT NOT NULL,
    screen_name  VARCHAR,
    display_name VARCHAR,
    last_seen    TIMESTAMP
);
"""

# The user's own decisions (keyed by account, so they survive re-imports and newer snapshots),
# and the per-snapshot promotional classification derived from the lexicon and own domains.
_V2 = """
CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE TABLE account_prefs (
    account_id  BIGINT PRIMARY KEY,
    own_domains VARCHAR[]          -- NULL: not set, use the suggestion
);
CREATE TABLE promo_overrides (
    account_id     BIGINT NOT NULL,
    tweet_id       BIGINT NOT NULL,
    is_promotional BOOLEAN NOT NULL,
    set_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, tweet_id)
);
CREATE TABLE reviews (
    account_id  BIGINT NOT NULL,
    target_id   BIGINT NOT NULL,
    status      VARCHAR NOT NULL,
    note        VARCHAR,
    note_at     TIMESTAMP,
    reviewed_at TIMESTAMP,
    PRIMARY KEY (account_id, target_id)
);
CREATE TABLE promotion (
    snapshot_id     INTEGER NOT NULL,
    tweet_id        BIGINT NOT NULL,
    matched_terms   VARCHAR[] NOT NULL,
    own_domain_link BOOLEAN NOT NULL
);
CREATE TABLE promotion_state (
    snapshot_id INTEGER PRIMARY KEY,
    fingerprint VARCHAR NOT NULL
);
"""

# Near-duplicate clusters of each snapshot (recomputed when the threshold changes).
_V3 = """
CREATE TABLE dup_state (
    snapshot_id INTEGER PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
CREATE TABLE dup_members (
    snapshot_id INTEGER NOT NULL,
    cluster_id  INTEGER NOT NULL,
    tweet_id    BIGINT NOT NULL,
    similarity  DOUBLE NOT NULL
);
"""

# Which lists (follower, following, block, mute, like) each snapshot's archive held: a list an
# archive lacks is unknown, not empty. Earlier imports recorded every file they read.
_V4 = """
CREATE TABLE snapshot_lists (
    snapshot_id INTEGER NOT NULL,
    list        VARCHAR NOT NULL,
    PRIMARY KEY (snapshot_id, list)
);
INSERT INTO snapshot_lists
SELECT DISTINCT snapshot_id, kind FROM import_files
WHERE kind IN ('follower', 'following', 'block', 'mute', 'like');
"""

# The consultant's branding of the client deliverables (store/branding.py): one row, the
# library's, kept across imports.
_V5 = """
CREATE TABLE IF NOT EXISTS branding (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    consultant  VARCHAR,
    client      VARCHAR,
    note        VARCHAR,
    logo        BLOB,
    logo_type   VARCHAR
);
"""

# Like and retweet counts a classic archive lacks are unknown, not zero: the columns take NULL,
# and snapshots imported from classic archives (which stored 0 for every tweet) lose their zeros.
_V6 = """
ALTER TABLE tweets ALTER COLUMN favorite_count DROP NOT NULL;
ALTER TABLE tweets ALTER COLUMN retweet_count DROP NOT NULL;
UPDATE tweets SET favorite_count = NULL, retweet_count = NULL
WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots WHERE era = 'classic');
"""

# The headline figures of each snapshot's whole history as last computed, with the fingerprint
# of everything they were computed from: the portfolio reads hundreds of libraries from these.
_V7 = """
CREATE TABLE IF NOT EXISTS headline_cache (
    snapshot_id INTEGER PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    figures     VARCHAR NOT NULL  -- JSON
);
"""

# The time zone the person set in Twitter's settings (``account-timezone.js``, a Rails name):
# "when the account posts" is counted on their clock. Older snapshots have none (UTC, said so).
_V8 = """
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS time_zone VARCHAR;
"""

# The followers not followed back, numbered in archive order per snapshot (store/network.py
# keeps it): the follow-back checklist pages through millions of them without a sort.
_V9 = """
CREATE TABLE IF NOT EXISTS follow_back (
    snapshot_id INTEGER NOT NULL,
    rank        BIGINT NOT NULL,
    account_id  BIGINT NOT NULL,
    position    BIGINT NOT NULL
);
INSERT INTO follow_back
SELECT snapshot_id, row_number() OVER (PARTITION BY snapshot_id ORDER BY position) - 1,
       account_id, position
FROM followers f
WHERE NOT EXISTS (SELECT 1 FROM following g
                  WHERE g.snapshot_id = f.snapshot_id AND g.account_id = f.account_id)
ORDER BY snapshot_id, position;
"""

# What every reader of the headline figures needs per tweet of a snapshot, prepared once
# (analysis/facts.py): the verdict before overrides, links, scheduler, partner, the
# month and the hour on the account's clock; the long gaps between tweets; and the fingerprint
# of what they were made from, with the own domains they used and the lists' counts.
_V10 = """
CREATE TABLE IF NOT EXISTS tweet_facts (
    snapshot_id INTEGER NOT NULL,
    tweet_id    BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    kind        VARCHAR NOT NULL,
    classified  BOOLEAN NOT NULL,
    scheduled   BOOLEAN NOT NULL,
    links       INTEGER,
    own_links   INTEGER,
    likes       BIGINT,
    retweets    BIGINT,
    month       VARCHAR NOT NULL,
    weekday     TINYINT NOT NULL,
    hour        TINYINT NOT NULL,
    partner     VARCHAR,
    amplified   VARCHAR,
    engaged     VARCHAR[]
);
CREATE TABLE IF NOT EXISTS silences (
    snapshot_id INTEGER NOT NULL,
    resumed_at  TIMESTAMP NOT NULL,
    previous    TIMESTAMP NOT NULL,
    gap         BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS facts_state (
    snapshot_id INTEGER PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    own_domains VARCHAR[] NOT NULL,
    suggested   BOOLEAN NOT NULL,
    network     VARCHAR NOT NULL   -- JSON: the follower lists' counts (store/network.counts)
);
"""

# Whom each reply or mention went to, in the facts: the clusters' figures read their few members
# from the facts instead of joining them to every tweet (analysis/duplicates.py). The facts of
# every snapshot are laid out again (analysis/facts.py VERSION 2) when next prepared.
_V11 = """
ALTER TABLE tweet_facts ADD COLUMN IF NOT EXISTS recipient VARCHAR;
"""

MIGRATIONS: list[tuple[int, str]] = [
    (1, _V1),
    (2, _V2),
    (3, _V3),
    (4, _V4),
    (5, _V5),
    (6, _V6),
    (7, _V7),
    (8, _V8),
    (9, _V9),
    (10, _V10),
    (11, _V11),
]
LATEST = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema's version (0: a new, empty database). Reads only: a library opened
    read-only must be able to answer."""
    tables = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE schema_name = 'main' AND table_name = 'schema_version'"
    ).fetchone()
    if not tables or not tables[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the library to the latest schema; each step is its own transaction (a full disk
    half-way leaves the library at the last whole step)."""
    version = current_version(con)
    if version > LATEST:
        raise UserError(
            "This library was written by a newer version of archivelens; update archivelens to "
            "open it."
        )
    for step, sql in MIGRATIONS:
        if step <= version:
            continue
        with transaction(con, "upgrading the library"):
            if version == 0:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?)", [step])
        version = step
    return version

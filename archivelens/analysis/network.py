"""People: the follow-back checklist, the reverse list, conversation partners, and interactions.

Interactions are what the owner's own tweets show: replies to, mentions of, retweets and quotes
of an account. Quotes name a handle only; the people directory maps it to an id where it can.
Review status and notes belong to the owner's account, not to an import, so they survive
re-imports and newer snapshots.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.store.library import bind, query_arrow
from archivelens.store.writes import transaction

STATUSES = ("to_review", "follow_back", "followed_back", "not_for_me")
STATUS_LABELS = {
    "to_review": "to review",
    "follow_back": "follow back",
    "followed_back": "followed back",
    "not_for_me": "not for me",
}
PROFILE_URL = "https://twitter.com/intent/user?user_id="

# One row per (account, way, time) the owner engaged with someone, in scope.
_INTERACTIONS = """
interactions AS (
    SELECT reply_to_user_id AS account_id, 'reply' AS how, created_at FROM tweets
    WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
      AND kind = 'reply_to_others' AND reply_to_user_id > 0
    UNION ALL
    SELECT m.account_id, 'mention', m.created_at FROM (
        -- A tweet counts once per account: user_mentions can name one account several times
        -- (list_distinct, the costly part, only where there are several).
        SELECT unnest(CASE WHEN len(mention_ids) > 1 THEN list_distinct(mention_ids)
                           ELSE mention_ids END) AS account_id, reply_to_user_id, created_at
        FROM tweets
        WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
          AND kind <> 'retweet' AND len(mention_ids) > 0
    ) m WHERE m.account_id > 0 AND m.account_id IS DISTINCT FROM m.reply_to_user_id
          AND m.account_id <> $account
    UNION ALL
    SELECT retweeted_user_id, 'retweet', created_at FROM tweets
    WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
      AND kind = 'retweet' AND retweeted_user_id > 0
    UNION ALL
    SELECT p.account_id, 'quote', t.created_at FROM tweets t
    JOIN (SELECT lower(screen_name) AS handle, any_value(account_id) AS account_id
          FROM people WHERE snapshot_id = $snapshot AND screen_name IS NOT NULL GROUP BY ALL) p
      ON p.handle = lower(t.quoted_screen_name)
    WHERE t.snapshot_id = $snapshot AND t.created_at >= $start AND t.created_at < $end
      AND t.kind = 'quote'
),
per_account AS (
    SELECT account_id,
           count(*) AS interactions,
           count(*) FILTER (how = 'reply') AS replies,
           count(*) FILTER (how = 'mention') AS mentions,
           count(*) FILTER (how = 'retweet') AS retweets,
           count(*) FILTER (how = 'quote') AS quotes,
           min(created_at) AS first_interaction,
           max(created_at) AS last_interaction
    FROM interactions GROUP BY account_id
)"""

# Followers not followed back, with what the owner's tweets show of them (the costly part).
CHECKLIST_BASE = f"""
WITH {_INTERACTIONS.strip()},
base AS (
    SELECT f.account_id, p.screen_name, p.display_name,
           '{PROFILE_URL}' || f.account_id AS profile_url,
           coalesce(i.interactions, 0) AS interactions,
           coalesce(i.replies, 0) AS replies, coalesce(i.mentions, 0) AS mentions,
           coalesce(i.retweets, 0) AS retweets, coalesce(i.quotes, 0) AS quotes,
           i.last_interaction, f.position
    FROM followers f
    LEFT JOIN people p ON p.snapshot_id = f.snapshot_id AND p.account_id = f.account_id
    LEFT JOIN per_account i ON i.account_id = f.account_id
    WHERE f.snapshot_id = $snapshot
      AND f.account_id NOT IN (SELECT account_id FROM following WHERE snapshot_id = $snapshot)
)"""

# The owner's review of each row of *source* (a relation with account_id).
_REVIEWED = """
SELECT b.*, coalesce(r.status, 'to_review') AS review_status, r.note, r.note_at, r.reviewed_at
FROM {source} b
LEFT JOIN reviews r ON r.account_id = $account AND r.target_id = b.account_id"""

CHECKLIST_FROM = f"{CHECKLIST_BASE}, rows AS ({_REVIEWED.format(source='base')})"

CHECKLIST_ORDER = "interactions DESC, position ASC"


def checklist_filters(
    status: str | None, search: str | None, talked: bool = False
) -> tuple[str, dict[str, Any]]:
    """The WHERE (with its parameters) that keeps the checklist rows with *status* whose
    handle, name, id or note contains *search* (and, if *talked*, whom the owner talked with)."""
    clauses, params = [], {}
    if talked:
        clauses.append("interactions > 0")
    if status:
        if status not in STATUSES:
            raise UserError(f"Unknown review status {status!r}.")
        clauses.append("review_status = $status")
        params["status"] = status
    if search:
        clauses.append(
            "(contains(lower(coalesce(screen_name, '')), $q) OR "
            "contains(lower(coalesce(display_name, '')), $q) OR "
            "contains(account_id::VARCHAR, $q) OR contains(lower(coalesce(note, '')), $q))"
        )
        params["q"] = search.lower().lstrip("@")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def checklist(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    status: str | None = None,
    search: str | None = None,
) -> pa.Table:
    """Followers not followed back, people already talked to first, then archive order."""
    where, extra = checklist_filters(status, search)
    return query_arrow(
        con,
        f"{CHECKLIST_FROM} SELECT * FROM rows{where} ORDER BY {CHECKLIST_ORDER}",
        {**scope.params(), **extra},
    )


# How many followers not followed back whom the owner engaged with in scope are still to
# review, and the first three of them in checklist order: the follow-back advice. The few
# accounts talked with are found first, then looked up among the followers not followed back
# (``follow_back``), never the other way round over millions of followers.
TALKED_TO_REVIEW = f"""
WITH {_INTERACTIONS.strip()}
SELECT count(*), list(coalesce('@' || p.screen_name, i.account_id::VARCHAR)
                      ORDER BY i.interactions DESC, fb.position)[1:3]
FROM per_account i
JOIN follow_back fb ON fb.snapshot_id = $snapshot AND fb.account_id = i.account_id
LEFT JOIN people p ON p.snapshot_id = $snapshot AND p.account_id = i.account_id
LEFT JOIN reviews r ON r.account_id = $account AND r.target_id = i.account_id
WHERE coalesce(r.status, 'to_review') = 'to_review'"""

# The checklist's head: followers not followed back whom the owner engaged with in scope, most
# engaged first (CHECKLIST_ORDER). Everyone else follows in archive order, as numbered in
# ``follow_back`` (store/network.py), so no list of millions is ever sorted to show a page.
_TALKED = f"""
WITH {_INTERACTIONS.strip()}
SELECT fb.rank, fb.account_id, p.screen_name, p.display_name, i.interactions, i.replies,
       i.mentions, i.retweets, i.quotes, i.last_interaction, fb.position
FROM per_account i
JOIN follow_back fb ON fb.snapshot_id = $snapshot AND fb.account_id = i.account_id
LEFT JOIN people p ON p.snapshot_id = $snapshot AND p.account_id = i.account_id
ORDER BY i.interactions DESC, fb.position ASC"""

# Every checklist row in order (part, n), the head from ``checklist_talked``; {ranks} narrows
# the tail to a range of numbers.
_ORDERED = """
SELECT 0 AS part, rowid AS n, * EXCLUDE (rank) FROM checklist_talked
UNION ALL BY NAME
SELECT 1 AS part, fb.rank AS n, fb.account_id, p.screen_name, p.display_name,
       0 AS interactions, 0 AS replies, 0 AS mentions, 0 AS retweets, 0 AS quotes,
       NULL::TIMESTAMP AS last_interaction, fb.position
FROM follow_back fb
LEFT JOIN people p ON p.snapshot_id = fb.snapshot_id AND p.account_id = fb.account_id
WHERE fb.snapshot_id = $snapshot {ranks}
  AND fb.account_id NOT IN (SELECT account_id FROM checklist_talked)"""

_PAGE_COLUMNS = f"""account_id, screen_name, display_name,
       '{PROFILE_URL}' || account_id AS profile_url, interactions, replies, mentions,
       retweets, quotes, last_interaction, position, review_status, note, note_at, reviewed_at"""


class ChecklistBrowser:
    """The checklist for the app: prepared once per scope, then filtered and paged cheaply.

    A celebrity's archive holds a hundred million followers: nothing here sorts or copies them
    to show a page. The people the owner engaged with in scope (thousands at most) are joined
    and ordered once (``checklist_talked``); the rest are read by their number in archive order
    (``follow_back``), skipping those already shown. A status filter or search keeps the
    matching rows (``checklist_view``: the one step that reads the whole list), and a page
    joins the reviews then, so it always shows the latest status and note. Temp tables: they
    live on *con*, the caller's own connection.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
        self.con = con
        self.account = scope.account_id
        self.snapshot = scope.snapshot_id
        self.filtered = False
        sql = f"CREATE OR REPLACE TEMP TABLE checklist_talked AS {_TALKED}"
        con.execute(sql, bind(sql, scope.params()))
        ranks = con.execute("SELECT rank FROM checklist_talked ORDER BY rank").fetchall()
        self._talked_ranks = [int(r[0]) for r in ranks]
        self.total = self._count("follow_back WHERE snapshot_id = $snapshot")

    def filter(
        self, status: str | None = None, search: str | None = None, talked: bool = False
    ) -> int:
        """Keep the rows with *status*, matching *search* (talked with, if *talked*); returns
        how many."""
        where, extra = checklist_filters(status, search, talked)
        self.filtered = bool(where)
        if not self.filtered:
            return self.total
        # Talked-with rows are all in the head: the tail of millions is not read for them.
        ordered = _ORDERED.format(ranks="AND false" if talked else "")
        reviewed = _REVIEWED.format(source=f"({ordered})")
        sql = f"""CREATE OR REPLACE TEMP TABLE checklist_view AS
                  WITH rows AS ({reviewed})
                  SELECT * EXCLUDE (review_status, note, note_at, reviewed_at) FROM rows{where}
                  ORDER BY part, n"""
        self.con.execute(sql, bind(sql, self._params(extra)))
        return self._count("checklist_view")

    def page(self, offset: int, limit: int) -> pa.Table:
        """Rows *offset* to *offset + limit* of the filtered list, with their reviews."""
        if self.filtered:
            rows = "SELECT * FROM checklist_view WHERE rowid >= $a AND rowid < $b"
            params = self._params({"a": offset, "b": offset + limit})
        else:
            rows, params = self._unfiltered(offset, limit)
        reviewed = _REVIEWED.format(source=f"({rows})")
        sql = f"WITH rows AS ({reviewed}) SELECT {_PAGE_COLUMNS} FROM rows ORDER BY part, n"
        return query_arrow(self.con, sql, bind(sql, params))

    def _unfiltered(self, offset: int, limit: int) -> tuple[str, dict[str, Any]]:
        """The page's rows: the head's, then the tail's by number — the *k*-th row of the tail
        is number *k* plus the talked-with numbers at or below it (they are in the head)."""
        head = len(self._talked_ranks)
        first = max(0, offset - head)
        for rank in self._talked_ranks:
            if rank > first:
                break
            first += 1
        ranks = "AND fb.rank >= $lo AND fb.rank < $hi"
        rows = f"""SELECT * FROM ({_ORDERED.format(ranks=ranks)})
                   WHERE part = 1 OR (n >= $a AND n < $b)
                   ORDER BY part, n LIMIT $limit"""
        # The tail's range holds *limit* rows once the talked-with among them are skipped.
        params = {"a": offset, "b": offset + limit, "limit": limit, "lo": first}
        params["hi"] = first + limit + head
        return rows, self._params(params)

    def reviewed(self) -> int:
        """Rows of the whole checklist with any status but "to review"."""
        return self._count(
            """reviews r SEMI JOIN follow_back fb
                 ON fb.snapshot_id = $snapshot AND fb.account_id = r.target_id
               WHERE r.account_id = $account AND r.status <> 'to_review'"""
        )

    def unknown_handles(self) -> int:
        """Rows of the whole checklist whose handle the archive does not give (its follower
        list holds ids only, and nothing else in it names them)."""
        named = self._count(
            """people p SEMI JOIN follow_back fb
                 ON fb.snapshot_id = $snapshot AND fb.account_id = p.account_id
               WHERE p.snapshot_id = $snapshot AND p.screen_name IS NOT NULL"""
        )
        return self.total - named

    def _params(self, extra: dict[str, Any]) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "account": self.account, **extra}

    def _count(self, relation: str) -> int:
        sql = f"SELECT count(*) FROM {relation}"
        row = self.con.execute(sql, bind(sql, self._params({}))).fetchone()
        return int(row[0]) if row else 0


def set_review_status(
    con: duckdb.DuckDBPyConnection,
    account_id: int,
    target_id: int,
    status: str,
    at: datetime | None = None,
) -> None:
    """Save a review status, journaled and flushed to disk with it (*at*: the time a replayed
    status was first set)."""
    if status not in STATUSES:
        raise UserError(f"Unknown review status {status!r}.")
    at = at or _now()
    with transaction(con, "saving the review") as tx:
        con.execute(
            """INSERT INTO reviews (account_id, target_id, status, reviewed_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (account_id, target_id) DO UPDATE SET
                 status = excluded.status, reviewed_at = excluded.reviewed_at""",
            [account_id, target_id, status, at],
        )
        tx.record("review", account=account_id, target=target_id, status=status, at=at)


def set_note(
    con: duckdb.DuckDBPyConnection,
    account_id: int,
    target_id: int,
    note: str | None,
    at: datetime | None = None,
) -> None:
    """Save a note (empty: none), journaled and flushed to disk with it."""
    note = (note or "").strip() or None
    at = (at or _now()) if note else None
    with transaction(con, "saving the note") as tx:
        con.execute(
            """INSERT INTO reviews (account_id, target_id, status, note, note_at)
               VALUES (?, ?, 'to_review', ?, ?)
               ON CONFLICT (account_id, target_id) DO UPDATE SET
                 note = excluded.note, note_at = excluded.note_at""",
            [account_id, target_id, note, at],
        )
        tx.record("note", account=account_id, target=target_id, note=note, at=at)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


NOT_FOLLOWING_YOU_SQL = f"""
WITH {_INTERACTIONS.strip()}
SELECT g.account_id, p.screen_name, p.display_name, '{PROFILE_URL}' || g.account_id AS profile_url,
       coalesce(i.interactions, 0) AS interactions, i.last_interaction
FROM following g
LEFT JOIN people p ON p.snapshot_id = g.snapshot_id AND p.account_id = g.account_id
LEFT JOIN per_account i ON i.account_id = g.account_id
WHERE g.snapshot_id = $snapshot
  AND g.account_id NOT IN (SELECT account_id FROM followers WHERE snapshot_id = $snapshot)
ORDER BY interactions DESC, g.position
"""


def not_following_you(con: duckdb.DuckDBPyConnection, scope: Scope) -> pa.Table:
    """Accounts the owner follows that don't follow back."""
    return query_arrow(con, NOT_FOLLOWING_YOU_SQL, scope.params())


PARTNERS_SQL = f"""
WITH {_INTERACTIONS.strip()}
SELECT i.account_id, p.screen_name, p.display_name,
       i.replies, i.mentions, i.retweets, i.quotes, i.interactions,
       i.first_interaction, i.last_interaction,
       -- Unknown (NULL), not false, where the archive did not hold the list.
       CASE WHEN 'follower' IN (SELECT list FROM snapshot_lists WHERE snapshot_id = $snapshot)
            THEN i.account_id IN (SELECT account_id FROM followers WHERE snapshot_id = $snapshot)
       END AS follows_you,
       CASE WHEN 'following' IN (SELECT list FROM snapshot_lists WHERE snapshot_id = $snapshot)
            THEN i.account_id IN (SELECT account_id FROM following WHERE snapshot_id = $snapshot)
       END AS you_follow
FROM per_account i
LEFT JOIN people p ON p.snapshot_id = $snapshot AND p.account_id = i.account_id
ORDER BY i.interactions DESC, i.last_interaction DESC, i.account_id
"""


def conversation_partners(con: duckdb.DuckDBPyConnection, scope: Scope) -> pa.Table:
    """Every account the owner replied to, mentioned, retweeted or quoted, most engaged first."""
    return query_arrow(con, PARTNERS_SQL, scope.params())


_INTERACTIONS_WITH = """
SELECT created_at, kind, text FROM tweets
WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
  AND (reply_to_user_id = $who OR retweeted_user_id = $who OR list_contains(mention_ids, $who)
       OR lower(quoted_screen_name) IN (SELECT lower(screen_name) FROM people
                                        WHERE snapshot_id = $snapshot AND account_id = $who))
ORDER BY created_at DESC LIMIT $limit
"""


def interactions_with(
    con: duckdb.DuckDBPyConnection, scope: Scope, account_id: int, limit: int = 50
) -> list[tuple[datetime, str, str]]:
    """The owner's tweets that engaged with *account_id*: (time, kind, text), newest first."""
    params = bind(_INTERACTIONS_WITH, {**scope.params(), "who": account_id, "limit": limit})
    rows = con.execute(_INTERACTIONS_WITH, params).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]

"""Which tweets are promotional, and why: the sales lexicon, own domains and user overrides.

A tweet (not a retweet) is promotional when it matches the lexicon or links to one of the
account's own domains (``metrics.md``). The matched terms are kept per tweet. A user's override
("promotional" / "not promotional") wins, and is keyed by account and tweet id so it survives
re-imports. The classification is stored per snapshot and recomputed whenever the lexicon or the
own domains change (a fingerprint tells).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import duckdb

from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.store.writes import transaction

LEXICON_KEY = "sales_lexicon"
# Links to these are Twitter's own, not "links" in the content-mix sense.
TWITTER_DOMAINS = (
    "twitter.com",
    "x.com",
    "t.co",
    "mobile.twitter.com",
    "pic.twitter.com",
    "pic.x.com",
    "m.twitter.com",
)


def twitter_domain_sql(expr: str) -> str:
    quoted = ", ".join(f"'{d}'" for d in TWITTER_DOMAINS)
    return f"({expr} IN ({quoted}))"


def default_lexicon_text() -> str:
    return (
        resources.files("archivelens.resources")
        .joinpath("sales_lexicon.txt")
        .read_text(encoding="utf-8")
    )


@dataclass(frozen=True)
class Lexicon:
    text: str

    @property
    def entries(self) -> list[str]:
        """Terms and ``re:`` patterns, comments and blank lines dropped."""
        out = []
        for line in self.text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
        return out

    def pattern(self) -> str | None:
        """One RE2 pattern matching any entry; longest terms first so phrases win."""
        parts = []
        for entry in sorted(self.entries, key=len, reverse=True):
            if entry.startswith("re:"):
                parts.append(f"(?:{entry[3:].strip()})")
            else:
                body = re.escape(entry.lower()).replace("\\ ", r"\s+")
                start = r"\b" if re.match(r"\w", entry) else ""
                end = r"\b" if re.search(r"\w$", entry) else ""
                parts.append(f"{start}{body}{end}")
        return "(?i)(" + "|".join(parts) + ")" if parts else None


def load_lexicon(con: duckdb.DuckDBPyConnection) -> Lexicon:
    return Lexicon(user_lexicon(con) or default_lexicon_text())


def user_lexicon(con: duckdb.DuckDBPyConnection) -> str | None:
    """The user's own lexicon text, or None while the bundled one is in use."""
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [LEXICON_KEY]).fetchall()
    return rows[0][0] if rows else None


def save_lexicon(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """Store the user's lexicon after checking every pattern compiles (RE2, as DuckDB runs it)."""
    for entry in Lexicon(text).entries:
        if not entry.startswith("re:"):
            continue
        try:
            con.execute("SELECT regexp_matches('', ?)", [entry[3:].strip()]).fetchall()
        except duckdb.Error as err:
            reason = str(err).split(": ", 1)[-1]
            raise UserError(
                f"The sales-word pattern “{entry}” is not valid ({reason}); fix or remove it."
            ) from None
    with transaction(con, "saving the settings") as tx:
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [LEXICON_KEY, text])
        tx.record("setting", key=LEXICON_KEY, value=text)


def reset_lexicon(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con, "saving the settings") as tx:
        con.execute("DELETE FROM settings WHERE key = ?", [LEXICON_KEY])
        tx.record("setting", key=LEXICON_KEY, value=None)


# -- own domains -----------------------------------------------------------------------------------


def public_domains() -> list[str]:
    """Platforms anyone links to (shipped in ``resources/public_domains.txt``): never an
    account's own website, nor any of their subdomains."""
    text = (
        resources.files("archivelens.resources")
        .joinpath("public_domains.txt")
        .read_text(encoding="utf-8")
    )
    lines = (line.strip().lower() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def suggested_own_domains(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[str]:
    """The domains the owner links most from lexicon-promotional tweets (at least 3 distinct
    tweets and a fifth of those tweets' links), never a public platform: the default until the
    user confirms or sets their own.

    Reads the lexicon matches stored by :func:`ensure_classified` (no regex pass here).
    """
    rows = con.execute(
        f"""WITH promo AS (
                SELECT unnest(list_distinct(t.domains)) AS domain
                FROM promotion p JOIN tweets t USING (snapshot_id, tweet_id)
                WHERE p.snapshot_id = $snapshot AND len(p.matched_terms) > 0
            )
            SELECT domain, count(*) AS n, count(*) / sum(count(*)) OVER () AS share FROM promo
            WHERE NOT {twitter_domain_sql("domain")}
              AND NOT list_bool_or(list_transform(
                  $public::VARCHAR[], lambda p: domain = p OR ends_with(domain, '.' || p)))
            GROUP BY domain HAVING count(*) >= 3
            QUALIFY share >= 0.2
            ORDER BY n DESC, domain LIMIT 3""",
        {"snapshot": snapshot_id, "public": public_domains()},
    ).fetchall()
    return [r[0] for r in rows]


def user_domains(con: duckdb.DuckDBPyConnection, account_id: int) -> list[str] | None:
    """The domains the user set as their own, or None while the suggestion is in use."""
    rows = con.execute(
        "SELECT own_domains FROM account_prefs WHERE account_id = ?", [account_id]
    ).fetchall()
    return list(rows[0][0]) if rows and rows[0][0] is not None else None


def own_domains(
    con: duckdb.DuckDBPyConnection, account_id: int, snapshot_id: int
) -> tuple[list[str], bool]:
    """The account's own domains and whether they are the suggestion (not set by the user)."""
    user = user_domains(con, account_id)
    if user is not None:
        return user, False
    return suggested_own_domains(con, snapshot_id), True


def set_own_domains(
    con: duckdb.DuckDBPyConnection, account_id: int, domains: list[str] | None
) -> None:
    """Set the own domains (None goes back to the suggestion)."""
    cleaned = None if domains is None else sorted({_clean_domain(d) for d in domains if d.strip()})
    with transaction(con, "saving your websites") as tx:
        con.execute(
            """INSERT INTO account_prefs VALUES (?, ?)
               ON CONFLICT (account_id) DO UPDATE SET own_domains = excluded.own_domains""",
            [account_id, cleaned],
        )
        tx.record("own_domains", account=account_id, domains=cleaned)


def _clean_domain(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0]
    return text.removeprefix("www.")


# -- classification --------------------------------------------------------------------------------


def fingerprint(lexicon: Lexicon, domains: list[str]) -> str:
    data = lexicon.text + "\0" + "\n".join(domains)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def ensure_classified(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    """(Re)compute the snapshot's promotional classification if its inputs changed.

    Lexicon matches first; then own domains — the user's, or the suggestion drawn from those
    matches — mark the tweets that link to them. One thread at a time (views ask in parallel,
    each on its own connection): the second finds the classification current.
    """
    with _CLASSIFY:
        _classify_if_changed(con, snapshot_id, account_id)


_CLASSIFY = threading.Lock()


def is_current(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> bool:
    """Whether the stored classification follows today's lexicon and own domains."""
    return _stored_mark(con, snapshot_id) == _inputs(con, account_id)[2]


def _inputs(
    con: duckdb.DuckDBPyConnection, account_id: int
) -> tuple[Lexicon, list[str] | None, str]:
    """The lexicon, the user's own domains (None: suggest them) and their fingerprint."""
    lexicon = load_lexicon(con)
    user = user_domains(con, account_id)
    mark = fingerprint(lexicon, user if user is not None else ["(suggested)", *public_domains()])
    return lexicon, user, mark


def _stored_mark(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> str | None:
    row = con.execute(
        "SELECT fingerprint FROM promotion_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return row[0] if row else None


def _classify_if_changed(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    lexicon, user, mark = _inputs(con, account_id)
    if _stored_mark(con, snapshot_id) == mark:
        return
    with transaction(con, "saving the promotional classification"):
        con.execute("DELETE FROM promotion WHERE snapshot_id = ?", [snapshot_id])
        con.execute(
            """INSERT INTO promotion
               SELECT snapshot_id, tweet_id,
                      list_distinct(list_transform(regexp_extract_all(text, $pattern, 1),
                                                   lambda m: lower(m))),
                      false
               FROM tweets WHERE snapshot_id = $snapshot AND kind <> 'retweet'""",
            {"pattern": lexicon.pattern() or "(?!)", "snapshot": snapshot_id},
        )
        domains = user if user is not None else suggested_own_domains(con, snapshot_id)
        con.execute(
            """UPDATE promotion p SET own_domain_link = true FROM tweets t
               WHERE p.snapshot_id = $snapshot AND t.snapshot_id = $snapshot
                 AND t.tweet_id = p.tweet_id
                 AND len(list_filter(t.domains, lambda d: len(list_filter($own::VARCHAR[],
                     lambda o: d = o OR ends_with(d, '.' || o))) > 0)) > 0""",
            {"own": domains, "snapshot": snapshot_id},
        )
        con.execute("INSERT OR REPLACE INTO promotion_state VALUES (?, ?)", [snapshot_id, mark])


def set_overrides(
    con: duckdb.DuckDBPyConnection,
    account_id: int,
    tweet_ids: list[int],
    is_promotional: bool | None,
    at: datetime | None = None,
) -> None:
    """Mark tweets promotional / not promotional (None removes their overrides): the user's
    word wins over the classification and survives re-imports. Journaled (*at*: the time a
    replayed mark was first set)."""
    at = at or datetime.utcnow().replace(microsecond=0)
    with transaction(con, "saving your mark") as tx:
        tx.record("promo", account=account_id, tweets=list(tweet_ids), value=is_promotional, at=at)
        if is_promotional is None:
            con.execute(
                "DELETE FROM promo_overrides WHERE account_id = ? AND list_contains(?, tweet_id)",
                [account_id, tweet_ids],
            )
            return
        con.execute(
            """INSERT INTO promo_overrides
               SELECT ?, unnest(?::BIGINT[]), ?, ?
               ON CONFLICT (account_id, tweet_id) DO UPDATE SET
                 is_promotional = excluded.is_promotional, set_at = excluded.set_at""",
            [account_id, tweet_ids, is_promotional, at],
        )


PROMOTIONAL_SQL = """(t.kind <> 'retweet' AND coalesce(o.is_promotional,
    len(p.matched_terms) > 0 OR p.own_domain_link, false))"""

# The scoped tweets of a snapshot with their promotional verdict: the base of every metric.
SCOPED_TWEETS = f"""
SELECT t.*, {PROMOTIONAL_SQL} AS promotional,
       coalesce(p.matched_terms, []) AS matched_terms,
       coalesce(p.own_domain_link, false) AS own_domain_link,
       o.is_promotional AS override,
       list_filter(t.domains, lambda d: NOT {twitter_domain_sql("d")}) AS ext_domains
FROM tweets t
LEFT JOIN promotion p ON p.snapshot_id = t.snapshot_id AND p.tweet_id = t.tweet_id
LEFT JOIN promo_overrides o ON o.account_id = $account AND o.tweet_id = t.tweet_id
WHERE t.snapshot_id = $snapshot AND t.created_at >= $start AND t.created_at < $end
"""


def verdicts(con: duckdb.DuckDBPyConnection, scope: Scope, tweet_ids: list[int]) -> dict[int, bool]:
    """The tweets' promotional verdicts now (each its override, else the classification)."""
    sql = f"""WITH t AS ({SCOPED_TWEETS})
              SELECT tweet_id, promotional FROM t WHERE list_contains($ids, tweet_id)"""
    rows = con.execute(sql, {**scope.params(), "ids": tweet_ids}).fetchall()
    return {int(r[0]): bool(r[1]) for r in rows}

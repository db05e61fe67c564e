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
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import duckdb
import pyarrow as pa

from archivelens.analysis.scope import Scope
from archivelens.errors import NotPrepared, UserError
from archivelens.store.library import register_arrow
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


# What a lexicon may hold (one sentence refuses more): enough for any real list of product
# names and phrases, small enough that applying it takes seconds, not minutes.
MAX_ENTRIES = 200_000
MAX_LINE = 1_000  # characters in one phrase or pattern
MAX_PATTERNS = 1_000  # ``re:`` lines: they run as one RE2 pattern, which has a size limit
# Up to this many phrases, one RE2 pattern matches the whole lexicon (fastest for short lists);
# longer lists are matched by a join on the tweets' word sequences (``_PHRASES_SQL``).
ONE_PATTERN_PHRASES = 100

# How a text is cut into pieces for phrase matching, the same way RE2 sees it in a lexicon
# pattern: runs of word characters (\w is ASCII in RE2), one space for any run of white space
# (\s), every other character alone. A phrase then occurs in a tweet exactly where its pieces
# occur in a row: a word run of the phrase is a whole word run of the tweet, as the pattern's
# \b requires.
_PIECES = (
    r"regexp_extract_all(regexp_replace(lower({0}), '[\t\n\f\r ]+', ' ', 'g'), "
    r"'(?s)[0-9a-z_]+|.')"
)


@dataclass(frozen=True)
class Lexicon:
    text: str

    @property
    def entries(self) -> list[str]:
        """Terms and ``re:`` patterns, comments and blank lines dropped."""
        return [entry for _, entry in self.numbered()]

    def numbered(self) -> list[tuple[int, str]]:
        """(line number, entry) for every term and pattern."""
        out = []
        for number, line in enumerate(self.text.splitlines(), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                out.append((number, line))
        return out

    @property
    def phrases(self) -> list[str]:
        return [e for e in self.entries if not e.startswith("re:")]

    @property
    def patterns(self) -> list[str]:
        return [e for e in self.entries if e.startswith("re:")]

    @property
    def by_pieces(self) -> bool:
        """Whether the phrases are matched by their pieces (a long list) rather than within
        the one pattern."""
        return len(self.phrases) > ONE_PATTERN_PHRASES

    def pattern(self) -> str | None:
        """One RE2 pattern matching any entry matched by pattern (every entry of a short
        lexicon, the ``re:`` lines of a long one); longest terms first so phrases win."""
        parts = []
        entries = self.patterns if self.by_pieces else self.entries
        for entry in sorted(entries, key=len, reverse=True):
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
    """Store the user's lexicon after checking it (:func:`check_lexicon`)."""
    check_lexicon(con, Lexicon(text))
    with transaction(con, "saving the settings") as tx:
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [LEXICON_KEY, text])
        tx.record("setting", key=LEXICON_KEY, value=text)


def check_lexicon(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> None:
    """Refuse, in one sentence naming the line, what would make the classification wrong or
    impossible: a line over :data:`MAX_LINE` characters, more than :data:`MAX_ENTRIES` entries
    or :data:`MAX_PATTERNS` patterns, a pattern that does not compile (RE2, as DuckDB runs it)
    or that matches empty text (it would make every tweet promotional)."""
    numbered = lexicon.numbered()
    if len(numbered) > MAX_ENTRIES:
        raise UserError(
            f"The sales words hold {len(numbered):,} lines; archivelens takes at most "
            f"{MAX_ENTRIES:,}: shorten the list."
        )
    patterns = [(n, e) for n, e in numbered if e.startswith("re:")]
    if len(patterns) > MAX_PATTERNS:
        raise UserError(
            f"The sales words hold {len(patterns):,} re: patterns; archivelens takes at most "
            f"{MAX_PATTERNS:,}: turn some into plain phrases or merge them."
        )
    for number, entry in numbered:
        if len(entry) > MAX_LINE:
            raise UserError(
                f"Line {number} of the sales words is {len(entry):,} characters long; the "
                f"limit is {MAX_LINE:,}: shorten or remove it."
            )
    for number, entry in patterns:
        _check_pattern(con, number, entry)
    pattern = lexicon.pattern()
    if pattern is not None and _compile_error(con, pattern) is not None:
        raise UserError(
            "The sales words' patterns are too large to search with together; use fewer or "
            "simpler re: lines (plain phrases have no such limit)."
        )


# Texts a pattern is tried on: one that matches nothing (zero characters) in any of them
# would match every tweet.
_PROBES = ("", "a", " ", "Order now: 50% off! €9.99 #sale @shop https://t.co/x", "ありがとう")


def _check_pattern(con: duckdb.DuckDBPyConnection, number: int, entry: str) -> None:
    body = entry[3:].strip()
    if not body:
        raise UserError(
            f"Line {number} of the sales words is “re:” with no pattern after it; write the "
            "pattern or remove the line."
        )
    reason = _compile_error(con, body)
    if reason is not None:
        raise UserError(
            f"The sales-word pattern “{entry}” on line {number} is not valid ({reason}); fix "
            "or remove it."
        )
    for probe in _PROBES:
        found, match = con.execute(
            "SELECT regexp_matches($p, $b), regexp_extract($p, $b, 0)", {"p": probe, "b": body}
        ).fetchone()  # type: ignore[misc]
        if found and match == "":
            raise UserError(
                f"The sales-word pattern “{entry}” on line {number} matches empty text, so "
                "every tweet would count as promotional; make it require at least one "
                "character."
            )


def _compile_error(con: duckdb.DuckDBPyConnection, pattern: str) -> str | None:
    try:
        con.execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as err:
        return str(err).split(": ", 1)[-1]
    return None


def pattern_error(con: duckdb.DuckDBPyConnection, entry: str) -> str | None:
    """Why a ``re:`` entry does not compile (RE2, as DuckDB runs it); None for a good one or a
    phrase (a phrase is escaped, so it always compiles)."""
    return _compile_error(con, entry[3:].strip()) if entry.startswith("re:") else None


def entry_counts(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, entries: list[str]
) -> dict[str, int | None]:
    """How many of the snapshot's tweets (retweets never count) each lexicon entry matches,
    matched as the classification matches it; None for a pattern that does not compile. One
    pass over the tweets for all of them: the settings dialog shows what each phrase does."""
    patterns = {
        e: Lexicon(e).pattern() for e in dict.fromkeys(entries) if pattern_error(con, e) is None
    }
    usable = [(e, p) for e, p in patterns.items() if p is not None]
    if not usable:
        return dict.fromkeys(entries)
    params: dict[str, object] = {f"p{i}": p for i, (_e, p) in enumerate(usable)}
    columns = ", ".join(
        f"count(*) FILTER (WHERE regexp_matches(text, $p{i}))" for i in range(len(usable))
    )
    # One pattern for all of them first: only the few tweets it matches are tried one entry at
    # a time (44 patterns on every tweet would take seconds on a big archive).
    every = Lexicon("\n".join(e for e, _p in usable)).pattern()
    row = con.execute(
        f"""SELECT {columns} FROM tweets
            WHERE snapshot_id = $snapshot AND kind <> 'retweet' AND regexp_matches(text, $every)""",
        {**params, "snapshot": snapshot_id, "every": every},
    ).fetchone()
    found = {e: int(n) for (e, _p), n in zip(usable, row or [], strict=False)}
    return {e: found.get(e) for e in entries}


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
    cleaned = None if domains is None else sorted({clean_domain(d) for d in domains if d.strip()})
    with transaction(con, "saving your websites") as tx:
        con.execute(
            """INSERT INTO account_prefs VALUES (?, ?)
               ON CONFLICT (account_id) DO UPDATE SET own_domains = excluded.own_domains""",
            [account_id, cleaned],
        )
        tx.record("own_domains", account=account_id, domains=cleaned)


def clean_domain(text: str) -> str:
    """The domain a person means by what they typed or pasted (``https://www.shop.com/a`` →
    ``shop.com``)."""
    text = text.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0]
    return text.removeprefix("www.")


# -- classification --------------------------------------------------------------------------------


def fingerprint(lexicon: Lexicon, domains: list[str]) -> str:
    data = lexicon.text + "\0" + "\n".join(domains)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def ensure_classified(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    """(Re)compute the snapshot's promotional classification if its inputs changed (a part of
    ``archivelens.read.prepared.prepare``: readers only check it, :func:`require_classified`).

    Lexicon matches first; then own domains — the user's, or the suggestion drawn from those
    matches — mark the tweets that link to them. ``prepare`` runs one at a time (views ask in
    parallel, each on its own connection): the second finds the classification current.
    """
    _classify_if_changed(con, snapshot_id, account_id)


def is_current(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> bool:
    """Whether the stored classification follows today's lexicon and own domains."""
    return stored_mark(con, snapshot_id) == _inputs(con, account_id)[2]


def require_classified(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    """What a reader of the verdicts checks first: they are stored and follow today's lexicon
    and own domains (else :class:`NotPrepared`: the scope was not prepared)."""
    if not is_current(con, snapshot_id, account_id):
        raise NotPrepared(f"The promotional classification of snapshot {snapshot_id} is stale.")


def _inputs(
    con: duckdb.DuckDBPyConnection, account_id: int
) -> tuple[Lexicon, list[str] | None, str]:
    """The lexicon, the user's own domains (None: suggest them) and their fingerprint."""
    lexicon = load_lexicon(con)
    user = user_domains(con, account_id)
    mark = fingerprint(lexicon, user if user is not None else ["(suggested)", *public_domains()])
    return lexicon, user, mark


def stored_mark(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> str | None:
    """The fingerprint the stored classification was made with (None: never classified)."""
    row = con.execute(
        "SELECT fingerprint FROM promotion_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return row[0] if row else None


def _classify_if_changed(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    lexicon, user, mark = _inputs(con, account_id)
    if stored_mark(con, snapshot_id) == mark:
        return
    with transaction(con, "saving the promotional classification"):
        con.execute("DELETE FROM promotion WHERE snapshot_id = ?", [snapshot_id])
        # The tweet facts made from the old classification go with it (analysis/facts.py): a
        # classification made again — even to the same mark — is laid out again.
        con.execute("DELETE FROM facts_state WHERE snapshot_id = ?", [snapshot_id])
        _match_lexicon(con, lexicon, snapshot_id)
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


def _match_lexicon(con: duckdb.DuckDBPyConnection, lexicon: Lexicon, snapshot_id: int) -> None:
    """Store each tweet's lexicon matches (none for a retweet): by one pattern, plus — for a
    long lexicon — by joining the tweets' piece sequences with the phrases' (a hash join: a
    hundred thousand phrases cost seconds, where one pattern of them would not compile)."""
    pattern = lexicon.pattern()
    by_pattern = (
        "list_transform(regexp_extract_all(t.text, $pattern, 1), lambda m: lower(m))"
        if pattern
        else "[]::VARCHAR[]"
    )
    by_pieces = "[]::VARCHAR[]"
    with_phrases = ""
    if lexicon.by_pieces:
        register_arrow(con, "lexicon_terms", pa.table({"term": lexicon.phrases}))
        with_phrases = _PHRASES_SQL
        by_pieces = "coalesce(h.terms, [])"
    con.execute(
        f"""INSERT INTO promotion
            WITH t AS (SELECT snapshot_id, tweet_id, text FROM tweets
                       WHERE snapshot_id = $snapshot AND kind <> 'retweet')
            {with_phrases}
            SELECT t.snapshot_id, t.tweet_id, list_distinct({by_pieces} || {by_pattern}), false
            FROM t {"LEFT JOIN hits h USING (tweet_id)" if lexicon.by_pieces else ""}""",
        {"snapshot": snapshot_id, **({"pattern": pattern} if pattern else {})},
    )


# The tweets (t) that hold a phrase of ``lexicon_terms``: every run of n pieces of a tweet, for
# each length n a phrase has, is looked up among the phrases' pieces (joined by \x01, which no
# piece holds).
_PHRASES_SQL = f""",
    phrases AS (
        SELECT DISTINCT lower(term) AS term, len(p) AS n, array_to_string(p, chr(1)) AS gram
        FROM (SELECT term, {_PIECES.format("term")} AS p FROM lexicon_terms)),
    pos AS (
        SELECT tweet_id, p, unnest(range(1, len(p) + 1)) AS i
        FROM (SELECT tweet_id, {_PIECES.format("text")} AS p FROM t)),
    grams AS (
        SELECT tweet_id, n, array_to_string(p[i:i + n - 1], chr(1)) AS gram
        FROM pos, (SELECT DISTINCT n FROM phrases) WHERE i + n - 1 <= len(p)),
    hits AS (
        SELECT tweet_id, list(DISTINCT term ORDER BY term) AS terms
        FROM grams JOIN phrases USING (n, gram) GROUP BY tweet_id)"""


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

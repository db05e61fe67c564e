"""Faults in what a person can type: the sales lexicon (Tools ▸ Analysis Settings, applied
through the same pipeline call as the dialog) and the dates of the command line."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from pathlib import Path

from tests.faults import fault
from tests.faults.judge import cli, imported_library, refused_cleanly


def _promotional(con, scope) -> int:
    from archivelens.analysis import metrics

    return int(metrics.summarize(con, scope)["promotional_tweets"])


def _refused(work: Path, lexicon: str, *mentions: str) -> str:
    """Applying *lexicon* is refused in one sentence naming *mentions*; settings and the
    classification stay as they were."""
    from archivelens import pipeline
    from archivelens.errors import UserError

    library = imported_library(work)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        before = pipeline.analysis_settings(con, scope.account_id)
        promotional = _promotional(con, scope)
        try:
            pipeline.apply_analysis_settings(con, scope, replace(before, lexicon=lexicon))
        except UserError as err:
            said = str(err)
        else:
            raise AssertionError(f"accepted; now {_promotional(con, scope)} promotional tweets")
        assert pipeline.analysis_settings(con, scope.account_id) == before, "settings changed"
        assert _promotional(con, scope) == promotional, "the classification changed"
    assert "\n" not in said and said.endswith("."), f"not one sentence: {said!r}"
    for word in mentions:
        assert word.lower() in said.lower(), f"{word!r} not named in: {said}"
    return said


@fault("settings", "a bare re: line")
def bare_re(work: Path) -> str:
    return _refused(work, "buy now\n# mine\nre:\nshop now\n", "line 3", "re:")


@fault("settings", "a pattern that matches empty text (re:a*)")
def empty_star(work: Path) -> str:
    return _refused(work, "buy now\nre:a*\n", "line 2", "empty")


@fault("settings", "a pattern that matches between words (re:\\b)")
def word_boundary(work: Path) -> str:
    return _refused(work, "re:\\b\nbuy now\n", "line 1", "empty")


@fault("settings", "a pattern with an empty alternative (re:sale|)")
def empty_alternative(work: Path) -> str:
    return _refused(work, "re:sale|\n", "line 1", "empty")


@fault("settings", "a pattern that does not compile")
def unclosed(work: Path) -> str:
    return _refused(work, "buy now\nre:(unclosed\n", "line 2", "not valid")


@fault("settings", "a 1 MB line")
def megabyte_line(work: Path) -> str:
    return _refused(work, "buy now\n" + "sale " * 200_000 + "\n", "line 2", "1,000")


@fault("settings", "more lines than the limit")
def too_many_lines(work: Path) -> str:
    from archivelens.analysis import promotion

    many = "\n".join(f"phrase{n}" for n in range(promotion.MAX_ENTRIES + 1))
    return _refused(work, many, f"{promotion.MAX_ENTRIES:,}")


@fault("settings", "more re: patterns than the limit")
def too_many_patterns(work: Path) -> str:
    from archivelens.analysis import promotion

    many = "\n".join(f"re:item{n}[0-9]" for n in range(promotion.MAX_PATTERNS + 1))
    return _refused(work, many, "patterns", f"{promotion.MAX_PATTERNS:,}")


def _big_lexicon(phrases: int) -> str:
    """The bundled lexicon and *phrases* made-up product names no tweet holds."""
    from archivelens.analysis import promotion

    rng = random.Random(phrases)
    made_up: set[str] = set()
    while len(made_up) < phrases:
        words = rng.randint(1, 4)
        made_up.add(
            " ".join("".join(rng.choices("bcdfghklmnpqrstvwxz", k=7)) for _ in range(words))
        )
    return promotion.default_lexicon_text() + "\n" + "\n".join(sorted(made_up)) + "\n"


def _accepted(work: Path, phrases: int) -> str:
    """A lexicon of *phrases* extra phrases applies, and finds what the bundled one finds."""
    from archivelens import pipeline

    library = imported_library(work)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        settings = pipeline.analysis_settings(con, scope.account_id)
        promotional = _promotional(con, scope)
        lexicon = _big_lexicon(phrases)
        started = time.perf_counter()
        pipeline.apply_analysis_settings(con, scope, replace(settings, lexicon=lexicon))
        took = time.perf_counter() - started
        assert pipeline.analysis_settings(con, scope.account_id).lexicon == lexicon
        assert _promotional(con, scope) == promotional, "the made-up phrases changed the count"
        # One of them, written in a tweet, is found.
        needle = lexicon.splitlines()[-1]
        con.execute(
            "UPDATE tweets SET text = text || ' ' || upper(?) WHERE tweet_id = "
            "(SELECT min(tweet_id) FROM tweets WHERE snapshot_id = ? AND kind = 'original' "
            "AND tweet_id NOT IN (SELECT tweet_id FROM promotion WHERE len(matched_terms) > 0))",
            [needle, scope.snapshot_id],
        )
        con.execute("DELETE FROM promotion_state")
        pipeline.analyze(con, scope.snapshot_id, scope.account_id)
        assert _promotional(con, scope) == promotional + 1, f"{needle!r} not found"
    return f"{phrases:,} phrases applied in {took:.1f} s"


@fault("settings", "a lexicon of 20,000 phrases")
def twenty_thousand(work: Path) -> str:
    return _accepted(work, 20_000)


@fault("settings", "a lexicon of 100,000 phrases")
def hundred_thousand(work: Path) -> str:
    return _accepted(work, 100_000)


@fault("settings", "a lexicon of comments only")
def only_comments(work: Path) -> str:
    from archivelens import pipeline

    library = imported_library(work)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        settings = replace(pipeline.analysis_settings(con, scope.account_id), own_domains=[])
        pipeline.apply_analysis_settings(con, scope, replace(settings, lexicon="# none\n"))
        assert _promotional(con, scope) == 0
    return "no sales words: nothing is promotional"


@fault("settings", "--to 9999-12-31")
def last_representable_day(work: Path) -> str:
    library = imported_library(work)
    return refused_cleanly(cli("report", "--db", library, "--to", "9999-12-31"), "--to")


@fault("settings", "--from 2023-02-30")
def no_such_day(work: Path) -> str:
    library = imported_library(work)
    return refused_cleanly(
        cli("export", "--db", library, "--out", work / "o", "--from", "2023-02-30"), "--from"
    )

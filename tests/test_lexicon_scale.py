"""Long sales lexicons (issue 18): matched by the tweets' piece sequences instead of one giant
pattern, with the same verdicts; what cannot be matched sensibly is refused by line."""

from __future__ import annotations

import random
from datetime import date

import pytest

from archivelens import pipeline
from archivelens.analysis import promotion
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError


def _matches(con, lexicon: promotion.Lexicon, snapshot_id: int) -> dict[int, set[str]]:
    con.execute("DELETE FROM promotion WHERE snapshot_id = ?", [snapshot_id])
    promotion._match_lexicon(con, lexicon, snapshot_id)
    rows = con.execute(
        "SELECT tweet_id, matched_terms FROM promotion WHERE snapshot_id = ?", [snapshot_id]
    ).fetchall()
    return {tweet_id: set(terms) for tweet_id, terms in rows}


def test_pieces_find_exactly_what_the_one_pattern_finds(make_archive, library, monkeypatch):
    """Phrases cut from the tweets themselves (punctuation, hashtags, links, emoji included),
    and the bundled phrases, matched both ways."""
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library, analysis=False)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        texts = [t for (t,) in con.execute("SELECT text FROM tweets").fetchall()]
        rng = random.Random(4)
        cut = set()
        for text in rng.sample(texts, 300):
            words = text.split()
            start = rng.randrange(len(words))
            cut.add(" ".join(words[start : start + rng.randint(1, 3)]))
        phrases = [p for p in cut if not p.startswith(("#", "re:"))]
        bundled = [e for e in promotion.Lexicon(promotion.default_lexicon_text()).phrases]
        lexicon = promotion.Lexicon("\n".join([*bundled, *phrases]))
        assert lexicon.by_pieces
        by_pieces = _matches(con, lexicon, scope.snapshot_id)
        monkeypatch.setattr(promotion, "ONE_PATTERN_PHRASES", 10**9)
        by_pattern = _matches(con, lexicon, scope.snapshot_id)
    assert {t for t, m in by_pieces.items() if m} == {t for t, m in by_pattern.items() if m}
    # The one pattern stops at the first of two overlapping phrases; pieces list both.
    assert all(by_pattern[t] <= by_pieces[t] for t in by_pattern)
    assert sum(1 for m in by_pieces.values() if m) > 100


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Get 50% OFF today", True),  # "% off": no word boundary needed before "%"
        ("50%off today", False),  # the phrase has white space between "%" and "off"
        ("ORDER\t\nNOW please", True),  # any white space between words
        ("preorder now", False),  # "order now" is not inside a longer word
        ("order nowhere", False),
        ("pre-order now", True),  # "-" ends a word
    ],
)
def test_piece_matching_keeps_the_patterns_boundaries(text, found):
    import duckdb

    con = duckdb.connect()
    phrases = ["% off", "order now", *(f"filler{n}" for n in range(promotion.ONE_PATTERN_PHRASES))]
    lexicon = promotion.Lexicon("\n".join(phrases))
    con.execute(
        "CREATE TABLE tweets (snapshot_id INT, tweet_id BIGINT, kind VARCHAR, text VARCHAR)"
    )
    con.execute(
        "CREATE TABLE promotion (snapshot_id INT, tweet_id BIGINT, matched_terms VARCHAR[], "
        "own_domain_link BOOLEAN)"
    )
    con.execute("INSERT INTO tweets VALUES (1, 1, 'original', ?)", [text])
    promotion._match_lexicon(con, lexicon, 1)
    (terms,) = con.execute("SELECT matched_terms FROM promotion").fetchone()
    assert bool(terms) == found, terms


def test_an_empty_pattern_is_refused_by_its_line(make_archive, library):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library, analysis=False)
    with pipeline.open_library(library) as con:
        for text, line in (("buy now\nre:\n", "Line 2"), ("# x\n\nre:(sale)?\n", "line 3")):
            with pytest.raises(UserError, match=line):
                promotion.save_lexicon(con, text)
        assert promotion.user_lexicon(con) is None


def test_the_last_day_a_date_picker_offers_is_an_open_end():
    scope = Scope(1, 1, "x", date(2023, 1, 1), date_to=date(9999, 12, 31))  # type: ignore[arg-type]
    assert scope.end.year == 9999

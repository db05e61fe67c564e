"""Counts, numbers and shares as people read them; file names kept apart from the sentence."""

from __future__ import annotations

import pytest

from archivelens import words


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (1, "tweet", "1 tweet"),
        (0, "tweet", "0 tweets"),
        (1333, "record", "1,333 records"),
        (1, "person", "1 person"),
        (2, "person", "2 people"),
        (3, "reply", "3 replies"),
        (2, "blocked account", "2 blocked accounts"),
        (2, "sales blast", "2 sales blasts"),
        (1.0, "like", "1 like"),
        (12.0, "retweet", "12 retweets"),
        (2.5, "share", "2.5 shares"),
    ],
)
def test_plural(n, noun, expected):
    assert words.plural(n, noun) == expected


def test_plural_with_an_explicit_plural():
    assert words.plural(2, "you followed", "you followed") == "2 you followed"


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (12.0, "12"),
        (319.0, "319"),
        (1333, "1,333"),
        (2.25, "2.2"),
        (0.96, "1"),
        (1234.5, "1,234.5"),
    ],
)
def test_number_drops_a_zero_decimal(x, expected):
    assert words.number(x) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (None, "–"),
        (0.0, "0%"),
        (0.004, "<1%"),
        (0.006, "1%"),
        (0.42, "42%"),
        (0.996, ">99%"),
        (1.0, "100%"),
    ],
)
def test_percent_never_rounds_something_to_nothing(share, expected):
    assert words.percent(share) == expected


def test_join():
    assert words.join([]) == ""
    assert words.join(["a"]) == "a"
    assert words.join(["a", "b"]) == "a and b"
    assert words.join(["a", "b", "c"]) == "a, b and c"


def test_file_names_follow_the_sentence_and_split_off_again():
    message = words.with_files("Your likes are missing from this archive", "data/like.js")
    assert message == "Your likes are missing from this archive (file: data/like.js)."
    assert words.split_files(message) == (
        "Your likes are missing from this archive.",
        "data/like.js",
    )
    two = words.with_files("Two parts differ", "a.js", "b.js")
    assert words.split_files(two) == ("Two parts differ.", "a.js, b.js")
    plain = "Nothing to split (really)."
    assert words.split_files(plain) == (plain, "")

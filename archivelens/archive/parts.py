"""What each file of an archive is, in the words of the person who downloaded it.

Messages name the part of the archive ("your followers list"); the file name follows only in
brackets, for whoever wants to look inside the zip (``words.with_files``).
"""

from __future__ import annotations

import re

from archivelens.words import with_files

# Our name for each data type we read → the basename pattern of its files (part0 and partN).
KINDS: dict[str, re.Pattern[str]] = {
    "tweets": re.compile(r"^(?:tweets|tweet)(?:-part(\d+))?\.js$"),
    "follower": re.compile(r"^follower(?:-part(\d+))?\.js$"),
    "following": re.compile(r"^following(?:-part(\d+))?\.js$"),
    "block": re.compile(r"^block(?:-part(\d+))?\.js$"),
    "mute": re.compile(r"^mute(?:-part(\d+))?\.js$"),
    "like": re.compile(r"^like(?:-part(\d+))?\.js$"),
    "note_tweet": re.compile(r"^note-tweet(?:-part(\d+))?\.js$"),
}
# What a person calls each kind's file, and what one record of it is (for the notes an import
# leaves: "Your followers list is missing from this archive …").
KIND_WORDS: dict[str, tuple[str, str]] = {
    "tweets": ("your tweets", "tweet"),
    "grailbird": ("your tweets", "tweet"),
    "tweets_csv": ("your tweets", "tweet"),
    "follower": ("your followers list", "follower"),
    "following": ("the list of accounts you follow", "account"),
    "block": ("your block list", "blocked account"),
    "mute": ("your mute list", "muted account"),
    "like": ("your likes", "like"),
    "note_tweet": ("your long tweets", "long tweet"),
}
# The small files every era has, which no kind above covers.
_SMALL_FILES = {
    "manifest.js": "the archive's table of contents",
    "account.js": "your account details",
    "account-timezone.js": "your time zone setting",
    "user_details.js": "your account details",
    "tweet_index.js": "the index of your tweets",
    "payload_details.js": "the archive's description",
}
_GRAILBIRD_RE = re.compile(r"^data/js/tweets/\d{4}_\d{2}\.js$")


def kind_of(base: str) -> str | None:
    """The kind of a data file by its basename (``follower-part1.js`` → ``follower``)."""
    return next((kind for kind, pattern in KINDS.items() if pattern.match(base)), None)


def describe(name: str) -> str:
    """The part of the archive a member holds, as a person says it (never empty)."""
    if _GRAILBIRD_RE.match(name):
        return "your tweets of one month"
    base = name.rsplit("/", 1)[-1]
    kind = kind_of(base)
    if kind is not None:
        return KIND_WORDS[kind][0]
    return _SMALL_FILES.get(base, "a part of the archive")


def damaged(name: str, why: str = "") -> str:
    """The sentence for a member that cannot be read: the part first, the file in brackets."""
    reason = f": {why}" if why else " and cannot be read"
    return with_files(f"The part of this archive holding {describe(name)} is damaged{reason}", name)

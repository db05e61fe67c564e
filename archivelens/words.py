"""How counts, numbers and shares read in the sentences people see.

One place for it, so the app, the command line and the exports never say "1 tweets",
"12.0 retweets" or "0%" for a share that is not zero. Plain Python: the core and the GUI both use
it.
"""

from __future__ import annotations

import re

# Nouns whose plural is not the singular + "s".
_IRREGULAR = {
    "person": "people",
    "reply": "replies",
    "copy": "copies",
    "entry": "entries",
    "this": "these",
    "is": "are",
    "was": "were",
    "does": "do",
    "has": "have",
}


def plural_of(noun: str) -> str:
    """The plural of *noun* (its last word: "blocked account" → "blocked accounts")."""
    head, _, last = noun.rpartition(" ")
    if last in _IRREGULAR:
        many = _IRREGULAR[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return f"{head} {many}" if head else many


def plural(n: int | float, noun: str, many: str | None = None) -> str:
    """A count and its noun, as people read it: "1 tweet", "1,333 tweets", "0 tweets";
    *many* where the plural is not regular ("1 person", "2 people" is known already)."""
    one = _whole(n) == 1
    return f"{number(n)} {noun if one else (many or plural_of(noun))}"


def number(x: int | float) -> str:
    """A number with thousands separators, without ".0" on a whole one: "12", "1,333", "2.5"."""
    value = _whole(x)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


def _whole(x: int | float) -> int | float:
    """*x* as an int when it is (or rounds, at one decimal, to) a whole number."""
    if isinstance(x, int):
        return int(x)
    rounded = round(float(x), 1)
    return int(rounded) if rounded.is_integer() else rounded


def percent(share: float | None) -> str:
    """A share as a whole percentage; one that is not zero never reads "0%" ("<1%"), one that
    is not all never reads "100%" (">99%"); unknown is "–"."""
    if share is None:
        return "–"
    text = f"{share:.0%}"
    if text == "0%" and share > 0:
        return "<1%"
    if text == "100%" and share < 1:
        return ">99%"
    return text


def join(items: list[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# A message that names the archive's files keeps them at its end, apart from the sentence:
# "Your followers list is missing from this archive … (file: data/follower.js)." The command
# line prints it whole; the app shows the sentence and puts the files under "Details".
_FILES_RE = re.compile(r" \((?:file|files): ([^()]+)\)\.$")


def with_files(sentence: str, *names: str) -> str:
    """*sentence* (without its full stop) followed by the file names it is about."""
    if not names:
        return f"{sentence}."
    label = "file" if len(names) == 1 else "files"
    return f"{sentence} ({label}: {', '.join(names)})."


def split_files(message: str) -> tuple[str, str]:
    """(the sentence a person reads, the file names behind it or "") of a message."""
    match = _FILES_RE.search(message)
    if match is None:
        return message, ""
    return message[: match.start()] + ".", match.group(1)

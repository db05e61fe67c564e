"""Normalising tweet text before comparing it, so re-sent messages look alike.

Lowercase, Unicode NFKC, links and @mentions dropped (a new link or a different person does not
make a new message), hashtag words kept without '#', emoji and punctuation dropped, whitespace
collapsed. The text reaching here is already HTML-unescaped (once, at import).
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_NOT_WORD = re.compile(r"[^\w\s]+|_+")  # \w is Unicode-aware: letters and digits of any script
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = text.replace("#", " ")
    text = _NOT_WORD.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def word_count(normalized: str) -> int:
    return normalized.count(" ") + 1 if normalized else 0

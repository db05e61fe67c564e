"""Normalising tweet text before comparing it, so re-sent messages look alike.

Unicode NFKC, lowercase, links and @mentions dropped (a new link or a different person does not
make a new message), hashtag words kept without '#', emoji and punctuation dropped, whitespace
collapsed. The text reaching here is already HTML-unescaped (once, at import). Runs as Arrow
compute kernels (RE2 with Unicode classes), so two million tweets normalise in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

# Links, @mentions, then anything that is neither a letter, mark, digit nor space (punctuation,
# emoji, the '#' of hashtags), then underscores: leftmost alternative first.
_DROP = r"(?:https?://|www\.)\S+|@[\p{L}\p{M}\p{N}_]+|[^\p{L}\p{M}\p{N}\s]+|_+"


# Scripts written without spaces between words: each character is spaced out so that it counts
# (and shingles) as a word, and two of them weigh as much as one word of a spaced script.
_DENSE_CHAR = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
# A message has substance: 5 words, or 10 characters of a script without spaces (metrics.md).
MESSAGE_WORDS = 5

_CHUNK = 100_000  # texts per batch: each step copies its input, so batches bound the peak


def normalize_all(texts: Sequence[str] | pa.Array) -> pa.Array:
    arr = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string())
    parts = [_normalize_chunk(arr.slice(i, _CHUNK)) for i in range(0, len(arr), _CHUNK)]
    return pa.concat_arrays(parts) if parts else pa.array([], pa.large_string())


def _normalize_chunk(arr: pa.Array) -> pa.Array:
    out = pc.utf8_lower(pc.utf8_normalize(arr, "NFKC"))
    out = pc.replace_substring_regex(out, _DROP, " ")
    out = pc.replace_substring_regex(out, f"({_DENSE_CHAR})", r" \1 ")
    out = pc.utf8_trim_whitespace(pc.replace_substring_regex(out, r"\s+", " "))
    return out.cast(pa.large_string())


def normalize(text: str) -> str:
    return normalize_all([text])[0].as_py()


def word_counts(normalized: pa.Array) -> pa.Array:
    """Words in each normalised text (0 for an empty one)."""
    spaces = pc.add(pc.count_substring(normalized, " "), 1)
    return pc.if_else(pc.equal(pc.utf8_length(normalized), 0), 0, spaces)


def is_message(normalized: pa.Array) -> pa.Array:
    """Whether each normalised text is a *message* (``metrics.md``): at least 5 words once
    handles, links, emoji and punctuation are gone, a character of a script written without
    spaces counting half a word. A bare link, "Hi", "xD" or "Interested" is no message."""
    dense = pc.count_substring_regex(normalized, _DENSE_CHAR)
    weight = pc.subtract(pc.multiply(word_counts(normalized), 2), dense)
    return pc.greater_equal(weight, 2 * MESSAGE_WORDS)

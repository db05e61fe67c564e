"""Normalising tweet text before comparing it, so re-sent messages look alike.

Unicode NFKC, lowercase, links and @mentions dropped (a new link or a different person does not
make a new message), hashtag words kept without '#', emoji and punctuation dropped, whitespace
collapsed. The text reaching here is already HTML-unescaped (once, at import). Runs as Arrow
compute kernels (RE2 with Unicode classes), so two million tweets normalise in seconds.

Each text also has a *core*: the message a person reads once the decoration a re-send adds is
gone — a short lead-in ("Reminder:", "Last chance!") and runs of hashtags, @mentions, links
and emoji at either end. Two re-sends of one message that differ in those alone have the same
core (issue 22). Figures stay: with prices masked, "Last chance to buy Coffee Atlas at $35" and
the same words for Tea Tasting Cards at $12 read as one message, and they are two.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

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

# Whitespace collapsed to one space: the runs of two or more, and single whitespace other than a
# space. The same as replacing every ``\s+``, but a single space (most matches) is left alone
# instead of replaced by itself: a fifth of the time on two million tweets.
_SPACES = r"\s\s+|[^\S ]"

_CHUNK = 100_000  # texts per batch: each step copies its input, so batches bound the peak

# Decoration at the end of a re-send: links, @mentions, hashtags, "cc"/"via", emoji, punctuation.
_TAIL = (
    r"(?:\s|(?:https?://|www\.)\S+|[@#][\p{L}\p{M}\p{N}_]+|\b(?:cc|via|h/t)\b"
    r"|[^\p{L}\p{M}\p{N}\s])+$"
)
# At the start: links, @mentions and emoji, then up to two short lead-ins of at most three words
# ending in ':', '!' or '|' ("Reminder:", "Last chance!", "New:"). Hashtags at the start stay:
# "#Sale on the Garden Planner" reads as words.
_SYMBOLS = r"[^\p{L}\p{M}\p{N}\s#]"
_HEAD = (
    rf"^(?:\s|(?:https?://|www\.)\S+|@[\p{{L}}\p{{M}}\p{{N}}_]+|{_SYMBOLS})*"
    rf"(?:(?:[^\s:!|]+\s+){{0,2}}[^\s:!|]+\s*[:!|]+\s+(?:{_SYMBOLS}\s*)*){{0,2}}"
)


def normalize_all(texts: Sequence[str] | pa.Array) -> pa.Array:
    """Each text normalised for comparison (module docstring)."""
    arr = _as_array(texts)
    return _concat([_normalize_chunk(_fold(arr.slice(i, _CHUNK))) for i in _starts(arr)])


def normalize_with_cores(texts: Sequence[str] | pa.Array) -> tuple[pa.Array, pa.Array]:
    """Each text normalised, and its normalised core — null where the core is the whole
    normalised text, as it is for most tweets, so the cores cost memory only where they differ.

    Slices go to a pool of threads: Arrow's kernels release the GIL, so both cores work."""
    arr = _as_array(texts)
    step = max(_MIN_SLICE, -(-len(arr) // _THREADS))
    slices = [arr.slice(i, step) for i in range(0, len(arr), step)]
    with ThreadPoolExecutor(_THREADS) as pool:
        parts = list(pool.map(_with_core, slices))
    return _concat([p[0] for p in parts]), _concat([p[1] for p in parts])


_THREADS = 2  # the reference machine's cores
_MIN_SLICE = 10_000  # smaller texts are not worth a thread


def _with_core(arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    full, cores = [], []
    for i in _starts(arr):
        folded = _fold(arr.slice(i, _CHUNK))
        normalized = _normalize_chunk(folded)
        full.append(normalized)
        # A text its head and tail leave whole has its whole normalised text for core (null):
        # only the others are normalised again (two fifths of tweets).
        bare = _core_chunk(folded)
        cut = pc.fill_null(pc.not_equal(bare, folded), False)
        core = pc.replace_with_mask(
            pa.nulls(len(folded), normalized.type), cut, _normalize_chunk(bare.filter(cut))
        )
        cores.append(pc.if_else(pc.equal(core, normalized), pa.scalar(None, core.type), core))
    return _concat(full), _concat(cores)


def _as_array(texts: Sequence[str] | pa.Array) -> pa.Array:
    return texts if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string())


def _starts(arr: pa.Array) -> range:
    return range(0, len(arr), _CHUNK)


def _concat(parts: list[pa.Array]) -> pa.Array:
    return pa.concat_arrays(parts) if parts else pa.array([], pa.large_string())


def _fold(arr: pa.Array) -> pa.Array:
    """Unicode compatibility forms and case folded away: the first step of both forms."""
    return pc.utf8_lower(pc.utf8_normalize(arr, "NFKC"))


def _core_chunk(folded: pa.Array) -> pa.Array:
    out = pc.replace_substring_regex(folded, _TAIL, "")
    return pc.replace_substring_regex(out, _HEAD, "")


def _normalize_chunk(folded: pa.Array) -> pa.Array:
    out = pc.replace_substring_regex(folded, _DROP, " ")
    out = pc.replace_substring_regex(out, f"({_DENSE_CHAR})", r" \1 ")
    out = pc.utf8_trim_whitespace(pc.replace_substring_regex(out, _SPACES, " "))
    return out.cast(pa.large_string())


def normalize(text: str) -> str:
    return normalize_all([text])[0].as_py()


def core(text: str) -> str:
    """The normalised core of one text (module docstring)."""
    normalized, cores = normalize_with_cores([text])
    return cores[0].as_py() or normalized[0].as_py()


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

"""Near-duplicate clustering of short texts: exact groups, MinHash blocking, rapidfuzz scoring,
and leader assembly that cannot drift.

Plain Python over lists (no database): :mod:`archivelens.analysis.duplicates` feeds it the
snapshot's tweets and stores what it returns. The steps:

1. Texts are normalised (:mod:`textnorm`); identical normalised texts form one *unique text*.
2. Only *messages* take part (:func:`textnorm.is_message`: five words or more): a bare photo
   link, "Hi" or "xD" repeated a hundred times is no re-sent message. Each unique message gets a
   MinHash signature over its word bigrams; texts sharing all ``ROWS`` values of any of
   ``BANDS`` bands become candidates (LSH).
3. Candidates in each bucket are scored with ``rapidfuzz.process.cdist`` (``score_cutoff``,
   ``workers``); pairs at or above the threshold become edges.
4. Leader assembly, oldest first: a text joins the cluster whose *representative* (its oldest
   text) it matches best at or above the threshold — always checked against the representative,
   so A~B, B~C, A≁C cannot chain C into A's cluster — or starts a new one.
5. Whole clusters (and lone texts) are merged when their representatives' *cores* match
   (:func:`textnorm.normalize_with_cores`: no lead-in, no runs of hashtags, handles, links or
   emoji at either end), scored by :func:`core_score`, which also forgives reordered
   sentences and a sentence added at either end: the same steps 2–4 over one core per cluster.
   A re-send with "Last chance!", five hashtags or a sentence added is in its message's cluster
   (issue 22).
6. A text that moved with its cluster must match its new representative itself
   (:func:`_leavers`): the first pass can put two products' re-sends together by a sentence
   both added, and step 5 would carry both to one product's message. One that does not leaves
   for the cluster whose (older) representative it matches best, or stands alone: every text
   matches its cluster's representative, across the two passes as within each.

Every step is deterministic: the same texts in the same order give the same clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from archivelens.analysis.textnorm import is_message, normalize_with_cores

BANDS = 20
ROWS = 3
MAX_BUCKET = 5000  # a bucket this big is a common-bigram collision, not one message
MATRIX_FROM = 24  # buckets bigger than this are scored as a matrix, smaller ones as pairs
_PAIR_BATCH = 1 << 18
DEFAULT_THRESHOLD = 85.0
SCORER = fuzz.ratio  # chosen by measurement: see bench/duplicates_quality.py

_MASK = np.uint64((1 << 64) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier for 64-bit multiplicative hashing
_MIX = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's second multiplier
_rng = np.random.default_rng(20231126)  # fixed: signatures must not change between runs
_A = _rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
# The permutations work modulo 2**32 (bigram hashes are 32-bit): only the low halves count.
_A32 = (_A & np.uint64(0xFFFFFFFF)).astype(np.uint32)
_B32 = (_B & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@dataclass(frozen=True)
class Assignment:
    """Cluster of each input text (-1: in none) and its similarity to the representative."""

    cluster: np.ndarray  # per text: its cluster number, or -1
    similarity: np.ndarray  # per text: score against its cluster's representative (0..100)
    representative: np.ndarray  # per cluster: index of its representative text


PARTIAL_MIN_CHARS = 40  # a core this long or longer may be found inside another …
PARTIAL_MIN_SHARE = 0.5  # … at least twice its length: a sentence added, not a new message
# … and only almost whole: partial_ratio forgives a changed word as readily as an added
# sentence, and "Last chance to buy Coffee Atlas at $35" inside the same words about another
# product with "Thank you all for the support!" after them scores 88.
PARTIAL_MIN_SCORE = 95.0
REORDER_MIN_BIGRAMS = 0.6  # word pairs a reordered text keeps (see _bigrams_kept)


def core_score(a: str, b: str, score_cutoff: float = 0.0) -> float:
    """How alike two cores are: the best of ``ratio``; ``token_sort_ratio`` (sentences moved)
    when most word bigrams survive; and ``partial_ratio`` (a sentence added before or after)
    when the two share their first or last ``END_WORDS`` words, the shorter is long enough to be
    a message of its own and at least half the longer, and the score is at least
    ``PARTIAL_MIN_SCORE``. 0 below *score_cutoff*.

    Each guard answers a false match seen on generated archives, where 70 words make up every
    ordinary tweet: "travel seminar answer breakfast science idea autumn" sorts like "science
    autumn mentor recipe travel seminar answer breakfast" (88), and "morning winter poetry
    weekend library dinner" is 95 % inside "morning winter poetry weekend library winter spring
    walk"."""
    return float(_core_scores([a], [b], score_cutoff, 1)[0])


@dataclass(frozen=True)
class Scorer:
    """One way of scoring texts: all pairs of a big bucket (upper triangle, the rest 0), a
    list of pairs, one pair. Scores under the cutoff are 0."""

    matrix: Callable[[list[str], float, int], np.ndarray]
    # (left, right, cutoff, workers, whether each pair shares an end when already known)
    pairs: Callable[[list[str], list[str], float, int, np.ndarray | None], np.ndarray]
    one: Callable[[str, str, float], float]
    # (left lengths, right lengths, shares an end or None, cutoff): which pairs can score it
    may_reach: Callable[[np.ndarray, np.ndarray, np.ndarray | None, float], np.ndarray]
    # cutoff -> how many times the shorter text's length the longer may be and still score
    # it (None: no such bound): lets a big bucket be scored by length, see _score_by_length
    reach: Callable[[float], float | None] = lambda _cutoff: None


def _ratio_matrix(texts: list[str], cutoff: float, workers: int) -> np.ndarray:
    scores = process.cdist(
        texts, texts, scorer=SCORER, score_cutoff=cutoff, workers=workers, dtype=np.float32
    )
    return np.triu(scores, k=1)


def _ratio_pairs(
    left: list[str], right: list[str], cutoff: float, workers: int, _ends: np.ndarray | None
) -> np.ndarray:
    return process.cpdist(
        left, right, scorer=SCORER, score_cutoff=cutoff, workers=workers, dtype=np.float32
    )


def _core_matrix(texts: list[str], cutoff: float, workers: int) -> np.ndarray:
    """``ratio`` for every pair, then :func:`_core_scores` for the pairs it may raise: those
    ``token_sort_ratio`` scores higher, and those sharing an end."""
    scores = _ratio_matrix(texts, cutoff, workers)
    moved = process.cdist(
        texts,
        texts,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=cutoff,
        workers=workers,
        dtype=np.float32,
    )
    ends = _end_keys(pa.array(texts, pa.large_string()))
    same_end = (ends[:, :1] == ends[:, :1].T) | (ends[:, 1:] == ends[:, 1:].T)
    i, j = np.nonzero(np.triu((moved > scores) | same_end, k=1))
    if len(i):
        left, right = [texts[k] for k in i], [texts[k] for k in j]
        scores[i, j] = _core_scores(left, right, cutoff, workers, same_end[i, j])
    return scores


def _cpdist(
    scorer: Callable[..., float], left: list[str], right: list[str], cutoff: float, workers: int
) -> np.ndarray:
    return process.cpdist(
        left, right, scorer=scorer, score_cutoff=cutoff, workers=workers, dtype=np.float32
    )


def _core_scores(
    left: list[str],
    right: list[str],
    cutoff: float,
    workers: int,
    same_end: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`core_score` of each pair, the scorers run over the whole list at once;
    *same_end*: whether each pair shares an end, when the caller knows (else found here)."""
    lengths = (
        np.fromiter(map(len, left), np.int64, len(left)),
        np.fromiter(map(len, right), np.int64, len(right)),
    )
    short, long_ = np.minimum(*lengths), np.maximum(*lengths)
    scores = _cpdist(fuzz.ratio, left, right, cutoff, workers)
    # token_sort_ratio keeps a normalised text's length: the bound of ratio holds for it too
    # (pairs here only for the partial_ratio route are not worth sorting)
    sortable = np.flatnonzero(200.0 * short >= (cutoff - 1e-6) * (short + long_))
    moved = np.zeros_like(scores)
    moved[sortable] = _cpdist(
        fuzz.token_sort_ratio, _at(left, sortable), _at(right, sortable), cutoff, workers
    )
    for k in np.flatnonzero(moved > scores):  # few: sorted words that read alike
        if _bigrams_kept(left[k], right[k]) >= REORDER_MIN_BIGRAMS:
            scores[k] = moved[k]
    sized = (short >= PARTIAL_MIN_CHARS) & (short >= PARTIAL_MIN_SHARE * long_) & (scores < 100)
    nested = np.flatnonzero(sized)
    if same_end is None:
        nested = nested[_share_an_end(_at(left, nested), _at(right, nested))]
    else:
        nested = nested[same_end[nested]]
    partial_cutoff = max(cutoff, PARTIAL_MIN_SCORE)
    nested = nested[_may_be_inside(_at(left, nested), _at(right, nested), partial_cutoff)]
    if len(nested):
        a, b = _at(left, nested), _at(right, nested)
        partial = _cpdist(fuzz.partial_ratio, a, b, partial_cutoff, workers)
        scores[nested] = np.maximum(scores[nested], partial)
    return scores


def _at(texts: list[str], positions: np.ndarray) -> list[str]:
    return [texts[k] for k in positions.tolist()]


def _may_be_inside(left: list[str], right: list[str], cutoff: float) -> np.ndarray:
    """Pairs whose ``partial_ratio`` may reach *cutoff* (≥ 50), by a bound far cheaper than
    it: partial_ratio is the best ``ratio`` of the shorter text s against some part p of the
    other, 200 · LCS(s, p) / (|s| + |p|), and LCS(s, p) ≤ min(|p|, LCS of the whole texts).
    Reaching c needs |p| ≥ c · |s| / (200 − c), hence LCS(s, p) ≥ c · |s| / (200 − c), hence
    the whole texts' LCS too. Most pairs sharing an end share little else."""
    if not left:
        return np.zeros(0, dtype=bool)
    short = np.minimum(
        np.fromiter(map(len, left), np.int64, len(left)),
        np.fromiter(map(len, right), np.int64, len(right)),
    )
    common = process.cpdist(left, right, scorer=LCSseq.similarity, workers=-1, dtype=np.int32)
    return common >= cutoff * short / (200.0 - cutoff) - 1e-6


def _bigrams_kept(a: str, b: str) -> float:
    """Share of the word bigrams of the text with fewer that the other has too: sentences
    moved keep theirs (only those across a sentence boundary change), while two texts that
    merely use the same words — as ``token_sort_ratio`` sees them — do not."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / max(1, min(len(x), len(y)))


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = text.split()
    return set(pairwise(words))


def _share_an_end(left: list[str], right: list[str]) -> np.ndarray:
    """Whether each pair opens, or closes, with the same ``END_WORDS`` words."""
    return np.array(
        [
            _ends(a) == _ends(b) or _ends(a, -1) == _ends(b, -1)
            for a, b in zip(left, right, strict=True)
        ],
        dtype=bool,
    )


def _ends(text: str, side: int = 1) -> list[str]:
    """The first (*side* 1) or last (-1) ``END_WORDS`` words of a normalised text."""
    if side > 0:
        return text.split(" ", END_WORDS)[:END_WORDS]
    return text.rsplit(" ", END_WORDS)[-END_WORDS:]


def _ratio_may_reach(
    left: np.ndarray, right: np.ndarray, _ends: np.ndarray | None, cutoff: float
) -> np.ndarray:
    """Pairs whose lengths let ``ratio`` reach *cutoff*: it is 100 · (1 − indel / (a + b)),
    and the indel distance is at least the length difference, so ratio ≤ 200 · min / (a + b).
    Most candidate pairs fail it: scoring them made the strings only to throw them away.
    (``token_sort_ratio`` of a normalised text keeps its length: the same bound; any other
    scorer a benchmark tries gets every pair.)"""
    if SCORER not in (fuzz.ratio, fuzz.token_sort_ratio):
        return np.ones(len(left), dtype=bool)
    return 200.0 * np.minimum(left, right) >= (cutoff - 1e-6) * (left + right)


def _core_may_reach(
    left: np.ndarray, right: np.ndarray, ends: np.ndarray | None, cutoff: float
) -> np.ndarray:
    """:func:`_ratio_may_reach` for ``ratio`` and ``token_sort_ratio``, or the size guards of
    the ``partial_ratio`` route of :func:`_core_scores` (and a shared end, when known)."""
    short, long_ = np.minimum(left, right), np.maximum(left, right)
    nested = (short >= PARTIAL_MIN_CHARS) & (short >= PARTIAL_MIN_SHARE * long_)
    if ends is not None:
        nested &= ends
    return nested | (200.0 * short >= (cutoff - 1e-6) * (left + right))


def _ratio_reach(cutoff: float) -> float | None:
    """:func:`_ratio_may_reach` as a factor: ratio ≤ 200 · short / (short + long) reaches
    *cutoff* only while long ≤ short · (200 − cutoff) / cutoff."""
    if SCORER not in (fuzz.ratio, fuzz.token_sort_ratio) or cutoff <= 0:
        return None
    return (200.0 - cutoff) / cutoff


RATIO = Scorer(
    _ratio_matrix,
    _ratio_pairs,
    lambda a, b, cut: SCORER(a, b, score_cutoff=cut),
    _ratio_may_reach,
    _ratio_reach,
)
CORE = Scorer(_core_matrix, _core_scores, core_score, _core_may_reach)


def cluster_texts(
    texts: Sequence[str] | pa.Array,
    threshold: float = DEFAULT_THRESHOLD,
    workers: int = -1,
    check: Callable[[], None] | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> Assignment:
    """Cluster *texts* (given oldest first). Clusters of one text are dropped (-1)."""
    if on_step:
        on_step("Reading your tweets", 0.0)
    normalized, cores = normalize_with_cores(texts)
    return cluster_normalized(normalized, cores, threshold, workers, check, on_step)


def cluster_normalized(
    normalized: pa.Array | pa.ChunkedArray,
    cores: pa.Array | pa.ChunkedArray,
    threshold: float = DEFAULT_THRESHOLD,
    workers: int = -1,
    check: Callable[[], None] | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> Assignment:
    """:func:`cluster_texts` for texts already through :func:`textnorm.normalize_with_cores`."""
    return cluster_prepared(prepare(normalized, cores), threshold, workers, check, on_step)


@dataclass(frozen=True)
class Prepared:
    """What clustering keeps of the texts: each text's code among the distinct texts, those
    texts, which are messages, and the messages' own cores (:func:`_own_cores`)."""

    owner: np.ndarray
    unique: pa.Array
    message: np.ndarray
    own_at: np.ndarray
    own_texts: pa.Array


def prepare(normalized: pa.Array | pa.ChunkedArray, cores: pa.Array | pa.ChunkedArray) -> Prepared:
    """The texts (through :func:`textnorm.normalize_with_cores`) reduced to :class:`Prepared`.

    A step of its own so that a caller can drop the texts before clustering proper: on two
    million tweets they are a fifth of the peak, and nothing after this reads them."""
    pa.default_memory_pool().release_unused()  # normalising's scratch: Arrow keeps it
    owner, unique_arr = _dedupe(normalized)
    message = is_message(unique_arr).to_numpy(zero_copy_only=False)
    own_at, own_texts = _own_cores(owner, cores, np.flatnonzero(message))
    return Prepared(owner, unique_arr, message, own_at, own_texts)


def cluster_prepared(
    texts: Prepared,
    threshold: float = DEFAULT_THRESHOLD,
    workers: int = -1,
    check: Callable[[], None] | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> Assignment:
    """:func:`cluster_normalized` of texts already through :func:`prepare`."""
    step = on_step or (lambda _s, _f: None)
    pa.default_memory_pool().release_unused()  # the texts the caller dropped: Arrow keeps them
    owner, unique_arr, message = texts.owner, texts.unique, texts.message
    own_at, own_texts = texts.own_at, texts.own_texts
    long_ids = np.flatnonzero(message)
    step("Looking for re-sent messages", 0.2)
    keys, own_bands, core_keys = _keys(unique_arr, long_ids, own_at, own_texts)
    blocked = _candidates(keys, check)
    del keys  # the whole texts' bands (a fifth of the first pass's peak): the pairs are made
    cluster, similarity = _cluster_ids(
        _Texts(unique_arr),
        long_ids,
        blocked,
        RATIO,
        threshold,
        workers,
        check,
        lambda: step("Comparing similar tweets", 0.4),
    )
    del blocked
    step("Joining re-sends with a new opening or ending", 0.7)
    is_unit = cluster[long_ids] == long_ids  # each cluster's representative, or a text alone
    units = long_ids[is_unit]
    own_core = np.zeros(len(long_ids), dtype=bool)
    own_core[own_at] = True
    unit_at = np.flatnonzero(is_unit)
    unit_cores = _unit_cores(unique_arr, units, unit_at, own_at, own_texts)
    del own_texts
    # the units' keys: their ends and words, and MinHash bands only for the units with a core
    # of their own (only those pair by MinHash), kept for those rows alone
    unit_keys = core_keys[is_unit]
    with_own = np.flatnonzero(own_core[is_unit])
    with_own_bands = own_bands[np.searchsorted(own_at, unit_at[with_own])]
    member_keys = core_keys[~is_unit]  # the other texts': should one have to leave (_leavers)
    del core_keys, own_bands
    blocked = _candidates(unit_keys, check, (with_own, with_own_bands))
    del with_own_bands
    merged, merged_sim = _cluster_ids(
        unit_cores,
        np.arange(len(units)),
        blocked,
        CORE,
        threshold,
        workers,
        check,
        lambda: step("Comparing their cores", 0.8),
        unit_keys[:, :2],
    )
    del unit_cores, blocked
    cores = _Cores(unique_arr, long_ids, own_at, texts.own_texts, threshold)
    leavers, homes = _leavers(cluster, units, merged, member_keys, unit_keys, cores)
    del unit_keys, member_keys
    cluster, similarity = _merge(cluster, similarity, units, merged, merged_sim)
    cluster, similarity = _rehome(cluster, similarity, leavers, homes, cores)
    pa.default_memory_pool().release_unused()
    return _expand(owner, cluster, similarity, message)


def _cluster_ids(
    texts: _Texts,
    ids: np.ndarray,
    blocked: tuple[list[np.ndarray], np.ndarray],
    scorer: Scorer,
    threshold: float,
    workers: int,
    check: Callable[[], None] | None,
    scoring: Callable[[], None],
    ends: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Steps 3–4 over ``texts[ids]``: each text's cluster (its representative's position in
    *texts*; texts outside *ids* stay alone) and its score against that representative.
    *blocked*: the groups and pairs of :func:`_candidates` (positions among *ids*), which the
    caller makes first so that it can drop the keys before scoring; *scoring* is told when
    scoring starts; *ends*: each text's end codes (:func:`_end_keys`), when known."""
    groups, pairs = blocked
    groups = [ids[g] for g in groups]  # from positions among the compared texts to positions
    index = ids.astype(pairs.dtype)
    np.take(index, pairs, out=pairs, mode="clip")  # in place (each cell reads only itself)
    del index
    scoring()
    pairs, shared = _reachable(texts, pairs, scorer, threshold, ends)
    edges = _score(texts, groups, pairs, scorer, threshold, workers, check, shared)
    return _assemble(texts, edges, scorer, threshold)


_REACH_BATCH = 1 << 20  # pairs whose lengths are compared at a time: bounds the temporaries


def _reachable(
    texts: _Texts, pairs: np.ndarray, scorer: Scorer, threshold: float, ends: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The pairs whose lengths let *scorer* reach *threshold* (``Scorer.may_reach``: most
    candidate pairs fail it, and scoring them made their strings only to throw them away),
    and whether each shares an end, given the texts' *ends* (:func:`_end_keys`). Pairs are
    looked at in batches: the lengths of all pairs at once were the first pass's peak."""
    lengths = texts.lengths()
    reach = np.empty(len(pairs), dtype=bool)
    shared = np.empty(len(pairs), dtype=bool) if ends is not None else None
    for start in range(0, len(pairs), _REACH_BATCH):
        left, right = pairs[start : start + _REACH_BATCH].T
        same = None
        if shared is not None and ends is not None:
            a, b = ends[left], ends[right]
            same = shared[start : start + len(left)]
            np.logical_or(a[:, 0] == b[:, 0], a[:, 1] == b[:, 1], out=same)
        reach[start : start + len(left)] = scorer.may_reach(
            lengths[left], lengths[right], same, threshold
        )
    return pairs[reach], (shared[reach] if shared is not None else None)


def _own_cores(
    owner: np.ndarray, cores: pa.Array | pa.ChunkedArray, long_ids: np.ndarray
) -> tuple[np.ndarray, pa.Array]:
    """Which messages (positions in *long_ids*) have a core of their own — their first text's,
    when it differs from the whole text and is a message itself — and those cores. Most
    tweets have none, so only a few strings are kept."""
    _codes, first = np.unique(owner, return_index=True)  # owner's codes are 0 … n-1
    core = pa.chunked_array([cores]) if isinstance(cores, pa.Array) else cores
    picked = _take(core, first[long_ids])
    usable = pc.fill_null(is_message(picked.cast(pa.large_string())), False)
    own_at = np.flatnonzero(usable.to_numpy(zero_copy_only=False))
    return own_at, picked.filter(usable).cast(pa.large_string())


def _unit_cores(
    unique_arr: pa.Array,
    units: np.ndarray,
    unit_at: np.ndarray,
    own_at: np.ndarray,
    own_texts: pa.Array,
) -> _Texts:
    """The core of each unit (its representative's, at *unit_at* among the messages): its own
    where it has one (:func:`_own_cores`), else its whole normalised text. Not copied: the
    texts and the own cores side by side, read at each unit's position (most units are texts
    alone, so a copy held almost every text twice: the second pass's peak)."""
    if not len(own_at):
        return _Texts(unique_arr, units)
    rank = np.minimum(np.searchsorted(own_at, unit_at), len(own_at) - 1)
    at = np.where(own_at[rank] == unit_at, len(unique_arr) + rank, units)
    return _Texts(pa.chunked_array([unique_arr, own_texts.cast(unique_arr.type)]), at)


@dataclass(frozen=True)
class _Texts:
    """Texts by position, without copying them: *source* at *at* (all of it when None).
    Strings are made only for what is scored at the time."""

    source: pa.Array | pa.ChunkedArray
    at: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.source) if self.at is None else len(self.at)

    def take(self, ids: np.ndarray) -> list[str]:
        """The texts at *ids*, as Python strings."""
        return self.array(ids).to_pylist()

    def array(self, ids: np.ndarray) -> pa.Array:
        """The texts at *ids*, as one Arrow array."""
        return _take(self.source, ids if self.at is None else self.at[ids])

    def one(self, i: int) -> str:
        return str(self.source[int(i if self.at is None else self.at[i])].as_py())

    def lengths(self) -> np.ndarray:
        """Characters in each text (int32: a tweet is short)."""
        whole = pc.fill_null(pc.utf8_length(self.source), 0)
        if isinstance(whole, pa.ChunkedArray):
            whole = whole.combine_chunks()
        out = whole.to_numpy(zero_copy_only=False).astype(np.int32)
        return out if self.at is None else out[self.at]


def _take(values: pa.Array | pa.ChunkedArray, ids: np.ndarray) -> pa.Array:
    """``values.take(ids)`` as one array, taking from each chunk on its own: Arrow's take on
    a chunked array joins all its chunks first, a whole copy of the texts for every take."""
    if isinstance(values, pa.Array):
        return values.take(pa.array(ids))
    if values.num_chunks == 1:
        return values.chunk(0).take(pa.array(ids))
    if not len(ids):
        return pa.array([], values.type)
    bounds = np.cumsum([0] + [len(c) for c in values.chunks])
    chunk = np.searchsorted(bounds, ids, side="right") - 1
    order = np.argsort(chunk, kind="stable")  # by chunk, in the order asked within each
    ids, chunk = ids[order], chunk[order]
    cuts = np.searchsorted(chunk, np.arange(values.num_chunks + 1))
    joined = pa.concat_arrays(
        [
            values.chunk(c).take(pa.array(ids[a:b] - bounds[c]))
            for c, (a, b) in enumerate(pairwise(cuts.tolist()))
            if b > a
        ]
    )
    if np.all(order[1:] > order[:-1]):  # asked in chunk order already
        return joined
    back = np.empty(len(order), dtype=np.int64)
    back[order] = np.arange(len(order))
    return joined.take(pa.array(back))


def _keys(
    unique_arr: pa.Array, long_ids: np.ndarray, own_at: np.ndarray, own_texts: pa.Array
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocking keys of both passes, from one word coding of the messages (``unique_arr`` at
    *long_ids*, taken batch by batch: never all copied at once) and their own cores
    (the same word, the same code, in both): the whole texts' MinHash bands; the bands of the
    own cores; and for each message's core (its own, else the whole text) its two ends and
    its words (three columns).

    Two units whose cores are their whole texts were compared by ``ratio`` already; the second
    pass can only join them as a sentence added (they share an end) or sentences moved (the
    same words). A re-send with decoration keeps its message's ends in its core, so it meets
    the message by an end too; MinHash bands only pair units that both have a core of their
    own (:func:`_candidates`' *needed*). Pairing those with every other unit as well found,
    on the 2M-tweet bench, 25 more pairs and all false (short texts of everyday words that a
    dropped hashtag made look alike), and none that the ends and words missed.
    Every key is made here, so the word codes (the biggest arrays of blocking) are made once
    and dropped.
    """
    n = len(long_ids)
    own_bands = np.zeros((len(own_at), BANDS), dtype=np.uint32)
    core_keys = np.zeros((n, 3), dtype=np.uint32)
    if n < 2:  # nothing to compare (and no words to encode)
        return np.zeros((n, BANDS), dtype=np.uint32), own_bands, core_keys
    codes, offsets = _word_codes([(unique_arr, long_ids), (own_texts, None)])
    keys = _bands(codes, offsets[: n + 1])
    start, stop = offsets[:n].copy(), offsets[1 : n + 1].copy()
    words = _words_key(codes, offsets[: n + 1])
    if len(own_at):
        own_bands = _bands(codes, offsets[n:])
        start[own_at], stop[own_at] = offsets[n:-1], offsets[n + 1 :]
        words[own_at] = _words_key(codes, offsets[n:])
    core_keys[:, :2] = _end_codes(codes, start, stop)
    core_keys[:, 2] = words
    return keys, own_bands, core_keys


def _words_key(codes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """A key of each text's words in any order (a hash of the multiset), so that a re-send
    with its sentences moved meets its message. Texts: ``codes[offsets[i]:offsets[i+1]]``."""
    out = np.empty(len(offsets) - 1, dtype=np.uint32)
    for first in range(0, len(out), _SIG_CHUNK):  # in batches: bounds the 64-bit temporaries
        last = min(first + _SIG_CHUNK, len(out))
        part = codes[offsets[first] : offsets[last]].astype(np.uint64)
        with np.errstate(over="ignore"):
            # splitmix64's finaliser: a sum of merely multiplied codes would depend only on the
            # sum of the codes, and "lunch review paper" would meet every text of the same total
            part += np.uint64(1)
            part *= _GOLDEN
            part ^= part >> np.uint64(31)
            part *= _MIX
            part ^= part >> np.uint64(29)
            part >>= np.uint64(8)
            sums = np.add.reduceat(part, offsets[first:last] - offsets[first])
            out[first:last] = ((sums * _GOLDEN) >> np.uint64(32)).astype(np.uint32)
    return out


def _merge(
    cluster: np.ndarray,
    similarity: np.ndarray,
    units: np.ndarray,
    merged: np.ndarray,
    merged_sim: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every text of a unit follows its unit into the merged cluster; a text's similarity is
    at most its unit's score against the merged cluster's representative."""
    unit_of = np.full(len(cluster), -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    position = unit_of[cluster]
    inside = position >= 0
    new_cluster = cluster.copy()
    new_cluster[inside] = units[merged[position[inside]]]
    new_sim = similarity.copy()
    new_sim[inside] = np.minimum(similarity[inside], merged_sim[position[inside]])
    return new_cluster, new_sim


@dataclass(frozen=True)
class _Cores:
    """Scores any two messages as both passes do: :func:`core_score` of their cores (their
    own, else the whole text: :func:`_unit_cores`) or ``SCORER`` of the whole texts."""

    unique: pa.Array
    long_ids: np.ndarray
    own_at: np.ndarray
    own_texts: pa.Array
    threshold: float

    def of(self, ids: np.ndarray) -> list[str]:
        at = np.searchsorted(self.long_ids, ids)
        return _unit_cores(self.unique, ids, at, self.own_at, self.own_texts).take(
            np.arange(len(ids))
        )

    def score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The better of the two scores of each pair (0 under the threshold)."""
        if not len(left):
            return np.zeros(0, dtype=np.float32)
        cores = _core_scores(self.of(left), self.of(right), self.threshold, -1)
        whole = _Texts(self.unique)
        a, b = whole.take(left), whole.take(right)
        return np.maximum(cores, _ratio_pairs(a, b, self.threshold, -1, None))


def _leavers(
    first: np.ndarray,
    units: np.ndarray,
    merged: np.ndarray,
    member_keys: np.ndarray,
    unit_keys: np.ndarray,
    cores: _Cores,
) -> tuple[np.ndarray, np.ndarray]:
    """The texts that may not follow their first-pass cluster into the second pass's merge,
    and the units whose clusters each may join instead: (leavers, pairs of a leaver's position
    among them and a unit).

    The second pass moves whole clusters, so a text of one joins a cluster whose
    representative it was never compared with — and a first-pass cluster can hold texts alike
    only in what both added: "Last chance to buy Poetry Notebook at the launch price of $14.
    Tell your friends and share this post!" scores 87 against the same words about the Garden
    Planner at $19. When the Garden Planner's re-send meets its message by its core, the Poetry
    Notebook's went with it, though it scores 61 against that message (issue 22). So each
    moved text must match its new representative itself, as leader assembly asks of every
    member; one that does not leaves. Its candidates are the units whose cores share an end or
    all words with its own (*member_keys*, *unit_keys*: :func:`_keys`' core columns of the
    texts that are no unit, and of the units): what the second pass would have compared it
    with had it been a unit."""
    members = np.flatnonzero(first != np.arange(len(first)))  # in order: as member_keys
    unit_of = np.full(len(first), -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    rep = units[merged[unit_of[first[members]]]]
    moved = np.flatnonzero(rep != first[members])
    fits = cores.score(members[moved], rep[moved]) >= cores.threshold
    out = moved[~fits]
    if not len(out):
        return np.empty(0, dtype=np.int64), np.empty((0, 2), dtype=np.int64)
    keys = member_keys[out]
    pairs = []
    for column in range(keys.shape[1]):
        near = np.flatnonzero(np.isin(unit_keys[:, column], keys[:, column]))
        i, j = np.nonzero(keys[:, column][:, None] == unit_keys[near, column][None, :])
        pairs.append(np.stack([i, units[near[j]]], axis=1))
    return members[out], np.unique(np.concatenate(pairs), axis=0)


def _rehome(
    cluster: np.ndarray,
    similarity: np.ndarray,
    leavers: np.ndarray,
    homes: np.ndarray,
    cores: _Cores,
) -> tuple[np.ndarray, np.ndarray]:
    """Each leaver (:func:`_leavers`) out of its cluster, into the one whose representative —
    older than it, as in leader assembly — it matches best, or alone. *homes*: pairs of a
    leaver's position and a unit, whose merged cluster is a candidate (*cluster*: merged)."""
    if not len(leavers):
        return cluster, similarity
    new_cluster, new_sim = cluster.copy(), similarity.copy()
    new_cluster[leavers], new_sim[leavers] = leavers, 100.0
    left, right = leavers[homes[:, 0]], cluster[homes[:, 1]]
    keep = (right < left) & (right != cluster[left])  # the representative it failed: no
    pairs = np.unique(np.stack([left[keep], right[keep]], axis=1), axis=0)
    scores = cores.score(pairs[:, 0], pairs[:, 1])
    for k in np.lexsort((pairs[:, 1], -scores)):  # best first; of equals, the oldest
        leaver, home = int(pairs[k, 0]), int(pairs[k, 1])
        if scores[k] >= cores.threshold and new_cluster[leaver] == leaver:
            new_cluster[leaver], new_sim[leaver] = home, float(scores[k])
    return new_cluster, new_sim


_SIG_CHUNK = 200_000  # texts per signature batch: bounds the temporary arrays
_THREADS = 2  # the reference machine's cores: numpy's loops release the GIL


def _dedupe(normalized: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each text's code among the distinct texts, and the distinct texts (first seen first)."""
    if isinstance(normalized, pa.Array):
        normalized = pa.chunked_array([normalized])
    if normalized.num_chunks == 0:
        return np.empty(0, dtype=np.int64), pa.array([], pa.large_string())
    # Sort-based: most tweets are distinct, so a dictionary per batch (and their unified
    # dictionary) held every text twice more — on two million tweets the peak of clustering.
    # Arrow's sort is stable: the first of each run of equal texts is its first occurrence.
    order = pc.array_sort_indices(normalized).to_numpy(zero_copy_only=False).astype(np.int64)
    count = len(order)
    repeat = np.zeros(count, dtype=bool)  # in sorted order: the same text as the one before
    for start in range(1, count, _DEDUPE_SLICE):
        stop = min(start + _DEDUPE_SLICE, count)
        texts = _take(normalized, order[start - 1 : stop])
        same = pc.equal(texts.slice(1), texts.slice(0, len(texts) - 1))
        repeat[start:stop] = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
        del texts, same
    first = order[~repeat]  # each distinct text's first occurrence, in sorted order
    by_first = np.argsort(first, kind="stable")
    code = np.empty(len(first), dtype=np.int64)
    code[by_first] = np.arange(len(first))  # numbered by first occurrence: first seen first
    owner = np.empty(count, dtype=np.int64)
    owner[order] = code[np.cumsum(~repeat) - 1]
    del order, repeat, code
    return owner, _take(normalized, first[by_first]).cast(pa.large_string())


_DEDUPE_SLICE = 200_000  # sorted texts compared at a time


def _band_keys(texts: pa.Array) -> np.ndarray:
    """One 32-bit key per text and band: texts with equal keys agree on that band's rows."""
    if len(texts) < 2:  # nothing to compare (and no words to encode)
        return np.zeros((len(texts), BANDS), dtype=np.uint32)
    return _bands(*_word_codes([(texts, None)]))


def _bands(codes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """:func:`_band_keys` of the texts ``codes[offsets[i]:offsets[i+1]]``, whose words have
    integer codes over all texts at once (the same bigram hashes the same wherever it
    occurs); signatures are computed in batches of texts."""
    count = len(offsets) - 1
    keys = np.empty((count, BANDS), dtype=np.uint32)
    for start in range(0, count, _SIG_CHUNK):
        stop = min(start + _SIG_CHUNK, count)
        chunk_offsets = offsets[start : stop + 1]
        sig = _signatures(
            codes[chunk_offsets[0] : chunk_offsets[-1]], chunk_offsets - chunk_offsets[0]
        )
        rows = sig.reshape(len(sig), BANDS, ROWS)  # every band at once, a row at a time
        with np.errstate(over="ignore"):
            key = rows[:, :, 0].astype(np.uint64)
            for r in range(1, ROWS):
                key *= _GOLDEN
                key ^= rows[:, :, r]
            key *= _GOLDEN  # so the high half kept below depends on every row
            key >>= np.uint64(32)
        keys[start:stop] = key
        del sig, rows, key
    return keys


def _word_codes(
    arrays: list[tuple[pa.Array, np.ndarray | None]],
) -> tuple[np.ndarray, np.ndarray]:
    """Every word of every text of *arrays* (in turn; each the texts at the given positions,
    or all) as an integer code (the same word, the same code), and where each text's words
    start. Words are split batch by batch and the batches' dictionaries unified, so the words
    themselves never exist all at once; a word's code does not depend on the texts after its
    first occurrence (unification keeps the order)."""
    encoded, offsets = [], [np.zeros(1, dtype=np.int64)]
    for texts, positions in arrays:
        count = len(texts) if positions is None else len(positions)
        for start in range(0, count, _SIG_CHUNK):
            if positions is None:
                batch = texts.slice(start, _SIG_CHUNK)
            else:
                batch = texts.take(pa.array(positions[start : start + _SIG_CHUNK], pa.int64()))
            words = pc.split_pattern(batch, " ")
            encoded.append(pc.dictionary_encode(words.flatten()))
            lengths = pc.list_value_length(words).to_numpy(zero_copy_only=False)
            offsets.append(offsets[-1][-1] + np.cumsum(lengths, dtype=np.int64))
            del words, batch
    chunks = pa.chunked_array(encoded).unify_dictionaries().chunks
    del encoded
    codes = np.empty(int(offsets[-1][-1]), dtype=np.int32)
    at = 0
    while chunks:  # each batch's codes freed once copied
        part = chunks.pop(0).indices.to_numpy(zero_copy_only=False)
        codes[at : at + len(part)] = part
        at += len(part)
    pa.default_memory_pool().release_unused()  # the split words: Arrow would keep their memory
    return codes, np.concatenate(offsets)


def _signatures(codes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """MinHash of word bigrams for texts whose word codes are ``codes[offsets[i]:offsets[i+1]]``.

    Each bigram is a 32-bit hash of its two codes; the k-th "permutation" is
    ``a_k * h + b_k mod 2**32`` (odd ``a_k``: a bijection), and a text's k-th value is the
    minimum over its bigrams. Every text has 2+ words. Shape: (texts, BANDS * ROWS).
    """
    valid = np.ones(len(codes) - 1, dtype=bool)
    valid[offsets[1:-1] - 1] = False  # a text's last word starts no bigram
    with np.errstate(over="ignore"):
        pair_ids = codes[:-1].astype(np.uint64) << np.uint64(32) | codes[1:].astype(np.uint64)
        mixed = pair_ids[valid] * _GOLDEN
    shingles = (mixed >> np.uint64(32)).astype(np.uint32)
    del mixed, pair_ids, valid
    counts = np.diff(offsets) - 1  # bigrams per text: one fewer than words
    starts = offsets[:-1] - np.arange(len(offsets) - 1)
    # Texts with the same number of bigrams side by side, one row per bigram position: a
    # text's minimum is then an element-wise minimum down the rows (vectorised), where one
    # ``minimum.reduceat`` per permutation over ragged texts was most of blocking's time.
    order = np.argsort(counts, kind="stable")
    sorted_counts = counts[order]
    bounds = np.concatenate(
        ([0], np.flatnonzero(np.diff(sorted_counts)) + 1, [len(order)])
    ).tolist()
    blocks = [
        (a, b, shingles[starts[order[a:b]] + np.arange(sorted_counts[a])[:, None]])
        for a, b in pairwise(bounds)
    ]
    del shingles
    by_count = np.empty((BANDS * ROWS, len(order)), dtype=np.uint32)

    def permute(ks: range) -> None:
        for a, b, block in blocks:
            tmp = np.empty_like(block)
            for k in ks:  # 32-bit throughout: a_k * h + b_k wraps mod 2**32 as it should
                np.multiply(block, _A32[k], out=tmp)
                tmp += _B32[k]
                np.minimum.reduce(tmp, axis=0, out=by_count[k, a:b])

    # numpy releases the GIL in these loops: each thread takes its share of the permutations
    share = -(-BANDS * ROWS // _THREADS)
    with ThreadPoolExecutor(_THREADS) as pool:
        list(
            pool.map(
                permute,
                [range(k, min(k + share, BANDS * ROWS)) for k in range(0, BANDS * ROWS, share)],
            )
        )
    sig = np.empty((len(order), BANDS * ROWS), dtype=np.uint32)
    sig[order] = by_count.T
    return sig


def _candidates(
    keys: np.ndarray,
    check: Callable[[], None] | None,
    among_keys: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Texts agreeing on the key of some column of *keys* (a MinHash band, an end): big
    groups, and pairs (``int32`` positions, or ``int64`` past two thousand million texts)
    from the small ones. *among_keys*: (positions, their keys) — more columns, each over
    those texts only (the MinHash bands of the second pass), looked at first.

    Big groups are scored as a matrix (``cdist``), small ones as a list of pairs (``cpdist``),
    so a million two-text buckets cost one call, not a million. Columns are worked on by a pool
    of threads (numpy's sorts release the GIL), and their pairs merged as they come, so the
    raw pairs of all columns never exist at once.
    """
    n = np.int64(len(keys))
    index = np.int32 if n < np.iinfo(np.int32).max else np.int64
    if n < 2:
        return [], np.empty((0, 2), dtype=index)
    among, among_cols = among_keys if among_keys is not None else (None, None)
    columns: list[tuple[int, bool]] = [
        (c, True) for c in range(among_cols.shape[1] if among_cols is not None else 0)
    ] + [(c, False) for c in range(keys.shape[1])]

    def column(which: tuple[int, bool]) -> tuple[np.ndarray | None, list[np.ndarray]]:
        if check:
            check()
        c, partial = which
        if not partial:
            return _column_candidates(keys[:, c])
        assert among is not None and among_cols is not None
        codes, found = _column_candidates(among_cols[:, c])
        if codes is not None:  # from positions among those texts back to all texts
            m = np.int64(len(among))
            codes = among[codes // m] * n + among[codes % m]
        return codes, [among[g] for g in found]

    groups: list[np.ndarray] = []
    seen: set[bytes] = set()
    merged = np.empty(0, np.int64)  # a pair (i < j) as i * n + j, sorted, distinct
    pending: list[np.ndarray] = []
    with ThreadPoolExecutor(_THREADS) as pool:
        for codes, found in pool.map(column, columns):
            if codes is not None:
                pending.append(codes)
                if sum(map(len, pending)) > max(len(merged), 1 << 21):
                    merged = _sorted_unique(np.concatenate([merged, *pending]))
                    pending = []
            for group in found:
                if (tag := group.tobytes()) not in seen:  # found by another band: adds nothing
                    seen.add(tag)
                    groups.append(group)
    codes = np.concatenate([merged, *pending])
    del merged, pending
    codes = _sorted_unique(codes)
    pairs = np.empty((len(codes), 2), dtype=index)  # written in place: no temporaries
    np.floor_divide(codes, n, out=pairs[:, 0], casting="unsafe")
    np.remainder(codes, n, out=pairs[:, 1], casting="unsafe")
    return groups, pairs


def _column_candidates(key: np.ndarray) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """One column's pairs (each as ``i * n + j``, sorted, distinct) and big groups."""
    n = np.int64(len(key))
    order = np.argsort(key)  # groups come out sorted below, so the sort need not be stable
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(key[order])) + 1, [len(order)]))
    sizes = np.diff(bounds)
    starts = bounds[:-1]
    pairs: list[np.ndarray] = []
    for size in np.flatnonzero(np.bincount(np.minimum(sizes, MATRIX_FROM + 1))):
        if size < 2 or size > MATRIX_FROM:
            continue
        # every group of this size at once: rows of members, then their pairs
        members = order[starts[sizes == size][:, None] + np.arange(size)]
        i, j = np.triu_indices(int(size), k=1)
        pairs.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    groups = [
        np.sort(order[bounds[k] : bounds[k + 1]])
        for k in np.flatnonzero((sizes > MATRIX_FROM) & (sizes <= MAX_BUCKET))
    ]
    if not pairs:
        return None, groups
    flat = np.sort(np.concatenate(pairs), axis=1).astype(np.int64)
    return _sorted_unique(flat[:, 0] * n + flat[:, 1]), groups


END_WORDS = 6


def _end_keys(texts: pa.Array) -> np.ndarray:
    """Two more "bands": a code for each text's first and last ``END_WORDS`` words.

    A sentence added before or after a message keeps its other end intact, and when the
    message is short the added sentence leaves its word bigrams too few in common for MinHash
    to be sure of proposing the pair (a 13-word message with a 7-word sentence added: Jaccard
    0.63, and 1 in 300 such pairs missed).
    """
    if not len(texts):
        return np.empty((0, 2), dtype=np.uint32)
    codes, offsets = _word_codes([(texts, None)])
    return _end_codes(codes, offsets[:-1], offsets[1:])


def _end_codes(codes: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """:func:`_end_keys` of the texts ``codes[start[i]:stop[i]]`` (a shorter text: all of it
    at both ends): equal keys, the same words (up to a 64-bit hash), numbered densely."""
    count = np.minimum(stop - start, END_WORDS)
    keys = np.empty((len(start), 2), dtype=np.uint32)
    for column, (base, sign) in enumerate(((start, 1), (stop - 1, -1))):
        with np.errstate(over="ignore"):
            key = count.astype(np.uint64) * _GOLDEN
            for k in range(END_WORDS):
                has = k < count
                word = codes[np.where(has, base + sign * k, 0)].astype(np.uint64) + np.uint64(1)
                key = np.where(has, (key ^ word) * _MIX, key)
        keys[:, column] = np.unique(key, return_inverse=True)[1].astype(np.uint32)
    return keys


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: far faster than np.unique's hashing on big ints).
    *values* is sorted in place: callers pass arrays of their own."""
    values.sort()
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _score(
    texts: _Texts,
    groups: list[np.ndarray],
    pairs: np.ndarray,
    scorer: Scorer,
    threshold: float,
    workers: int,
    check: Callable[[], None] | None,
    shared: np.ndarray | None = None,
) -> dict[int, dict[int, float]]:
    """Edges between unique texts scoring at least *threshold*: {a: {b: score}} both ways;
    *shared*: whether each pair shares an end, when known."""
    edges: dict[int, dict[int, float]] = {}

    def add(a: int, b: int, score: float) -> None:
        edges.setdefault(a, {})[b] = score
        edges.setdefault(b, {})[a] = score

    factor = scorer.reach(threshold)
    if factor is None:
        for n, group in enumerate(groups):
            if check and n % 64 == 0:
                check()
            scores = scorer.matrix(texts.take(group), threshold, workers)
            for i, j in zip(*np.nonzero(scores), strict=True):
                add(int(group[i]), int(group[j]), float(scores[i, j]))
    else:
        lengths = texts.lengths()

        def by_length(group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            return _score_by_length(texts, group, lengths, factor, threshold)

        with ThreadPoolExecutor(_THREADS) as pool:  # rapidfuzz releases the GIL
            for n, (a, b, scores) in enumerate(pool.map(by_length, groups)):
                if check and n % 64 == 0:
                    check()
                for i, j, score in zip(a.tolist(), b.tolist(), scores.tolist(), strict=True):
                    add(i, j, score)
    for start in range(0, len(pairs), _PAIR_BATCH):
        if check:
            check()
        batch = pairs[start : start + _PAIR_BATCH]
        # strings only for the batch at hand: never all texts as Python objects at once
        left = texts.take(batch[:, 0])
        right = texts.take(batch[:, 1])
        same_end = shared[start : start + _PAIR_BATCH] if shared is not None else None
        scores = scorer.pairs(left, right, threshold, workers, same_end)
        for k in np.flatnonzero(scores):
            add(int(batch[k, 0]), int(batch[k, 1]), float(scores[k]))
    return edges


_LENGTH_BLOCK = 128  # texts of a big bucket scored at a time against those they can reach


def _score_by_length(
    texts_at: _Texts, group: np.ndarray, lengths: np.ndarray, factor: float, cutoff: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of a big bucket scoring at least *cutoff* (ids, ids, scores), as its whole
    matrix would give them, but scoring only pairs that may reach it: their lengths (the
    longer at most *factor* times the shorter) and their characters (:func:`_shared_chars`)
    allow it — on two million tweets a twentieth of a bucket's pairs.

    The texts are sorted by length and taken in blocks; a block is compared with itself (the
    pairs above the diagonal) and with the texts after it up to the longest its own longest
    text can reach, by one matrix product; the pairs left are scored by one ``cpdist``."""
    order = group[np.argsort(lengths[group], kind="stable")]
    sizes = lengths[order]
    arr = texts_at.array(order)
    shared = _SharedChars(_char_counts(arr))
    # a little slack: a pair a rounding error would leave out is only scored for nothing
    ends = np.searchsorted(sizes, sizes * factor + 1e-6, side="right")
    rows, columns = [], []
    for start in range(0, len(order), _LENGTH_BLOCK):
        stop = min(start + _LENGTH_BLOCK, len(order))
        end = max(int(ends[stop - 1]), stop)
        total = sizes[start:stop, None] + sizes[None, start:end]
        # ratio = 200 · LCS / (a + b), and LCS ≤ the characters the two share
        may = 200.0 * shared.between(start, stop, end) >= (cutoff - 1e-6) * total
        may[:, : stop - start] &= np.tri(stop - start, k=-1, dtype=bool).T  # pairs i < j
        i, j = np.nonzero(may)
        rows.append(start + i)
        columns.append(start + j)
    left, right = np.concatenate(rows), np.concatenate(columns)
    strings = arr.to_pylist()
    scores = _cpdist(
        SCORER, [strings[k] for k in left.tolist()], [strings[k] for k in right.tolist()], cutoff, 1
    )
    hit = np.flatnonzero(scores)
    return order[left[hit]], order[right[hit]], scores[hit]


_CHAR_BUCKETS = 32  # characters counted by (first byte mod 32): a-z and space apart


def _char_counts(texts: pa.Array) -> np.ndarray:
    """Each text's characters counted in ``_CHAR_BUCKETS`` buckets, a character by its first
    UTF-8 byte (the continuation bytes are not counted): equal characters share a bucket, so
    the counts two texts share bound the characters they share from above. Shape: (texts,
    buckets)."""
    arr = texts.cast(pa.large_string())
    _validity, offset_buffer, data_buffer = arr.buffers()
    if offset_buffer is None or data_buffer is None:  # no texts, or only empty ones
        return np.zeros((len(arr), _CHAR_BUCKETS), dtype=np.int64)
    offsets = np.frombuffer(offset_buffer, np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
    owner = np.repeat(np.arange(len(arr), dtype=np.int64), np.diff(offsets))
    first = (data < 0x80) | (data >= 0xC0)
    code = owner[first] * _CHAR_BUCKETS + (data[first] % _CHAR_BUCKETS)
    counts = np.bincount(code, minlength=len(arr) * _CHAR_BUCKETS)
    return counts.reshape(len(arr), _CHAR_BUCKETS)


class _SharedChars:
    """An upper bound on the characters each pair of texts shares, and so on their longest
    common subsequence: the sum over buckets of the smaller count (:func:`_char_counts`).
    One bucket at a time over a whole block of pairs (numpy's loops; a matrix product of the
    counts written in unary was as fast, but BLAS's own threads spin against the scorers')."""

    def __init__(self, counts: np.ndarray) -> None:
        # 16 bits hold any sum of a text's counts: a normalised tweet is far shorter
        small = counts.sum(axis=1).max(initial=0) < np.iinfo(np.uint16).max
        self.dtype = np.uint16 if small else np.int64
        self.by_bucket = np.ascontiguousarray(counts.T.astype(self.dtype))

    def between(self, start: int, stop: int, end: int) -> np.ndarray:
        """The bound for texts ``start:stop`` (rows) against ``start:end`` (columns)."""
        common = np.zeros((stop - start, end - start), dtype=self.dtype)
        scratch = np.empty_like(common)
        for counts in self.by_bucket:
            np.minimum(counts[start:stop, None], counts[None, start:end], out=scratch)
            common += scratch
        return common


def _assemble(
    texts: _Texts, edges: dict[int, dict[int, float]], scorer: Scorer, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Leader clustering over unique texts, oldest first, always against representatives.

    A cluster is labelled by its representative's id; texts without edges stay alone (their
    exact copies still form a cluster when expanded).
    """
    cluster = np.arange(len(texts), dtype=np.int64)
    similarity = np.full(len(texts), 100.0)
    for u in sorted(edges):
        neighbours = edges[u]
        best, best_score = -1, -1.0
        for rep in sorted({int(cluster[v]) for v in neighbours if v < u}):
            score = neighbours.get(rep)
            if score is None:
                score = scorer.one(texts.one(u), texts.one(rep), threshold)
            if score >= threshold and score > best_score:
                best, best_score = rep, score
        if best >= 0:
            cluster[u], similarity[u] = best, best_score
    return cluster, similarity


def _expand(
    owner: np.ndarray, cluster_of_unique: np.ndarray, unique_sim: np.ndarray, message: np.ndarray
) -> Assignment:
    """From unique texts back to every text; clusters with a single text are dropped, and so are
    texts that are no message (a hundred copies of a bare photo link are not a re-sent message).

    Clusters are numbered in order of their first text (texts come oldest first), and that
    first text is the representative.
    """
    label = cluster_of_unique[owner]
    counted = message[owner]
    sizes = np.bincount(label[counted], minlength=len(cluster_of_unique))
    valid = counted & (sizes[label] >= 2)
    index = np.arange(len(owner))
    first = np.full(len(cluster_of_unique), len(owner), dtype=np.int64)
    np.minimum.at(first, label[valid], index[valid])
    reps = np.sort(first[first < len(owner)])
    number = np.full(len(cluster_of_unique), -1, dtype=np.int64)
    number[label[reps]] = np.arange(len(reps))
    cluster = np.where(valid, number[label], -1)
    similarity = np.where(valid, unique_sim[owner], 0.0)
    return Assignment(cluster, similarity, reps)

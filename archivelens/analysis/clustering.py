"""Near-duplicate clustering of short texts: exact groups, MinHash blocking, rapidfuzz scoring,
and leader assembly that cannot drift.

Plain Python over lists (no database): :mod:`archivelens.analysis.duplicates` feeds it the
snapshot's tweets and stores what it returns. The steps:

1. Texts are normalised (:mod:`textnorm`); identical normalised texts form one *unique text*.
2. Unique texts of at least ``MIN_WORDS`` words get a MinHash signature over their word bigrams;
   texts sharing all ``ROWS`` values of any of ``BANDS`` bands become candidates (LSH). Shorter
   texts match only exactly, so "Good morning!" cannot glue unrelated clusters together.
3. Candidates in each bucket are scored with ``rapidfuzz.process.cdist`` (``score_cutoff``,
   ``workers``); pairs at or above the threshold become edges.
4. Leader assembly, oldest first: a text joins the cluster whose *representative* (its oldest
   text) it matches best at or above the threshold — always checked against the representative,
   so A~B, B~C, A≁C cannot chain C into A's cluster — or starts a new one.

Every step is deterministic: the same texts in the same order give the same clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

from archivelens.analysis.textnorm import normalize, word_count

MIN_WORDS = 5  # shorter normalised texts match only exactly
BANDS = 24
ROWS = 2
MAX_BUCKET = 5000  # a bucket this big is a common-bigram collision, not one message
DEFAULT_THRESHOLD = 85.0
SCORER = fuzz.ratio  # chosen by measurement: see bench/duplicates_quality.py

_MASK = np.uint64((1 << 64) - 1)
_rng = np.random.default_rng(20231126)  # fixed: signatures must not change between runs
_A = _rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)


@dataclass(frozen=True)
class Assignment:
    """Cluster of each input text (-1: in none) and its similarity to the representative."""

    cluster: list[int]
    similarity: list[float]
    representative: list[int]  # per cluster: index of its representative text


def cluster_texts(
    texts: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    workers: int = 2,
    check: Callable[[], None] | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> Assignment:
    """Cluster *texts* (given oldest first). Clusters of one text are dropped (-1)."""
    step = on_step or (lambda _s, _f: None)
    step("Normalising text", 0.0)
    norms = [normalize(t) for t in texts]
    uniques, owner = _unique(norms)
    long_ids = [u for u, text in enumerate(uniques) if word_count(text) >= MIN_WORDS]
    step("Finding candidate pairs", 0.3)
    buckets = _lsh_buckets([uniques[u] for u in long_ids], check)
    step("Scoring candidates", 0.6)
    edges = _score_buckets(uniques, long_ids, buckets, threshold, workers, check)
    step("Building clusters", 0.9)
    cluster_of_unique, unique_sim = _assemble(uniques, edges, threshold)
    return _expand(owner, cluster_of_unique, unique_sim)


def _unique(norms: list[str]) -> tuple[list[str], list[int]]:
    index: dict[str, int] = {}
    owner = [index.setdefault(n, len(index)) for n in norms]
    return list(index), owner


def _signatures(texts: list[str]) -> np.ndarray:
    """MinHash of each text's word bigrams: an array of shape (len(texts), BANDS * ROWS)."""
    vocab: dict[str, int] = {}
    flat: list[int] = []
    offsets = [0]
    for text in texts:
        ids = [vocab.setdefault(w, len(vocab)) for w in text.split()]
        flat.extend(a * 1_000_003 + b for a, b in pairwise(ids))
        offsets.append(len(flat))
    shingles = np.asarray(flat, dtype=np.uint64)
    starts = np.asarray(offsets[:-1], dtype=np.int64)
    sig = np.empty((len(texts), BANDS * ROWS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(BANDS * ROWS):
            hashed = (shingles * _A[k] + _B[k]) & _MASK
            sig[:, k] = np.minimum.reduceat(hashed, starts) if len(hashed) else 0
    return sig


def _lsh_buckets(texts: list[str], check: Callable[[], None] | None) -> list[np.ndarray]:
    """Groups (indices into *texts*) that agree on every row of some band."""
    if len(texts) < 2:
        return []
    sig = _signatures(texts)
    buckets: list[np.ndarray] = []
    seen: set[bytes] = set()
    for band in range(BANDS):
        if check:
            check()
        rows = sig[:, band * ROWS : (band + 1) * ROWS]
        key = rows[:, 0].copy()
        with np.errstate(over="ignore"):
            for r in range(1, ROWS):
                key = key * np.uint64(0x9E3779B97F4A7C15) ^ rows[:, r]
        order = np.argsort(key, kind="stable")
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(key[order])) + 1, [len(order)]))
        sizes = np.diff(bounds)
        for k in np.flatnonzero((sizes >= 2) & (sizes <= MAX_BUCKET)):
            group = np.sort(order[bounds[k] : bounds[k + 1]])
            tag = group.tobytes()
            if tag not in seen:  # the same group found by another band adds nothing
                seen.add(tag)
                buckets.append(group)
    return buckets


def _score_buckets(
    uniques: list[str],
    long_ids: list[int],
    buckets: list[np.ndarray],
    threshold: float,
    workers: int,
    check: Callable[[], None] | None,
) -> dict[int, dict[int, float]]:
    """Edges between unique texts scoring at least *threshold*: {a: {b: score}} both ways."""
    edges: dict[int, dict[int, float]] = {}
    for n, group in enumerate(buckets):
        if check and n % 256 == 0:
            check()
        members = [long_ids[i] for i in group]
        texts = [uniques[m] for m in members]
        scores = process.cdist(
            texts, texts, scorer=SCORER, score_cutoff=threshold, workers=workers, dtype=np.float32
        )
        for i, j in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
            a, b = members[i], members[j]
            s = float(scores[i, j])
            edges.setdefault(a, {})[b] = s
            edges.setdefault(b, {})[a] = s
    return edges


def _assemble(
    uniques: list[str], edges: dict[int, dict[int, float]], threshold: float
) -> tuple[list[int], list[float]]:
    """Leader clustering over unique texts, oldest first, always against representatives."""
    cluster = [-1] * len(uniques)
    similarity = [100.0] * len(uniques)
    reps: list[int] = []
    for u in range(len(uniques)):
        neighbours = edges.get(u)
        best, best_score = -1, -1.0
        if neighbours:
            for c in sorted({cluster[v] for v in neighbours if v < u and cluster[v] >= 0}):
                rep = reps[c]
                score = neighbours.get(rep)
                if score is None:
                    score = SCORER(uniques[u], uniques[rep], score_cutoff=threshold)
                if score >= threshold and score > best_score:
                    best, best_score = c, score
        if best >= 0:
            cluster[u], similarity[u] = best, best_score
        else:
            cluster[u] = len(reps)
            reps.append(u)
    return cluster, similarity


def _expand(owner: list[int], cluster_of_unique: list[int], unique_sim: list[float]) -> Assignment:
    """From unique texts back to every text; clusters with a single text are dropped."""
    sizes: dict[int, int] = {}
    for u in owner:
        sizes[cluster_of_unique[u]] = sizes.get(cluster_of_unique[u], 0) + 1
    renumber: dict[int, int] = {}
    cluster, similarity, reps = [], [], []
    for i, u in enumerate(owner):
        c = cluster_of_unique[u]
        if sizes[c] < 2:
            cluster.append(-1)
            similarity.append(0.0)
            continue
        if c not in renumber:
            renumber[c] = len(reps)
            reps.append(i)  # texts come oldest first: the first seen is the representative
        cluster.append(renumber[c])
        similarity.append(unique_sim[u])  # 100 for every copy of the representative's text
    return Assignment(cluster, similarity, reps)

"""What duplicate blocking is measured against: every pair exhaustive scoring finds, and the
pairs blocking proposes. Shared by tests/test_duplicates.py and bench/duplicates_bench.py."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pyarrow as pa
from rapidfuzz import process

from archivelens.analysis import clustering, textnorm


def long_texts(normalized: list[str]) -> list[str]:
    """The distinct normalised texts that are messages (the only ones clustering compares)."""
    texts = sorted(set(normalized))
    keep = textnorm.is_message(pa.array(texts, pa.large_string())).to_pylist()
    return [t for t, k in zip(texts, keep, strict=True) if k]


def exhaustive_pairs(texts: list[str], workers: int = -1) -> set[tuple[int, int]]:
    """Index pairs (i < j) scoring at least the default threshold: every pair compared."""
    matrix = process.cdist(
        texts,
        texts,
        scorer=clustering.SCORER,
        score_cutoff=clustering.DEFAULT_THRESHOLD,
        dtype=np.uint8,
        workers=workers,
    )
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(matrix, k=1)), strict=True)}


def candidate_pairs(texts: list[str]) -> set[tuple[int, int]]:
    """Index pairs blocking proposes for scoring (exact groups expanded to their pairs)."""
    keys = clustering._band_keys(pa.array(texts, pa.large_string()))
    groups, pairs = clustering._candidates(keys, None)
    candidates = {tuple(map(int, p)) for p in pairs}
    for g in groups:
        candidates |= set(combinations(sorted(int(x) for x in g), 2))
    return candidates

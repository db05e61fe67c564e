"""Duplicate-blast detection: quality, blocking recall, and how time grows with size.

    python bench/duplicates_bench.py                # quality + recall + 20k/200k/2M timings
    python bench/duplicates_bench.py --sizes 20000 200000

1. **Scorer and threshold** — on a labelled generated archive (blasts re-sent with case, emoji,
   link, prefix, suffix and price edits; different messages about the same product; identical
   thank-you replies), pairwise precision / recall / F1 of each rapidfuzz scorer at several
   thresholds. The default (``clustering.SCORER`` at ``DEFAULT_THRESHOLD``) is chosen from this.
2. **Blocking recall** — on a 20k-tweet sample, the share of the pairs that exhaustive
   all-pairs scoring (``cdist`` over everything) finds at the default threshold that the MinHash
   blocking also proposes.
3. **Scaling** — wall time and peak RSS of clustering N tweets, each in a fresh subprocess under
   ``/usr/bin/time -v`` (the texts come from the generator, so its cost is excluded).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

import pyarrow as pa
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivelens.analysis import clustering  # noqa: E402
from archivelens.analysis.textnorm import normalize_all  # noqa: E402
from testkit import blocking  # noqa: E402
from testkit.archivegen import Spec, build_story  # noqa: E402

SCORERS = {
    "ratio": fuzz.ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
    "partial_ratio": fuzz.partial_ratio,
}


def labelled(tweets: int, seed: int) -> tuple[list[str], list[int]]:
    spec = Spec(
        seed=seed,
        tweets=tweets,
        people=max(200, tweets // 20),
        blast_clusters=min(96, tweets // 60),
        blast_size=8,
        thanks_replies=min(40, tweets // 100),
        edited=0,
        notes=0,
    )
    story = build_story(spec)
    rows = sorted(
        (t for t in story.tweets if t.kind != "retweet"), key=lambda t: (t.created_at, t.tweet_id)
    )
    return [t.text for t in rows], [-1 if t.cluster is None else t.cluster for t in rows]


def pairs_of(labels) -> set[tuple[int, int]]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if label >= 0:
            groups.setdefault(int(label), []).append(i)
    return {p for g in groups.values() for p in combinations(g, 2)}


def quality(texts: list[str], truth: list[int]) -> None:
    expected = pairs_of(truth)
    print(
        f"\n1. Scorer and threshold on {len(texts):,} labelled tweets "
        f"({len(expected):,} true pairs)"
    )
    print(f"   {'scorer':<18}{'threshold':>10}{'precision':>11}{'recall':>9}{'F1':>8}")
    original = clustering.SCORER
    try:
        for name, scorer in SCORERS.items():
            clustering.SCORER = scorer
            for threshold in (75, 80, 85, 90, 95):
                found = pairs_of(clustering.cluster_texts(texts, threshold).cluster)
                hits = len(found & expected)
                p = hits / len(found) if found else 1.0
                r = hits / len(expected)
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                mark = (
                    "  ← default"
                    if (scorer is original and threshold == clustering.DEFAULT_THRESHOLD)
                    else ""
                )
                print(f"   {name:<18}{threshold:>10}{p:>11.4f}{r:>9.4f}{f1:>8.4f}{mark}")
    finally:
        clustering.SCORER = original


def blocking_recall(texts: list[str]) -> None:
    long = blocking.long_texts(normalize_all(texts).to_pylist())
    start = time.perf_counter()
    exhaustive = blocking.exhaustive_pairs(long)
    spent = time.perf_counter() - start
    start = time.perf_counter()
    candidates = blocking.candidate_pairs(long)
    blocked = time.perf_counter() - start
    kept = len(exhaustive & candidates) / len(exhaustive) if exhaustive else 1.0
    total = len(long) * (len(long) - 1) // 2
    print(f"\n2. Blocking recall on {len(texts):,} tweets ({len(long):,} distinct long texts)")
    print(
        f"   exhaustive scoring: {total:,} pairs in {spent:.1f} s, "
        f"{len(exhaustive):,} at or above {clustering.DEFAULT_THRESHOLD:g}"
    )
    print(
        f"   MinHash blocking:   {len(candidates):,} candidates in {blocked:.2f} s "
        f"({len(candidates) / total:.4%} of all pairs), keeps {kept:.4f} of them"
        "  (target ≥ 0.99)"
    )


CHILD = """
import sys, time
import pyarrow as pa
sys.path.insert(0, {root!r})
from archivelens.analysis import clustering
from archivelens.analysis.textnorm import normalize_with_cores
start = time.perf_counter()
# As the app does (duplicates.detect): texts arrive in batches and are normalised as they come.
with pa.OSFile({path!r}) as source:
    reader = pa.ipc.open_file(source)
    parts = [normalize_with_cores(reader.get_batch(i).column(0))
             for i in range(reader.num_record_batches)]
prepared = clustering.prepare(
    pa.chunked_array([p[0] for p in parts], pa.large_string()),
    pa.chunked_array([p[1] for p in parts], pa.large_string()),
)
del parts  # as the app does: only the distinct texts are kept
result = clustering.cluster_prepared(prepared)
print("SECONDS", time.perf_counter() - start, len(prepared.owner), len(result.representative))
"""


def texts_file(n: int) -> Path:
    """The own tweets of a generated n-tweet archive as an Arrow file (made once, cached)."""
    path = ROOT / "bench" / "out" / f"texts-{n}.arrow"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        texts, _ = labelled(n, 21)
        table = pa.table({"text": pa.array(texts, pa.large_string())})
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=100_000)
    return path


def scaling(sizes: list[int]) -> None:
    print(
        "\n3. Scaling (fresh process per size; texts read in batches of 100k and normalised as "
        "they come, as the app does; retweets excluded; time includes normalisation)"
    )
    print(
        f"   {'tweets':>10} {'own tweets':>11} {'seconds':>9} {'µs/tweet':>9} "
        f"{'peak RSS':>9} {'clusters':>9}"
    )
    for n in sizes:
        child = CHILD.format(root=str(ROOT), path=str(texts_file(n)))
        proc = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, "-c", child], capture_output=True, text=True
        )
        if proc.returncode:
            sys.exit(proc.stderr[-3000:])
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("SECONDS"))
        _, secs, count, clusters = line.split()
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
        print(
            f"   {n:>10,} {int(count):>11,} {float(secs):>9.1f} "
            f"{float(secs) / int(count) * 1e6:>9.1f} {rss / 1024:>7.0f} MB {int(clusters):>9,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[20_000, 200_000, 2_000_000])
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        texts, truth = labelled(6000, 7)
        quality(texts, truth)
        sample, _ = labelled(25_000, 11)
        blocking_recall(sample[:20_000])
    scaling(args.sizes)


if __name__ == "__main__":
    main()

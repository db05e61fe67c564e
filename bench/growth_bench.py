"""Growth per million tweets: import with analysis at three sizes, the followers fixed.

    python bench/growth_bench.py                         # 200k, 1M, 2M tweets; 300k followers
    python bench/growth_bench.py --sizes 200000 1000000 --repeat 1

Each size is imported with its analysis (``archivelens import``, as the app does) and read by
the floor script (``import_bench.FLOOR_SCRIPT``) in the same run, each the median of
``--repeat`` fresh processes under ``/usr/bin/time -v``. Printed: wall, CPU and peak per size,
the ratio to the floor, and the growth between consecutive sizes — seconds and megabytes per
million tweets — so a line that bends (memory that keeps growing, a step that turns quadratic)
shows. The growth per million followers is measured by ``bench/celebrity_bench.py``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import import_bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000, 2_000_000])
    parser.add_argument("--followers", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    import_bench.REPEAT = args.repeat
    rows = []
    for tweets in sorted(args.sizes):
        path = import_bench.archive("current", tweets, args.followers)
        floor = import_bench.floor_run(f"floor, {tweets:,} tweets", path)
        run = import_bench.archivelens_run(f"import + analysis, {tweets:,}", path, analysis=True)
        import_bench.report([floor, run])
        rows.append((tweets, floor, run))
    print(f"\n{'tweets':>10} {'wall s':>8} {'cpu s':>7} {'peak MB':>8} {'× floor':>8}")
    for tweets, floor, run in rows:
        ratio = run.seconds / floor.seconds
        figures = f"{run.seconds:>8.1f} {run.cpu:>7.1f} {run.peak_mb:>8.0f} {ratio:>8.2f}"
        print(f"{tweets:>10,} {figures}")
    print("\ngrowth per million tweets, between consecutive sizes:")
    for (a, _, ra), (b, _, rb) in itertools.pairwise(rows):
        millions = (b - a) / 1e6
        print(
            f"  {a:,} → {b:,}: {(rb.seconds - ra.seconds) / millions:.1f} s wall, "
            f"{(rb.cpu - ra.cpu) / millions:.1f} s CPU, "
            f"{(rb.peak_mb - ra.peak_mb) / millions:.0f} MB peak per million tweets"
        )


if __name__ == "__main__":
    main()

"""The portfolio of many client libraries (issue: "portfolio of 200 libraries ≤ 5 s").

    python -m bench.portfolio_bench OUT_DIR [--libraries 200] [--distinct 10]
    python -m bench.portfolio_bench OUT_DIR --time [--repeat 5]

Makes *distinct* libraries from generated archives of 1,000 to 20,000 tweets (each imported
with its analysis, as a consultant's clients' libraries are), copies them to *libraries* files
in OUT_DIR/libs, and prints the two commands to time side by side:

- ``archivelens portfolio --db …`` over every file, and
- the floor: attaching every file read-only and counting its snapshots
  (``python -m bench.portfolio_bench --floor OUT_DIR``).

``--time`` runs the two in turn (portfolio, floor, portfolio, …) under ``/usr/bin/time -v`` and
prints each one's median wall and cpu seconds, peak memory, and the ratio portfolio ÷ floor pair
by pair: the machine is shared, so the ratio within one run is the figure to trust. Target: 200
libraries ≤ 5 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path


def make(out: Path, libraries: int, distinct: int) -> list[Path]:
    from archivelens import pipeline
    from testkit.archivegen import Options, Spec, build_story, write_archive

    libs = out / "libs"
    libs.mkdir(parents=True, exist_ok=True)
    sources = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(distinct):
            tweets = 1000 + n * (19_000 // max(1, distinct - 1))
            spec = Spec(
                seed=100 + n,
                tweets=tweets,
                followers=tweets // 2,
                following=tweets // 4,
                mutuals=tweets // 10,
                people=200,
                owner_id=5_000_000 + n,
                owner_handle=f"client_{n:03d}",
            )
            archive = write_archive(build_story(spec), "current", Path(tmp) / f"{n}.zip", Options())
            library = Path(tmp) / f"source-{n}.duckdb"
            pipeline.import_archive(archive.path, library)
            sources.append(library)
        paths = []
        for i in range(libraries):
            target = libs / f"client-{i:03d}.duckdb"
            shutil.copyfile(sources[i % distinct], target)
            paths.append(target)
    return paths


def floor(out: Path) -> None:
    """Attach every library read-only and count its snapshots: no portfolio can read less."""
    import duckdb

    total = 0
    with duckdb.connect() as con:
        for path in sorted((out / "libs").glob("*.duckdb")):
            con.execute(f"ATTACH '{path}' AS lib (READ_ONLY)")
            total += con.execute("SELECT count(*) FROM lib.snapshots").fetchone()[0]
            con.execute("DETACH lib")
    print(total)


def timed(out: Path, repeat: int) -> None:
    """Portfolio and floor in turn, *repeat* pairs; medians and the pairwise ratio."""
    from statistics import median

    from bench.import_bench import _timed_once

    libs = sorted((out / "libs").glob("*.duckdb"))
    dbs = [a for p in libs for a in ("--db", str(p))]
    portfolio = [sys.executable, "-m", "archivelens", "portfolio", *dbs, "--json"]
    floor_cmd = [sys.executable, "-m", "bench.portfolio_bench", "--floor", str(out)]
    pairs = [
        (_timed_once("portfolio", portfolio), _timed_once("floor", floor_cmd))
        for _ in range(repeat)
    ]
    for i, label in enumerate(("portfolio", "floor (attach + count)")):
        runs = [pair[i] for pair in pairs]
        print(
            f"{label:<24} {len(libs)} libraries: wall {median(r.seconds for r in runs):.2f} s, "
            f"cpu {median(r.cpu for r in runs):.2f} s, peak {max(r.peak_mb for r in runs):.0f} MB"
        )
    wall = median(a.seconds / b.seconds for a, b in pairs)
    cpu = median(a.cpu / b.cpu for a, b in pairs)
    print(f"portfolio ÷ floor, pair by pair (median): wall {wall:.2f}×, cpu {cpu:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--libraries", type=int, default=200)
    parser.add_argument("--distinct", type=int, default=10)
    parser.add_argument("--floor", action="store_true", help="run the floor over OUT/libs")
    parser.add_argument("--time", action="store_true", help="time portfolio against the floor")
    parser.add_argument("--repeat", type=int, default=5, help="pairs of runs with --time")
    args = parser.parse_args()
    if args.floor:
        floor(args.out)
        return
    if args.time:
        timed(args.out, args.repeat)
        return
    paths = make(args.out, args.libraries, args.distinct)
    dbs = " ".join(f"--db {p}" for p in paths)
    print(f"{sys.executable} -m archivelens portfolio {dbs} --json > /dev/null")
    print(f"{sys.executable} -m bench.portfolio_bench --floor {args.out}")


if __name__ == "__main__":
    main()

"""The portfolio of many client libraries (issue: "portfolio of 200 libraries ≤ 5 s").

    python -m bench.portfolio_bench OUT_DIR [--libraries 200] [--distinct 10]

Makes *distinct* libraries from generated archives of 1,000 to 20,000 tweets (each imported
with its analysis, as a consultant's clients' libraries are), copies them to *libraries* files
in OUT_DIR/libs, and prints the two commands to time side by side:

- ``archivelens portfolio --db …`` over every file, and
- the floor: attaching every file read-only and counting its snapshots
  (``python -m bench.portfolio_bench --floor OUT_DIR``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path


def make(out: Path, libraries: int, distinct: int) -> list[Path]:
    from archivelens import pipeline
    from tests.archivegen import Options, Spec, build_story, write_archive

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--libraries", type=int, default=200)
    parser.add_argument("--distinct", type=int, default=10)
    parser.add_argument("--floor", action="store_true", help="run the floor over OUT/libs")
    args = parser.parse_args()
    if args.floor:
        floor(args.out)
        return
    paths = make(args.out, args.libraries, args.distinct)
    dbs = " ".join(f"--db {p}" for p in paths)
    print(f"{sys.executable} -m archivelens portfolio {dbs} --json > /dev/null")
    print(f"{sys.executable} -m bench.portfolio_bench --floor {args.out}")


if __name__ == "__main__":
    main()

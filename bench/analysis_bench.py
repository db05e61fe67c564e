"""Report and export on a big library: ``archivelens report`` and ``archivelens export``.

    python bench/analysis_bench.py                      # 2M tweets / 5M followers
    python bench/analysis_bench.py --tweets 200000 --followers 300000

Builds (once, cached in ``bench/out/``) a library from a generated archive, with its analysis
(promotional classification and duplicate clusters) done at import as the app does. Then times,
each as a fresh ``archivelens`` process under ``/usr/bin/time -v`` (median of ``--repeat``):
``report`` (every headline metric and band), ``report --json``, ``report --compare`` (the last
12 months against the 12 before) and ``report --baseline`` (around a date), and ``export`` (the
full CSV set), with the rows written and the size of the output. ``report`` is the baseline of
the same run the comparison is read against (the machine is shared: compare within one run).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import import_bench  # noqa: E402


def library(tweets: int, followers: int) -> Path:
    db = import_bench.OUT / f"library-{tweets}-{followers}.duckdb"
    if not db.exists():
        archive = import_bench.archive("current", tweets, followers)
        print(f"importing {archive.name} with its analysis …", flush=True)
        tmp = db.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "archivelens", "import", str(archive), "--db", str(tmp)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tmp.rename(db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tweets", type=int, default=2_000_000)
    parser.add_argument("--followers", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import_bench.OUT.mkdir(parents=True, exist_ok=True)
    import_bench.REPEAT = args.repeat
    db = library(args.tweets, args.followers)
    out = import_bench.OUT / "export"
    cli = [sys.executable, "-m", "archivelens"]
    runs = [
        import_bench.timed("report", [*cli, "report", "--db", str(db)], note="text"),
        import_bench.timed(
            "report --json", [*cli, "report", "--db", str(db), "--json"], note="json"
        ),
        import_bench.timed(
            "report --from 2019-01-01 --to 2020-12-31",
            [*cli, "report", "--db", str(db), "--from", "2019-01-01", "--to", "2020-12-31"],
            note="date range",
        ),
        import_bench.timed(
            "report --compare", [*cli, "report", "--db", str(db), "--compare"], note="compare"
        ),
        import_bench.timed(
            "report --baseline 2022-01-01",
            [*cli, "report", "--db", str(db), "--baseline", "2022-01-01"],
            note="baseline",
        ),
        import_bench.timed(
            "export (full CSV set)",
            [*cli, "export", "--db", str(db), "--out", str(out)],
            setup=lambda: shutil.rmtree(out, ignore_errors=True),
        ),
    ]
    import_bench.report(runs)
    size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    print(f"\nexport wrote {size:,.0f} MB:")
    print(runs[-1].note)
    print(
        f"\ntargets: report ≤ 2 s (got {runs[0].seconds:.2f} s, {runs[0].cpu:.2f} cpu s), "
        f"report --compare ≤ 2 s (got {runs[3].seconds:.2f} s, {runs[3].cpu:.2f} cpu s: "
        f"{runs[3].cpu / runs[0].cpu:.2f}× the report's cpu), export ≤ 20 s "
        f"(got {runs[-1].seconds:.2f} s), peak RSS ≤ 1536 MB "
        f"(got {max(r.peak_mb for r in runs):.0f} MB)"
    )


if __name__ == "__main__":
    main()

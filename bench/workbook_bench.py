"""The consultant's workbook and one-page report on a big library: time and peak memory.

    python -m testkit.archivegen /tmp/big.zip --tweets 2000000 --followers 5000000
    archivelens import /tmp/big.zip --db /tmp/big.duckdb
    python bench/workbook_bench.py /tmp/big.duckdb

Each step runs in a fresh process under /usr/bin/time -v: the CSV set (the baseline, same run)
and the workbook (targets: 60 s, 1.5 GB).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path


def measure(args: list[str]) -> tuple[float, int]:
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "archivelens", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    assert wall is not None
    hours, minutes, seconds = int(wall[1] or 0), int(wall[2]), float(wall[3])
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    return hours * 3600 + minutes * 60 + seconds, peak * 1024


def main() -> None:
    library = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in (
            ("CSV set + report.html", []),
            ("workbook + report.html", ["--format", "xlsx"]),
        ):
            out = Path(tmp) / label.split()[0]
            seconds, peak = measure(["export", "--db", library, "--out", str(out), *extra])
            size = sum(f.stat().st_size for f in out.iterdir())
            print(
                f"{label:<24} {seconds:6.1f} s  {peak / 2**20:7.0f} MB peak  {size / 1e6:7.0f} MB"
            )


if __name__ == "__main__":
    main()

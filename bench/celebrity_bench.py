"""A celebrity's archive: few tweets, a vast followers list (issue 22: 100k tweets + 100M
followers imported in ≤ 3 min and ≤ 2 GB, the Follow-back checklist shown in ≤ 1 s).

    python bench/celebrity_bench.py                          # 100k tweets / 100M followers
    python bench/celebrity_bench.py --followers 20000000     # a smaller celebrity

The archive is a generated current-era archive (``bench/import_bench.archive``) whose
``data/follower.js`` is replaced by one of *followers* records, streamed into the zip in the
generator's exact layout (checked against it on the first records) with the manifest's count
to match; deflate level 1, so that making a 13 GB member takes minutes, not a quarter of an hour
(inflating it costs the same either way). Cached in ``bench/out/``.

Runs, each a fresh process under ``/usr/bin/time -v`` (wall time, peak RSS):

* **floor** — inflate every member and let DuckDB read the tweets (``import_bench.FLOOR_SCRIPT``);
* **floor + followers** — the same, and DuckDB reads the followers file too: what no importer
  of the list can do without;
* **import** — ``archivelens import`` with its analysis, into a new library;
* **Follow-back shown** — what the Follow-back view does before its first page shows (the
  checklist prepared for the whole archive, filtered, its first page read), on the library.
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import import_bench

FOLLOWER = (
    '  {{\n    "follower" : {{\n      "accountId" : "{id}",\n'
    '      "userLink" : "https://twitter.com/intent/user?user_id={id}"\n    }}\n  }}'
)
HEAD = "window.YTD.follower.part0 = [\n"

FOLLOWERS_FLOOR = """
import sys, tempfile, zipfile, duckdb, os, shutil, atexit
path = sys.argv[1]
tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)
target = os.path.join(tmp, "follower.json")
with zipfile.ZipFile(path) as z, z.open("data/follower.js") as src, open(target, "wb") as dst:
    head = src.read(1 << 20)
    dst.write(head[head.index(b"=") + 1:])
    while chunk := src.read(1 << 20):
        dst.write(chunk)
con = duckdb.connect()
n = con.execute(f"SELECT count(*) FROM read_json({target!r}, format='array')").fetchone()[0]
print(f"followers read: {n:,}")
os.remove(target)
"""

SHOWN = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from archivelens.analysis import network, scope
from archivelens.store import library
con = library.connect(Path(sys.argv[1]))
scope = scope.resolve(con)
browser = network.ChecklistBrowser(con, scope)
count = browser.filter(None, None, False)
page = browser.page(0, 400)
print(f"checklist of {count:,} shown ({page.num_rows} rows) in {time.perf_counter() - start:.2f} s")
"""


def follower_ids(existing: list[str], total: int) -> Iterator[str]:
    """The generated archive's own followers (they carry its interactions), then made-up
    account ids — spread over the id space as real ones are, none repeated."""
    yield from existing
    seen, made, n = set(existing), len(existing), 0
    while made < total:
        candidate = str(10_000_000 + n * 7_919)
        n += 1
        if candidate not in seen:
            made += 1
            yield candidate


def follower_file(ids: Iterator[str]) -> Iterator[str]:
    yield HEAD
    batch: list[str] = []
    first = True
    for account in ids:
        batch.append(FOLLOWER.format(id=account))
        if len(batch) == 10_000:
            yield ("" if first else ",\n") + ",\n".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",\n") + ",\n".join(batch)
    yield "\n]"


def same_layout_as_generator() -> None:
    """The streamed records are the generator's own, byte for byte."""
    from testkit.archivegen.eras import _account_ref
    from testkit.archivegen.writer import records_file

    ids = ["12345", "678", "9"]
    theirs = "".join(
        records_file(
            "window.YTD.follower.part0",
            [_account_ref("follower", int(a), "current") for a in ids],
            "lines",
        )
    )
    assert "".join(follower_file(iter(ids))) == theirs, "follower.js differs from the generator's"


def celebrity(tweets: int, followers: int) -> Path:
    import_bench.OUT.mkdir(parents=True, exist_ok=True)
    path = import_bench.OUT / f"celebrity-{tweets}-{followers}.zip"
    if path.exists():
        return path
    same_layout_as_generator()
    base = import_bench.archive("current", tweets, 3000)
    print(f"writing {path.name} …", flush=True)
    tmp = path.with_suffix(".partial")
    level = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": 1}
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(tmp, "w", **level) as dst:
        existing = re.findall(r'"accountId" : "(\d+)"', src.read("data/follower.js").decode())
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "data/follower.js":
                continue
            if info.filename == "data/manifest.js":
                data = re.sub(
                    rb'("data/follower\.js",\s*"globalName" : "[^"]+",\s*"count" : ")\d+',
                    rb"\g<1>" + str(followers).encode(),
                    data,
                )
            dst.writestr(info, data)
        with dst.open("data/follower.js", "w", force_zip64=True) as out:
            for chunk in follower_file(follower_ids(existing, followers)):
                out.write(chunk.encode())
    tmp.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--followers", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (the median)")
    args = parser.parse_args()
    import_bench.REPEAT = args.repeat
    archive = celebrity(args.tweets, args.followers)
    db = import_bench.OUT / "celebrity-library.duckdb"

    python = sys.executable
    runs = [
        import_bench.floor_run("floor", archive),
        import_bench.timed("floor + followers read", [python, "-c", FOLLOWERS_FLOOR, str(archive)]),
        import_bench.timed(
            "import (with analysis)",
            [python, "-m", "archivelens", "import", str(archive), "--db", str(db)],
            setup=lambda: import_bench.remove_library(db),
        ),
        import_bench.timed("Follow-back shown", [python, "-c", SHOWN, str(db)]),
    ]
    size = archive.stat().st_size / 1e6
    print(f"\n{args.tweets:,} tweets / {args.followers:,} followers ({size:,.0f} MB zip)")
    import_bench.report(runs)


if __name__ == "__main__":
    main()

"""Import benchmark: archivelens vs twitter-to-sqlite vs the floor, from one run.

    python bench/import_bench.py                 # 200k tweets / 300k followers
    python bench/import_bench.py --scale         # also 2M tweets / 5M followers (archivelens only)

Every figure is the median of ``--repeat`` fresh subprocesses under ``/usr/bin/time -v`` (wall
time; peak RSS is the largest of the runs):

* **archivelens** — ``archivelens import ARCHIVE --db NEW_FILE``.
* **twitter-to-sqlite** — installed into a side virtualenv (``bench/out/peer-venv``). It reads
  only the 2018–19 ``tweet.js`` era, so the comparison uses that era's archive; on a current archive
  it imports no tweets at all (shown below as well).
* **floor** — the raw cost of reading the zip: inflate every member, strip the tweets file's JS
  prefix into a temp file and let DuckDB ``read_json`` it. No importer can do less.
* **floor, every data file parsed** — the same, with DuckDB parsing every data file the
  importer must read (long posts, likes and the account lists as well as the tweets): the
  floor for an archive whose follower list outweighs its tweets.

Generated archives are cached in ``bench/out/`` (delete them to regenerate).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

# Members the floor parses: the tweets (the floor), or with ``--every`` every data file
# the importer reads (tweets, long posts, likes and the four account lists): at 5M followers the
# follower list alone is 0.7 GB of JSON that the tweets-only floor inflates but never parses.
TWEETS_ONLY = r"^(tweets?)(-part[0-9]+)?[.]js$"
EVERY = r"^(tweets?|note-tweet|like|follower|following|block|mute)(-part[0-9]+)?[.]js$"

FLOOR_SCRIPT = textwrap.dedent(
    """
    import sys, tempfile, zipfile, duckdb, os, re, shutil, atexit
    path, wanted = sys.argv[1], re.compile(sys.argv[2])
    tmp = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, tmp, True)  # gigabytes at 2M tweets: never left behind
    groups = {}  # kind -> its stripped files (one JSON array shape each)
    with zipfile.ZipFile(path) as z:
        for i, info in enumerate(z.infolist()):
            found = wanted.match(info.filename.rsplit("/", 1)[-1])
            with z.open(info) as src:
                if found:
                    kind = found[1].rstrip("s")  # tweet.js and tweets.js alike
                    groups.setdefault(kind, []).append(os.path.join(tmp, f"{kind}-{i}.json"))
                    with open(groups[kind][-1], "wb") as dst:
                        head = src.read(1 << 20)
                        dst.write(head[head.index(b"=") + 1:])
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                else:
                    while src.read(1 << 20):
                        pass
    con = duckdb.connect()
    for kind, files in groups.items():
        sql = f"SELECT count(*) FROM read_json({files!r}, format='array')"
        print(f"floor: {con.execute(sql).fetchone()[0]:,} {kind} records")
    """
)


@dataclass
class Run:
    label: str
    seconds: float
    peak_mb: float
    note: str = ""
    cpu: float = 0.0  # user + system seconds: steadier than wall time on a shared machine


REPEAT = 3


def timed(label: str, cmd: list[str], note: str = "", setup=None) -> Run:
    """The median of REPEAT runs (the machine is shared; single runs vary by ±30 %)."""
    runs = []
    for _ in range(REPEAT):
        if setup:
            setup()
        runs.append(_timed_once(label, cmd, note))
    runs.sort(key=lambda r: r.seconds)
    median = runs[len(runs) // 2]
    median.peak_mb = max(r.peak_mb for r in runs)
    return median


def _timed_once(label: str, cmd: list[str], note: str = "") -> Run:
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-3000:])
        raise SystemExit(f"{label} failed (exit {proc.returncode})")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    cpu = sum(
        float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr)
    )
    assert wall and rss, proc.stderr
    hours = float(wall.group(1) or 0)
    seconds = hours * 3600 + float(wall.group(2)) * 60 + float(wall.group(3))
    return Run(label, seconds, int(rss.group(1)) / 1024, note or proc.stdout.strip(), cpu)


def archive(era: str, tweets: int, followers: int) -> Path:
    from testkit.archivegen import Options, Spec, build_story, write_archive

    path = OUT / f"{era}-{tweets}-{followers}.zip"
    if not path.exists():
        print(f"generating {path.name} …", flush=True)
        spec = Spec(
            seed=5,
            tweets=tweets,
            followers=followers,
            following=followers // 6,
            mutuals=followers // 12,
            people=min(20000, tweets // 20),
            likes=tweets // 2,
            edited=min(2000, tweets // 100),
            notes=min(500, tweets // 400),
            blast_clusters=min(400, tweets // 500),
        )
        tmp = path.with_suffix(".partial")
        # twitter-to-sqlite crashes on the null in_reply_to_* keys some 2018 exports carry
        # (int(None)), so the comparison archive leaves them out.
        # It also ignores tweet-partN.js files: one tweet.js keeps the comparison like for like.
        parts = 1 if era == "2018-2020" else max(1, tweets // 100_000)
        options = Options(parts=parts, null_reply_keys=False)
        write_archive(build_story(spec), era, tmp, options)
        tmp.rename(path)
    return path


def remove_library(db: Path) -> None:
    """Each run imports into a new library: the file, its WAL and its review journal gone (a
    journal without its library is refused, as a library lost)."""
    for path in (db, Path(f"{db}.wal"), Path(f"{db}.journal")):
        path.unlink(missing_ok=True)


def peer_python() -> Path:
    venv = OUT / "peer-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print("installing twitter-to-sqlite into a side virtualenv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "twitter-to-sqlite"], check=True)
    return python


def archivelens_run(label: str, path: Path, analysis: bool = False) -> Run:
    """``archivelens import``: by default the import proper (``--no-analysis``), comparable with
    the floor and the peer; with *analysis*, also the promotional classification and duplicate
    clustering that the plain command runs after it."""
    db = OUT / "bench-library.duckdb"

    cmd = [sys.executable, "-m", "archivelens", "import", str(path), "--db", str(db)]
    run = timed(
        label, cmd if analysis else [*cmd, "--no-analysis"], setup=lambda: remove_library(db)
    )
    run.note = next((ln.strip() for ln in run.note.splitlines() if " tweets: " in ln), "")[:60]
    return run


def peer_run(label: str, path: Path) -> Run:
    python = peer_python()
    db = OUT / "peer.db"
    cli = python.parent / "twitter-to-sqlite"
    run = timed(
        label, [str(cli), "import", str(db), str(path)], setup=lambda: db.unlink(missing_ok=True)
    )
    count = subprocess.run(
        [
            str(python),
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            "t=[r[0] for r in c.execute(\"select name from sqlite_master where type='table'\")];"
            "print(c.execute('select count(*) from archive_tweet').fetchone()[0] "
            "if 'archive_tweet' in t else 0)",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    run.note = f"{int(count):,} tweets imported"
    return run


def floor_run(label: str, path: Path, every: bool = False) -> Run:
    """The floor: inflate every member, let DuckDB parse the tweets (or, *every*, each data
    file the importer reads)."""
    members = EVERY if every else TWEETS_ONLY
    return timed(label, [sys.executable, "-c", FLOOR_SCRIPT, str(path), members])


def report(runs: list[Run]) -> None:
    print(f"\n{'run':<46} {'seconds':>8} {'cpu s':>7} {'peak RSS':>10}  note")
    for r in runs:
        first_line = r.note.splitlines()[0] if r.note else ""
        print(f"{r.label:<46} {r.seconds:>8.2f} {r.cpu:>7.2f} {r.peak_mb:>8.0f} MB  {first_line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tweets", type=int, default=200_000)
    parser.add_argument("--followers", type=int, default=300_000)
    parser.add_argument("--scale", action="store_true", help="add the 2M / 5M scale point")
    parser.add_argument("--no-peer", action="store_true", help="skip twitter-to-sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    OUT.mkdir(parents=True, exist_ok=True)

    current = archive("current", args.tweets, args.followers)
    legacy = archive("2018-2020", args.tweets, args.followers)
    runs = [
        floor_run("floor, current era", current),
        floor_run("floor, every data file parsed, current era", current, every=True),
        archivelens_run("archivelens, current era", current),
        archivelens_run("archivelens + analysis, current era", current, analysis=True),
        floor_run("floor, 2018-19 era", legacy),
        archivelens_run("archivelens, 2018-19 era", legacy),
    ]
    if not args.no_peer:
        runs.append(peer_run("twitter-to-sqlite, 2018-19 era", legacy))
        runs.append(peer_run("twitter-to-sqlite, current era", current))
    report(runs)
    by = {r.label: r for r in runs}
    al_cur, fl_cur = by["archivelens, current era"], by["floor, current era"]
    al_old, fl_old = by["archivelens, 2018-19 era"], by["floor, 2018-19 era"]
    print(
        f"\narchivelens / floor: current {al_cur.seconds / fl_cur.seconds:.2f}×, "
        f"2018-19 {al_old.seconds / fl_old.seconds:.2f}×  (target ≤ 2×)"
    )
    if not args.no_peer:
        peer = by["twitter-to-sqlite, 2018-19 era"]
        print(
            f"archivelens / twitter-to-sqlite (2018-19 era): "
            f"{al_old.seconds / peer.seconds:.3f}× time, "
            f"{al_old.peak_mb / peer.peak_mb:.2f}× peak RSS  (target ≤ 0.10× time)"
        )
    if args.scale:
        big = archive("current", 2_000_000, 5_000_000)
        scale = [
            floor_run("floor, 2M tweets / 5M followers", big),
            floor_run("floor, every data file parsed, 2M / 5M", big, every=True),
            archivelens_run("archivelens, 2M tweets / 5M followers", big),
            archivelens_run("archivelens + analysis, 2M / 5M", big, analysis=True),
        ]
        report(scale)
        print(
            f"\nscale point: {scale[2].seconds:.1f} s (target ≤ 60 s), "
            f"{scale[2].peak_mb:.0f} MB peak (target ≤ 2048 MB), "
            f"{scale[2].seconds / scale[0].seconds:.2f}× the floor, "
            f"{scale[2].seconds / scale[1].seconds:.2f}× every data file parsed"
        )


if __name__ == "__main__":
    main()

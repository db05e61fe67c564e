"""Build the double-clickable app with ``build_installer.spec`` and check that what came out works.

    pip install pyinstaller && python scripts/check_installer.py [--keep]

Run by hand (a build takes a minute and ~400 MB); not part of the test suite. Checks, each
printed with its measurement:
1. the build, its time and the folder's size;
2. ``archivelens-cli --version`` prints this checkout's version;
3. the frozen CLI imports the bundled sample archive and its ``report --json`` is identical to
   the one this checkout's own code gives (same analysis, nothing lost in freezing: the sample
   and the lexicon are found, numpy / rapidfuzz / pyarrow load);
4. the windowed ``archivelens --demo`` starts Qt offscreen, imports the sample and keeps running
   (8 s) without writing a single error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "sample-archive.zip"
# The offscreen platform cannot size native windows; Qt says so once per window. Not an error.
HARMLESS = ("This plugin does not support propagateSizeHints",)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build(work: Path) -> Path:
    start = time.perf_counter()
    done = run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "build_installer.spec"),
        ],
        cwd=ROOT,
    )
    if done.returncode:
        sys.exit(f"build failed:\n{done.stderr[-4000:]}")
    app = work / "dist" / "archivelens"
    print(
        f"1. built {app} in {time.perf_counter() - start:.0f} s: {folder_size(app) / 2**20:.0f} MB"
    )
    return app


def check_cli(app: Path, work: Path) -> None:
    from archivelens import __version__

    cli = str(app / "archivelens-cli")
    version = run([cli, "--version"]).stdout.strip()
    assert version == f"archivelens {__version__}", version
    print(f"2. {version}")
    frozen_db, source_db = work / "frozen.duckdb", work / "source.duckdb"
    start = time.perf_counter()
    imported = run([cli, "import", str(SAMPLE), "--db", str(frozen_db)])
    took = time.perf_counter() - start
    assert imported.returncode == 0, imported.stderr
    frozen = json.loads(run([cli, "report", "--json", "--db", str(frozen_db)]).stdout)
    here = [sys.executable, "-m", "archivelens"]
    assert run([*here, "import", str(SAMPLE), "--db", str(source_db)]).returncode == 0
    source = json.loads(run([*here, "report", "--json", "--db", str(source_db)]).stdout)
    assert frozen == source, "the frozen app's report differs from this checkout's"
    tweets = frozen["metrics"]["tweets"]
    print(
        f"3. frozen import of the sample in {took:.1f} s; report identical to the source's "
        f"({len(frozen['metrics'])} metrics, {tweets:,} tweets)"
    )


def check_gui(app: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [str(app / "archivelens"), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(8)
    alive = proc.poll() is None
    proc.kill()
    output = proc.communicate()[0]
    errors = [ln for ln in output.splitlines() if ln.strip() and not ln.startswith(HARMLESS)]
    assert alive, f"the app quit: {output[-2000:]}"
    assert not errors, "\n".join(errors[:20])
    print("4. archivelens --demo (Qt offscreen) ran 8 s, long enough to import the sample, silent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the build (path printed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archivelens-installer-"))
    try:
        app = build(work)
        check_cli(app, work)
        check_gui(app)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Build the double-clickable app with ``build_installer.spec`` and check that what came out works.

    pip install -c constraints.txt -e '.[installer]'
    python scripts/check_installer.py [--keep DIR]

``scripts/package_linux.py`` (what CI runs) calls the same checks before it packages. Each check
prints what it measured:
1. the build: its time and the folder's size;
2. ``archivelens-cli --version`` prints this checkout's version;
3. the frozen CLI imports the bundled sample archive and its ``report --json`` is identical to
   the one this checkout's own code gives (the sample, lexicon and platform list are found;
   numpy, rapidfuzz, pyarrow.compute and DuckDB load), and it exports the CSV set, the workbook
   and the PDF (one page, the bundled font embedded);
4. the windowed ``ArchiveLens --demo`` on a real X server (Xvfb, Qt's xcb platform — what a
   desktop runs, not the offscreen stand-in): its window is mapped, the time from launch to
   the mapped window is the cold start, and nothing is written to its error output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "sample-archive.zip"
APP_NAME = "ArchiveLens"
# Debian packages the checks need: an X server, a tool to find the window, and the X libraries
# Qt's xcb platform plugin loads (what the .deb depends on as well).
X_LIBRARIES = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-randr0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
)
TOOLS = ("xvfb", "xdotool", "desktop-file-utils")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def ensure_debian_packages(packages: tuple[str, ...]) -> None:
    """Install what is missing (CI's clean machine), with apt, as root; else say what to do."""
    missing = [p for p in packages if run(["dpkg", "-s", p]).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(f"missing Debian packages: {' '.join(missing)} (apt-get install them)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    done = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    if done.returncode:
        sys.exit(f"apt-get install {' '.join(missing)} failed:\n{done.stderr[-2000:]}")
    print(f"   installed {' '.join(missing)}")


def read_pins(text: str) -> dict[str, Version]:
    """constraints.txt: ``name==version`` per line (comments and blank lines aside), by
    normalised name; any other form (a range, a duplicate) is refused, since a pin names one
    version."""
    pins: dict[str, Version] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not name.strip() or not version.strip():
            raise ValueError(f"line {number}: {raw!r} is not name==version")
        key = canonicalize_name(name.strip())
        if key in pins:
            raise ValueError(f"line {number}: {name.strip()} is pinned twice")
        pins[key] = Version(version.strip())
    return pins


def off_pin(pins: dict[str, Version]) -> list[str]:
    """Installed distributions whose version is not their pin: an app built from them would
    bundle versions the suite never ran on."""
    found = []
    for name, pin in sorted(pins.items()):
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue  # not needed here (a test tool in a build-only environment)
        if installed != pin:
            found.append(f"{name} {installed} (pinned {pin})")
    return found


def build(work: Path) -> Path:
    start = time.perf_counter()
    differ = off_pin(read_pins((ROOT / "constraints.txt").read_text(encoding="utf-8")))
    if differ:
        sys.exit(
            "not building from versions other than constraints.txt's: "
            + ", ".join(differ)
            + "; install with: pip install -c constraints.txt -e '.[installer]'"
        )
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
    app = work / "dist" / APP_NAME
    took = time.perf_counter() - start
    print(f"1. built {app} in {took:.0f} s: {folder_size(app) / 1e6:.0f} MB unpacked")
    return app


def check_cli(app: Path, work: Path) -> None:
    from archivelens import __version__
    from archivelens.export import csvset

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
    exported = run([cli, "export", "--db", str(frozen_db), "--out", str(work / "csv")])
    assert exported.returncode == 0, exported.stderr
    files = sorted(p.name for p in (work / "csv").iterdir())
    csvs = {f for f in files if f.endswith(".csv")}
    assert csvs == set(csvset.FILES) and "report.html" in files, files
    book = run(
        [cli, "export", "--format", "xlsx", "--db", str(frozen_db), "--out", str(work / "xlsx")]
    )
    assert book.returncode == 0, book.stderr
    assert any(p.suffix == ".xlsx" for p in (work / "xlsx").iterdir()), book.stdout
    pdf = run(
        [cli, "export", "--format", "pdf", "--db", str(frozen_db), "--out", str(work / "pdf")]
    )
    assert pdf.returncode == 0, pdf.stderr
    data = next((work / "pdf").glob("*.pdf")).read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages == 1 and b"DejaVu" in data, (pages, pdf.stdout)  # the bundled font, embedded
    tweets = frozen["metrics"]["tweets"]
    print(
        f"3. frozen import of the sample in {took:.1f} s; report identical to the source's "
        f"({len(frozen['metrics'])} metrics, {tweets:,} tweets); exported {len(csvs)} CSV files, "
        f"report.html, the Excel workbook and the one-page PDF ({len(data) // 1024} KB)"
    )


class XServer:
    """A private Xvfb display for the checks (what ``xvfb-run -a`` does, kept open). Xvfb picks
    a free display number itself (``-displayfd``), so two runs never share one."""

    def __init__(self, size: str = "1366x768x24") -> None:
        ensure_debian_packages(TOOLS + X_LIBRARIES)
        read, write = os.pipe()
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
            stdout=self.log,
            stderr=self.log,
            pass_fds=(write,),
        )
        os.close(write)
        with os.fdopen(read) as announced:  # Xvfb writes the number once it accepts clients
            number = announced.readline().strip()
        self.display = f":{number}"
        if not number or not self.answers():
            sys.exit(f"Xvfb did not start: {self.output()}")

    def answers(self) -> bool:
        """Whether the server runs and accepts a client now."""
        probe = run(["xdotool", "getdisplaygeometry"], env={**os.environ, "DISPLAY": self.display})
        return self.proc.poll() is None and probe.returncode == 0

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()[-2000:] or "(it said nothing)"

    def __enter__(self) -> XServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def launch_until_mapped(
    app: Path, display: str, home: Path, server_log: Callable[[], str] = lambda: ""
) -> tuple[float, str]:
    """Start the windowed app on *display*; return (seconds to its mapped window, its stderr
    over 5 more seconds)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QT_")},
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(app / APP_NAME), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    mapped = None
    while time.perf_counter() - start < 30 and proc.poll() is None:
        found = run(
            ["xdotool", "search", "--onlyvisible", "--name", APP_NAME],
            env={**os.environ, "DISPLAY": display},
        )
        if found.stdout.strip():
            mapped = time.perf_counter() - start
            break
        time.sleep(0.02)
    time.sleep(5)  # the demo imports the sample meanwhile
    alive = proc.poll() is None
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    assert mapped is not None, (
        f"no {APP_NAME} window was mapped:\n{err[-3000:]}\nXvfb said: {server_log()}"
    )
    assert alive, f"the app quit:\n{err[-3000:]}"
    return mapped, err


def check_gui(app: Path, work: Path) -> float:
    with XServer() as x:
        times, errors = [], []
        for n in range(3):
            assert x.answers(), f"the X server stopped answering: {x.output()}"
            try:
                took, err = launch_until_mapped(app, x.display, work / f"home{n}", x.output)
            except AssertionError as failure:
                # A virtual X server can refuse a first client that comes too soon; once more,
                # then the failure stands (and is reported with the server's own words).
                if "could not connect to display" not in str(failure) or not x.answers():
                    raise
                print(f"   (the X server refused launch {n + 1}; tried again)")
                took, err = launch_until_mapped(app, x.display, work / f"home{n}b", x.output)
            times.append(took)
            errors += [ln for ln in err.splitlines() if ln.strip()]
    assert not errors, "the app wrote errors:\n" + "\n".join(errors[:20])
    print(
        f"4. {APP_NAME} --demo on X (Xvfb, xcb): window mapped after {times[0]:.2f} s cold, "
        f"{sorted(times)[1]:.2f} s median of 3; no errors"
    )
    return times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="archivelens-installer-"))
    try:
        app = build(work)
        check_cli(app, work)
        check_gui(app, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

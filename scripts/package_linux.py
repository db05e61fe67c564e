"""Build, check and package the Linux app: one command gives the .tar.gz and the .deb.

    pip install -c constraints.txt -e '.[installer]' && python scripts/package_linux.py [--out dist]

1. builds the app from ``build_installer.spec`` and runs every check of
   ``scripts/check_installer.py`` (frozen import/report/export, the window on a real X server,
   the cold start);
2. ``ArchiveLens-<version>-linux-<arch>.tar.gz``: unpack anywhere and double-click
   ``ArchiveLens``; ``./install-desktop-entry`` adds it to the applications menu (and "Open With"
   for zip files) for the current user, ``./install-desktop-entry --remove`` takes it away;
3. ``archivelens_<version>_<arch>.deb``: installs under ``/opt/archivelens`` with a menu entry,
   the icon and ``archivelens`` on the PATH, depending on the X libraries Qt needs;
4. checks both: the desktop files validate (``desktop-file-validate``), the package holds what
   it should, and the desktop-entry script installs a valid entry into a scratch home.
CI runs this on every change (``.ci/run``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_installer as check

ROOT = check.ROOT
DESKTOP = ROOT / "resources" / "archivelens.desktop"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}

INSTALL_SCRIPT = r"""#!/bin/sh
# Adds ArchiveLens to your applications menu (and "Open With" for zip files), for you only.
#   ./install-desktop-entry            install (run it again after moving this folder)
#   ./install-desktop-entry --remove   take the menu entry and icon away again
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor
entry=$apps/archivelens.desktop
fail() { echo "install-desktop-entry: error: $*" >&2; exit 1; }
refresh() {  # the menus' MIME ("Open With") and icon caches, where the desktop keeps them
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$apps" || echo "note: could not refresh $apps" >&2
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$icons" ]; then
        gtk-update-icon-cache -q -t "$icons" || echo "note: could not refresh $icons" >&2
    fi
}
if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry"
    for png in "$icons"/*/apps/archivelens.png; do rm -f "$png"; done
    refresh
    echo "ArchiveLens is no longer in your applications menu."
    exit 0
fi
case $here in
    *"
"*) fail "this folder's name holds a line break, which a menu entry cannot name;" \
        "rename the folder and run this again." ;;
esac
# Exec per the Desktop Entry spec: the program in double quotes, with \ " $ ` escaped by a
# backslash and a literal % written %%; then, as in every string value, each \ doubled.
program=$(printf '%s\n' "$here/ArchiveLens" \
    | sed -e 's/[\\"$`]/\\&/g' -e 's/%/%%/g' -e 's/\\/\\\\/g')
mkdir -p "$apps"
for png in "$here"/_internal/archivelens/resources/icons/archivelens-*.png; do
    size=${png##*-}; size=${size%.png}
    mkdir -p "$icons/${size}x${size}/apps"
    cp "$png" "$icons/${size}x${size}/apps/archivelens.png"
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
draft=$scratch/archivelens.desktop  # checked before it goes where menus look
{
    grep -v -e '^Exec=' -e '^TryExec=' "$here/_internal/archivelens/resources/archivelens.desktop"
    printf 'Exec="%s" %%f\n' "$program"
} > "$draft" || fail "could not write $draft."
chmod 644 "$draft"
if command -v desktop-file-validate >/dev/null 2>&1; then
    if ! problems=$(desktop-file-validate "$draft" 2>&1) || [ -n "$problems" ]; then
        fail "the menu entry came out invalid, nothing was installed: $problems"
    fi
fi
mv -f "$draft" "$entry" || fail "could not write $entry."
refresh
echo "ArchiveLens is in your applications menu; zip files offer \"Open With ArchiveLens\"."
"""

README_TXT = """ArchiveLens {version}
See how you really use Twitter/X, from your downloaded data archive.

Start it: double-click ArchiveLens in this folder (or run ./ArchiveLens),
then drop the .zip Twitter/X sent you on the window. Everything stays on
this computer: ArchiveLens never goes online.

In your applications menu, and "Open With ArchiveLens" on zip files:
    ./install-desktop-entry            (run it again after moving this folder)
    ./install-desktop-entry --remove   (takes the entry and icon away again)

Command line: ./archivelens-cli --help (import, report, export).
Your library (what you imported, your reviews and notes) lives in
~/.local/share/archivelens/library.duckdb; deleting this folder leaves it
there.
"""


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def make_tarball(app: Path, out: Path, version: str) -> Path:
    name = f"ArchiveLens-{version}-linux-{platform.machine()}"
    script = app / "install-desktop-entry"
    script.write_text(INSTALL_SCRIPT, encoding="utf-8")
    script.chmod(0o755)
    readme = app / "README.txt"
    readme.write_text(README_TXT.format(version=version), encoding="utf-8")
    target = out / f"{name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=9) as tar:
        tar.add(app, arcname=name)
    script.unlink()  # the .deb carries neither
    readme.unlink()
    return target


def deb_control(version: str, arch: str, installed_kb: int) -> str:
    depends = ", ".join(["libc6 (>= 2.28)", *check.X_LIBRARIES])
    return (
        "Package: archivelens\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: ArchiveLens developers <archivelens@users.noreply.github.com>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {depends}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Homepage: https://github.com/archivelens/archivelens\n"
        "Description: see how you really use Twitter/X, from your data archive\n"
        " ArchiveLens turns a downloaded Twitter/X data archive into an honest picture of\n"
        " how the account is used: conversation, sharing and promotion month by month,\n"
        " re-sent sales messages, and a follow-back checklist to review by hand.\n"
        " Everything stays on the computer: it never connects to the network.\n"
    )


def make_deb(app: Path, out: Path, version: str, work: Path) -> Path:
    arch = DEB_ARCH.get(platform.machine(), platform.machine())
    root = work / "deb"
    shutil.copytree(app, root / "opt" / "archivelens", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink("/opt/archivelens/archivelens-cli", root / "usr" / "bin" / "archivelens")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy(DESKTOP, apps / "archivelens.desktop")
    for size in ICON_SIZES:
        folder = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy(ICONS / f"archivelens-{size}.png", folder / "archivelens.png")
    scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "archivelens.svg", scalable / "archivelens.svg")
    installed_kb = check.folder_size(root) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(deb_control(version, arch, installed_kb))
    target = out / f"archivelens_{version}_{arch}.deb"
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z3", "--build", str(root), str(target)])
    return target


def check_packages(tarball: Path, deb: Path, work: Path) -> None:
    run(["desktop-file-validate", str(DESKTOP)])
    listing = run(["dpkg-deb", "--contents", str(deb)]).stdout
    for wanted in (
        "./opt/archivelens/ArchiveLens",
        "./opt/archivelens/archivelens-cli",
        "./usr/bin/archivelens -> /opt/archivelens/archivelens-cli",
        "./usr/share/applications/archivelens.desktop",
        "./usr/share/icons/hicolor/256x256/apps/archivelens.png",
        "./usr/share/icons/hicolor/scalable/apps/archivelens.svg",
    ):
        assert wanted in listing, f"{deb.name} lacks {wanted}"
    info = run(["dpkg-deb", "--info", str(deb)]).stdout
    assert "libxcb-cursor0" in info and "Package: archivelens" in info, info
    unpacked = work / "untar"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    (folder,) = unpacked.iterdir()
    for wanted in ("ArchiveLens", "archivelens-cli", "install-desktop-entry"):
        assert os.access(folder / wanted, os.X_OK), f"{tarball.name}: {wanted} is not executable"
    assert "install-desktop-entry" in (folder / "README.txt").read_text(), "no README.txt"
    home = work / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    run([str(folder / "install-desktop-entry")], env=env)
    entry = home / "data" / "applications" / "archivelens.desktop"
    run(["desktop-file-validate", str(entry)])
    assert f'Exec="{folder}/ArchiveLens" %f' in entry.read_text()
    assert (home / "data" / "icons" / "hicolor" / "256x256" / "apps" / "archivelens.png").exists()
    run([str(folder / "install-desktop-entry"), "--remove"], env=env)
    assert not entry.exists()
    print(
        "6. packages checked: desktop entries validate; the .deb holds /opt/archivelens, the "
        "menu entry, icons and /usr/bin/archivelens; install-desktop-entry adds and removes "
        "a valid entry"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the packages go")
    args = parser.parse_args()
    from archivelens import __version__

    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="archivelens-package-"))
    try:
        start = time.perf_counter()
        app = check.build(work)
        check.check_cli(app, work)
        check.check_gui(app, work)
        unpacked = check.folder_size(app)
        tarball = make_tarball(app, args.out, __version__)
        deb = make_deb(app, args.out, __version__, work)
        print(
            f"5. {tarball.name}: {tarball.stat().st_size / 1e6:.0f} MB; {deb.name}: "
            f"{deb.stat().st_size / 1e6:.0f} MB; unpacked {unpacked / 1e6:.0f} MB "
            f"({unpacked / 2**20:.0f} MiB)"
        )
        check_packages(tarball, deb, work)
        print(f"built, checked and packaged in {time.perf_counter() - start:.0f} s: {args.out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

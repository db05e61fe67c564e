"""The tarball's ``install-desktop-entry``, run from folders whose names hold what the Desktop
Entry spec reserves: the entry it writes names the app exactly, validates, or it refuses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import package_linux  # noqa: E402

NASTY = [
    "R&D 100% done",
    'the "quoted" one',
    "it's $HOME and `date`",
    r"back\slash; (a|b) <c> #d *e ?f ~g",
]


def unpacked_app(parent: Path, name: str) -> Path:
    """What the tarball unpacks to, as far as the script reads it."""
    folder = parent / name
    resources = folder / "_internal" / "archivelens" / "resources"
    (resources / "icons").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "archivelens.desktop", resources)
    for size in (48, 256):
        shutil.copy(ROOT / "resources" / "icons" / f"archivelens-{size}.png", resources / "icons")
    (folder / "ArchiveLens").write_text("#!/bin/sh\n")
    script = folder / "install-desktop-entry"
    script.write_text(package_linux.INSTALL_SCRIPT)
    script.chmod(0o755)
    return folder


def exec_program(entry: Path) -> list[str]:
    """The command an Exec line runs, read as the spec says: the string value's escapes, then
    the field codes (%% is a literal %, %f the file), then the quoting."""
    line = next(ln for ln in entry.read_text().splitlines() if ln.startswith("Exec="))
    value, out, i = line[len("Exec=") :], "", 0
    while i < len(value):  # string value escapes
        if value[i] == "\\" and i + 1 < len(value):
            out += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(
                value[i + 1], "\\" + value[i + 1]
            )
            i += 2
        else:
            out += value[i]
            i += 1
    out = out.replace("%%", "\0")
    args, current, quoted, i = [], "", False, 0
    while i < len(out):
        c = out[i]
        if quoted and c == "\\" and i + 1 < len(out) and out[i + 1] in '"`$\\':
            current += out[i + 1]
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == " " and not quoted:
            args.append(current)
            current = ""
        else:
            current += c
        i += 1
    args.append(current)
    return [a.replace("\0", "%") for a in args if a]


@pytest.mark.parametrize("name", NASTY)
def test_the_desktop_entry_names_the_app_wherever_it_is(tmp_path, name):
    folder = unpacked_app(tmp_path, name)
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        [str(folder / "install-desktop-entry")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    entry = data / "applications" / "archivelens.desktop"
    assert exec_program(entry) == [str(folder / "ArchiveLens"), "%f"]
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
        assert check.returncode == 0 and not check.stdout, check.stdout
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "archivelens.png").exists()
    cache = data / "applications" / "mimeinfo.cache"
    if shutil.which("update-desktop-database"):
        assert "archivelens.desktop" in cache.read_text()
    removed = subprocess.run(
        [str(folder / "install-desktop-entry"), "--remove"], env=env, capture_output=True
    )
    assert removed.returncode == 0 and not entry.exists()
    assert not list(data.glob("icons/hicolor/*/apps/archivelens.png"))
    if shutil.which("update-desktop-database"):  # "Open With" forgets it as well
        assert "archivelens.desktop" not in cache.read_text()


def test_a_folder_name_no_entry_can_hold_is_refused(tmp_path):
    folder = unpacked_app(tmp_path, "line\nbreak")
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        [str(folder / "install-desktop-entry")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.startswith("install-desktop-entry: error: this folder's name holds a line")
    assert not (data / "applications" / "archivelens.desktop").exists()


def test_an_entry_that_does_not_validate_is_not_installed(tmp_path):
    """desktop-file-validate has the last word: a broken source entry installs nothing."""
    if not shutil.which("desktop-file-validate"):
        pytest.skip("desktop-file-validate is not installed")
    folder = unpacked_app(tmp_path, "plain")
    source = folder / "_internal" / "archivelens" / "resources" / "archivelens.desktop"
    source.write_text(source.read_text().replace("Type=Application\n", ""))
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        [str(folder / "install-desktop-entry")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and "came out invalid" in done.stderr
    assert not list((data / "applications").iterdir())


def test_the_tarball_readme_says_how_to_start_and_install():
    text = package_linux.README_TXT.format(version="9.9")
    assert "./install-desktop-entry --remove" in text and "ArchiveLens 9.9" in text
    assert max(len(line) for line in text.splitlines()) <= 80

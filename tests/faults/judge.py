"""What every fault case checks, in one place: how the failure was said, and what it left."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample-archive.zip"


def cli(*args: str | Path) -> tuple[int, str, str]:
    """Run ``archivelens ARGS`` in this process: (exit status, stdout, stderr)."""
    from archivelens import cli as front

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = front.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def refused_cleanly(
    result: tuple[int, str, str], *mentions: str, codes: tuple[int, ...] = (1, 2)
) -> str:
    """The command ended with one ``archivelens: error:`` sentence naming *mentions*; returns it."""
    code, _, err = result
    lines = [line for line in err.splitlines() if line.strip()]
    assert code in codes, f"exit {code}, stderr: {err.strip()[:300]}"
    assert lines, "no message at all"
    last = lines[-1]
    assert last.startswith("archivelens: error: "), f"not one error line: {err.strip()[:300]}"
    assert "Traceback" not in err, err[:300]
    assert "unexpected failure" not in last, last
    for word in mentions:
        assert word.lower() in last.lower(), f"{word!r} not named in: {last}"
    return last.removeprefix("archivelens: error: ")


def ok(result: tuple[int, str, str]) -> str:
    """The command succeeded (exit 0); returns its output."""
    code, out, err = result
    assert code == 0, f"exit {code}: {err.strip()[:300]}"
    return out


def fingerprint(path: Path) -> dict[str, tuple[int, str]]:
    """Every file under *path* (or *path* itself) → (mode, sha-256 of its bytes)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    base = path.parent if path.is_file() else path
    return {
        str(p.relative_to(base)): (p.stat().st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in files
    }


def unchanged(before: dict[str, tuple[int, str]], path: Path, what: str = "") -> None:
    after = fingerprint(path)
    changed = sorted(set(before) ^ set(after) | {k for k in before if after.get(k) != before[k]})
    assert not changed, f"{what or path.name} changed: {', '.join(changed)[:300]}"


def imported_library(work: Path, archive: Path = SAMPLE, *extra: str) -> Path:
    """A library in *work*/lib holding *archive* (the bundled sample by default)."""
    library = work / "lib" / "library.duckdb"
    ok(cli("import", archive, "--db", library, *extra))
    return library


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "256k") -> Iterator[Path]:
    """*folder* as a file system of *size* (tmpfs: root only, as CI runs); removed after."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    assert done.returncode == 0, f"cannot mount a tmpfs: {done.stderr.decode().strip()}"
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Use up every free byte of the file system *folder* is on."""
    # Unbuffered: a buffer left to flush on close would raise the full disk outside suppress.
    with (folder / ".filler").open("wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 65536)


def copy_tree(src: Path, dst: Path) -> Path:
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    return dst


def contents(library: Path) -> dict[str, str]:
    """Every table of *library* → a hash of its rows in order: "the library as it was", read
    without writing (a failed write may leave DuckDB's empty .wal beside an unchanged file)."""
    import duckdb

    with duckdb.connect(str(library), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        return {
            t: hashlib.sha256(
                repr(con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()).encode()
            ).hexdigest()
            for t in tables
        }


def same_contents(before: dict[str, str], library: Path, what: str = "") -> None:
    after = contents(library)
    changed = sorted(set(before) ^ set(after) | {t for t in before if after.get(t) != before[t]})
    assert not changed, f"{what or library.name} changed: tables {', '.join(changed)}"


def refuses(fn, *mentions: str) -> str:
    """Calling *fn* (the Python API) raised one UserError sentence naming *mentions*."""
    from archivelens.errors import UserError

    try:
        fn()
    except UserError as err:
        sentence = str(err)
    else:
        raise AssertionError("no error: the call succeeded")
    assert "\n" not in sentence and "Traceback" not in sentence, sentence
    for word in mentions:
        assert word.lower() in sentence.lower(), f"{word!r} not named in: {sentence}"
    return sentence


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """*folder* made read-only by a read-only bind mount of itself (root only, as CI runs):
    even root cannot write there, as a person cannot in a folder that is not theirs."""
    done = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    assert done.returncode == 0, f"cannot bind-mount: {done.stderr.decode().strip()}"
    try:
        done = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True, check=False
        )
        assert done.returncode == 0, f"cannot remount read-only: {done.stderr.decode().strip()}"
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)

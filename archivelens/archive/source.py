"""Open an archive given as a .zip or as an extracted folder, and list its members.

Member names are always relative, '/'-separated paths below the archive root. Nothing is ever
extracted to a path built from a member name: members are read as streams only.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archivelens.archive.parts import damaged, describe
from archivelens.errors import UserError
from archivelens.words import with_files

# Folders that never hold data: macOS resource forks and the offline viewer's code.
_IGNORED_TOP = ("__MACOSX/",)
_IGNORED_ANYWHERE = ("/assets/",)

# Files whose presence marks a folder as the archive root, in any era.
_ROOT_MARKERS = (
    "data/manifest.js",
    "data/tweets.js",
    "data/tweet.js",
    "data/account.js",
    "tweet.js",
    "account.js",
    "tweets.csv",
    "data/js/tweet_index.js",
)


# A member inflating to more than this many times its packed size, once past MAX_PLAIN_BYTES, is
# a zip bomb: real archive JSON packs about 10:1.
MAX_RATIO = 200
MAX_PLAIN_BYTES = 10 << 20
_READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


class ArchiveSource:
    """Read-only access to the members of an archive zip or folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        self._raw: dict[str, zipfile.ZipInfo | str] = {}  # member → its zip entry or file
        raw = self._open_listing(path)
        self.prefix = _find_root(list(raw))
        for name, (entry, size) in raw.items():
            if not name.startswith(self.prefix):
                continue
            rel = name[len(self.prefix) :]
            if rel and not _ignored(rel):
                self._sizes[rel] = size
                self._raw[rel] = entry

    def _open_listing(self, path: Path) -> dict[str, tuple[zipfile.ZipInfo | str, int]]:
        if path.is_dir():
            return _list_folder(path)
        if not path.exists():
            raise UserError(f"{path} does not exist.")
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise UserError(
                f"{path.name} is not a zip file or is damaged; use the .zip Twitter sent you or "
                "the folder it extracts to."
            ) from None
        except OSError as err:
            raise UserError(f"Cannot open {path}: {err.strerror}.") from None
        listing: dict[str, tuple[zipfile.ZipInfo | str, int]] = {}
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            # Some Windows zip tools write "data\\tweets.js".
            name = info.filename.replace("\\", "/")
            if name in listing:
                raise UserError(
                    f"{path.name} holds two files named {name}, so it is not clear which one "
                    "is the archive's; use the zip Twitter sent you."
                )
            listing[name] = (info, info.file_size)
        return listing

    def check_sizes(self, free_bytes: int | None) -> None:
        """Refuse, before inflating anything, a zip whose members claim absurd sizes: packed far
        tighter than any real archive (a zip bomb), or more than the disk has free."""
        total = sum(self._sizes.values())  # the import stages about this much as plain JSON
        for name, entry in self._raw.items():
            if not isinstance(entry, zipfile.ZipInfo):
                continue  # a folder's files are as big as they are
            packed = max(entry.compress_size, 1)
            if entry.file_size > MAX_PLAIN_BYTES and entry.file_size / packed > MAX_RATIO:
                raise UserError(
                    with_files(
                        f"A part of {self.path.name} ({describe(name)}) would inflate "
                        f"{entry.file_size / packed:,.0f} times its packed size, which no real "
                        "archive does: it looks damaged or hostile, so archivelens did not open it",
                        name,
                    )
                )
        if free_bytes is not None and total > free_bytes:
            raise UserError(
                f"{self.path.name} holds {total / 1e9:,.1f} GB of data but the disk has only "
                f"{free_bytes / 1e9:,.1f} GB free: free some space and try again."
            )

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> ArchiveSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return sorted(self._sizes)

    def newest_member_time(self) -> datetime | None:
        """The newest modification time among the members (zip entry dates, or file times)."""
        if self._zip is not None:
            stamps = []
            for info in self._zip.infolist():
                try:
                    stamps.append(datetime(*info.date_time))
                except ValueError:
                    continue  # a zip entry with an impossible date
            return max(stamps, default=None)
        times = []
        for raw in self._raw.values():
            try:
                times.append((self.path / str(raw)).stat().st_mtime)
            except OSError:
                continue
        if not times:
            return None
        return datetime.fromtimestamp(max(times), UTC).replace(tzinfo=None)

    def has(self, name: str) -> bool:
        return name in self._sizes

    def size(self, name: str) -> int:
        return self._sizes[name]

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        raw = self._raw[name]
        if self._zip is not None:
            assert isinstance(raw, zipfile.ZipInfo)
            if raw.flag_bits & 0x1:
                raise UserError(
                    with_files(
                        f"{self.path.name} is locked with a password ({describe(name)}); "
                        "archivelens reads the archive as Twitter sent it, without one",
                        name,
                    )
                )
            if raw.compress_type not in _READABLE_METHODS:
                raise UserError(
                    with_files(
                        f"{self.path.name} is packed with a compression method archivelens cannot "
                        f"read (method {raw.compress_type}); unzip it, zip the folder again and "
                        "try again",
                        name,
                    )
                )
            try:
                with self._zip.open(raw) as stream:
                    yield stream  # type: ignore[misc]
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as err:
                if isinstance(err, OSError) and err.errno is not None:
                    raise
                raise UserError(damaged(name)) from None
        else:
            assert isinstance(raw, str)
            with open(self.path / raw, "rb") as stream:
                yield stream


def _ignored(rel: str) -> bool:
    return (
        rel.startswith(_IGNORED_TOP)
        or rel.startswith("assets/")
        or any(part in "/" + rel for part in _IGNORED_ANYWHERE)
    )


def _list_folder(root: Path) -> dict[str, tuple[zipfile.ZipInfo | str, int]]:
    out: dict[str, tuple[zipfile.ZipInfo | str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__MACOSX", "assets")]
        for filename in filenames:
            full = Path(dirpath) / filename
            if full.is_symlink():
                continue  # an archive never holds links; don't follow one out of the folder
            rel = full.relative_to(root).as_posix()
            info = full.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block the import forever
                raise UserError(
                    f"{rel} in {root.name} is not a regular file (a pipe or device); "
                    "archivelens reads only the archive's own files."
                )
            out[rel] = (rel, info.st_size)
    return out


def _find_root(names: list[str]) -> str:
    """The prefix ('' or 'wrapper/') under which the archive's own layout starts.

    Re-zipped downloads often add one wrapping folder; we accept exactly one level.
    """
    names = [n for n in names if not n.startswith(_IGNORED_TOP)]
    present = set(names)
    if any(marker in present for marker in _ROOT_MARKERS):
        return ""
    tops = {n.split("/", 1)[0] + "/" for n in names if "/" in n}
    for top in sorted(tops):
        if any(top + marker in present for marker in _ROOT_MARKERS):
            return top
    return ""

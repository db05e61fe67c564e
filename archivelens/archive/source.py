"""Open an archive given as a .zip or as an extracted folder, and list its members.

Member names are always relative, '/'-separated paths below the archive root. Nothing is ever
extracted to a path built from a member name: members are read as streams only.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archivelens.errors import UserError

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


class ArchiveSource:
    """Read-only access to the members of an archive zip or folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        self._raw_name: dict[str, str] = {}
        raw = self._open_listing(path)
        self.prefix = _find_root(list(raw))
        for name, size in raw.items():
            if not name.startswith(self.prefix):
                continue
            rel = name[len(self.prefix) :]
            if rel and not _ignored(rel):
                self._sizes[rel] = size
                self._raw_name[rel] = name

    def _open_listing(self, path: Path) -> dict[str, int]:
        if path.is_dir():
            return _list_folder(path)
        if not path.exists():
            raise UserError(f"{path} does not exist.")
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise UserError(
                f"{path.name} is not a zip file or is damaged; use the .zip Twitter sent you or "
                "the folder it extracts to."
            ) from None
        except OSError as err:
            raise UserError(f"Cannot open {path}: {err.strerror}.") from None
        return {
            info.filename.replace("\\", "/"): info.file_size
            for info in self._zip.infolist()
            if not info.is_dir()
        }

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
        for raw in self._raw_name.values():
            try:
                times.append((self.path / raw).stat().st_mtime)
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
        raw = self._raw_name[name]
        if self._zip is not None:
            try:
                with self._zip.open(raw) as stream:
                    yield stream  # type: ignore[misc]
            except (zipfile.BadZipFile, EOFError, OSError) as err:
                if isinstance(err, OSError) and err.errno is not None:
                    raise
                raise UserError(f"{name} in {self.path.name} is damaged ({err}).") from None
        else:
            with open(self.path / raw, "rb") as stream:
                yield stream


def _ignored(rel: str) -> bool:
    return (
        rel.startswith(_IGNORED_TOP)
        or rel.startswith("assets/")
        or any(part in "/" + rel for part in _IGNORED_ANYWHERE)
    )


def _list_folder(root: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__MACOSX", "assets")]
        for filename in filenames:
            full = Path(dirpath) / filename
            if full.is_symlink():
                continue  # an archive never holds links; don't follow one out of the folder
            rel = full.relative_to(root).as_posix()
            out[rel] = full.stat().st_size
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

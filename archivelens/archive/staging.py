"""Stream an archive's data files into a private temp folder as plain JSON for DuckDB.

DuckDB's JSON reader then scans them with bounded memory; no data file is ever held as Python
objects. Temp files get neutral names (``tweets-0003.json``), never names taken from the archive.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archivelens.archive import records
from archivelens.archive.jsfile import first_record_key, stream_json
from archivelens.archive.layout import DataFile, Layout
from archivelens.archive.source import ArchiveSource
from archivelens.errors import UserError, sentence_for_os_error


@dataclass(frozen=True)
class StagedFile:
    file: DataFile
    path: Path
    wrapper: str | None  # the record's wrapper key, None for bare records
    empty: bool


@dataclass
class StagedArchive:
    folder: Path
    files: list[StagedFile] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[StagedFile]:
        return [s for s in self.files if s.file.kind in kinds and not s.empty]

    def member_name(self, temp_path: str) -> str:
        """The archive member a temp path (as DuckDB reports it in ``filename``) came from."""
        for staged in self.files:
            if str(staged.path) == temp_path:
                return staged.file.name
        return temp_path

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- SQL over the staged files, one canonical shape per kind --------------------------------

    def tweets_sql(self) -> str:
        parts = [
            records.tweets_from_json(records.json_source(paths, records.TWEET_TYPE, wrap))
            for wrap, paths in self._groups("tweets", "grailbird")
        ]
        parts += [records.tweets_from_classic_csv(str(s.path)) for s in self.of_kind("tweets_csv")]
        if not parts:  # still the canonical columns, with no rows
            parts = [records.tweets_from_json(self._empty_source(records.TWEET_TYPE))]
        return "\nUNION ALL\n".join(parts)

    def notes_sql(self) -> str:
        parts = [
            records.notes_from_json(records.json_source(paths, records.NOTE_TYPE, wrap))
            for wrap, paths in self._groups("note_tweet")
        ]
        if not parts:
            parts = [records.notes_from_json(self._empty_source(records.NOTE_TYPE))]
        return "\nUNION ALL\n".join(parts)

    def _empty_source(self, record_type: str) -> str:
        empty = self.folder / "empty.json"
        if not empty.exists():
            empty.write_bytes(b"[]")
        return records.json_source([str(empty)], record_type, None)

    def likes_sql(self) -> str | None:
        parts = [
            records.likes_from_json(records.json_source(paths, records.LIKE_TYPE, wrap))
            for wrap, paths in self._groups("like")
        ]
        return "\nUNION ALL\n".join(parts) if parts else None

    def account_refs_sql(self, kind: str) -> list[str]:
        """One statement per file, in part order, so positions follow the archive's order."""
        return [
            records.account_refs_from_json(
                records.json_source([str(s.path)], records.ACCOUNT_REF_TYPE, s.wrapper)
            )
            for s in self.of_kind(kind)
        ]

    def _groups(self, *kinds: str) -> list[tuple[str | None, list[str]]]:
        """Staged files of *kinds* grouped by wrapper, so each group is one read_json scan."""
        groups: dict[str | None, list[str]] = {}
        for staged in self.of_kind(*kinds):
            groups.setdefault(staged.wrapper, []).append(str(staged.path))
        return list(groups.items())


def stage(
    source: ArchiveSource,
    layout: Layout,
    on_bytes: Callable[[int, int], None] | None = None,
    check: Callable[[], None] | None = None,
    temp_root: Path | None = None,
) -> StagedArchive:
    """Copy every data file of *layout* to a private temp folder as plain JSON (or CSV)."""
    folder = Path(tempfile.mkdtemp(prefix="archivelens-import-", dir=temp_root))
    staged = StagedArchive(folder)
    total = sum(source.size(f.name) for f in layout.files) or 1
    done = 0
    try:
        for index, data_file in enumerate(layout.files):
            suffix = "csv" if data_file.kind == "tweets_csv" else "json"
            path = folder / f"{data_file.kind}-{index:04d}.{suffix}"
            with source.open(data_file.name) as src, open(path, "wb") as dest:
                if data_file.kind == "tweets_csv":
                    shutil.copyfileobj(src, dest, 1 << 20)
                else:
                    stream_json(src, dest, data_file.name, check)
            done += source.size(data_file.name)
            if on_bytes:
                on_bytes(done, total)
            staged.files.append(_describe(data_file, path))
            if check:
                check()
    except OSError as err:
        staged.cleanup()
        raise UserError(sentence_for_os_error(err, "reading the archive")) from None
    except BaseException:
        staged.cleanup()
        raise
    return staged


# First keys that show a record is not wrapped in a {"<type>" : …} object.
_BARE_RECORD_KEYS = {"accountId", "userLink", "tweetId", "fullText", "noteTweetId", "createdAt"}


def _describe(data_file: DataFile, path: Path) -> StagedFile:
    if data_file.kind == "tweets_csv":
        return StagedFile(data_file, path, None, path.stat().st_size == 0)
    key = first_record_key(path)
    expected = records.WRAPPERS.get(data_file.kind)
    if data_file.kind in ("tweets", "grailbird"):
        wrapper = "tweet" if key == "tweet" else None  # 2018–19 tweet.js holds bare tweets
    elif key in _BARE_RECORD_KEYS:
        wrapper = None
    else:
        wrapper = key if key is not None else expected
    return StagedFile(data_file, path, wrapper, key is None)

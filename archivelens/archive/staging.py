"""Stream an archive's data files into a private temp folder as plain JSON for DuckDB.

DuckDB's JSON reader then scans them with bounded memory; no data file is ever held as Python
objects. Temp files get neutral names (``tweets-0003-000.json``), never names taken from the
archive.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archivelens import scratch
from archivelens.archive import records
from archivelens.archive.jsfile import (
    ArraySplitter,
    first_record_key,
    is_empty_array,
    stream_json,
)
from archivelens.archive.layout import DataFile, Layout
from archivelens.archive.source import ArchiveSource
from archivelens.errors import Cancelled, UserError, sentence_for_os_error

# Big tweet arrays are cut into files of about this size so DuckDB parses them in parallel, and
# parsing starts while the rest of the member is still inflating.
_SPLIT_BYTES = 24 << 20

# Kinds whose records keep their order (positions): cut like the others, but their chunks are
# handed over member by member, in file order, for the importer to number them.
_ORDERED_KINDS = ("follower", "following", "block", "mute")


@dataclass(frozen=True)
class Chunk:
    """A temp file holding a whole JSON array of some of one member's records."""

    file: DataFile
    path: Path
    wrapper: str | None  # the records' wrapper key, None for bare records
    empty: bool


def select_sql(chunks: list[Chunk]) -> str:
    """SQL yielding the records of *chunks* (one kind, one wrapper) in canonical columns."""
    first = chunks[0]
    return records.select_for(first.file.kind, [str(c.path) for c in chunks], first.wrapper)


class ChunkStream:
    """Inflates an archive's data files on worker threads and yields their chunks as they land.

    The consumer (the importer) parses each chunk with DuckDB while the workers inflate the next,
    so a big archive uses both cores and its temp files never pile up. Members inflate in
    parallel (zlib releases the GIL), each worker with its own handle on the archive, biggest
    first. Use as a context manager: leaving it stops the workers and deletes the temp folder.
    """

    def __init__(
        self,
        source: ArchiveSource,
        layout: Layout,
        on_bytes: Callable[[int, int], None] | None = None,
        temp_root: Path | None = None,
        workers: int = 2,
    ) -> None:
        self._source = source
        self._layout = layout
        self._workers = max(1, workers)
        self._meter = _ByteMeter(sum(source.size(f.name) for f in layout.files), on_bytes)
        self._queue: queue.Queue[object] = queue.Queue()
        self._local = threading.local()
        self._handles: list[ArchiveSource] = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self.cut_short: set[str] = set()  # members that end before their closing ]
        try:
            self.folder = scratch.make("archivelens-import-", temp_root)
        except OSError as err:
            raise UserError(sentence_for_os_error(err, "creating temporary files")) from None

    def __enter__(self) -> ChunkStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def empty_select(self, kind: str) -> str:
        """SQL with *kind*'s canonical columns and no rows (to create a staging table)."""
        empty = self.folder / "empty.json"
        if not empty.exists():
            empty.write_bytes(b"[]")
        json_kind = "tweets" if kind == "tweets_csv" else kind
        return records.select_for(json_kind, [str(empty)], None)

    def batches(self) -> Iterator[list[Chunk]]:
        """Chunks in batches of one kind and wrapper, as many as have landed by now.

        When parsing falls behind inflating, the waiting chunks are parsed together, and DuckDB
        spreads several files over its threads.
        """
        files = self._layout.files
        order = sorted(range(len(files)), key=lambda i: -self._source.size(files[i].name))
        self._pool = ThreadPoolExecutor(max_workers=self._workers)
        for index in order:
            self._pool.submit(self._copy_guarded, index)
        pending = len(files)
        while pending:
            landed: list[Chunk] = []
            item = self._queue.get()
            while True:
                if item is _MEMBER_DONE:
                    pending -= 1
                elif isinstance(item, BaseException):
                    raise _as_user_error(item)
                else:
                    landed.append(item)  # type: ignore[arg-type]
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            yield from _grouped(landed)

    def close(self) -> None:
        self._meter.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for handle in self._handles:
            handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- worker side -----------------------------------------------------------------------------

    def _copy_guarded(self, index: int) -> None:
        try:
            self._copy(index)
        except BaseException as err:  # handed to the consumer, never lost
            self._queue.put(err)
        finally:
            self._queue.put(_MEMBER_DONE)

    def _copy(self, index: int) -> None:
        data_file = self._layout.files[index]
        suffix = "csv" if data_file.kind == "tweets_csv" else "json"

        def landed(path: Path) -> None:
            self._queue.put(_describe(data_file, path))

        dest = ArraySplitter(
            lambda n: self.folder / f"{data_file.kind}-{index:04d}-{n:03d}.{suffix}",
            _SPLIT_BYTES,
            on_closed=landed,
        )
        try:
            with self._worker_source().open(data_file.name) as src:
                stream_json(
                    src,
                    dest,
                    data_file.name,
                    self._meter.add,
                    raw=data_file.kind == "tweets_csv",
                    on_cut_short=lambda: self.cut_short.add(data_file.name),
                )
        except BaseException:
            dest.abandon()
            raise
        dest.close()

    def _worker_source(self) -> ArchiveSource:
        if not hasattr(self._local, "source"):
            self._local.source = ArchiveSource(self._source.path)
            with self._lock:
                self._handles.append(self._local.source)
        return self._local.source


_MEMBER_DONE = object()


def _grouped(chunks: list[Chunk]) -> list[list[Chunk]]:
    """Landed chunks in batches of one kind and wrapper. An account list's are batched by
    member, in file order (one worker writes a member's chunks, one after the other), so their
    records can be numbered: a run of its chunks with another wrapper (a re-saved file may mix
    wrapped and bare records) is a batch of its own, in its place."""
    groups: dict[tuple[str, str | None], list[Chunk]] = {}
    for chunk in chunks:
        ordered = chunk.file.kind in _ORDERED_KINDS
        key = (chunk.file.kind, chunk.file.name if ordered else chunk.wrapper)
        groups.setdefault(key, []).append(chunk)
    return [run for group in groups.values() for run in _runs(group)]


def _runs(chunks: list[Chunk]) -> list[list[Chunk]]:
    """*chunks* cut where the wrapper changes, in order."""
    runs: list[list[Chunk]] = []
    for chunk in chunks:
        if runs and runs[-1][-1].wrapper == chunk.wrapper:
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    return runs


def _as_user_error(err: BaseException) -> BaseException:
    if isinstance(err, OSError) and not isinstance(err, UserError):
        return UserError(sentence_for_os_error(err, "reading the archive"))
    return err


class _ByteMeter:
    """Counts bytes inflated by all workers, reports progress, and stops them on request."""

    def __init__(self, total: int, on_bytes: Callable[[int, int], None] | None) -> None:
        self.total = total or 1
        self.done = 0
        self.on_bytes = on_bytes
        self.stopped = False
        self._lock = threading.Lock()

    def add(self, nbytes: int) -> None:
        if self.stopped:
            raise Cancelled()
        with self._lock:
            self.done += nbytes
            done = self.done
        if self.on_bytes:
            self.on_bytes(min(done, self.total), self.total)

    def stop(self) -> None:
        self.stopped = True


# First keys that show a record is not wrapped in a {"<type>" : …} object.
_BARE_RECORD_KEYS = {"accountId", "userLink", "tweetId", "fullText", "noteTweetId", "createdAt"}


def _describe(data_file: DataFile, path: Path) -> Chunk:
    if data_file.kind == "tweets_csv":
        return Chunk(data_file, path, None, path.stat().st_size == 0)
    key = first_record_key(path, data_file.name)
    if data_file.kind in ("tweets", "grailbird"):
        wrapper = "tweet" if key == "tweet" else None  # 2018–19 tweet.js holds bare tweets
    elif key in _BARE_RECORD_KEYS:
        wrapper = None
    else:
        wrapper = key if key is not None else records.WRAPPERS.get(data_file.kind)
    return Chunk(data_file, path, wrapper, is_empty_array(path))

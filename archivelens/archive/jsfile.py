"""The JavaScript wrapper around every archive data file.

Each data file is ``<global> = <JSON>`` (``window.YTD.tweets.part0 = [ … ]``,
``Grailbird.data.tweets_2011_04 =``, ``var tweet_index =  [``). We take everything after the first
``=``, drop a byte-order mark and an optional trailing ``;``, and hand pure JSON on. Large files are
streamed to a private temp file for DuckDB's JSON reader; small ones are parsed in memory.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from archivelens.archive.parts import damaged
from archivelens.errors import UserError

CHUNK = 1 << 20
_HEAD_LIMIT = 4096  # the assignment is always within the first few dozen bytes
_BOM = b"\xef\xbb\xbf"
# The first object key in a file: the wrapper (``{"tweet" : {…}}``) or a bare record's field.
_KEY_RE = re.compile(rb'\{\s*"((?:[^"\\]|\\.)*)"')
# "window.YTD.tweets.part0 = ", "var tweet_index = ", or with ':' as some re-saved files have.
_ASSIGNMENT = re.compile(rb"\s*(?:var\s+)?[A-Za-z_$][\w.$]*\s*[=:]\s*")


class NotAnArchiveFile(UserError):
    pass


class ByteSink(Protocol):
    """Where :func:`stream_json` writes: an open binary file, or an :class:`ArraySplitter` that
    cuts the stream into several files (only ``write`` is needed of either)."""

    def write(self, data: bytes, /) -> object: ...


def _split_head(head: bytes, name: str) -> bytes:
    """Return *head* with the ``<global> =`` assignment removed."""
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    stripped = head.lstrip()
    if stripped[:1] in (b"[", b"{"):
        return stripped  # already plain JSON (some tools re-save files that way)
    match = _ASSIGNMENT.match(head[:_HEAD_LIMIT])
    if match is None:
        raise NotAnArchiveFile(f"{name} is not an archive data file (no '=' assignment found).")
    return head[match.end() :].lstrip()


def stream_json(
    src: BinaryIO,
    dest: ByteSink,
    name: str,
    on_chunk: Callable[[int], None] | None = None,
    raw: bool = False,
    on_cut_short: Callable[[], None] | None = None,
) -> int:
    """Copy *src* minus its assignment prefix into *dest*; return bytes written.

    *on_chunk* gets the size of each chunk read, so a long copy can report progress and stop
    promptly on cancel (by raising). With *raw*, the file is copied as it is (``tweets.csv``).
    *on_cut_short* is called for an array that ends before its closing ``]`` (a download cut
    after a record's comma parses, and would lose the rest of the file without a word).
    """
    head = src.read(max(CHUNK, _HEAD_LIMIT))
    if on_chunk is not None:
        on_chunk(len(head))
    decode = _utf16_decoder(head)
    if decode is not None:
        head = decode(head[2:])
    pending = head if raw else _split_head(head, name)
    is_array = pending[:1] == b"["
    written = 0
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            break
        if decode is not None:
            chunk = decode(chunk)
        dest.write(pending)
        written += len(pending)
        pending = chunk
        if on_chunk is not None:
            on_chunk(len(chunk))
    tail = pending if raw else pending.rstrip()
    if not raw and tail.endswith(b";"):
        tail = tail[:-1]
    if not raw and is_array and not tail.endswith(b"]") and on_cut_short is not None:
        on_cut_short()
    dest.write(tail)
    return written + len(tail)


@dataclass(frozen=True)
class _Cut:
    pattern: bytes  # the exporter's text between two top-level records
    keep: int  # bytes of the pattern that end the record before the cut
    close: bytes  # closes the array in the file that ends
    open: bytes  # starts the array (and record) in the next file


# Raw newlines never occur inside JSON strings, so these can only be top-level separators:
# 2020+ layout ("lines") puts records at indent 2, the 2018–19 layout ("joined") at column 0.
_CUTS = (
    _Cut(b"\n  },\n  {\n", 4, b"\n]", b"[\n  {\n"),
    _Cut(b"\n}, {\n", 2, b" ]", b"[ {\n"),
)
_LONGEST_CUT = max(len(c.pattern) for c in _CUTS)


class ArraySplitter:
    """Writes one JSON array as several files, each a complete array of whole records.

    DuckDB parses separate files in parallel but one big array on one thread, and the current
    archive writes up to ~100 MiB per part. Cuts happen only between top-level records; an
    array in a layout we don't recognise simply stays in one file.
    """

    def __init__(
        self,
        path_for: Callable[[int], Path],
        limit: int = 32 << 20,
        on_closed: Callable[[Path], None] | None = None,
    ) -> None:
        self._path_for = path_for
        self._limit = limit
        self._on_closed = on_closed
        self.paths: list[Path] = []
        self._file: BinaryIO | None = None
        self._size = 0
        self._tail = b""
        self._open()

    def _open(self) -> None:
        self._finish_file()
        path = self._path_for(len(self.paths))
        self.paths.append(path)
        self._file = open(path, "wb")  # noqa: SIM115 - closed by _open / close
        self._size = 0

    def _emit(self, data: bytes) -> None:
        assert self._file is not None
        self._file.write(data)
        self._size += len(data)

    def write(self, data: bytes) -> None:
        buf = self._tail + data
        while self._size + len(buf) >= self._limit:
            cut = _first_cut(buf, max(0, self._limit - self._size - _LONGEST_CUT))
            if cut is None:
                break
            pos, how = cut
            self._emit(buf[: pos + how.keep] + how.close)
            self._open()
            self._emit(how.open)
            buf = buf[pos + len(how.pattern) :]
        keep = max(0, len(buf) - (_LONGEST_CUT - 1))
        self._emit(buf[:keep])
        self._tail = buf[keep:]

    def close(self) -> None:
        """Finish the last file. Call once the stream has been copied completely."""
        if self._file is not None:
            self._emit(self._tail)
            self._tail = b""
            self._finish_file()

    def abandon(self) -> None:
        """Close without handing on the file being written (the copy failed part-way)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _finish_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            if self._on_closed is not None:
                self._on_closed(self.paths[-1])


def _first_cut(buf: bytes, start: int) -> tuple[int, _Cut] | None:
    found = [(pos, cut) for cut in _CUTS if (pos := buf.find(cut.pattern, start)) >= 0]
    return min(found, key=lambda f: f[0]) if found else None


# manifest.js, account.js and the classic index files are a few kilobytes; one of many megabytes
# is damaged or hostile, and reading it whole would cost memory for nothing.
SMALL_FILE_LIMIT = 8 << 20


def load_small(src: BinaryIO, name: str) -> Any:
    """Parse a small data file (manifest, account, index) into Python objects."""
    data = src.read(SMALL_FILE_LIMIT + 1)
    if len(data) > SMALL_FILE_LIMIT:
        raise UserError(
            damaged(
                name,
                f"it is over {SMALL_FILE_LIMIT >> 20} MB where a real one holds a few kilobytes, "
                "so the archive looks damaged or hostile",
            )
        )
    body = _split_head(_as_utf8(data, name), name).rstrip()
    if body.endswith(b";"):
        body = body[:-1]
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(damaged(name)) from None
    except RecursionError:
        raise UserError(damaged(name, "its data is nested thousands of levels deep")) from None


def _utf16_decoder(head: bytes) -> Callable[[bytes], bytes] | None:
    """For a file re-saved as UTF-16 (it starts with a byte-order mark): a function turning its
    successive chunks into UTF-8."""
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(head[:2])
    if codec is None:
        return None
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    return lambda chunk: decoder.decode(chunk).encode("utf-8")


def _as_utf8(data: bytes, name: str) -> bytes:
    """Data files are UTF-8; a file re-saved as UTF-16 (by a text editor) is converted."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                raise UserError(damaged(name, "it is not valid UTF-16 text")) from None
    return data


def first_record_key(path: Path, name: str) -> str | None:
    """The first key of the first object record in a stripped JSON array file, or None if the
    array is empty (or holds no object in its first kilobytes).

    Tells wrapped records (``{"tweet" : {…}}``) from bare ones (2018–19 ``tweet.js``). A file
    that is not an array at all is refused: read as "no records", it would lose them silently.
    """
    with open(path, "rb") as f:
        head = f.read(_HEAD_LIMIT)
    if not head.lstrip().startswith(b"["):
        raise UserError(damaged(name, "it does not hold a list of records"))
    match = _KEY_RE.search(head)
    return match.group(1).decode("utf-8", "replace") if match else None


def is_empty_array(path: Path) -> bool:
    """Whether a stripped JSON file is ``[ ]`` (as opposed to records that are not objects)."""
    with open(path, "rb") as f:
        return b"".join(f.read(_HEAD_LIMIT).split()) == b"[]"

"""The JavaScript wrapper around every archive data file.

Each data file is ``<global> = <JSON>`` (``window.YTD.tweets.part0 = [ … ]``,
``Grailbird.data.tweets_2011_04 =``, ``var tweet_index =  [``). We take everything after the first
``=``, drop a byte-order mark and an optional trailing ``;``, and hand pure JSON on. Large files are
streamed to a private temp file for DuckDB's JSON reader; small ones are parsed in memory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, BinaryIO

from archivelens.errors import UserError

CHUNK = 1 << 20
_HEAD_LIMIT = 4096  # the assignment is always within the first few dozen bytes
_BOM = b"\xef\xbb\xbf"
_KEY_RE = re.compile(rb'^\s*\[\s*\{\s*"((?:[^"\\]|\\.)*)"')


class NotAnArchiveFile(UserError):
    pass


def _split_head(head: bytes, name: str) -> bytes:
    """Return *head* with the ``<global> =`` assignment removed."""
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    stripped = head.lstrip()
    if stripped[:1] in (b"[", b"{"):
        return stripped  # already plain JSON (some tools re-save files that way)
    eq = head.find(b"=", 0, _HEAD_LIMIT)
    if eq < 0:
        raise NotAnArchiveFile(f"{name} is not an archive data file (no '=' assignment found).")
    return head[eq + 1 :].lstrip()


def stream_json(src: BinaryIO, dest: BinaryIO, name: str, check: Any = None) -> int:
    """Copy *src* minus its assignment prefix into *dest*; return bytes written.

    *check* is called between chunks so a cancel request stops a long copy promptly.
    """
    head = src.read(max(CHUNK, _HEAD_LIMIT))
    body = _split_head(head, name)
    written = 0
    pending = body
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            break
        dest.write(pending)
        written += len(pending)
        pending = chunk
        if check is not None:
            check()
    tail = pending.rstrip()
    if tail.endswith(b";"):
        tail = tail[:-1]
    dest.write(tail)
    return written + len(tail)


def load_small(src: BinaryIO, name: str) -> Any:
    """Parse a small data file (manifest, account, index) into Python objects."""
    body = _split_head(src.read(), name).rstrip()
    if body.endswith(b";"):
        body = body[:-1]
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UserError(f"{name} is damaged and cannot be read ({err}).") from None


def first_record_key(path: Path) -> str | None:
    """The first key of the first record in a stripped JSON array file, or None if empty.

    Tells wrapped records (``{"tweet" : {…}}``) from bare ones (2018–19 ``tweet.js``).
    """
    with open(path, "rb") as f:
        head = f.read(_HEAD_LIMIT)
    match = _KEY_RE.match(head)
    return match.group(1).decode("utf-8", "replace") if match else None

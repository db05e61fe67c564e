"""Write JSON the way Twitter's archive exporter (Jackson's pretty printer) does.

Two layouts occur in real archives (``archive-format.md`` §1.4):

* ``lines`` (2020+): every array element on its own line, ``"key" : value``, 2-space indent;
* ``joined`` (2018–19): records joined as ``} , {`` → ``}, {``, short scalar arrays inline
  (``[ "3", "16" ]``).

Empty arrays are ``[ ]`` and empty objects ``{ }`` in both.
"""

from __future__ import annotations

import json.encoder
from typing import Any

_enc_raw = json.encoder.encode_basestring  # non-ASCII written raw (2019+ archives)
_enc_ascii = json.encoder.encode_basestring_ascii  # \uXXXX escapes (classic archives)


def _scalar(value: Any, ascii_only: bool) -> str:
    if isinstance(value, str):
        text = _enc_ascii(value) if ascii_only else _enc_raw(value)
        return text.replace("/", "\\/") if ascii_only else text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def dumps(value: Any, style: str = "lines", indent: int = 0, ascii_only: bool = False) -> str:
    """Serialise *value* in the chosen Jackson layout, starting at *indent* spaces."""
    out: list[str] = []
    _write(value, style, indent, ascii_only, out)
    return "".join(out)


def _write(value: Any, style: str, indent: int, ascii_only: bool, out: list[str]) -> None:
    if isinstance(value, dict):
        _write_object(value, style, indent, ascii_only, out)
    elif isinstance(value, list):
        _write_array(value, style, indent, ascii_only, out)
    else:
        out.append(_scalar(value, ascii_only))


def _write_object(obj: dict, style: str, indent: int, ascii_only: bool, out: list[str]) -> None:
    if not obj:
        out.append("{ }")
        return
    pad = " " * (indent + 2)
    out.append("{\n")
    last = len(obj) - 1
    for i, (key, item) in enumerate(obj.items()):
        out.append(pad)
        out.append(_scalar(key, ascii_only))
        out.append(" : ")
        _write(item, style, indent + 2, ascii_only, out)
        out.append(",\n" if i < last else "\n")
    out.append(" " * indent + "}")


def _write_array(arr: list, style: str, indent: int, ascii_only: bool, out: list[str]) -> None:
    if not arr:
        out.append("[ ]")
        return
    if style == "joined":
        if all(not isinstance(x, dict | list) for x in arr):
            out.append("[ " + ", ".join(_scalar(x, ascii_only) for x in arr) + " ]")
            return
        out.append("[ ")
        for i, item in enumerate(arr):
            if i:
                out.append(", ")
            _write(item, style, indent, ascii_only, out)
        out.append(" ]")
        return
    pad = " " * (indent + 2)
    out.append("[\n")
    last = len(arr) - 1
    for i, item in enumerate(arr):
        out.append(pad)
        _write(item, style, indent + 2, ascii_only, out)
        out.append(",\n" if i < last else "\n")
    out.append(" " * indent + "]")


def data_file(global_name: str, records: list[Any], style: str = "lines") -> str:
    """A whole ``window.YTD.<name>.partN = [ … ]`` file (no trailing newline, as real ones)."""
    if not records:
        return f"{global_name} = [ ]"
    return f"{global_name} = " + dumps(records, style)

"""One line of an input file, decoded and parsed: the value, or why not (never the line's text).

Shared by ``scan`` and the conversation readers, so that every reader treats a byte-order
mark, bad UTF-8 and hostile JSON (nesting deep enough to exhaust the parser) the same way.
"""

from __future__ import annotations

import json
from typing import NamedTuple

BOM = "\ufeff"


class BadLine(NamedTuple):
    kind: str  # invalid_encoding | invalid_json
    detail: str


def decode(raw: bytes, line: int) -> str | BadLine:
    """The line as text; a byte-order mark opening the file (line 1) is dropped."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadLine("invalid_encoding", f"not valid UTF-8 (byte {exc.start})")
    return text.removeprefix(BOM) if line == 1 else text


def parse(text: str) -> object | BadLine:
    """The JSON value of ``text``, or what is wrong with it."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return BadLine("invalid_json", f"invalid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return BadLine("invalid_json", "invalid JSON (nested too deeply)")

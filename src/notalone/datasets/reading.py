"""Reading dataset files with errors that name the file and the shape expected.

Every message here names files, columns, row numbers and counts, never a row's text: the
datasets hold real abusive and personal messages that must not reach logs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from notalone.errors import DatasetError

_C1 = re.compile("[\x80-\x9f]")

# Some fields (Reddit posts, chat logs) are longer than the csv module's default 131,072.
_FIELD_LIMIT = 16 * 1024 * 1024


def require(path: Path) -> Path:
    """``path`` if it exists, else a ``DatasetError`` that says where data is looked for."""
    if not path.exists():
        raise DatasetError(
            f"{path} is missing; check the dataset folder (see its SOURCE.md) or point "
            "NOTALONE_DATA_DIR / --data-dir at the datasets directory"
        )
    return path


def read_text(path: Path, encodings: Sequence[str] = ("utf-8-sig",)) -> str:
    """The file decoded with the first encoding that fits; a clear error when none does."""
    data = require(path).read_bytes()
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            first = err
    names = " or ".join(dict.fromkeys(e.upper().removesuffix("-SIG") for e in encodings))
    raise DatasetError(
        f"{path} is not valid {names} text (undecodable byte at offset {first.start}); "
        "re-save it as UTF-8"
    )


def fix_c1(text: str) -> str:
    """Map stray C1 control characters (cp1252 bytes decoded as latin-1) to what they meant."""
    if not _C1.search(text):
        return text
    return _C1.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", errors="replace"), text)


def read_rows(
    path: Path,
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    quoting: int = csv.QUOTE_MINIMAL,
    encodings: Sequence[str] = ("utf-8-sig",),
) -> list[dict[str, str]]:
    """The rows of a delimited file with a header, checked to have ``columns``.

    Raises ``DatasetError`` for a missing file, a missing column (listing expected and found),
    a row with the wrong number of fields, or text that is not valid CSV.
    """
    text = read_text(path, encodings)
    old_limit = csv.field_size_limit(_FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
        try:
            header = next(reader)
        except StopIteration:
            raise DatasetError(
                f"{path} is empty; expected a header with {_names(columns)}"
            ) from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise DatasetError(
                f"{path} does not have the expected columns: missing {_names(missing)}; "
                f"expected {_names(columns)}, found {_names(header)}"
            )
        rows: list[dict[str, str]] = []
        try:
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != len(header):
                    raise DatasetError(
                        f"{path}: line {reader.line_num} has {len(fields)} fields, "
                        f"expected {len(header)} ({_names(header)})"
                    )
                rows.append(dict(zip(header, fields, strict=True)))
        except csv.Error as err:
            raise DatasetError(
                f"{path}: not valid delimited text near line {reader.line_num}: {err}"
            ) from None
    finally:
        csv.field_size_limit(old_limit)
    return rows


def mapped(value: str, mapping: dict[str, str], path: Path, row: int, column: str) -> str:
    """``mapping[value]``, or an error naming the row and the values allowed."""
    try:
        return mapping[value.strip()]
    except KeyError:
        allowed = ", ".join(sorted(mapping))
        shown = repr(value) if len(value) <= 12 else f"a {len(value)}-character value"
        raise DatasetError(
            f"{path}: row {row} has {column}={shown}; expected one of: {allowed}"
        ) from None


def _names(columns: Sequence[str]) -> str:
    return ", ".join(repr(c) for c in columns)

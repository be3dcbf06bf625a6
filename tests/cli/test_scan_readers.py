"""The scan readers on awkward files, in process: what each record or problem becomes."""

from __future__ import annotations

import io

import pytest

from notalone.cli import scan
from notalone.cli.scan import Problem, Record, read_csv, read_jsonl, read_text
from notalone.errors import InputError


def _jsonl(*lines: bytes) -> list[Record | Problem]:
    return list(read_jsonl(io.BytesIO(b"\n".join(lines)), "text", "id"))


def test_jsonl_byte_order_mark_is_not_part_of_the_first_record() -> None:
    first, second = _jsonl(b'\xef\xbb\xbf{"id": 1, "text": "hi"}', b'{"id": 2, "text": "yo"}')
    assert first == Record(1, 1, "hi") and second == Record(2, 2, "yo")


def test_jsonl_hostile_nesting_is_one_bad_line() -> None:
    deep = b"[" * 200_000
    got = _jsonl(b'{"id": 1, "text": "hi"}', deep, b'{"id": 3, "text": "yo"}')
    assert got[0] == Record(1, 1, "hi") and got[2] == Record(3, 3, "yo")
    assert got[1] == Problem(2, "invalid_json", "invalid JSON (nested too deeply)")


def test_jsonl_values_that_are_not_records() -> None:
    array, boolean_id = _jsonl(b'["text", "hi"]', b'{"id": true, "text": "hi"}')
    assert array == Problem(1, "not_object", "not a JSON object")
    assert boolean_id == Record(2, None, "hi")  # true is no id to echo back


def test_csv_byte_order_mark_and_tab_separated_files() -> None:
    bom = io.BytesIO("\ufeffid,text\n7,xin chào\n".encode())
    assert list(read_csv(bom, "text", "id")) == [Record(2, "7", "xin chào")]
    tsv = io.BytesIO(b"id\ttext\n8\thello, you\n")
    assert list(read_csv(tsv, "text", "id", "\t")) == [Record(2, "8", "hello, you")]
    with pytest.raises(InputError, match="--format tsv"):
        list(read_csv(io.BytesIO(b"id\ttext\n8\thi\n"), "text", "id"))


def test_csv_long_field_is_read_whole_for_the_engine_to_judge() -> None:
    big = "a" * 140_000
    rows = list(read_csv(io.BytesIO(f'text\n"{big}"\nhi\n'.encode()), "text", "id"))
    assert [r.text for r in rows if isinstance(r, Record)] == [big, "hi"]


def test_csv_the_parser_cannot_get_past_is_reported_not_raised(monkeypatch) -> None:
    monkeypatch.setattr(scan, "_MAX_FIELD", 1000)
    rows = list(read_csv(io.BytesIO(f'text\nhi\n"{"a" * 5000}"\nlater\n'.encode()), "text", "id"))
    assert rows[0] == Record(2, 2, "hi")
    assert isinstance(rows[1], Problem) and rows[1].kind == "invalid_csv"
    assert "rest of the file was not read" in rows[1].detail and len(rows) == 2


def test_csv_quote_left_open_is_reported_not_swallowed() -> None:
    rows = list(read_csv(io.BytesIO(b'text\nhi\n"open quote\nmore\nand more\n'), "text", "id"))
    assert rows[0] == Record(2, 2, "hi")
    assert isinstance(rows[1], Problem) and rows[1].kind == "invalid_csv" and len(rows) == 2


def test_text_lines_keep_their_numbers() -> None:
    got = list(read_text(io.BytesIO(b"\xef\xbb\xbfhi\n\n\xff\nyo\r\n")))
    assert got == [
        Record(1, 1, "hi"),
        Problem(3, "invalid_encoding", "not valid UTF-8 (byte 0)"),
        Record(4, 4, "yo"),
    ]

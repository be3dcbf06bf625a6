"""``load_generic`` turns a user's own labelled CSV / TSV / JSONL file into a Dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notalone.datasets import DatasetError, Protocol, folds, load_generic

ROWS = [(f"message {i}", "risky" if i % 3 == 0 else "fine", f"u{i % 4}") for i in range(12)]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("body,tag,who\n" + "".join(f"{t},{lab},{u}\n" for t, lab, u in ROWS))
    ds = load_generic(path, "body", "tag", ["risky"], category="scam")
    assert ds.name == "mine" and ds.protocol is Protocol.CV5
    assert ds.labels == ("fine", "risky") and ds.positive == ("risky",)
    assert len(ds.split("all")) == 12 and ds.split("all")[0].label == "risky"
    assert len(folds(ds, k=2)) == 2


def test_tsv_grouped(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("body\ttag\twho\n" + "".join(f"{t}\t{lab}\t{u}\n" for t, lab, u in ROWS))
    ds = load_generic(path, "body", "tag", ["risky"], group_column="who", name="own")
    assert ds.name == "own" and ds.protocol is Protocol.GROUPED_CV5
    for train, test in folds(ds, k=2):
        assert not {e.group for e in train} & {e.group for e in test}


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps({"t": t, "y": lab}) for t, lab, _ in ROWS) + "\n")
    ds = load_generic(path, "t", "y", ["risky"])
    assert [e.text for e in ds.split("all")][:2] == ["message 0", "message 1"]


def test_jsonl_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t": "a", "y": "fine"}\n{"t": "SENTINEL"}\n')
    with pytest.raises(DatasetError, match="line 2 lacks 'y'") as err:
        load_generic(path, "t", "y", ["fine"])
    assert "SENTINEL" not in str(err.value)
    path.write_text("not json\n")
    with pytest.raises(DatasetError, match="line 1 is not valid JSON"):
        load_generic(path, "t", "y", ["fine"])


def test_missing_column_and_positive(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("body,tag\nhello,fine\n")
    with pytest.raises(DatasetError, match="expected 'text', 'tag', found 'body', 'tag'"):
        load_generic(path, "text", "tag", ["risky"])
    with pytest.raises(DatasetError, match=r"positive label.*'risky' not found.*'fine'"):
        load_generic(path, "body", "tag", ["risky"])


def test_unsupported_suffix_and_unknown_category(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"unsupported file type '\.xlsx'"):
        load_generic(tmp_path / "mine.xlsx", "a", "b", ["c"])
    path = tmp_path / "mine.csv"
    path.write_text("body,tag\nhello,risky\n")
    with pytest.raises(DatasetError, match="not in the taxonomy"):
        load_generic(path, "body", "tag", ["risky"], category="spam")

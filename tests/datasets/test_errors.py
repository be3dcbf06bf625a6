"""Missing or malformed files give a DatasetError that names the file, and never quotes text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notalone.datasets import DatasetError, load

SECRET = "SENTINEL-5c1e private words"


def _copy(fixtures: Path, tmp_path: Path, name: str) -> Path:
    shutil.copytree(fixtures / name, tmp_path / name)
    return tmp_path / name


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found") as err:
        load("vihsd", tmp_path)
    assert str(tmp_path / "vihsd") in str(err.value)


def test_missing_file(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "dev.csv").unlink()
    with pytest.raises(DatasetError, match=r"dev\.csv is missing"):
        load("vihsd", tmp_path)


def test_wrong_columns_lists_expected_and_found(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "train.csv").write_text(f"text,label\n{SECRET},0\n", encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        load("vihsd", tmp_path)
    message = str(err.value)
    assert (
        "train.csv" in message and "'free_text'" in message and "found 'text', 'label'" in message
    )
    assert SECRET not in message


def test_unknown_label_value(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "test.csv").write_text(f"free_text,label_id\n{SECRET},7\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"row 1 has label_id='7'; expected one of: 0, 1, 2"):
        load("vihsd", tmp_path)


def test_text_in_the_label_column_is_not_quoted(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "test.csv").write_text(f"label_id,free_text\n{SECRET},0\n", encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        load("vihsd", tmp_path)
    assert SECRET not in str(err.value) and "27-character value" in str(err.value)


def test_row_with_wrong_field_count(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "dev.csv").write_text(f"free_text,label_id\n{SECRET},0,extra\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line 2 has 3 fields, expected 2") as err:
        load("vihsd", tmp_path)
    assert SECRET not in str(err.value)


def test_not_utf8(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "vihsd")
    (root / "train.csv").write_bytes("free_text,label_id\nxin chào,0\n".encode("utf-16"))
    with pytest.raises(
        DatasetError, match=r"train\.csv is not valid UTF-8 text .*re-save it as UTF-8"
    ):
        load("vihsd", tmp_path)


def test_sms_line_without_tab(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "sms-spam-uci")
    (root / "SMSSpamCollection").write_text(f"ham\tfine\n{SECRET}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line 2 has no tab") as err:
        load("sms-spam-uci", tmp_path)
    assert SECRET not in str(err.value)


def test_bad_xml(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "nps-chat")
    (root / "nps_chat" / "10-26-teens_5posts.xml").write_text(f"<Session><Posts>{SECRET}")
    with pytest.raises(DatasetError, match="not valid XML") as err:
        load("nps-chat", tmp_path)
    assert SECRET not in str(err.value)


def test_empty_file(fixtures: Path, tmp_path: Path) -> None:
    root = _copy(fixtures, tmp_path, "davidson-hate-offensive")
    (root / "labeled_data.csv").write_text("")
    with pytest.raises(DatasetError, match=r"labeled_data\.csv is empty"):
        load("davidson-hate-offensive", tmp_path)


def test_dataset_error_is_an_input_error() -> None:
    from notalone.errors import InputError

    assert issubclass(DatasetError, InputError) and DatasetError.exit_code == 2

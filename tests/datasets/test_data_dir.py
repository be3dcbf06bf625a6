"""Where datasets are looked for: $NOTALONE_DATA_DIR, else shared/datasets above the code or cwd."""

from __future__ import annotations

from pathlib import Path

import pytest

from notalone.datasets import default_data_dir, load


def test_env_var_wins(monkeypatch: pytest.MonkeyPatch, fixtures: Path) -> None:
    monkeypatch.setenv("NOTALONE_DATA_DIR", str(fixtures))
    assert default_data_dir() == fixtures
    assert len(load("vihsd").split("test")) == 4  # data_dir=None uses it


def test_walks_up_from_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import notalone.datasets as package

    monkeypatch.delenv("NOTALONE_DATA_DIR", raising=False)
    monkeypatch.setattr(package, "__file__", str(tmp_path / "site" / "notalone" / "x.py"))
    (tmp_path / "shared" / "datasets").mkdir(parents=True)
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "sub")
    assert default_data_dir() == (tmp_path / "shared" / "datasets").resolve()

"""Every command has --help, and README documents every command."""

from __future__ import annotations

from pathlib import Path

import pytest

COMMANDS = [
    ["check"], ["scan"], ["serve"], ["evaluate"], ["train"], ["rules"], ["rules", "lint"],
    ["rules", "list"],
]  # fmt: skip
README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_and_docs(cli, command: list[str]) -> None:
    out = cli(*command, "--help")
    assert out.returncode == 0 and b"Usage" in out.stdout
    assert f"notalone {' '.join(command)}" in README


def test_version(cli) -> None:
    out = cli("--version")
    assert out.returncode == 0 and out.stdout.startswith(b"notalone ")


def test_rules_lint(cli) -> None:
    out = cli("rules", "lint")
    assert out.returncode == 0 and b"ok:" in out.stdout


def test_rules_lint_reports_a_broken_pack(cli, tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "scam.toml").write_text('[pack]\nlanguage = "vi"\ncategory = "spam"\n')
    out = cli("rules", "lint", "--packs", str(tmp_path))
    assert out.returncode == 3 and b"vi/scam.toml" in out.stderr

"""Every command has --help, and README documents every command."""

from __future__ import annotations

from pathlib import Path

import pytest

COMMANDS = [
    ["check"], ["scan"], ["serve"], ["evaluate"], ["train"], ["rules"], ["rules", "lint"],
    ["rules", "list"], ["db"], ["db", "upgrade"], ["db", "purge"], ["users"],
    ["users", "create"], ["keys"], ["keys", "create"],
    ["alerts"], ["alerts", "deliver"],
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


def test_db_commands(cli, tmp_path: Path) -> None:
    env = {"NOTALONE_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'n.db'}"}
    up = cli("db", "upgrade", env=env)
    assert up.returncode == 0 and b"database at revision 0009" in up.stdout
    purge = cli("db", "purge", "--days", "7", env=env)
    assert purge.returncode == 0
    assert b"purged the text of 0 messages, 0 reports and 0 alerts" in purge.stdout
    assert b"0 orphaned evidence files" in purge.stdout
    off = cli("db", "purge", env={**env, "NOTALONE_RETENTION_DAYS": "0"})
    assert off.returncode == 2
    bad = cli("db", "upgrade", "--url", "not a url")
    assert bad.returncode == 3 and b"not a database URL" in bad.stderr


def test_users_create(cli, tmp_path: Path) -> None:
    env = {"NOTALONE_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    ok = cli("users", "create", "admin1", "--role", "admin", "--password-stdin",
             stdin=b"a long enough password\n", env=env)  # fmt: skip
    assert ok.returncode == 0 and b"created admin admin1 of 111" in ok.stdout
    again = cli(
        "users", "create", "admin1", "--password-stdin", stdin=b"another password!\n", env=env
    )
    assert again.returncode == 2 and b"taken" in again.stderr
    short = cli("users", "create", "bob", "--password-stdin", stdin=b"short\n", env=env)
    assert short.returncode == 2 and b"12 characters" in short.stderr
    role = cli("users", "create", "bob", "--role", "boss", "--password-stdin",
               stdin=b"a long enough password\n", env=env)  # fmt: skip
    assert role.returncode == 2 and b"unknown role" in role.stderr


def test_keys_create(cli, tmp_path: Path) -> None:
    env = {"NOTALONE_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    made = cli("keys", "create", "chatapp", env=env)
    assert made.returncode == 0 and made.stdout.startswith(b"na_")
    bad = cli("keys", "create", "chatapp", "--scope", "cases:read", env=env)
    assert bad.returncode == 2 and b"scopes must be among" in bad.stderr

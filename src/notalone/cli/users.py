"""``notalone users``: helpline accounts (the first admin is created here)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import typer
from rich.console import Console

from notalone import db as database
from notalone.accounts.service import create_account
from notalone.errors import InputError
from notalone.settings import get_settings

app = typer.Typer(help="Helpline accounts: counsellors, supervisors, admins.", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Lower-case login name."),
    role: str = typer.Option("counsellor", "--role", help="counsellor, supervisor or admin."),
    organisation: str | None = typer.Option(
        None, "--organisation", help="The helpline it works for (default NOTALONE_ORGANISATION)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (for scripts)."
    ),
) -> None:
    """Create an account; the password is asked for (never given as an argument)."""
    settings = get_settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        raise InputError("give the password on a terminal, or pipe it with --password-stdin")
    engine = database.connect(settings.database_url)
    database.upgrade(engine)
    with database.sessions(engine).begin() as session:
        account = create_account(
            session=session,
            username=username,
            password=password,
            role=role,
            organisation=organisation or settings.organisation,
            now=datetime.now(UTC),
        )
        summary = f"created {account.role} {account.username} of {account.organisation}"
    Console().print(summary)

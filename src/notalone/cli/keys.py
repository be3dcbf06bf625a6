"""``notalone keys``: API keys for platforms that report to the helpline."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console

from notalone import db as database
from notalone.accounts.service import SCOPES, create_api_key
from notalone.settings import get_settings

app = typer.Typer(help="Platforms' API keys.", no_args_is_help=True)


@app.command("create")
def create(
    platform: str = typer.Argument(..., help="The platform's name, e.g. a chat app."),
    scope: list[str] = typer.Option(
        ["reports:write"], "--scope", help=f"Repeat for several: {', '.join(SCOPES)}."
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", help="Whose queue its reports join (default NOTALONE_ORGANISATION)."
    ),
) -> None:
    """Create a key; it is printed once and only its SHA-256 is kept."""
    settings = get_settings()
    engine = database.connect(settings.database_url)
    database.upgrade(engine)
    with database.sessions(engine).begin() as session:
        key = create_api_key(
            session=session,
            platform=platform,
            organisation=organisation or settings.organisation,
            scopes=list(scope),
            now=datetime.now(UTC),
        )
    print(key)
    Console(stderr=True).print(f"key for {platform}: shown once, keep it secret")

"""``notalone db``: apply the shipped migrations, and purge old message text (retention)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from sqlalchemy import text

from notalone import db as database
from notalone.cases import service as cases
from notalone.cases.evidence import EvidenceStore
from notalone.errors import InputError
from notalone.retention import purge_expired
from notalone.settings import build_engine, get_settings

app = typer.Typer(help="The database: migrations and retention.", no_args_is_help=True)
ORPHAN_GRACE = timedelta(days=1)  # an upload still in flight is never taken for an orphan


def _url(url: str | None) -> str:
    return url or get_settings().database_url


@app.command("upgrade")
def upgrade(
    url: str | None = typer.Option(
        None, "--url", help="Database URL (default NOTALONE_DATABASE_URL or ./var/notalone.db)."
    ),
) -> None:
    """Create or migrate the schema to the current version."""
    engine = database.connect(_url(url))
    database.upgrade(engine)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    Console().print(f"database at revision {version}")


@app.command("purge")
def purge(
    days: int | None = typer.Option(
        None, "--days", min=1, help="Delete message text older than this (default: the setting)."
    ),
    url: str | None = typer.Option(None, "--url", help="Database URL."),
) -> None:
    """Delete message, report and alert text older than the retention period (verdicts
    stay), and evidence files whose upload never committed."""
    settings = get_settings()
    keep = days if days is not None else settings.retention_days
    if not keep:
        raise InputError("retention is off (NOTALONE_RETENTION_DAYS=0); pass --days N")
    engine = database.connect(_url(url))
    database.upgrade(engine)
    now = datetime.now(UTC)
    with database.sessions(engine).begin() as session:
        purged = purge_expired(
            session=session,
            engine=build_engine(settings),
            older_than=timedelta(days=keep),
            now=now,
        )
        orphans = cases.purge_orphan_evidence(
            session=session,
            store=EvidenceStore(settings.evidence_dir),
            older_than=ORPHAN_GRACE,
            now=now,
        )
    Console().print(
        f"purged the text of {purged.messages} messages, {purged.reports} reports and "
        f"{purged.alerts} alerts "
        f"older than {keep} days, and {orphans} orphaned evidence files"
    )

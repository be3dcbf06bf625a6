"""The database: SQLAlchemy engines and sessions, and the Alembic migrations shipped as
package data (``notalone db upgrade``).

SQLite (``sqlite:///./var/notalone.db``) is the embedded default and PostgreSQL the
production database (``postgresql+psycopg://...``). On SQLite every transaction starts with
``BEGIN IMMEDIATE``: a read-modify-write (a conversation's state) then holds the write lock
from its first read, so two writers never both work from the same old state. Engines hide
statement parameters from SQLAlchemy's logging: they hold children's messages. Text with a
NUL character is refused before it reaches either database (PostgreSQL cannot store it, and
both must behave alike).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from notalone.db.base import Base
from notalone.errors import ConfigError, InputError

MIGRATIONS = Path(__file__).parent / "migrations"

__all__ = ["MIGRATIONS", "Base", "Session", "as_utc", "connect", "sessions", "upgrade"]


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives back naive times for what was UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def connect(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(
            "NOTALONE_DATABASE_URL is not a database URL "
            "(e.g. sqlite:///./var/notalone.db or postgresql+psycopg://user@host/db)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the database folder {folder} ({exc.strerror}); "
                    "set NOTALONE_DATABASE_URL to a writable place"
                ) from None
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _immediate_transactions(engine)
    else:
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _refuse_nul(conn, cursor, statement, parameters, context, executemany) -> None:
    """A clear 422 for a NUL character in any text about to be stored (JSON columns arrive
    here serialized, with NUL escaped, and are not affected)."""
    rows = parameters if executemany else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise InputError(
                "the request holds a NUL character (U+0000), which cannot be stored; remove it",
                fields={"text": "NUL character"},
            )


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the shipped migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigError(
            f"cannot open or migrate the database {where} ({type(exc).__name__}); "
            "check NOTALONE_DATABASE_URL and that the server is running"
        ) from None


def _immediate_transactions(engine: Engine) -> None:
    """pysqlite's own transaction handling off; ``BEGIN IMMEDIATE`` instead (SQLAlchemy's
    documented recipe for SQLite transactions)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

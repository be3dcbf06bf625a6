"""Shared fixtures: one engine per session (compiling the packs takes a moment)."""

from __future__ import annotations

import os
import uuid

import pytest

from notalone.detection.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


# -- databases: SQLite in tmp_path, and the real PostgreSQL server ----------------------------

PG_ADMIN = os.environ.get("NOTALONE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_or_skip() -> str:
    """A fresh database on the local server; skipped only when ``CI`` is unset and no server
    answers (CI must test PostgreSQL for real)."""
    import psycopg

    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN}: {exc}")
    name = f"notalone_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    _created.append(name)
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


_created: list[str] = []


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'notalone.db'}"
    return _postgres_or_skip()


@pytest.fixture
def apps(database_url: str):
    """Apps on one database, as separate processes would open it; closed at the end."""
    from fastapi.testclient import TestClient

    from notalone.settings import Settings
    from notalone.web.app import create_app

    made: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(create_app(Settings(database_url=database_url, max_message_bytes=4096)))
        made.append(client)
        return client

    yield make
    for client in made:
        client.app.state.database.dispose()


def pytest_sessionfinish(session, exitstatus) -> None:
    if not _created:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in _created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

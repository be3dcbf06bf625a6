from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from notalone.settings import Settings
from notalone.web.app import create_app


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database = tmp_path_factory.mktemp("db") / "notalone.db"
    return Settings(
        max_message_bytes=4096,
        max_batch=5,
        max_conversation_messages=50,
        database_url=f"sqlite:///{database}",
    )


@pytest.fixture(scope="session")
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))

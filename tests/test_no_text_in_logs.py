"""A sentinel message pushed through every path must appear in no log record."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from notalone.accounts.service import create_api_key
from notalone.alerts.delivery import Dispatcher
from notalone.settings import Settings, build_senders
from notalone.web.app import create_app

SENTINEL = "SENTINEL-7f3a anh là công an em liên quan rửa tiền không được cho ai biết"


def test_sentinel_never_logged(caplog: pytest.LogCaptureFixture, engine, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        max_message_bytes=200,
        database_url=f"sqlite:///{tmp_path / 'n.db'}",
        webhook_allow_private=True,
    )
    client = TestClient(create_app(settings))
    engine.analyze(SENTINEL)
    client.post("/v1/analyze", json={"text": SENTINEL})
    client.post("/v1/analyze", json={"text": SENTINEL * 10})  # too large
    client.post("/v1/analyze", json={"text": [SENTINEL]})  # wrong type
    client.post("/v1/moderations", json={"input": [SENTINEL, SENTINEL * 10]})
    client.post("/", data={"text": SENTINEL})
    client.post("/", data={"text": SENTINEL * 10})
    message = {"sender": "x", "text": SENTINEL}
    client.post("/v1/conversations:analyze", json={"messages": [message]})
    client.post("/v1/conversations:analyze", json={"messages": [message], "participants": ["y"]})
    client.post("/v1/conversations/c1/messages", json={**message, "id": "m1"})
    client.post("/v1/conversations/c1/messages", json={**message, "id": "m1"})  # a retry
    client.post("/v1/conversations/c1/messages", json={"sender": "x", "text": SENTINEL * 10})
    receipt = client.post("/v1/reports", json={"text": SENTINEL}, headers={"Idempotency-Key": "k"})
    client.post("/v1/reports", json={"text": SENTINEL}, headers={"Idempotency-Key": "k"})
    client.post("/v1/reports", json={"text": SENTINEL + "!"}, headers={"Idempotency-Key": "k"})
    client.post("/v1/reports", json={"text": SENTINEL * 10})
    client.post(f"/v1/reports/{receipt.json()['code']}/additions", json={"text": SENTINEL})
    _platform_report_with_an_alert(client, settings)
    for record in caplog.records:
        assert "SENTINEL-7f3a" not in record.getMessage()
        assert "SENTINEL-7f3a" not in str(record.args)


def _platform_report_with_an_alert(client: TestClient, settings: Settings) -> None:
    """A platform's report that raises a full-disclosure alert to a receiver that is down."""
    app = client.app
    with app.state.sessions.begin() as session:
        key = create_api_key(
            session=session,
            platform="p",
            organisation="111",
            scopes=["reports:write", "alerts:manage"],
            now=datetime.now(UTC),
        )
    headers = {"X-API-Key": key}
    client.post("/v1/guardian-subscriptions", headers=headers, json={
        "child_user": "kid", "webhook_url": "http://127.0.0.1:9/down", "age_band": "<13",
        "max_disclosure": "full", "threshold": "medium"})  # fmt: skip
    item = {"id": "m1", "typeId": "message", "data": {"text": SENTINEL, "sender": "x"}}
    client.post("/v1/reports", headers=headers, json={
        "reporter": {"kind": "user", "id": "kid"}, "reportedAt": "2026-12-01T10:00:00Z",
        "reportedForReason": {"reason": SENTINEL}, "reportedItem": item})  # fmt: skip
    assert Dispatcher(app.state.sessions, build_senders(settings)).run_once() == {"pending": 1}

"""A sentinel message pushed through every path must appear in no log record."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from notalone.settings import Settings
from notalone.web.app import create_app

SENTINEL = "SENTINEL-7f3a anh là công an em liên quan rửa tiền không được cho ai biết"


def test_sentinel_never_logged(caplog: pytest.LogCaptureFixture, engine, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(max_message_bytes=200, database_url=f"sqlite:///{tmp_path / 'n.db'}")
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
    for record in caplog.records:
        assert "SENTINEL-7f3a" not in record.getMessage()
        assert "SENTINEL-7f3a" not in str(record.args)

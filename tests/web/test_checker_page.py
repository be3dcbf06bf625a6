from __future__ import annotations

from fastapi.testclient import TestClient

from notalone.detection.engine import Engine
from notalone.web.routes.checker import segments

KIDNAP = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


def test_page_renders_in_both_languages(client: TestClient) -> None:
    assert "Kiểm tra tin nhắn" in client.get("/").text
    assert "Check a message" in client.get("/?ui=en").text


def test_verdict_with_marked_evidence_advice_and_helplines(client: TestClient) -> None:
    html = client.post("/", data={"text": KIDNAP, "ui": "vi"}).text
    assert 'id="verdict"' in html and "<mark" in html and "111" in html
    assert 'data-category="online_kidnapping"' in html


def test_message_is_escaped(client: TestClient) -> None:
    html = client.post("/", data={"text": "<script>alert(1)</script> rửa tiền"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_oversized_message_shows_an_error(client: TestClient) -> None:
    r = client.post("/", data={"text": "a" * 5000, "ui": "en"})
    assert r.status_code == 413 and 'id="error"' in r.text


def test_segments_cover_the_text_exactly(engine: Engine) -> None:
    result = engine.analyze(KIDNAP)
    pieces = segments(KIDNAP, result)
    assert "".join(p for p, _ in pieces) == KIDNAP
    assert any(sev for _, sev in pieces)

"""``POST /v1/conversations:analyze``: the library's ConversationAssessment over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from notalone import Conversation

SCRIPT = [
    {"sender": "x", "text": "Tôi là cán bộ Công an quận Cầu Giấy."},
    {"sender": "kid", "text": "Dạ có chuyện gì ạ?"},
    {"sender": "x", "text": "Em đang liên quan đến một đường dây rửa tiền."},
    {"sender": "x", "text": "Tuyệt đối không được cho ai biết, kể cả bố mẹ."},
]
PEOPLE = [{"id": "x"}, {"id": "kid", "role": "child"}]


def test_same_shape_as_library(client: TestClient, engine) -> None:
    r = client.post("/v1/conversations:analyze", json={"messages": SCRIPT, "participants": PEOPLE})
    assert r.status_code == 200
    body = r.json()
    expected = Conversation(PEOPLE, engine=engine)
    for m in SCRIPT:
        expected.add(m)
    assert body == expected.assessment().model_dump(mode="json")
    assert body["first_flag_index"] == 2 and body["participants"][0]["id"] == "x"
    assert body["stages"] and all(s["sender"] == "x" for s in body["stages"])


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"messages": [{"sender": "y", "text": "zebracorn"}], "participants": PEOPLE}, 422,
         "messages.0.sender"),
        ({"messages": [{"sender": "x", "text": "zebracorn " * 500}]}, 413, "messages.0"),
        ({"messages": [{"sender": "x", "text": 5}]}, 422, "messages.0.text"),
        ({"messages": [{"sender": "x", "text": "zebracorn", "extra": 1}], "surprise": 1}, 422,
         "surprise"),
        ({"messages": "zebracorn"}, 422, "messages"),
        ({"messages": [{"sender": "x", "text": "a", "time": "yesterday"}]}, 422,
         "messages.0.time"),
    ],
)  # fmt: skip
def test_bad_requests(client: TestClient, payload: dict, status: int, field: str) -> None:
    r = client.post("/v1/conversations:analyze", json=payload)
    assert r.status_code == status
    error = r.json()["error"]
    assert field in error["fields"]
    assert "zebracorn" not in r.text


def test_too_many_messages(client: TestClient, settings) -> None:
    many = [{"sender": "x", "text": "ok"}] * (settings.max_conversation_messages + 1)
    r = client.post("/v1/conversations:analyze", json={"messages": many})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"messages": "too many"}


def test_empty_conversation(client: TestClient) -> None:
    body = client.post("/v1/conversations:analyze", json={"messages": []}).json()
    assert body["severity"] == "none" and body["messages"] == 0 and body["first_flag_index"] is None

"""Streamed conversations on a real database (SQLite and PostgreSQL): every acknowledged
message is stored once, a restart loses nothing, retries are safe, bad input stores nothing,
and retention purges text while the risk timeline stays."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from notalone import Conversation
from notalone.settings import Settings
from notalone.streams import service
from notalone.streams.models import StreamConversation, StreamMessage
from notalone.web.app import create_app

SCRIPT = [
    "Tôi là cán bộ Công an quận Cầu Giấy.",
    "Dạ có chuyện gì ạ?",
    "Em đang liên quan đến một đường dây rửa tiền.",
    "Tuyệt đối không được cho ai biết, kể cả bố mẹ.",
    "Tối nay em ra thuê khách sạn ở một mình, tắt định vị đi.",
]
SENDERS = ["x", "kid", "x", "x", "x"]
PEOPLE = [{"id": "x"}, {"id": "kid", "role": "child"}]


def _post(client: TestClient, chat: str, i: int, **extra) -> dict:
    body = {"sender": SENDERS[i], "text": SCRIPT[i], "id": f"m{i}", **extra}
    r = client.post(f"/v1/conversations/{chat}/messages", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _expected(engine) -> dict:
    conv = Conversation(PEOPLE, engine=engine)
    for s, t, i in zip(SENDERS, SCRIPT, range(len(SCRIPT)), strict=True):
        conv.add({"sender": s, "text": t, "id": f"m{i}"})
    return conv.assessment().model_dump(mode="json")


def test_restart_loses_nothing(apps) -> None:
    first = apps()
    _post(first, "chat", 0, participants=PEOPLE)
    _post(first, "chat", 1)
    _post(first, "chat", 2)
    engine = first.app.state.engine
    first.app.state.database.dispose()
    again = apps()  # a new process would see exactly this
    _post(again, "chat", 3)
    last = _post(again, "chat", 4)
    assert last == _expected(engine)
    assert again.get("/v1/conversations/chat").json() == last
    assert last["severity"] == "critical" and last["first_flag_index"] == 2


def test_retry_and_bad_input_store_nothing(apps) -> None:
    client = apps()
    _post(client, "c", 0, participants=PEOPLE)
    assert _post(client, "c", 0)["messages"] == 1  # the same id again: nothing added
    bad = [
        {"sender": "stranger", "text": "zebracorn"},  # undeclared
        {"sender": "x", "text": "zebracorn " * 500},  # too large
        {"sender": "x", "text": 5},
        {"sender": "x"},
        {"sender": "x", "text": "zebracorn", "surprise": True},
        {"sender": "x", "text": "zebra\x00corn"},  # PostgreSQL cannot store NUL
    ]
    for body in bad:
        r = client.post("/v1/conversations/c/messages", json=body)
        assert 400 <= r.status_code < 500 and "zebracorn" not in r.text
    r = client.post(
        "/v1/conversations/c/messages",
        content=b"{broken",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    assert (
        client.post("/v1/conversations/" + "z" * 300 + "/messages", json=bad[0]).status_code == 422
    )
    with client.app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StreamMessage)) == 1
    assert client.get("/v1/conversations/c").json()["messages"] == 1
    missing = client.get("/v1/conversations/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_concurrent_messages_are_applied_one_after_another(apps) -> None:
    client = apps()
    failures: list[str] = []

    def send(worker: int) -> None:
        for k in range(8):
            for chat in ("a", "b"):
                body = {"sender": f"s{worker}", "text": f"tin nhắn {k}", "id": f"{worker}-{k}"}
                r = client.post(f"/v1/conversations/{chat}/messages", json=body)
                if r.status_code != 200:
                    failures.append(r.text)
                # a retry of the same message, as a flaky client would send
                client.post(f"/v1/conversations/{chat}/messages", json=body)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with client.app.state.sessions() as session:
        for chat in ("a", "b"):
            rows = session.scalars(
                select(StreamMessage.index).where(StreamMessage.conversation_id == chat)
            ).all()
            assert sorted(rows) == list(range(48))  # each once, no gaps, no duplicates
            row = session.get(StreamConversation, chat)
            assert row.messages == 48 and row.assessment["messages"] == 48
            assert sum(p["messages"] for p in row.assessment["participants"]) == 48


def test_retention_purges_text_and_keeps_the_timeline(apps) -> None:
    client = apps()
    engine = client.app.state.engine
    sessions = client.app.state.sessions
    old = datetime.now(UTC) - timedelta(days=40)
    with sessions.begin() as session:
        for i in range(4):
            service.append_message(
                session=session,
                conversation_id="old",
                message=_message(i),
                engine=engine,
                now=old,
                participants=None,
            )
    recent = _post(client, "old", 4)
    assert any(e["text"] for c in recent["categories"] for e in c["evidence"])
    with sessions.begin() as session:
        purged = service.purge_text(
            session=session, engine=engine, older_than=timedelta(days=30), now=datetime.now(UTC)
        )
    assert purged == 4
    after = client.get("/v1/conversations/old").json()
    assert after["severity"] == recent["severity"] and after["stages"]
    assert [s["stage"] for s in after["stages"]] == [s["stage"] for s in recent["stages"]]
    for cat in after["categories"]:
        for ev in cat["evidence"]:
            assert (ev["text"] == "") == (ev["index"] < 4)
    with sessions() as session:
        texts = dict(session.execute(select(StreamMessage.index, StreamMessage.text)).all())
    assert texts == {0: None, 1: None, 2: None, 3: None, 4: SCRIPT[4]}
    # purging again finds nothing; the conversation still takes messages
    with sessions.begin() as session:
        assert (
            service.purge_text(
                session=session, engine=engine, older_than=timedelta(days=30), now=datetime.now(UTC)
            )
            == 0
        )
    assert (
        client.post(
            "/v1/conversations/old/messages", json={"sender": "x", "text": "ok"}
        ).status_code
        == 200
    )


def _message(i: int):
    from notalone import Message

    return Message(sender=SENDERS[i], text=SCRIPT[i], id=f"m{i}")


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "sqlite:////proc/forbidden/x.db",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    ],
)
def test_bad_database_url_is_a_clear_error(url: str) -> None:
    from notalone.errors import ConfigError, NotAloneError

    with pytest.raises(NotAloneError) as err:
        create_app(Settings(database_url=url))
    assert isinstance(err.value, ConfigError)

"""Guardian alerts on a real database (SQLite and PostgreSQL), delivered to real receivers on
loopback: who gets an alert, what it may show, how it is signed, retried and logged."""

from __future__ import annotations

import email
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from fastapi.testclient import TestClient
from sqlalchemy import select

from notalone.accounts.service import create_api_key
from notalone.alerts.delivery import Dispatcher
from notalone.alerts.models import AlertDelivery
from notalone.alerts.service import Claim
from notalone.alerts.signing import EVENT_TYPE, SIGNATURE_HEADER, verify
from notalone.settings import Settings, build_senders
from notalone.web.app import create_app

KIDNAPPING = [  # (who, text): the fake-police script of DOMAIN.md, over five messages
    ("x", "Anh là cán bộ công an, em đang liên quan đến một vụ rửa tiền"),
    ("kid", "dạ em không biết gì ạ"),
    ("x", "Tuyệt đối không được cho bố mẹ biết, đây là bí mật điều tra"),
    ("x", "Em ra thuê phòng khách sạn một mình, tắt định vị điện thoại"),
    ("x", "Bảo bố mẹ chuyển 200 triệu vào tài khoản tạm giữ để chứng minh trong sạch"),
]
CHILD_WORDS = ("không biết gì", "rửa tiền", "khách sạn", "200 triệu")


def _report(script=KIDNAPPING, child="kid-1", offender="x-77", reporter=None) -> dict:
    items = [
        {"id": f"m{i}", "typeId": "message",
         "data": {"text": text, "sender": offender if who == "x" else child}}
        for i, (who, text) in enumerate(script)
    ]  # fmt: skip
    return {
        "reporter": {"kind": "user", "id": reporter or child},
        "reportedAt": "2026-12-01T10:00:00Z",
        "reportedForReason": {"reason": "the child asked for help"},
        "reportedItem": items[-1],
        "reportedItemThread": items,
    }


@pytest.fixture
def service(database_url: str, tmp_path):
    """An app (alerts delivered by the test, not the background worker) and its keys."""
    made = []

    def make(**overrides) -> tuple[TestClient, dict[str, str]]:
        settings = Settings(
            database_url=database_url, evidence_dir=tmp_path / "ev", alerts_worker=False,
            webhook_allow_private=True, **overrides,
        )  # fmt: skip
        app = create_app(settings)
        made.append(app)
        keys = {}
        with app.state.sessions.begin() as session:
            for name, platform, scopes in [
                ("both", "zalo-like", ["reports:write", "alerts:manage"]),
                ("reports", "zalo-like", ["reports:write"]),
                ("other", "game-chat", ["reports:write", "alerts:manage"]),
            ]:
                keys[name] = create_api_key(
                    session=session, platform=platform, organisation="111", scopes=scopes,
                    now=datetime.now(UTC),
                )  # fmt: skip
        return TestClient(app), keys

    yield make
    for app in made:
        app.state.database.dispose()


def _subscribe(client: TestClient, key: str, **body) -> dict:
    r = client.post("/v1/guardian-subscriptions", json=body, headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    return r.json()


def _dispatcher(client: TestClient) -> Dispatcher:
    app = client.app
    return Dispatcher(
        app.state.sessions, build_senders(app.state.settings), backoff=timedelta(seconds=30)
    )


def _post(client: TestClient, key: str, body: dict, **headers: str):
    r = client.post("/v1/reports", json=body, headers={"X-API-Key": key, **headers})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_signed_cloudevent_reaches_the_guardian_without_the_childs_words(
    service, receiver
) -> None:
    client, keys = service()
    sub = _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    assert sub["webhook_secret"].startswith("whsec_") and sub["locale"] == "vi-VN"
    receipt = _post(client, keys["both"], _report())
    assert receipt["severity"] == "critical"

    now = datetime.now(UTC)
    assert _dispatcher(client).run_once(now) == {"delivered": 1}
    [(headers, body)] = receiver.requests
    assert headers["content-type"] == "application/cloudevents+json"
    assert verify(sub["webhook_secret"], headers[SIGNATURE_HEADER.lower()], body,
                  now=int(now.timestamp()))  # fmt: skip
    assert not verify("whsec_wrong", headers[SIGNATURE_HEADER.lower()], body,
                      now=int(now.timestamp()))  # fmt: skip
    event = from_http_event(HTTPMessage(headers=headers, body=body))
    assert event.get_type() == EVENT_TYPE and event.get_subject() == sub["id"]
    data = event.get_data()
    assert data["disclosure_level"] == "summary"  # the default ceiling
    assert "online_kidnapping" in [c["id"] for c in data["categories"]]
    assert data["severity_level"] == 3 and data["helpline"]["tel"] == "111"
    assert data["report_code"] == receipt["code"]
    assert data["recommended_actions"] and "contact_111" in data["child_actions"]
    assert [s["category"] for s in data["summary"]["stages"]].count("online_kidnapping") >= 2
    assert "excerpts" not in data and "evidence" not in data
    assert not any(w in json.dumps(data, ensure_ascii=False) for w in CHILD_WORDS)

    [log] = client.get(
        f"/v1/guardian-subscriptions/{sub['id']}/alerts", headers={"X-API-Key": keys["both"]}
    ).json()
    assert log["status"] == "delivered" and log["id"] == event.get_id()
    assert log["disclosure"] == "summary" and "immediate danger" in log["reason"]


def test_only_the_child_concerned_and_only_above_the_threshold(service, receiver) -> None:
    client, keys = service()
    kid = _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    _subscribe(client, keys["both"], child_user="kid-2", webhook_url=receiver.url)
    _subscribe(client, keys["both"], child_user="x-77", webhook_url=receiver.url)
    strict = _subscribe(client, keys["other"], child_user="kid-1", webhook_url=receiver.url)
    mild = [("x", "Bạn ấy nói em béo trong nhóm lớp"), ("kid", "kệ bạn ấy")]
    _post(client, keys["both"], _report(script=mild))  # below "high": no alert
    _post(client, keys["both"], _report())  # kid-1 (not the reported x-77, not kid-2)
    assert _dispatcher(client).run_once() == {"delivered": 1}
    [(_, body)] = receiver.requests
    assert json.loads(body)["subject"] == kid["id"]
    # the same child id on another platform is another account
    other = client.get(
        f"/v1/guardian-subscriptions/{strict['id']}/alerts", headers={"X-API-Key": keys["other"]}
    )
    assert other.json() == []


def test_a_retried_report_raises_one_alert(service, receiver) -> None:
    client, keys = service()
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    for _ in range(3):
        _post(client, keys["both"], _report(), **{"Idempotency-Key": "report-1"})
    assert _dispatcher(client).run_once() == {"delivered": 1}


def test_retries_back_off_and_give_up(service, receiver) -> None:
    client, keys = service()
    sub = _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    _post(client, keys["both"], _report())
    dispatcher, t0 = _dispatcher(client), datetime.now(UTC)
    receiver.statuses.extend([503, 429])
    assert dispatcher.run_once(t0) == {"pending": 1}
    assert dispatcher.run_once(t0 + timedelta(seconds=29)) == {}  # waiting 30 s
    assert dispatcher.run_once(t0 + timedelta(seconds=30)) == {"pending": 1}
    assert dispatcher.run_once(t0 + timedelta(seconds=89)) == {}  # then 60 s
    assert dispatcher.run_once(t0 + timedelta(seconds=90)) == {"delivered": 1}
    assert len(receiver.requests) == 3
    ids = {json.loads(body)["id"] for _, body in receiver.requests}
    assert len(ids) == 1  # the same event each time: receivers deduplicate by id

    receiver.statuses.append(400)  # the receiver refuses it: no retry
    _post(client, keys["both"], _report(), **{"Idempotency-Key": "second"})
    assert dispatcher.run_once(t0 + timedelta(seconds=91)) == {"failed": 1}
    log = client.get(
        f"/v1/guardian-subscriptions/{sub['id']}/alerts", headers={"X-API-Key": keys["both"]}
    ).json()
    assert [(a["status"], a["attempts"], a["last_error"]) for a in log] == [
        ("delivered", 3, None),
        ("failed", 1, "HTTP 400"),
    ]


def test_an_unreachable_receiver_is_tried_six_times(service) -> None:
    client, keys = service()
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url="http://127.0.0.1:9/x")
    _post(client, keys["both"], _report())
    dispatcher, at = _dispatcher(client), datetime.now(UTC)
    statuses = []
    for attempt in range(6):
        statuses.append(dispatcher.run_once(at))
        at += timedelta(seconds=30 * 2**attempt)
    assert statuses == [{"pending": 1}] * 5 + [{"failed": 1}]
    assert dispatcher.run_once(at + timedelta(days=1)) == {}


def test_a_claimed_alert_is_not_sent_twice_at_once(service, receiver) -> None:
    from notalone.alerts.service import claim_due

    client, keys = service()
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    _post(client, keys["both"], _report())
    sessions, now = client.app.state.sessions, datetime.now(UTC)
    with sessions.begin() as session:
        first = claim_due(session=session, now=now, limit=10, lease=timedelta(minutes=2))
    with sessions.begin() as session:
        again = claim_due(session=session, now=now, limit=10, lease=timedelta(minutes=2))
    with sessions.begin() as session:  # a worker that died: the lease ends, it is due again
        later = claim_due(
            session=session, now=now + timedelta(minutes=3), limit=10, lease=timedelta(minutes=2)
        )
    assert len(first) == 1 and again == [] and [c.id for c in later] == [first[0].id]


def test_email_alert_through_a_real_smtp_server(service, mailbox) -> None:
    client, keys = service(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    _subscribe(client, keys["both"], child_user="kid-1", email="me@family.example")
    _subscribe(client, keys["both"], child_user="kid-1", email="nobody@family.example",
               language="en")  # fmt: skip
    _post(client, keys["both"], _report())
    assert _dispatcher(client).run_once() == {"delivered": 1, "failed": 1}  # 550: final
    [(rcpt, raw)] = mailbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_content()
    assert rcpt == ["me@family.example"] and "cảnh báo" in message["Subject"]
    assert "111" in body and "Việc nên làm ngay" in body
    assert not any(w in body for w in CHILD_WORDS)


def test_email_needs_smtp_configured(service) -> None:
    client, keys = service()
    r = client.post(
        "/v1/guardian-subscriptions",
        json={"child_user": "kid-1", "email": "me@family.example"},
        headers={"X-API-Key": keys["both"]},
    )
    assert r.status_code == 422 and "NOTALONE_SMTP_HOST" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"child_user": "kid-1"},  # no channel
        {"child_user": "kid-1", "webhook_url": "ftp://example.org/x"},
        {"child_user": "kid-1", "webhook_url": "not a url"},
        {"child_user": "kid-1", "email": "me@family.example\r\nBcc: evil@example.org"},
        {"child_user": "", "webhook_url": "https://example.org/x"},
        {"child_user": "kid-1", "webhook_url": "https://example.org/x", "max_disclosure": "all"},
        {"child_user": "kid-1", "webhook_url": "https://example.org/x", "threshold": "low"},
        {"child_user": "kid-1", "webhook_url": "https://example.org/x", "locale": "xx-XX"},
        {"child_user": "kid-1", "webhook_url": "https://example.org/x", "unknown": 1},
    ],
)
def test_bad_subscriptions_are_refused(service, body) -> None:
    client, keys = service()
    r = client.post("/v1/guardian-subscriptions", json=body, headers={"X-API-Key": keys["both"]})
    assert r.status_code == 422 and r.json()["error"]["code"]


def test_keys_and_platforms(service, receiver) -> None:
    client, keys = service()
    sub = _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    path = f"/v1/guardian-subscriptions/{sub['id']}"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-API-Key": "na_forged"}).status_code == 401
    assert client.get(path, headers={"X-API-Key": keys["reports"]}).status_code == 403
    assert client.get(path, headers={"X-API-Key": keys["other"]}).status_code == 404
    assert client.delete(path, headers={"X-API-Key": keys["other"]}).status_code == 404
    mine = client.get(path, headers={"X-API-Key": keys["both"]}).json()
    assert mine["child_user"] == "kid-1" and "webhook_secret" not in mine


def test_cancelling_drops_pending_alerts(service, receiver) -> None:
    client, keys = service()
    sub = _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    _post(client, keys["both"], _report())
    path = f"/v1/guardian-subscriptions/{sub['id']}"
    assert client.delete(path, headers={"X-API-Key": keys["both"]}).status_code == 204
    _post(client, keys["both"], _report(), **{"Idempotency-Key": "after"})
    assert _dispatcher(client).run_once() == {} and receiver.requests == []
    read = client.get(path, headers={"X-API-Key": keys["both"]}).json()
    log = client.get(path + "/alerts", headers={"X-API-Key": keys["both"]}).json()
    assert read["cancelled_at"] and [a["last_error"] for a in log] == ["subscription cancelled"]


def test_retention_purges_alert_content_and_keeps_the_record(
    service, database_url, receiver
) -> None:
    client, keys = service()
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url,
               age_band="<13", max_disclosure="full")  # fmt: skip
    _post(client, keys["both"], _report())
    with client.app.state.sessions.begin() as session:
        [row] = session.scalars(select(AlertDelivery)).all()
        shown = [e["text"] for e in json.loads(row.body)["data"]["evidence"]]
        assert any("khách sạn" in text for text in shown)  # full disclosure: the words
        row.created_at -= timedelta(days=31)
    reopened, _ = service()  # the next start purges what is past retention (30 days)
    with reopened.app.state.sessions.begin() as session:
        [row] = session.scalars(select(AlertDelivery)).all()
        assert row.body is None and len(row.body_sha256) == 64 and row.disclosure == "full"
        assert (row.status, row.last_error) == ("failed", "expired before delivery")
    assert _dispatcher(reopened).run_once() == {} and receiver.requests == []


def test_the_service_delivers_in_the_background(database_url, tmp_path, receiver) -> None:
    settings = Settings(database_url=database_url, evidence_dir=tmp_path / "ev",
                        alert_poll_seconds=0.05, webhook_allow_private=True)  # fmt: skip
    app = create_app(settings)
    with app.state.sessions.begin() as session:
        key = create_api_key(
            session=session,
            platform="zalo-like",
            organisation="111",
            scopes=["reports:write", "alerts:manage"],
            now=datetime.now(UTC),
        )
    try:
        with TestClient(app) as client:  # the lifespan starts the worker
            _subscribe(client, key, child_user="kid-1", webhook_url=receiver.url)
            _post(client, key, _report())
            deadline = time.monotonic() + 30
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.05)
        assert len(receiver.requests) == 1
    finally:
        app.state.database.dispose()


def test_the_cli_delivers_what_is_due(service, database_url, receiver) -> None:
    from tests.cli.conftest import run_cli

    client, keys = service()
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url=receiver.url)
    _post(client, keys["both"], _report())
    env = {"NOTALONE_DATABASE_URL": database_url, "NOTALONE_WEBHOOK_ALLOW_PRIVATE": "true"}
    done = run_cli("alerts", "deliver", env=env)
    assert done.returncode == 0 and b"1 delivered" in done.stdout, done.stderr
    assert len(receiver.requests) == 1
    again = run_cli("alerts", "deliver", env=env)
    assert again.returncode == 0 and b"nothing due" in again.stdout


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/h", "http://localhost/h", "http://[::1]/h", "https://10.1.2.3/h",
     "http://169.254.169.254/latest/meta-data", "http://api.localhost/h"],
)  # fmt: skip
def test_webhooks_to_the_services_own_network_are_refused(database_url, tmp_path, url) -> None:
    app = create_app(Settings(database_url=database_url, evidence_dir=tmp_path / "ev",
                              alerts_worker=False))  # fmt: skip
    with app.state.sessions.begin() as session:
        key = create_api_key(session=session, platform="p", organisation="111",
                             scopes=["alerts:manage"], now=datetime.now(UTC))  # fmt: skip
    try:
        r = TestClient(app).post("/v1/guardian-subscriptions", headers={"X-API-Key": key},
                                 json={"child_user": "kid", "webhook_url": url})  # fmt: skip
        assert r.status_code == 422 and "NOTALONE_WEBHOOK_ALLOW_PRIVATE" in r.text
    finally:
        app.state.database.dispose()


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(
    service, receiver
) -> None:
    from notalone.alerts.delivery import WebhookSender

    client, keys = service()
    name = receiver.url.replace("127.0.0.1", "localhost")  # allowed here at subscription
    _subscribe(client, keys["both"], child_user="kid-1", webhook_url=name)
    _post(client, keys["both"], _report())
    strict = Dispatcher(client.app.state.sessions, {"webhook": WebhookSender()})
    assert strict.run_once() == {"failed": 1} and receiver.requests == []


def test_delivery_connects_to_the_address_it_checked(monkeypatch) -> None:
    """DNS rebinding: the name is resolved once, checked, and that address is dialled (a
    second lookup could answer 127.0.0.1)."""
    import socket

    from notalone.alerts.delivery import WebhookSender

    lookups: list[str] = []
    dialled: list[tuple[str, int]] = []
    answers = iter(["93.184.216.34", "127.0.0.1"])  # public first, then the service's own

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def create_connection(address, *args, **kwargs):
        dialled.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    claim = Claim(id="a", channel="webhook", body=b"{}", attempt=0, language="en",
                  webhook_url="http://hooks.example/h", webhook_secret="s", email=None)  # fmt: skip
    outcome = WebhookSender().send(claim, datetime.now(UTC))
    assert outcome.retry and outcome.error == "ConnectError"
    assert lookups == ["hooks.example"] and dialled == [("93.184.216.34", 80)]

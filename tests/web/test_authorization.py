"""Every route of the OpenAPI spec × every kind of caller, against one expected outcome each.

A route missing from ``MATRIX`` fails the test, so a new route cannot ship without deciding
who may call it. Callers: nobody, platform keys (reports only, alerts only, another
platform's), the three roles of the helpline and a supervisor of another organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from notalone.accounts.service import create_account, create_api_key
from notalone.cases.models import Attachment, Report
from notalone.settings import Settings
from notalone.web.app import create_app

PASSWORD = "correct horse battery staple"
CALLERS = (
    "nobody", "reports_key", "alerts_key", "other_platform",
    "counsellor", "supervisor", "admin", "elsewhere",
)  # fmt: skip
KEYS = ("reports_key", "alerts_key", "other_platform")
STAFF = ("counsellor", "supervisor", "admin")
OK = "2xx"


class World:
    """A fresh case, report, attachment or subscription for each request that changes one."""

    def __init__(self, client: TestClient, credentials: dict[str, dict[str, str]]) -> None:
        self.client, self.credentials = client, credentials

    def report(self) -> dict:
        r = self.client.post("/v1/reports", json={"text": "Anh là công an, không được cho ai biết"})
        assert r.status_code == 201
        return r.json()

    def conversation(self) -> str:
        r = self.client.post("/v1/conversations/c1/messages", json={"sender": "a", "text": "hi"})
        assert r.status_code == 200
        return "c1"

    def case(self) -> str:
        with self.client.app.state.sessions.begin() as session:
            return session.get(Report, self.report()["id"]).case_id

    def attachment(self) -> tuple[str, str]:
        receipt = self.report()
        r = self.client.post(f"/v1/reports/{receipt['code']}/attachments",
                             files={"file": ("a.png", b"\x89PNG fake", "image/png")})  # fmt: skip
        assert r.status_code == 201
        with self.client.app.state.sessions.begin() as session:
            row = session.get(Attachment, r.json()["id"])
            return session.get(Report, row.report_id).case_id, row.id

    def subscription(self) -> str:
        r = self.client.post(
            "/v1/guardian-subscriptions",
            json={"child_user": "kid", "webhook_url": "https://example.org/hook"},
            headers=self.credentials["alerts_key"],
        )
        assert r.status_code == 201
        return r.json()["id"]


Request = Callable[[World], tuple[str, str, dict]]  # method, path, httpx keyword arguments


def _platform_report(w: World) -> tuple[str, str, dict]:
    item = {"id": "m1", "typeId": "message", "data": {"text": "gửi ảnh nóng đi", "sender": "x"}}
    body = {"reporter": {"kind": "user", "id": "kid"}, "reportedAt": "2026-12-01T10:00:00Z",
            "reportedForReason": {"reason": "r"}, "reportedItem": item}  # fmt: skip
    return "POST", "/v1/reports", {"json": body}


def _case(method: str, suffix: str = "", **kwargs) -> Request:
    return lambda w: (method, f"/v1/cases/{w.case()}{suffix}", kwargs)


def _subscription(method: str, suffix: str = "") -> Request:
    return lambda w: (method, f"/v1/guardian-subscriptions/{w.subscription()}{suffix}", {})


def _attachment(w: World) -> tuple[str, str, dict]:
    case, attachment = w.attachment()
    return "GET", f"/v1/cases/{case}/attachments/{attachment}", {}


PUBLIC = dict.fromkeys(CALLERS, OK)
CASEWORK = {"nobody": 401, **dict.fromkeys(KEYS, 401), **dict.fromkeys(STAFF, OK),
            "elsewhere": 404}  # fmt: skip
SUPERVISING = {**CASEWORK, "counsellor": 403}
ALERTS = {"nobody": 401, "reports_key": 403, "alerts_key": OK, "other_platform": 404,
          **dict.fromkeys(STAFF, 401), "elsewhere": 401}  # fmt: skip

MATRIX: dict[tuple[str, str], tuple[Request, dict[str, object]]] = {
    ("GET", "/healthz"): (lambda w: ("GET", "/healthz", {}), PUBLIC),
    ("POST", "/v1/analyze"): (lambda w: ("POST", "/v1/analyze", {"json": {"text": "hi"}}), PUBLIC),
    ("POST", "/v1/moderations"): (
        lambda w: ("POST", "/v1/moderations", {"json": {"input": "hi"}}), PUBLIC),
    ("POST", "/v1/conversations:analyze"): (
        lambda w: ("POST", "/v1/conversations:analyze",
                   {"json": {"messages": [{"sender": "a", "text": "hi"}]}}), PUBLIC),
    ("POST", "/v1/conversations/{conversation_id}/messages"): (
        lambda w: ("POST", "/v1/conversations/c1/messages",
                   {"json": {"sender": "a", "text": "hi"}}), PUBLIC),
    ("GET", "/v1/conversations/{conversation_id}"): (
        lambda w: ("GET", f"/v1/conversations/{w.conversation()}", {}), PUBLIC),
    ("POST", "/v1/reports"): (lambda w: ("POST", "/v1/reports", {"json": {"text": "hi"}}), PUBLIC),
    ("GET", "/v1/reports/{code}"): (
        lambda w: ("GET", f"/v1/reports/{w.report()['code']}", {}), PUBLIC),
    ("POST", "/v1/reports/{code}/additions"): (
        lambda w: ("POST", f"/v1/reports/{w.report()['code']}/additions",
                   {"json": {"text": "more"}}), PUBLIC),
    ("POST", "/v1/reports/{code}/attachments"): (
        lambda w: ("POST", f"/v1/reports/{w.report()['code']}/attachments",
                   {"files": {"file": ("a.txt", b"chat log", "text/plain")}}), PUBLIC),
    ("POST", "/v1/auth/token"): (
        lambda w: ("POST", "/v1/auth/token",
                   {"json": {"username": "counsellor", "password": PASSWORD}}), PUBLIC),
    ("GET", "/v1/cases"): (
        lambda w: ("GET", "/v1/cases", {}), {**CASEWORK, "elsewhere": OK}),  # its own, empty
    ("GET", "/v1/cases/{case_id}"): (_case("GET"), CASEWORK),
    ("POST", "/v1/cases/{case_id}/transitions"): (
        _case("POST", "/transitions", json={"to": "triaged"}), CASEWORK),
    ("POST", "/v1/cases/{case_id}/assignment"): (_case("POST", "/assignment", json={}), CASEWORK),
    ("POST", "/v1/cases/{case_id}/notes"): (
        _case("POST", "/notes", json={"text": "called back"}), CASEWORK),
    ("GET", "/v1/statistics/reports"): (
        lambda w: ("GET", "/v1/statistics/reports", {}), {**SUPERVISING, "elsewhere": OK}),
    ("GET", "/v1/cases/{case_id}/export"): (_case("GET", "/export"), SUPERVISING),
    ("GET", "/v1/cases/{case_id}/attachments/{attachment_id}"): (_attachment, CASEWORK),
    ("POST", "/v1/guardian-subscriptions"): (
        lambda w: ("POST", "/v1/guardian-subscriptions",
                   {"json": {"child_user": "kid", "webhook_url": "https://example.org/h"}}),
        {**ALERTS, "other_platform": OK}),  # its own subscription
    ("GET", "/v1/guardian-subscriptions/{subscription_id}"): (_subscription("GET"), ALERTS),
    ("DELETE", "/v1/guardian-subscriptions/{subscription_id}"): (
        _subscription("DELETE"), ALERTS),
    ("GET", "/v1/guardian-subscriptions/{subscription_id}/alerts"): (
        _subscription("GET", "/alerts"), ALERTS),
}  # fmt: skip
# A platform's report needs a key with reports:write; a person cannot send one.
PLATFORM_REPORT = {"nobody": 401, "reports_key": OK, "alerts_key": 403, "other_platform": OK,
                   **dict.fromkeys(STAFF, 401), "elsewhere": 401}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    where = tmp_path_factory.mktemp("authz")
    app = create_app(Settings(database_url=f"sqlite:///{where / 'n.db'}",
                              evidence_dir=where / "ev", alerts_worker=False))  # fmt: skip
    client = TestClient(app)
    credentials: dict[str, dict[str, str]] = {"nobody": {}}
    now = datetime.now(UTC)
    with app.state.sessions.begin() as session:
        for name, platform, scopes in [
            ("reports_key", "chat", ["reports:write"]),
            ("alerts_key", "chat", ["alerts:manage"]),
            ("other_platform", "game", ["reports:write", "alerts:manage"]),
        ]:
            key = create_api_key(session=session, platform=platform, organisation="111",
                                 scopes=scopes, now=now)  # fmt: skip
            credentials[name] = {"X-API-Key": key}
        for name, role, org in [(r, r, "111") for r in STAFF] + [("elsewhere", "supervisor", "x")]:
            create_account(session=session, username=name, password=PASSWORD, role=role,
                           organisation=org, now=now)  # fmt: skip
    for name in (*STAFF, "elsewhere"):
        r = client.post("/v1/auth/token", json={"username": name, "password": PASSWORD})
        credentials[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    yield World(client, credentials)
    app.state.database.dispose()


def test_every_route_has_a_row(world: World) -> None:
    spec = world.client.app.openapi()["paths"]
    routes = {(method.upper(), path) for path, ops in spec.items() for method in ops}
    assert routes == set(MATRIX)


@pytest.mark.parametrize("route", sorted(MATRIX), ids=" ".join)
def test_who_may_call_what(world: World, route: tuple[str, str]) -> None:
    request, expected = MATRIX[route]
    for caller in CALLERS:
        method, path, kwargs = request(world)
        r = world.client.request(method, path, headers=world.credentials[caller], **kwargs)
        want = expected[caller]
        got = "2xx" if 200 <= r.status_code < 300 else r.status_code
        assert got == want, f"{caller}: {method} {path} answered {r.status_code}"
        if got != OK:
            assert r.json()["error"]["code"]


def test_who_may_send_a_platform_report(world: World) -> None:
    for caller in CALLERS:
        method, path, kwargs = _platform_report(world)
        r = world.client.request(method, path, headers=world.credentials[caller], **kwargs)
        got = "2xx" if 200 <= r.status_code < 300 else r.status_code
        assert got == PLATFORM_REPORT[caller], f"{caller}: {r.status_code}"

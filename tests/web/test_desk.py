"""The counsellor's desk over HTTP (SQLite and PostgreSQL): sign-in, the session cookie and its
CSRF token, the queue, a case page that is audited, workflow moves and their refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from notalone.accounts.service import create_account
from notalone.settings import Settings
from notalone.web.app import create_app

PASSWORD = "correct horse battery staple"
URGENT = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


@pytest.fixture
def desk(database_url: str, tmp_path):
    app = create_app(Settings(database_url=database_url, evidence_dir=tmp_path / "ev",
                              alerts_worker=False))  # fmt: skip
    with app.state.sessions.begin() as session:
        for username, role, org in [("chi", "counsellor", "111"), ("minh", "supervisor", "111"),
                                    ("other", "supervisor", "elsewhere")]:  # fmt: skip
            create_account(session=session, username=username, password=PASSWORD, role=role,
                           organisation=org, now=datetime.now(UTC))  # fmt: skip
    yield app
    app.state.database.dispose()


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    r = client.post("/desk/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"].startswith("/desk")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/desk" in cookie
    return client


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)


def _case_id(client: TestClient) -> str:
    queue = client.get("/desk")
    return re.search(r'href="/desk/cases/([0-9a-f-]{36})', queue.text).group(1)


def test_sign_in_is_required_and_checked(desk) -> None:
    client = TestClient(desk, follow_redirects=False)
    assert client.get("/desk").headers["location"].startswith("/desk/login")
    wrong = client.post("/desk/login", data={"username": "chi", "password": "nope"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    client.cookies.set("notalone_desk", "forged", path="/desk")
    assert client.get("/desk").status_code == 303


def test_a_counsellor_works_a_case(desk) -> None:
    reporter = TestClient(desk)
    assert reporter.post("/v1/reports", json={"text": URGENT}).status_code == 201
    chi = _signed_in(desk, "chi")
    case = _case_id(chi)
    page = chi.get(f"/desk/cases/{case}")
    assert page.status_code == 200 and URGENT in page.text and "viewed" in page.text
    assert "export-referral" not in page.text  # counsellors cannot export
    csrf = _csrf(page.text)

    forged = chi.post(f"/desk/cases/{case}/transition", data={"to": "triaged", "csrf": "0" * 64})
    assert forged.status_code == 403
    moved = chi.post(f"/desk/cases/{case}/transition", data={"to": "triaged", "csrf": csrf})
    assert moved.status_code == 303
    illegal = chi.post(f"/desk/cases/{case}/transition", data={"to": "new", "csrf": csrf})
    assert illegal.status_code == 409 and "cannot become new" in illegal.text
    unresolved = chi.post(f"/desk/cases/{case}/transition", data={"to": "closed", "csrf": csrf})
    assert unresolved.status_code == 422 and "needs a resolution" in unresolved.text
    assert chi.post(f"/desk/cases/{case}/take", data={"csrf": csrf}).status_code == 303
    noted = chi.post(f"/desk/cases/{case}/notes", data={"text": "gọi lại lúc 5h", "csrf": csrf})
    assert noted.status_code == 303
    empty = chi.post(f"/desk/cases/{case}/notes", data={"text": "  ", "csrf": csrf})
    assert empty.status_code == 422

    after = chi.get(f"/desk/cases/{case}").text
    assert 'id="status">đã phân loại' in after and 'id="assigned">chi' in after
    assert "gọi lại lúc 5h" in after
    for action in ("status_changed", "assigned", "note_added"):
        assert action in after
    assert chi.get(f"/desk/cases/{case}/export?format=referral").status_code == 403

    minh = _signed_in(desk, "minh")
    referral = minh.get(f"/desk/cases/{case}/export?format=referral")
    assert referral.status_code == 200 and "text/html" in referral.headers["content-type"]
    assert minh.get(f"/desk/cases/{case}/export?format=ncmec").text.startswith("<?xml")
    other = _signed_in(desk, "other")
    assert other.get(f"/desk/cases/{case}").status_code == 404
    assert 'id="empty"' in other.get("/desk").text


def test_signing_out_ends_the_session(desk) -> None:
    chi = _signed_in(desk, "chi")
    csrf = _csrf(chi.get("/desk").text)
    token = chi.cookies.get("notalone_desk")
    assert chi.post("/desk/logout", data={"csrf": csrf}).status_code == 303
    stale = TestClient(desk, follow_redirects=False)
    stale.cookies.set("notalone_desk", token, path="/desk")
    assert stale.get("/desk").status_code == 303  # the token itself was revoked
    api = TestClient(desk).get("/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_evidence_files_from_the_desk(desk) -> None:
    reporter = TestClient(desk)
    code = reporter.post("/v1/reports", json={"text": URGENT}).json()["code"]
    r = reporter.post(f"/v1/reports/{code}/attachments",
                      files={"file": ("chat.txt", b"saved chat", "text/plain")})  # fmt: skip
    assert r.status_code == 201
    chi = _signed_in(desk, "chi")
    case = _case_id(chi)
    link = re.search(
        r'href="(/desk/cases/[^"]+/attachments/[^"]+)"', chi.get(f"/desk/cases/{case}").text
    )
    got = chi.get(link.group(1))
    assert got.content == b"saved chat" and got.headers["x-content-type-options"] == "nosniff"
    assert "attachment_viewed" in chi.get(f"/desk/cases/{case}").text

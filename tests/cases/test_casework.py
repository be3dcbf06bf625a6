"""Working cases on a real database (SQLite and PostgreSQL): every route needs a token, a
role only does what the permission table allows, an organisation sees only its own cases,
the workflow refuses illegal moves, and every read and change is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from notalone.accounts.service import create_account
from notalone.cases.models import CaseEvent
from notalone.settings import Settings
from notalone.web.app import create_app

PASSWORD = "correct horse battery staple"
URGENT = {"text": "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"}
MILD = {"text": "Bạn ấy nói em béo trong nhóm lớp"}


@pytest.fixture
def client(database_url: str, tmp_path):
    app = create_app(
        Settings(database_url=database_url, organisation="111", evidence_dir=tmp_path / "ev",
                 max_attachment_bytes=50_000)
    )  # fmt: skip
    with app.state.sessions.begin() as session:
        for username, role, org in [
            ("chi", "counsellor", "111"),
            ("lan", "counsellor", "111"),
            ("minh", "supervisor", "111"),
            ("other", "supervisor", "elsewhere"),
        ]:
            create_account(
                session=session, username=username, password=PASSWORD, role=role,
                organisation=org, now=datetime.now(UTC),
            )  # fmt: skip
    yield TestClient(app)
    app.state.database.dispose()


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_tokens(client: TestClient) -> None:
    wrong = client.post("/v1/auth/token", json={"username": "chi", "password": "nope"})
    nobody = client.post("/v1/auth/token", json={"username": "ghost", "password": PASSWORD})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["error"]["message"] == nobody.json()["error"]["message"]
    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic abc"}):
        r = client.get("/v1/cases", headers=headers)
        assert r.status_code in (401, 403) and r.json()["error"]
    assert client.get("/v1/cases", headers=_auth(client, "chi")).status_code == 200


def test_queue_order_and_organisations(client: TestClient) -> None:
    mild = client.post("/v1/reports", json=MILD).json()
    urgent = client.post("/v1/reports", json=URGENT).json()
    queue = client.get("/v1/cases", headers=_auth(client, "chi")).json()
    assert [c["id"] for c in queue] == [urgent["id"], mild["id"]]  # most severe first
    assert all("text" not in c for c in queue)
    other = _auth(client, "other")
    assert client.get("/v1/cases", headers=other).json() == []
    assert client.get(f"/v1/cases/{urgent['id']}", headers=other).status_code == 404
    r = client.post(f"/v1/cases/{urgent['id']}/transitions", json={"to": "triaged"}, headers=other)
    assert r.status_code == 404


def test_workflow_permissions_and_audit(client: TestClient) -> None:
    case = client.post("/v1/reports", json=URGENT).json()["id"]
    chi, lan, minh = (_auth(client, u) for u in ("chi", "lan", "minh"))

    def move(headers, to, resolution=None):
        body = {"to": to} | ({"resolution": resolution} if resolution else {})
        return client.post(f"/v1/cases/{case}/transitions", json=body, headers=headers)

    assert move(chi, "referred", "referred_police").status_code == 409  # new -> referred: no
    assert move(chi, "triaged").json()["status"] == "triaged"
    assert (
        client.post(f"/v1/cases/{case}/assignment", json={}, headers=chi).json()["assigned_to"]
        == "chi"
    )
    denied = client.post(f"/v1/cases/{case}/assignment", json={"username": "lan"}, headers=chi)
    assert denied.status_code == 403  # a counsellor assigns only themselves
    given = client.post(f"/v1/cases/{case}/assignment", json={"username": "lan"}, headers=minh)
    assert given.json()["assigned_to"] == "lan"
    assert move(lan, "referred").status_code == 422  # a referral needs its reason
    assert move(lan, "referred", "referred_police").json()["resolution"] == "referred_police"
    assert move(lan, "closed", "counselling_completed").json()["status"] == "closed"
    assert move(lan, "in_progress").status_code == 403  # reopening: supervisors only
    assert move(minh, "in_progress").json()["status"] == "in_progress"
    assert move(minh, "flying").status_code == 422
    note = client.post(f"/v1/cases/{case}/notes", json={"text": "gọi lại lúc 17h"}, headers=chi)
    assert note.status_code == 200
    detail = client.get(f"/v1/cases/{case}", headers=chi).json()
    assert detail["report_details"][0]["text"] == URGENT["text"]
    actions = [(e["actor"], e["action"]) for e in detail["events"]]
    assert actions[0] == ("reporter", "opened")
    assert ("minh", "assigned") in actions and ("chi", "note_added") in actions
    assert actions[-1] == ("chi", "viewed")  # the read itself is on the record
    with client.app.state.sessions() as session:
        changes = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case)).all()
    # refused moves leave no trace: open, 4 accepted moves, 2 assignments, a note, the read
    assert changes.count("status_changed") == 4 and len(changes) == 9


def test_addition_raises_the_case(client: TestClient) -> None:
    receipt = client.post("/v1/reports", json=MILD).json()
    client.post(
        f"/v1/reports/{receipt['code']}/additions",
        json={"text": "Anh ấy bảo em ra thuê khách sạn ở một mình và không được nói với bố mẹ"},
    )
    case = client.get(f"/v1/cases/{receipt['id']}", headers=_auth(client, "chi")).json()
    assert case["severity"] in ("high", "critical")
    assert any(e["action"] == "severity_raised" for e in case["events"])


def test_statistics_suppress_small_cells(client: TestClient) -> None:
    for _ in range(6):
        client.post("/v1/reports", json={**URGENT, "province": "Hà Nội", "age_band": "13-15"})
    for _ in range(2):
        client.post("/v1/reports", json={**URGENT, "province": "Lào Cai", "age_band": "13-15"})
    minh = _auth(client, "minh")
    r = client.get("/v1/statistics/reports?group_by=province", headers=minh)
    assert r.status_code == 200
    body = r.json()
    assert body["cells"] == [{"values": {"province": "Hà Nội"}, "count": 6}]
    assert body["suppressed_cells"] == 1 and body["k"] == 5 and "total" not in body
    both = client.get(
        "/v1/statistics/reports?group_by=age_band&group_by=week&format=csv", headers=minh
    )
    assert both.headers["content-type"].startswith("text/csv")
    rows = both.text.strip().splitlines()
    assert (
        rows[0] == "age_band,week,count" and rows[1].startswith("13-15,") and rows[1].endswith(",8")
    )
    chi = client.get("/v1/statistics/reports?group_by=chi_category", headers=minh).json()
    assert {c["values"]["chi_category"] for c in chi["cells"]} >= {
        "Violence > Psychological violence"
    }
    assert client.get("/v1/statistics/reports?k=2", headers=minh).status_code == 422
    assert client.get("/v1/statistics/reports?group_by=name", headers=minh).status_code == 422
    assert client.get("/v1/statistics/reports", headers=_auth(client, "chi")).status_code == 403
    other = client.get("/v1/statistics/reports", headers=_auth(client, "other")).json()
    assert other["cells"] == [] and other["suppressed_cells"] == 0


PLATFORM_REPORT = {
    "reporter": {"kind": "user", "typeId": "user", "id": "u-42"},
    "reportedAt": "2026-11-30T20:15:00Z",
    "reportedForReason": {"policyId": "child-safety", "reason": "asked my child for photos"},
    "reportedItem": {
        "id": "msg-9",
        "typeId": "message",
        "data": {
            "text": "send me a pic without your top, this is our little secret",
            "sender": "bad-1",
        },
    },
    "reportedItemThread": [
        {
            "id": "msg-7",
            "typeId": "message",
            "data": {"text": "how old are you?", "sender": "bad-1"},
        },
        {"id": "msg-8", "typeId": "message", "data": {"text": "13", "sender": "kid-1"}},
    ],
}


def test_platform_reports_need_a_key_with_the_scope(client: TestClient) -> None:
    from notalone.accounts.service import create_api_key

    with client.app.state.sessions.begin() as session:
        key = create_api_key(
            session=session, platform="chatapp", organisation="111",
            scopes=["reports:write"], now=datetime.now(UTC),
        )  # fmt: skip
    assert client.post("/v1/reports", json=PLATFORM_REPORT).status_code == 401
    forged = client.post("/v1/reports", json=PLATFORM_REPORT, headers={"X-API-Key": "na_forged"})
    assert forged.status_code == 401
    r = client.post("/v1/reports", json=PLATFORM_REPORT, headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["reportId"] and receipt["severity"] in ("high", "critical")
    # the key reports, it cannot read: cases take a counsellor's bearer token
    assert client.get("/v1/cases", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    case = client.get(f"/v1/cases/{receipt['reportId']}", headers=_auth(client, "chi")).json()
    report = case["report_details"][0]
    assert report["kind"] == "platform" and "grooming" in case["categories"]
    with client.app.state.sessions() as session:
        from notalone.cases.models import Report

        row = session.get(Report, receipt["reportId"])
        assert row.platform["platform"] == "chatapp" and row.platform["reported_user"] == "bad-1"
        assert len(row.conversation["messages"]) == 2
    no_text = {**PLATFORM_REPORT, "reportedItem": {"id": "u", "typeId": "user", "data": {}},
               "reportedForReason": {"csam": True}}  # fmt: skip
    refused = client.post("/v1/reports", json=no_text, headers={"X-API-Key": key})
    assert refused.status_code == 422


def test_reports_about_the_same_user_join_one_case(client: TestClient) -> None:
    from notalone.accounts.service import create_api_key

    with client.app.state.sessions.begin() as session:
        key = create_api_key(
            session=session, platform="chatapp", organisation="111",
            scopes=["reports:write"], now=datetime.now(UTC),
        )  # fmt: skip
    headers = {"X-API-Key": key}
    first = client.post("/v1/reports", json=PLATFORM_REPORT, headers=headers).json()
    again = {
        **PLATFORM_REPORT,
        "reportedItem": {
            "id": "msg-20",
            "typeId": "message",
            "data": {"text": "let's meet after school, don't tell your parents", "sender": "bad-1"},
        },
    }
    second = client.post("/v1/reports", json=again, headers=headers).json()
    other_user = {**again, "reportedItem": {**again["reportedItem"], "data": {
        "text": "let's meet after school", "sender": "someone-else"}}}  # fmt: skip
    third = client.post("/v1/reports", json=other_user, headers=headers).json()
    chi = _auth(client, "chi")
    case = client.get(f"/v1/cases/{first['reportId']}", headers=chi).json()
    assert [r["id"] for r in case["report_details"]] == [first["reportId"], second["reportId"]]
    assert case["reports"] == 2 and any(e["action"] == "report_added" for e in case["events"])
    assert client.get(f"/v1/cases/{third['reportId']}", headers=chi).json()["reports"] == 1
    assert client.get(f"/v1/cases/{second['reportId']}", headers=chi).status_code == 404


def test_redaction() -> None:
    from notalone.cases.exports import redact

    text = (
        "Gọi em số 0912 345 678 hoặc +84 912345678, email be.an@example.com, "
        "CCCD 001203004567, nhà ở ngõ 12 Hoàng Hoa Thám; I live at 221 Baker Street"
    )
    out = redact(text)
    for secret in ("0912", "912345678", "be.an@", "001203004567", "ngõ 12", "221 Baker"):
        assert secret not in out, secret
    assert "Gọi em số" in out and "Hoàng Hoa Thám" in out
    assert redact(None) == ""


def test_exports_are_redacted_and_audited(client: TestClient) -> None:
    import xml.etree.ElementTree as ET

    from notalone.accounts.service import create_api_key

    with client.app.state.sessions.begin() as session:
        key = create_api_key(
            session=session, platform="chatapp", organisation="111",
            scopes=["reports:write"], now=datetime.now(UTC),
        )  # fmt: skip
    phone_report = dict(PLATFORM_REPORT)
    phone_report["reportedItem"] = {
        "id": "m1",
        "typeId": "message",
        "data": {
            "text": "gửi ảnh nóng cho anh, gọi anh 0912345678 nhé, bí mật nhé",
            "sender": "bad-9",
        },
    }
    case = client.post("/v1/reports", json=phone_report, headers={"X-API-Key": key}).json()
    minh = _auth(client, "minh")
    xml = client.get(f"/v1/cases/{case['reportId']}/export?format=ncmec", headers=minh)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(xml.text)
    assert root.findtext("incidentSummary/incidentType") == (
        "Online Enticement of Children for Sexual Acts"
    )
    assert root.findtext("personOrUserReported/espIdentifier") == "bad-9"
    assert root.findtext("internetDetails/chatImIncident/chatClient") == "chatapp"
    assert "0912345678" not in xml.text
    page = client.get(f"/v1/cases/{case['reportId']}/export?format=referral", headers=minh)
    assert page.headers["content-type"].startswith("text/html")
    assert "Phiếu chuyển tin báo" in page.text and "0912345678" not in page.text
    assert (
        client.get(f"/v1/cases/{case['reportId']}/export", headers=_auth(client, "chi")).status_code
        == 403
    )
    assert (
        client.get(f"/v1/cases/{case['reportId']}/export?format=pdf", headers=minh).status_code
        == 422
    )
    events = client.get(f"/v1/cases/{case['reportId']}", headers=minh).json()["events"]
    assert [e["details"]["format"] for e in events if e["action"] == "exported"] == [
        "ncmec",
        "referral",
    ]


def test_evidence_is_kept_by_digest_and_verified(client: TestClient, tmp_path) -> None:
    import hashlib

    receipt = client.post("/v1/reports", json=URGENT).json()
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10  # generated bytes, not an image of anyone
    up = client.post(
        f"/v1/reports/{receipt['code']}/attachments",
        files={"file": ("../../etc/ảnh chụp màn hình.png", png, "image/png")},
    )
    assert up.status_code == 201, up.text
    meta = up.json()
    assert meta["sha256"] == hashlib.sha256(png).hexdigest() and meta["size"] == len(png)
    assert meta["filename"] == "ảnh chụp màn hình.png"  # no path survives
    chi = _auth(client, "chi")
    url = f"/v1/cases/{receipt['id']}/attachments/{meta['id']}"
    got = client.get(url, headers=chi)
    assert got.status_code == 200 and got.content == png
    assert got.headers["x-content-sha256"] == meta["sha256"]
    case = client.get(f"/v1/cases/{receipt['id']}", headers=chi).json()
    assert case["report_details"][0]["attachments"][0]["sha256"] == meta["sha256"]
    assert "attachment_viewed" in [e["action"] for e in case["events"]]
    # an altered file is never served
    stored = tmp_path / "ev" / meta["sha256"][:2] / meta["sha256"]
    stored.chmod(0o644)
    stored.write_bytes(png[:-1] + b"!")
    tampered = client.get(url, headers=chi)
    assert tampered.status_code == 500 and tampered.json()["error"]["code"] == "evidence_integrity"
    assert tampered.content != png
    big = client.post(
        f"/v1/reports/{receipt['code']}/attachments", files={"file": ("x.bin", b"x" * 60_000)}
    )
    assert big.status_code == 413
    empty = client.post(f"/v1/reports/{receipt['code']}/attachments", files={"file": ("e", b"")})
    assert empty.status_code == 422
    unknown = client.post("/v1/reports/ZZZZZ-ZZZZZ/attachments", files={"file": ("a", b"a")})
    assert unknown.status_code == 404
    other = client.get(url, headers=_auth(client, "other"))
    assert other.status_code == 404


def test_orphaned_evidence_files_are_purged_and_referenced_ones_kept(client, tmp_path) -> None:
    import os

    from notalone.cases.evidence import EvidenceStore
    from notalone.cases.service import purge_orphan_evidence

    receipt = client.post("/v1/reports", json=URGENT).json()
    kept = client.post(f"/v1/reports/{receipt['code']}/attachments",
                       files={"file": ("a.bin", b"kept evidence")}).json()  # fmt: skip
    store = EvidenceStore(tmp_path / "ev")
    orphan = store.put(b"an upload whose transaction failed")
    fresh = store.put(b"an upload still in flight")
    day_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    for digest in (orphan, kept["sha256"]):
        os.utime(store.path(digest), (day_ago, day_ago))
    sessions, now = client.app.state.sessions, datetime.now(UTC)
    with sessions.begin() as session:
        gone = purge_orphan_evidence(session=session, store=store, older_than=timedelta(days=1),
                                     now=now)  # fmt: skip
    assert gone == 1 and not store.path(orphan).exists()
    assert store.get(kept["sha256"]) == b"kept evidence" and store.path(fresh).exists()


def test_wrong_passwords_lock_the_account_for_a_while(client: TestClient) -> None:
    from notalone.accounts.models import Account
    from notalone.accounts.service import MAX_FAILED_SIGN_INS, REFUSED

    def sign_in(password: str):
        return client.post("/v1/auth/token", json={"username": "lan", "password": password})

    for _ in range(MAX_FAILED_SIGN_INS - 1):
        assert sign_in("wrong guess").status_code == 401
    assert sign_in(PASSWORD).status_code == 200  # a success starts the count again
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        assert sign_in("wrong guess").status_code == 401
    assert sign_in(PASSWORD).status_code == 200
    for _ in range(MAX_FAILED_SIGN_INS):
        sign_in("wrong guess")
        client.post("/v1/auth/token", json={"username": "nobody", "password": "wrong guess"})
    locked = sign_in(PASSWORD)
    assert locked.status_code == 401 and locked.json()["error"]["message"] == REFUSED
    # A locked account and a name that does not exist get the very same answer.
    unknown = client.post("/v1/auth/token", json={"username": "nobody", "password": PASSWORD})
    assert unknown.json() == locked.json()
    desk = client.post("/desk/login", data={"username": "lan", "password": PASSWORD})
    assert desk.status_code == 401 and "locked for 15 minutes" in desk.text
    assert _auth(client, "chi")  # other accounts are not affected
    with client.app.state.sessions.begin() as session:  # the lock-out ends
        account = session.scalar(select(Account).where(Account.username == "lan"))
        account.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    assert sign_in(PASSWORD).status_code == 200

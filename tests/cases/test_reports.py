"""Report intake on a real database (SQLite and PostgreSQL): a report is stored once and
durably before its 201, retries are safe, bad input stores nothing, the follow-up code works
without an account and shows no text."""

from __future__ import annotations

import re
import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from notalone.cases.models import Report
from notalone.cases.service import normalize_code

REPORT = {
    "kind": "child",
    "text": "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết",
    "age_band": "13-15",
    "province": "Hà Nội",
    "contact": {"phone": "0900000000"},
}
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")


def _count(client: TestClient, model=Report) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_report_is_stored_assessed_and_followed_up(apps) -> None:
    client = apps()
    r = client.post("/v1/reports", json=REPORT)
    assert r.status_code == 201
    receipt = r.json()
    assert CODE.match(receipt["code"]) and receipt["status"] == "new"
    assert receipt["severity"] in ("high", "critical")
    assert any(h["phone"] == "111" for h in receipt["helplines"]) and receipt["advice"]["child"]
    # a restart (a new app on the same database) still knows it
    again = apps()
    typed = receipt["code"].lower().replace("-", " ")
    status = again.get(f"/v1/reports/{typed}")
    assert status.status_code == 200
    assert status.json()["code"] == receipt["code"] and "text" not in status.json()
    assert REPORT["text"] not in status.text and "0900000000" not in status.text
    added = again.post(
        f"/v1/reports/{receipt['code']}/additions",
        json={"text": "Họ bảo em tuyệt đối không được nói với bố mẹ, ra thuê khách sạn ở một mình"},
    )
    assert added.status_code == 201 and added.json()["additions"] == 1
    with again.app.state.sessions() as session:
        row = session.scalar(select(Report))
        assert row.text == REPORT["text"] and row.contact == {"phone": "0900000000"}
        assert row.age_band == "13-15" and row.detection["message"]["severity"]
        assert row.severity == "critical"  # the addition raised it
    assert again.get("/v1/reports/ZZZZZ-ZZZZZ").status_code == 404


def test_idempotency_key(apps) -> None:
    client = apps()
    headers = {"Idempotency-Key": "retry-1"}
    first = client.post("/v1/reports", json=REPORT, headers=headers)
    second = client.post("/v1/reports", json=REPORT, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["Idempotent-Replayed"] == "true"
    other = client.post("/v1/reports", json={**REPORT, "text": "khác"}, headers=headers)
    assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
    assert _count(client) == 1


def test_bad_input_stores_nothing(apps) -> None:
    client = apps()
    bad = [
        {"text": ""},
        {"text": "zebracorn " * 500},  # over 4 KB
        {"text": "zebracorn", "kind": "robot"},
        {"text": "zebracorn", "surprise": True},
        {"text": 5},
        {"text": "zebracorn", "conversation": [{"sender": "a"}]},
        {"text": "zebracorn", "age_band": "seven"},
        {"text": "zebra\x00corn"},  # PostgreSQL cannot store NUL: refused on both
        {},
    ]
    for body in bad:
        r = client.post("/v1/reports", json=body)
        assert 400 <= r.status_code < 500 and "zebracorn" not in r.text, body
    broken = client.post(
        "/v1/reports", content=b'{"text": "zebra', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    long_key = client.post("/v1/reports", json=REPORT, headers={"Idempotency-Key": "k" * 200})
    assert long_key.status_code == 422
    assert (
        client.post("/v1/reports/" + "Z" * 40 + "/additions", json={"text": "x"}).status_code == 422
    )
    assert _count(client) == 0


def test_concurrent_intake_stores_every_acknowledged_report_once(apps) -> None:
    client = apps()
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()

    def submit(worker: int) -> None:
        for k in range(6):
            key = f"key-{k}" if k % 2 else f"w{worker}-{k}"  # odd keys are shared by all workers
            body = {**REPORT, "text": f"báo cáo {key}"}
            r = client.post("/v1/reports", json=body, headers={"Idempotency-Key": key})
            if r.status_code == 201:
                with lock:
                    acknowledged.append((key, r.json()["code"]))

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(acknowledged) == 36  # every submission was answered 201
    codes_by_key: dict[str, set[str]] = {}
    for key, code in acknowledged:
        codes_by_key.setdefault(key, set()).add(code)
    assert all(len(codes) == 1 for codes in codes_by_key.values())  # one report per key
    with client.app.state.sessions() as session:
        rows = session.execute(select(Report.idempotency_key, Report.code)).all()
    assert len(rows) == len(codes_by_key) == 6 * 3 + 3
    assert {k: {c} for k, c in rows} == codes_by_key


def test_code_normalization() -> None:
    assert normalize_code(" ab1c2 - d3e4f ") == "AB1C2-D3E4F"
    assert normalize_code("0O1IL-22222") == "00111-22222"


def test_migrations_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import notalone.alerts.models
    import notalone.cases.models
    import notalone.streams.models  # noqa: F401
    from notalone import db
    from notalone.db.base import Base

    engine = db.connect(database_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_retention_purges_report_text(apps) -> None:
    from datetime import UTC, datetime, timedelta

    from notalone.cases import service
    from notalone.cases.schemas import ReportCreate

    client = apps()
    engine, sessions = client.app.state.engine, client.app.state.sessions
    old = datetime.now(UTC) - timedelta(days=60)
    conversation = [{"sender": "x", "text": "Tuyệt đối không được cho ai biết, kể cả bố mẹ"}]
    with sessions.begin() as session:
        receipt, _ = service.receive_report(
            session=session,
            data=ReportCreate(**REPORT, conversation=conversation),
            engine=engine,
            now=old,
        )
    fresh = client.post("/v1/reports", json=REPORT).json()
    with sessions.begin() as session:
        assert (
            service.purge_text(
                session=session, older_than=timedelta(days=30), now=datetime.now(UTC)
            )
            == 1
        )
    with sessions() as session:
        rows = {r.code: r for r in session.scalars(select(Report))}
        purged, kept = rows[receipt.code], rows[fresh["code"]]
        assert purged.text is None and purged.conversation is None and purged.purged_at
        assert purged.severity == kept.severity and purged.categories == kept.categories
        assert len(purged.request_sha256) == 64
        assert REPORT["text"][:20] not in str(purged.detection)
        evidence = purged.detection["message"]["categories"][0]["evidence"]
        assert evidence and all(e["text"] == "" and e["rule"] for e in evidence)
        assert kept.text == REPORT["text"]
    assert client.get(f"/v1/reports/{receipt.code}").json()["status"] == "new"

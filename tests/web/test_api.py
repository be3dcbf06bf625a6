from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

JSON = {"content-type": "application/json"}
KIDNAP = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["rules"]


def test_analyze(client: TestClient) -> None:
    r = client.post("/v1/analyze", json={"text": KIDNAP})
    assert r.status_code == 200
    body = r.json()
    assert body["severity"] in ("high", "critical")
    ev = body["categories"][0]["evidence"][0]
    assert KIDNAP[ev["start"] : ev["end"]] == ev["text"]
    assert any(h["phone"] == "111" for h in body["helplines"])


def test_analyze_same_shape_as_library(client: TestClient, engine) -> None:
    body = client.post("/v1/analyze", json={"text": KIDNAP, "lang": "vi"}).json()
    assert body == engine.analyze(KIDNAP, "vi").model_dump(mode="json")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": 5}, 422, "invalid_request"),
        ({"text": "hi", "lang": "fr"}, 422, "invalid_request"),
        ({"text": "hi", "surprise": True}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ({"text": "hi", "locale": "mars"}, 422, "invalid_input"),
        ({"text": "x" * 5000}, 413, "message_too_large"),
    ],
)
def test_bad_requests_get_the_error_envelope(client, payload, status, code) -> None:
    r = client.post("/v1/analyze", json=payload)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message"]


def test_unpaired_surrogate_is_an_encoding_error(client: TestClient) -> None:
    r = client.post("/v1/analyze", content=b'{"text": "lone \\ud800"}', headers=JSON)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_encoding"


def test_validation_errors_name_places_in_the_request(client: TestClient) -> None:
    r = client.post("/v1/moderations", json={"input": ["hi", 7]})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"input", "input.1"}


def test_validation_errors_never_echo_the_text(client: TestClient) -> None:
    secret = "SENTINEL-bí-mật-của-em"
    r = client.post("/v1/analyze", json={"text": ["list", secret], "extra": secret})
    assert r.status_code == 422 and secret not in r.text


def test_broken_json_and_huge_bodies(client: TestClient) -> None:
    r = client.post("/v1/analyze", content=b"{not json", headers=JSON)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    for body in (b'{"text": "\xff\xfe"}', b"[" * 50_000, b'{"text": ' + b"9" * 5000 + b"}"):
        r = client.post("/v1/analyze", content=body, headers=JSON)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json", body[:20]
    r = client.post("/v1/analyze", content=b"x" * 200_000, headers=JSON)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


def test_moderations_openai_shape(client: TestClient) -> None:
    r = client.post("/v1/moderations", json={"input": KIDNAP, "model": "omni-moderation-latest"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"].startswith("modr-") and body["model"].startswith("notalone")
    (res,) = body["results"]
    assert res["flagged"] is True
    assert res["categories"]["online_kidnapping"] is True
    assert "illicit" in res["categories"] and "sexual/minors" in res["category_scores"]
    assert set(res["categories"]) == set(res["category_scores"])
    assert res["spans"]


def test_moderations_batch_and_limits(client: TestClient) -> None:
    r = client.post("/v1/moderations", json={"input": ["xin chào", KIDNAP]})
    assert [x["flagged"] for x in r.json()["results"]] == [False, True]
    assert client.post("/v1/moderations", json={"input": []}).status_code == 422
    r = client.post("/v1/moderations", json={"input": ["a"] * 6})
    assert r.status_code == 422 and "at most 5" in r.json()["error"]["message"]
    r = client.post("/v1/moderations", json={"input": ["ok", "y" * 5000]})
    assert r.status_code == 413 and r.json()["error"]["fields"] == {"input.1": "message_too_large"}


def test_unknown_route_is_json(client: TestClient) -> None:
    r = client.get("/v1/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/analyze", "/v1/moderations", "/healthz"} <= set(spec["paths"])
    assert "413" in spec["paths"]["/v1/analyze"]["post"]["responses"]
    assert client.get("/docs").status_code == 200

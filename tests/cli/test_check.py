from __future__ import annotations

import json

KIDNAP = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


def test_check_prints_a_readable_verdict(cli) -> None:
    out = cli("check", KIDNAP)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "HIGH" in text or "CRITICAL" in text
    assert "111" in text


def test_check_json_shape(cli) -> None:
    out = cli("check", "--json", KIDNAP)
    data = json.loads(out.stdout)
    assert set(data) == {"severity", "categories", "language", "advice", "helplines", "engine"}
    cat = data["categories"][0]
    assert {"id", "score", "severity", "evidence"} <= set(cat)
    ev = cat["evidence"][0]
    assert set(ev) == {"start", "end", "text", "source", "rule"}
    assert KIDNAP[ev["start"] : ev["end"]] == ev["text"]
    assert all(c["severity"] != "none" for c in data["categories"])


def test_fail_on_exit_codes(cli) -> None:
    assert cli("check", "--fail-on", "high", KIDNAP).returncode == 1
    assert cli("check", "--fail-on", "critical", "Tối nay ngủ ngon nhé").returncode == 0
    bad = cli("check", "--fail-on", "severe", "hi")
    assert bad.returncode == 2 and b"severity" in bad.stderr
    always = cli("check", "--fail-on", "none", "hi")
    assert always.returncode == 2 and b"every message" in always.stderr


def test_stdin_and_encoding_errors(cli) -> None:
    ok = cli("check", "--json", stdin=KIDNAP.encode())
    assert ok.returncode == 0 and json.loads(ok.stdout)["severity"] in ("high", "critical")
    bad = cli("check", stdin=b"\xff\xfe\x00 not utf-8")
    assert bad.returncode == 2
    assert b"UTF-8" in bad.stderr and b"Traceback" not in bad.stderr


def test_empty_message_is_clean(cli) -> None:
    out = cli("check", "--json", "   ")
    assert out.returncode == 0 and json.loads(out.stdout)["severity"] == "none"


def test_oversized_message_is_exit_2_without_echo(cli) -> None:
    secret = "bí mật riêng tư "
    out = cli("check", stdin=(secret * 10_000).encode(), env={"NOTALONE_MAX_MESSAGE_BYTES": "1000"})
    assert out.returncode == 2
    assert b"limit is 1000 bytes" in out.stderr
    assert secret.encode() not in out.stderr + out.stdout


def test_unknown_language_is_exit_2(cli) -> None:
    assert cli("check", "--lang", "fr", "bonjour").returncode == 2

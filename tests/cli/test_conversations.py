"""``notalone scan --conversations`` and ``notalone check --conversation``."""

from __future__ import annotations

import json
from pathlib import Path

SCRIPT = {
    "id": "c1",
    "participants": [{"id": "stranger"}, {"id": "an", "role": "child"}],
    "messages": [
        {"sender": "stranger", "text": "you're so mature for your age. are your parents home?"},
        {"sender": "an", "text": "no they're at work"},
        {"sender": "stranger", "text": "this is our little secret, don't tell anyone"},
        {"sender": "stranger", "text": "let's meet after school, I'll pick you up"},
    ],
}
ORDINARY = {"id": 7, "messages": [{"sender": "a", "text": "see you at practice"}]}


def _said(result) -> str:
    return " ".join(result.stderr.decode().split())


def test_scan_writes_one_result_per_conversation(cli, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    lines = [
        json.dumps(SCRIPT),
        "{not json",
        json.dumps({"id": "x", "messages": [{"sender": "a", "text": 3}]}),
        json.dumps({"id": "y"}),
        "",
        json.dumps(ORDINARY),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scan", "--conversations", str(path), "--workers", "1", "--fail-on", "high")
    assert result.returncode == 1  # the script reaches high
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(o["id"], o["line"]) for o in out] == [("c1", 1), (7, 6)]
    first = out[0]
    assert first["severity"] == "critical" and first["first_flag_index"] is not None
    assert first["participants"][0]["id"] == "stranger"
    assert {s["stage"] for s in first["stages"]} >= {"exclusivity", "approach"}
    said = _said(result)
    assert "line 2: invalid JSON" in said
    assert "line 3: message 0: invalid message: text" in said
    assert "line 4: no 'messages' list" in said
    assert "scanned 2 conversations, 1 flagged; skipped 3 bad records" in said
    assert "after school" not in said


def test_scan_conversations_strict_and_format(cli, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text("[1, 2]\n" + json.dumps(ORDINARY) + "\n", encoding="utf-8")
    strict = cli("scan", "--conversations", str(path), "--workers", "1", "--strict")
    assert strict.returncode == 2 and strict.stdout == b""
    csv = tmp_path / "chats.csv"
    csv.write_text("text\nhello\n", encoding="utf-8")
    wrong = cli("scan", "--conversations", str(csv))
    assert wrong.returncode == 2 and "reads JSON lines" in _said(wrong)


def test_check_shows_the_timeline(cli, tmp_path: Path) -> None:
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(SCRIPT), encoding="utf-8")
    shown = cli("check", "--conversation", str(path))
    assert shown.returncode == 0
    text = shown.stdout.decode()
    assert "CRITICAL" in text and "timeline" in text and "stranger" in text
    as_json = cli("check", "--conversation", str(path), "--json", "--fail-on", "critical")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["severity"] == "critical"


def test_check_reads_jsonl_messages_and_refuses_bad_files(cli, tmp_path: Path) -> None:
    lines = tmp_path / "messages.jsonl"
    lines.write_text("\n".join(json.dumps(m) for m in SCRIPT["messages"]), encoding="utf-8")
    ok = cli("check", "--conversation", str(lines), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["messages"] == 4
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"sender": "a", "text": "hi"}\n{oops\n', encoding="utf-8")
    bad = cli("check", "--conversation", str(broken))
    assert bad.returncode == 2 and "line 2: invalid JSON" in _said(bad)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert cli("check", "--conversation", str(binary)).returncode == 2
    missing = cli("check", "--conversation", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read" in _said(missing)
    both = cli("check", "hello", "--conversation", str(lines))
    assert both.returncode == 2

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KIDNAP = "Anh là công an, em liên quan vụ rửa tiền, tuyệt đối không được cho ai biết"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_jsonl_with_bad_lines_is_reported_and_counted(cli, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b"\n".join(
            [
                json.dumps({"id": "a", "text": KIDNAP}).encode(),
                b"{not json",
                json.dumps({"id": "c", "body": "no text field"}).encode(),
                b'{"id": "d", "text": "\xff\xfe"}',
                json.dumps({"id": "e", "text": "Tối nay ngủ ngon nhé"}).encode(),
                json.dumps({"id": "f", "text": 42}).encode(),
            ]
        )
    )
    out_file = tmp_path / "out.jsonl"
    out = cli("scan", str(src), "-o", str(out_file), "--workers", "2")
    assert out.returncode == 0, out.stderr
    rows = _lines(out_file)
    assert [r["id"] for r in rows] == ["a", "e"]
    assert rows[0]["severity"] in ("high", "critical") and rows[1]["severity"] == "none"
    err = out.stderr.decode()
    for line in ("line 2: invalid JSON", "line 3: no 'text' field", "line 4: not valid UTF-8"):
        assert line in err
    assert "line 6: field 'text' is not a string" in err
    assert "skipped 4 bad records" in err and "scanned 2 messages, 1 flagged" in err
    assert "Tối nay" not in err and "công an" not in err


def test_strict_stops_with_exit_2(cli, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "hi"}\n{broken\n{"id": 3, "text": "hi"}\n', "utf-8")
    out = cli("scan", str(src), "--strict", "--workers", "1")
    assert out.returncode == 2
    assert len(out.stdout.decode().splitlines()) == 1


def test_csv_and_text_formats(cli, tmp_path: Path) -> None:
    csv_file = tmp_path / "m.csv"
    csv_file.write_text(f'msg_id,body\n1,"{KIDNAP}"\n2,xin chào\n', "utf-8")
    out = cli("scan", str(csv_file), "--text-column", "body", "--id-column", "msg_id", "-w", "1")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]
    missing = cli("scan", str(csv_file), "-w", "1")
    assert missing.returncode == 2 and b"no column 'text'" in missing.stderr

    txt = tmp_path / "m.txt"
    txt.write_text(f"xin chào\n\n{KIDNAP}\n", "utf-8")
    out = cli("scan", str(txt), "--fail-on", "high", "-w", "1")
    assert out.returncode == 1
    rows = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [r["line"] for r in rows] == [1, 3]


def test_missing_input_file_is_exit_2(cli, tmp_path: Path) -> None:
    out = cli("scan", str(tmp_path / "nope.jsonl"))
    assert out.returncode == 2 and b"does not exist" in out.stderr


def test_strict_stops_at_a_message_the_engine_refuses(cli, tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text(f"xin chào\n{'a' * 70_000}\n{KIDNAP}\nhello\n", "utf-8")
    out = cli("scan", str(src), "--strict", "--workers", "1")
    assert out.returncode == 2
    assert [json.loads(x)["line"] for x in out.stdout.decode().splitlines()] == [1]
    assert "line 2:" in out.stderr.decode() and "stopped" in out.stderr.decode()


def test_output_that_cannot_be_written_is_exit_2_and_the_input_survives(
    cli, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "hi"}\n', "utf-8")
    same = cli("scan", str(src), "-o", str(src), "-w", "1")
    assert same.returncode == 2 and b"is the input file" in same.stderr
    assert src.read_text("utf-8") == '{"id": 1, "text": "hi"}\n'
    folder = cli("scan", str(src), "-o", str(tmp_path), "-w", "1")
    assert folder.returncode == 2 and b"cannot open" in folder.stderr
    assert b"Traceback" not in same.stderr + folder.stderr


def test_a_closed_output_pipe_ends_the_scan_quietly(tmp_path: Path) -> None:
    src = tmp_path / "many.txt"
    src.write_text("".join(f"hello friend number {i}\n" for i in range(3000)), "utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "notalone.cli", "scan", str(src), "-w", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert json.loads(proc.stdout.readline())["line"] == 1
        proc.stdout.close()  # like `| head -1`: far more output is coming than a pipe holds
        err = proc.stderr.read()
        assert proc.wait(timeout=300) == 141
    assert b"Traceback" not in err


def test_hostile_terminal_sequences_are_shown_not_obeyed(cli) -> None:
    out = cli("check", "kill yourself \x1b]0;PWNED\x07 \x1b[2J \u202eevil")
    shown = out.stdout.decode()
    assert out.returncode == 0 and "kill yourself" in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\u241b]0;PWNED" in shown


def test_a_bad_setting_is_exit_3_naming_it(cli) -> None:
    out = cli("check", "hi", env={"NOTALONE_MAX_MESSAGE_BYTES": "lots"})
    assert out.returncode == 3
    assert b"NOTALONE_MAX_MESSAGE_BYTES" in out.stderr and b"Traceback" not in out.stderr

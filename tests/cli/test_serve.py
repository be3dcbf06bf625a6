"""``notalone serve`` as a process: request paths (which carry follow-up codes) stay out of its
output unless the access log is turned on."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CODE = "FOLLOWUP7f3a"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served_output(tmp_path: Path, **env: str) -> str:
    """Start the service, ask for one report's status by code, stop it: what it printed."""
    port = _free_port()
    environ = {
        **os.environ,
        "NOTALONE_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
        "NOTALONE_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "NOTALONE_ALERTS_WORKER": "false",
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "notalone.cli", "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", f"/v1/reports/{CODE}?lang=vi")
                assert conn.getresponse().status == 404
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the service did not start")
                time.sleep(0.2)
            finally:
                conn.close()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
    return out.decode("utf-8", "replace")


def test_request_paths_are_not_logged_by_default(tmp_path: Path) -> None:
    quiet = _served_output(tmp_path)
    assert "Uvicorn running" in quiet or "Application startup complete" in quiet
    assert CODE not in quiet
    loud = _served_output(tmp_path, NOTALONE_ACCESS_LOG="true")
    assert f"/v1/reports/{CODE}" in loud  # turned on, the line is there

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):
    """The real ``notalone`` entry point in a subprocess: exit codes as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "notalone.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **(env or {})},
        check=False,
    )


@pytest.fixture
def cli():
    return run_cli

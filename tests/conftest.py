"""Shared fixtures: one engine per session (compiling the packs takes a moment)."""

from __future__ import annotations

import pytest

from notalone.detection.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()

"""Fixture datasets: a few invented, harmless rows per dataset, in each real file format."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES

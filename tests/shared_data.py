"""The real public datasets (``../shared/datasets``) for the tests that read them: skipped
where they are not beside the checkout, except on CI (``CI`` set), which has them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notalone.datasets import DatasetError, default_data_dir


def _shared() -> Path | None:
    try:
        root = default_data_dir()
    except DatasetError:
        return None
    return root if (root / "smishing-mendeley").is_dir() else None  # not in tests/fixtures


SHARED = _shared()
needs_shared = pytest.mark.skipif(
    SHARED is None and not os.environ.get("CI"), reason="shared/datasets is not beside the checkout"
)

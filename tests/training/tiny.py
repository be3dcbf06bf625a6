"""The tiny hand-written Vietnamese fixture the training tests train on."""

from __future__ import annotations

import csv
from pathlib import Path

from notalone.training.fit import Split

FIXTURE = Path(__file__).parent.parent / "fixtures" / "training" / "tiny_vi.csv"
LABELS = ("CLEAN", "OFFENSIVE", "HATE")


def tiny_split() -> Split:
    with FIXTURE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return Split([r["text"] for r in rows], [r["label"] for r in rows])

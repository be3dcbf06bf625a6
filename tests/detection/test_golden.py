"""The hand-written vi/en corpus (tests/golden/): positives reach their severity, hard
negatives stay quiet. Written from DOMAIN.md; see tests/golden/README.md."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from notalone.detection.engine import Engine
from notalone.taxonomy import Severity

GOLDEN = Path(__file__).parent.parent / "golden"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(GOLDEN.glob("*.toml")):
        for case in tomllib.loads(path.read_text("utf-8"))["case"]:
            out.append((case["id"], case))
    return out


CASES = _cases()


def test_corpus_covers_every_category_in_both_languages() -> None:
    from notalone.taxonomy import CATEGORY_IDS

    for lang in ("vi", "en"):
        ids = [cid for cid, _ in CASES if cid.startswith(lang + ".")]
        for cat in CATEGORY_IDS:
            assert sum(cid.startswith(f"{lang}.{cat}.") for cid in ids) >= 8, (lang, cat)
        assert sum(cid.startswith(f"{lang}.negative.") for cid in ids) >= 30, lang


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[cid for cid, _ in CASES])
def test_golden_case(case_id: str, case: dict, engine: Engine) -> None:
    result = engine.analyze(case["text"])
    got = {c.id: c.severity for c in result.categories}
    for cat, minimum in case.get("expect", {}).items():
        assert got.get(cat, Severity.NONE) >= Severity.parse(minimum), (case_id, got)
    if "max_severity" in case:
        assert result.severity <= Severity.parse(case["max_severity"]), (case_id, got)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_shipped_models_raise_no_hard_negative(lang: str, engine: Engine) -> None:
    """Fusion must not add false alarms: every hard negative stays where the rules put it."""
    rules = Engine(classifiers=False)
    raised = [
        cid
        for cid, case in CASES
        if cid.startswith(f"{lang}.negative.")
        and engine.analyze(case["text"]).severity > rules.analyze(case["text"]).severity
    ]
    assert not raised

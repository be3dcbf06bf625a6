"""What a guardian may see: the level chosen per alert, and what each level carries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notalone.alerts.disclosure import Disclosure, alert_data, choose
from notalone.alerts.models import GuardianSubscription
from notalone.cases.models import Report
from notalone.detection.engine import Engine
from notalone.taxonomy import Severity

FULL = Disclosure.FULL


@pytest.mark.parametrize(
    ("severity", "age_band", "consented", "ceiling", "expected"),
    [
        (Severity.HIGH, "<13", True, FULL, Disclosure.CATEGORY_ONLY),
        (Severity.MEDIUM, None, False, FULL, Disclosure.CATEGORY_ONLY),
        (Severity.CRITICAL, None, False, FULL, Disclosure.SUMMARY),
        (Severity.CRITICAL, "16-17", False, FULL, Disclosure.SUMMARY),
        (Severity.CRITICAL, "13-15", True, FULL, Disclosure.REDACTED_EXCERPT),
        (Severity.CRITICAL, "<13", False, FULL, Disclosure.FULL),
        (Severity.CRITICAL, "<13", False, Disclosure.SUMMARY, Disclosure.SUMMARY),
        (Severity.CRITICAL, "13-15", True, Disclosure.CATEGORY_ONLY, Disclosure.CATEGORY_ONLY),
    ],
)
def test_the_least_that_lets_the_guardian_act(severity, age_band, consented, ceiling, expected):
    level, reason = choose(severity, age_band=age_band, child_consented=consented, ceiling=ceiling)
    assert level is expected and reason
    assert ("limited" in reason) == (ceiling.rank < choose(
        severity, age_band=age_band, child_consented=consented, ceiling=FULL)[0].rank)  # fmt: skip


def _report() -> Report:
    evidence = [{"start": 0, "end": 24, "text": "gọi anh số 0912 345 678", "source": "rules",
                 "rule": "x"}]  # fmt: skip
    return Report(
        id="r1", code="ABCDE-12345", severity="critical",
        received_at=datetime(2026, 12, 1, tzinfo=UTC),
        text="gửi ảnh đi, gọi anh số 0912 345 678", reported_user="x-77",
        categories=[{"id": "personal_info", "severity": "low", "score": 0.3},
                    {"id": "sextortion", "severity": "critical", "score": 0.95}],
        detection={"message": {"categories": [
            {"id": "sextortion", "explanation": "a threat to publish images", "evidence": evidence}
        ]}},
        conversation=None,
    )  # fmt: skip


def _data(level: Disclosure, language: str = "en") -> dict:
    engine = Engine()
    sub = GuardianSubscription(
        id="s1", platform="p", child_user="kid", language=language, child_consented=True,
        locale="vi-VN" if language == "vi" else "intl",
    )  # fmt: skip
    return alert_data(
        alert_id="a1", subscription=sub, report=_report(), level=level, reason="why",
        advice=engine.advice_book, helplines=engine.helpline_directory, expires_at=None,
    )  # fmt: skip


def test_each_level_adds_to_the_one_below() -> None:
    levels = [_data(level) for level in Disclosure]
    keys = [set(d) for d in levels]
    assert keys[0] < keys[1] < keys[2] < keys[3]
    category_only, summary, excerpt, full = levels
    assert [c["id"] for c in category_only["categories"]] == ["sextortion", "personal_info"]
    assert category_only["helplines"] and category_only["recommended_actions"]
    assert "0912" not in str(category_only) + str(summary)
    assert summary["summary"]["explanations"][0]["explanation"] == "a threat to publish images"
    assert summary["summary"]["reported_user"] == "x-77"
    assert excerpt["excerpts"] == ["gọi anh số [số / number]"]
    assert full["evidence"] == [{"reported": True, "text": "gửi ảnh đi, gọi anh số 0912 345 678"}]


def test_names_and_helplines_in_the_guardians_language() -> None:
    vi = _data(Disclosure.CATEGORY_ONLY, "vi")
    assert vi["categories"][0]["name"] != _data(Disclosure.CATEGORY_ONLY)["categories"][0]["name"]
    assert vi["helpline"]["tel"] == "111"

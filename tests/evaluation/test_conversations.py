"""The conversation evaluation on fixture data: participants are counted as PAN-2012 counts
them, early-warning figures come from where each stream was flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from notalone.detection import default_engine
from notalone.errors import DatasetError
from notalone.evaluation.conversations import (
    Participant,
    PredatorReport,
    predator_severity,
    run_predators,
    run_scenarios,
    scenarios,
)
from notalone.taxonomy import Severity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"


def test_identification_counts() -> None:
    people = [
        Participant("predator", 10, Severity.HIGH, 3),
        Participant("predator", 20, Severity.MEDIUM, 9),
        Participant("predator", 5, Severity.NONE, None),
        Participant("decoy", 8, Severity.MEDIUM, 2),
        Participant("nps-chat", 4, Severity.NONE, None),
        Participant("nps-chat", 4, Severity.HIGH, 1),
    ]
    report = PredatorReport(people, 100.0)
    m = report.identification(["nps-chat"], Severity.MEDIUM)
    assert (m["true_positives"], m["false_positives"]) == (2, 1)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert report.identification(["decoy", "nps-chat"], Severity.HIGH)["true_positives"] == 1
    ew = report.early_warning()
    assert ew["predators_flagged"] == 2 and ew["median_messages_read"] == pytest.approx(7)
    assert ew["median_share_read"] == pytest.approx((0.4 + 0.5) / 2)


def test_a_predator_is_identified_by_predator_categories_only() -> None:
    """A chatter flagged for an insult is a false alarm of bullying, not a predator."""
    from notalone import Conversation

    chat = Conversation(participant_model=False)
    chat.add({"sender": "rude", "text": "you are so fat"})
    chat.add({"sender": "x", "text": "send me a pic of you in your underwear, dont tell ur mum"})
    result = chat.assessment()
    rude = next(p for p in result.participants if p.id == "rude")
    assert rude.severity >= Severity.HIGH
    assert predator_severity(result, "rude") is Severity.NONE
    assert predator_severity(result, "x") >= Severity.MEDIUM


def test_runs_on_fixture_data() -> None:
    report = run_predators(FIXTURES)
    sources = {p.source for p in report.participants}
    assert {"predator", "decoy", "nps-chat"} <= sources
    data = report.to_json()
    assert {"vs_ordinary_chat@medium", "vs_decoys@high"} <= set(data["identification"])
    assert any("dailydialog left out" in note for note in data["notes"])


def test_scenario_report_shape() -> None:
    report = run_scenarios(default_engine(), scenarios()[:3])
    data = report.to_json()
    assert data["protocol"] == "hand-written development set"
    assert data["metrics"]["scripts"] == 3
    assert len(data["scenarios"]) == 3


def test_bad_scenario_file(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text('[[scenario]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="not a scenario file"):
        scenarios(bad)

"""The participant model inside ``Conversation``: the shipped artifact loads and is checked,
a confident model flags a participant as grooming (never lowering the rules), the running
state survives ``state()``/``restore()``, and ordinary chats stay below ``high``."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from notalone import Conversation, Severity
from notalone.detection.classifiers import PARTICIPANTS, load_participant_model
from notalone.detection.classifiers.model import Manifest
from notalone.detection.classifiers.participant import HashConfig, ParticipantModel
from notalone.errors import ArtifactError
from notalone.evaluation.conversations import scenarios

BUCKETS = 1 << 12


def _toy(weight: float = 6.0, words: tuple[str, ...] = ("zebracorn",)) -> ParticipantModel:
    """A model for which only ``words`` weigh (towards predator), with readable thresholds."""
    config = HashConfig(buckets=BUCKETS, prior=2.0)
    coef = np.zeros(BUCKETS)
    for w in words:
        coef[zlib.crc32(w.encode()) & (BUCKETS - 1)] = weight
    manifest = Manifest(
        task="participants",
        version="test",
        language="en",
        category="grooming",
        labels=["ordinary", "predator"],
        positive=["predator"],
        featurizer=config.to_json(),
        thresholds={"medium": 0.6, "high": 0.8},
        decision_bias=[0.0, 0.0],
        training={},
        metrics={},
        libraries={},
        extra={"min_messages": 3},
    )
    return ParticipantModel(manifest, coef, -2.0)


def test_shipped_artifact_loads_and_is_small() -> None:
    model = load_participant_model()
    assert model.task == "participants" and model.language == "en"
    assert model.manifest.category == "grooming"
    assert 0.0 < model.medium <= model.high < 1.0
    assert model.min_messages >= 1
    size = sum(p.stat().st_size for p in PARTICIPANTS.iterdir())
    assert size < 3_000_000
    assert model.manifest.training["datasets"][-1] == "dailydialog/train"


def test_changed_artifact_is_refused(tmp_path: Path) -> None:
    shutil.copytree(PARTICIPANTS, tmp_path / "p")
    npz = tmp_path / "p" / "participants.npz"
    raw = npz.read_bytes()
    npz.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
    with pytest.raises(ArtifactError, match="sha256"):
        load_participant_model(tmp_path / "p")
    manifest = json.loads((PARTICIPANTS / "participants.json").read_text())
    manifest["featurizer"]["buckets"] = 1000  # not the shape of the weights
    shutil.copy(PARTICIPANTS / "participants.npz", tmp_path / "participants.npz")
    (tmp_path / "participants.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError):
        load_participant_model(tmp_path)


def _play(conv: Conversation, lines: list[tuple[str, str]]):
    result = None
    for sender, text in lines:
        result = conv.add({"sender": sender, "text": text})
    return result


def test_a_confident_model_flags_grooming() -> None:
    model = _toy()
    lines = [("x", "zebracorn"), ("y", "hello"), ("x", "zebracorn"), ("x", "zebracorn")]
    conv = Conversation(lang="en", participant_model=model)
    before = _play(conv, lines[:3])
    assert before.severity is Severity.NONE  # fewer than min_messages from x
    result = conv.add({"sender": "x", "text": "zebracorn again"})
    x = next(p for p in result.participants if p.id == "x")
    assert x.severity >= Severity.MEDIUM and x.categories[0].id == "grooming"
    assert x.model_score is not None and x.model_score >= model.medium
    evidence = x.categories[0].evidence
    assert evidence and all(e.text == "zebracorn" and e.source == model.source for e in evidence)
    assert result.first_flag_index is not None
    y = next(p for p in result.participants if p.id == "y")
    assert y.severity is Severity.NONE and y.model_score is not None and y.model_score < 0.5
    off = _play(Conversation(lang="en", participant_model=False), lines)
    assert off.severity is Severity.NONE
    assert all(p.model_score is None for p in off.participants)


def test_vietnamese_is_not_read_by_the_english_model() -> None:
    conv = Conversation(lang="vi", participant_model=_toy())
    result = _play(conv, [("x", "zebracorn")] * 6)
    assert result.severity is Severity.NONE
    assert result.participants[0].model_score is None


def test_state_round_trip_keeps_the_running_score() -> None:
    model = _toy(weight=1.5, words=("zebracorn", "unicorn"))
    lines = [("x", f"zebracorn {i} unicorn") for i in range(6)] + [("y", "hi there")] * 3
    whole = Conversation(lang="en", participant_model=model)
    _play(whole, lines + lines)
    half = Conversation(lang="en", participant_model=model)
    _play(half, lines)
    state = json.loads(json.dumps(half.state()))
    assert state["people"][0]["model"]["messages"] == 6
    resumed = Conversation.restore(state, participant_model=model)
    _play(resumed, lines)
    assert resumed.assessment().model_dump_json() == whole.assessment().model_dump_json()


def test_another_model_starts_afresh() -> None:
    conv = Conversation(lang="en", participant_model=_toy())
    _play(conv, [("x", "zebracorn")] * 2)
    other = _toy()
    other.manifest.npz_sha256 = "f" * 64  # a retrained model
    restored = Conversation.restore(conv.state(), participant_model=other)
    assert restored.assessment().participants[0].model_score is None
    same = Conversation.restore(conv.state(), participant_model=_toy())
    assert same.assessment().participants[0].model_score is not None


def test_old_states_without_model_still_restore() -> None:
    conv = Conversation(lang="en", participant_model=_toy())
    _play(conv, [("x", "zebracorn")] * 2)
    state = conv.state()
    for person in state["people"]:  # type: ignore[union-attr]
        del person["model"]
    restored = Conversation.restore(state, participant_model=_toy())
    assert restored.assessment().participants[0].model_score is None


def test_redact_blanks_model_evidence() -> None:
    conv = Conversation(lang="en", participant_model=_toy())
    _play(conv, [("x", "zebracorn")] * 5)
    conv.redact(before=5)
    grooming = conv.assessment().participants[0].categories[0]
    assert grooming.evidence and all(e.text == "" for e in grooming.evidence)


def test_deterministic_with_the_shipped_model() -> None:
    lines = [("a", "hey how was school"), ("b", "ok i guess"), ("a", "are your parents home")]
    a = _play(Conversation(lang="en"), lines * 5).model_dump_json()
    b = _play(Conversation(lang="en"), lines * 5).model_dump_json()
    assert a == b


@pytest.mark.parametrize(
    "scenario", [s for s in scenarios() if s.label == "none"], ids=lambda s: s.id
)
def test_ordinary_chats_gain_nothing_from_the_model(scenario) -> None:
    """The hand-written hard negatives: the shipped model adds no severity to any of them,
    and every one but the rules' known miss (``en.none.friends``) stays below ``high``."""
    lines = [{"sender": s, "text": t} for s, t in scenario.messages]
    people = scenario.participants or None
    with_model = Conversation(people, lang=scenario.lang).extend(lines)
    rules = Conversation(people, lang=scenario.lang, participant_model=False).extend(lines)
    assert with_model.severity == rules.severity, scenario.id
    if scenario.id != "en.none.friends":
        assert with_model.severity < Severity.HIGH, scenario.id

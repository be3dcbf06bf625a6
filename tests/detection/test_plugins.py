"""Third-party detectors: validated on registration, and their cues join the combinations."""

from __future__ import annotations

import pytest

from notalone.detection.detector import Detector, Document, Example, Registry, Signal
from notalone.detection.engine import Engine
from notalone.errors import PluginError
from notalone.taxonomy import Severity
from tests.contracts import DetectorContract


class MeetingDetector(Detector):
    """Spots "meet me at <place>" in a toy way, to show the plugin surface."""

    name = "toy-meeting"
    version = "1"
    languages = ("en",)
    categories = ("grooming",)

    def detect(self, doc: Document) -> list[Signal]:
        at = doc.text.lower().find("meet me at the mall")
        if at < 0:
            return []
        return [
            Signal(
                cue="meeting_proposal",
                category="grooming",
                weight=0.5,
                severity=Severity.LOW,
                start=at,
                end=at + len("meet me at the mall"),
                source=self.source,
            )
        ]

    def examples(self) -> list[Example]:
        return [
            Example("meet me at the mall, don't tell your mom", "en", frozenset({"grooming"})),
            Example("the mall closes at nine", "en"),
        ]


class TestMeetingDetectorContract(DetectorContract):
    @pytest.fixture
    def detector(self) -> MeetingDetector:
        return MeetingDetector()


def test_plugin_cues_take_part_in_combinations() -> None:
    engine = Engine(detectors=[MeetingDetector()])
    result = engine.analyze("meet me at the mall, don't tell your mom")
    grooming = result.category("grooming")
    assert grooming is not None and grooming.severity is Severity.CRITICAL
    assert any(ev.source == "toy-meeting@1" for ev in grooming.evidence)


def test_invalid_plugins_are_refused_with_a_reason() -> None:
    class Nameless(MeetingDetector):
        name = ""

    class Alien(MeetingDetector):
        name = "alien"
        categories = ("spam",)

    with pytest.raises(PluginError, match="non-empty 'name'"):
        Registry([Nameless()]).validate()
    with pytest.raises(PluginError, match="unknown categories"):
        Registry([Alien()]).validate()
    with pytest.raises(PluginError, match="names must be unique"):
        Registry([MeetingDetector(), MeetingDetector()]).validate()
    with pytest.raises(PluginError, match="not a notalone Detector"):
        Registry([object()]).validate()  # type: ignore[list-item]

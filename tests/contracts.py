"""Contract tests every detector inherits (ThreatExchange-style): subclass ``DetectorContract``
and provide a ``detector`` fixture. Examples fire, negatives stay quiet, results are
deterministic, and hostile inputs never crash or hang."""

from __future__ import annotations

import pytest

from notalone.detection.detector import Detector, Document
from notalone.detection.engine import Engine
from notalone.taxonomy import Severity

HOSTILE = {
    "empty": "",
    "whitespace": " \t\n ",
    "nul": "anh\x00là\x00công an\x00" * 50,
    "one_megabyte": ("Tối nay ngủ ngon nhé. " * 50_000)[:1_000_000],
    "mixed_script": "Привет 你好 مرحبا xin chào hello こんにちは " * 20,
    "rtl": "\u202eنص عربي مع سهم\u202c hello \u200fשלום" * 20,
    "combining_storm": "a" + "\u0301" * 5000,
    "zero_width": "\u200b" * 10_000,
    "emoji": "😀🔥💀" * 3000,
    "surrogate_free_controls": "".join(chr(c) for c in range(1, 32)) * 100,
    "long_token": "x" * 200_000,
    "many_singles": "a " * 100_000,
}


class DetectorContract:
    @pytest.fixture
    def detector(self) -> Detector:  # pragma: no cover - subclasses override
        raise NotImplementedError

    @pytest.fixture
    def contract_engine(self, detector: Detector) -> Engine:
        # Large limit so that the 1 MB case exercises the detector, not the size check.
        return Engine(detectors=[] if detector.name == "rules" else [detector], max_bytes=8 << 20)

    def test_declares_itself(self, detector: Detector) -> None:
        assert detector.name and detector.version and detector.languages and detector.categories

    def test_examples_fire_and_negatives_stay_quiet(
        self, detector: Detector, contract_engine: Engine
    ) -> None:
        examples = detector.examples()
        assert examples, "a detector must ship examples"
        assert any(e.categories for e in examples) and any(not e.categories for e in examples)
        for ex in examples:
            result = contract_engine.analyze(ex.text, ex.language)
            fired = {c.id for c in result.categories if c.severity > Severity.LOW}
            if ex.categories:
                assert ex.categories <= fired, (ex.text, fired)
            else:
                assert result.severity <= Severity.LOW, (ex.text, result.severity)

    def test_deterministic(self, detector: Detector, contract_engine: Engine) -> None:
        for ex in detector.examples():
            doc1 = Document.build(ex.text, contract_engine.lexicon)
            doc2 = Document.build(ex.text, contract_engine.lexicon)
            assert detector.detect(doc1) == detector.detect(doc2)
            a, b = contract_engine.analyze(ex.text), contract_engine.analyze(ex.text)
            assert a == b

    @pytest.mark.parametrize("name", sorted(HOSTILE))
    def test_hostile_input_never_crashes(
        self, name: str, detector: Detector, contract_engine: Engine
    ) -> None:
        text = HOSTILE[name]
        doc = Document.build(text, contract_engine.lexicon)
        for sig in detector.detect(doc):
            assert 0 <= sig.start <= sig.end <= len(text)
        result = contract_engine.analyze(text)
        for cat in result.categories:
            for ev in cat.evidence:
                assert text[ev.start : ev.end] == ev.text

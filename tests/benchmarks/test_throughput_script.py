"""The throughput benchmark compares two matchers; the comparison means something only if
the second engine really runs the reference matcher."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from notalone.detection.rules.matcher import ReferenceMatcher

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "throughput.py"


@pytest.fixture(scope="module")
def throughput():
    spec = importlib.util.spec_from_file_location("throughput_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_the_reference_configuration_runs_the_reference_matcher(throughput, monkeypatch) -> None:
    configs, _fast = throughput.build_configs()
    automaton, reference = configs[0], configs[1]
    calls: list[str] = []
    original = ReferenceMatcher.match

    def counted(self: ReferenceMatcher, channel: object) -> object:
        calls.append("reference")
        return original(self, channel)

    monkeypatch.setattr(ReferenceMatcher, "match", counted)
    text = "mày kill yourself đi, chuyển tiền vào tài khoản này"
    assert reference.analyze(text) == automaton.analyze(text)
    assert calls, "the (b) row would time the automaton twice"
    calls.clear()
    automaton.analyze(text)
    assert not calls

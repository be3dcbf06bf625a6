from __future__ import annotations

import pytest

from notalone.detection.rules.detector import RuleDetector
from tests.contracts import DetectorContract


class TestRuleDetector(DetectorContract):
    @pytest.fixture
    def detector(self) -> RuleDetector:
        return RuleDetector()

"""Phrase rules as data (``packs/``), compiled into fast matchers (``RuleDetector``)."""

from notalone.detection.rules.pack import CUES, Combo, Guard, Rule, RuleSet, load_rules

__all__ = ["CUES", "Combo", "Guard", "Rule", "RuleSet", "load_rules"]

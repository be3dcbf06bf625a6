"""``RuleDetector``: the phrase packs of every language, as one detector."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import partial
from importlib import resources

from notalone.detection.detector import Detector, Document, Example, Signal
from notalone.detection.lang import LANGUAGES, language_pack
from notalone.detection.rules.matcher import AutomatonMatcher, ReferenceMatcher, RegexMatcher
from notalone.detection.rules.pack import Rule, RuleSet, load_rules
from notalone.taxonomy import CATEGORY_IDS


class RuleDetector(Detector):
    name = "rules"
    languages = LANGUAGES
    categories = CATEGORY_IDS

    def __init__(self, rules: RuleSet | None = None, *, reference: bool = False) -> None:
        self.ruleset = rules or load_rules()
        self.version = self.ruleset.digest
        matcher = ReferenceMatcher if reference else AutomatonMatcher
        self._by_lang = {}
        self._words: dict[str, frozenset[str]] = {}  # ``words``, per language, once
        for lang in LANGUAGES:
            rules_ = self.ruleset.for_language(lang)
            self._by_lang[lang] = (
                matcher(rules_, language_pack(lang)),
                RegexMatcher(rules_),
                [self._signal_of(rule) for rule in rules_],
            )

    def detect(self, doc: Document) -> list[Signal]:
        signals: list[Signal] = []
        span = doc.tokens.span
        for lang in doc.languages:
            phrases, regexes, signal = self._by_lang[lang]
            for hit in phrases.match(doc.channel(lang)):
                signals.append(signal[hit.rule](start=span(hit.first)[0], end=span(hit.last)[1]))
            for rhit in regexes.match(doc.cleaned):
                signals.append(signal[rhit.rule](start=rhit.start, end=rhit.end))
        return _outermost(signals) if len(signals) > 1 else signals

    def _signal_of(self, rule: Rule) -> Callable[..., Signal]:
        """A rule's ``Signal`` but for its span, filled in once (a hit only adds the span)."""
        return partial(
            Signal,
            cue=rule.cue,
            category=rule.category,
            weight=rule.weight,
            severity=rule.severity,
            source=self.source,
            rule=rule.id,
            requires=rule.requires,
            explanation=(rule.explain.vi, rule.explain.en),
        )

    def lexicon(self) -> set[str]:
        return set().union(*map(self.words, LANGUAGES))

    def words(self, language: str) -> frozenset[str]:
        """The words of ``language``'s patterns and chat spellings (worked out once: the
        engine asks for them twice, for its lexicon and for the English-only words)."""
        found = self._words.get(language)
        if found is None:
            from notalone.detection.rules.matcher import pattern_words

            pack = language_pack(language)
            words = set(pack.expansions)
            for rule in self.ruleset.for_language(language):
                for pattern in rule.patterns:
                    for part, _prefix in pattern_words(pattern, pack):
                        words.update(part)
            found = self._words[language] = frozenset(words)
        return found

    def examples(self) -> list[Example]:
        raw = (
            resources.files("notalone.detection.rules").joinpath("examples.toml").read_text("utf-8")
        )
        return [
            Example(e["text"], e["language"], frozenset(e.get("categories", [])))
            for e in tomllib.loads(raw)["example"]
        ]


def _outermost(signals: list[Signal]) -> list[Signal]:
    """The hits that no other hit of the same rule contains: a rule's overlapping wordings
    ("báo nợ về" inside "thông báo nợ về gia đình") are one piece of evidence, not two."""
    signals.sort(key=lambda s: (s.rule or "", s.start, -s.end))
    kept: list[Signal] = []
    for s in signals:
        # In this order a hit inside any kept hit of its rule is inside the last one kept.
        if kept and kept[-1].rule == s.rule and s.end <= kept[-1].end:
            continue
        kept.append(s)
    return kept

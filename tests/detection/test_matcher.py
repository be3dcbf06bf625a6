"""The Aho-Corasick matcher must find exactly what the rule-by-rule reference finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from notalone.detection.detector import Document
from notalone.detection.engine import Engine
from notalone.detection.lang import LANGUAGES, language_pack
from notalone.detection.rules.matcher import AutomatonMatcher, ReferenceMatcher, pattern_words
from notalone.detection.rules.pack import load_rules

RULES = load_rules()
MATCHERS = {
    lang: (
        AutomatonMatcher(RULES.for_language(lang), language_pack(lang)),
        ReferenceMatcher(RULES.for_language(lang), language_pack(lang)),
    )
    for lang in LANGUAGES
}
VOCAB = sorted(
    {
        w
        for lang in LANGUAGES
        for r in RULES.for_language(lang)
        for p in r.patterns
        for part, _ in pattern_words(p, language_pack(lang))
        for w in part
    }
    | {"và", "nhé", "the", "and", ".", ",", "NGỦ", "ngu"}
)
ENGINE = Engine(rules=RULES)


@given(st.lists(st.sampled_from(VOCAB), max_size=25))
@settings(max_examples=400, deadline=None)
def test_fast_matcher_equals_reference(words: list[str]) -> None:
    text = " ".join(words)
    doc = Document.build(text, ENGINE.lexicon)
    for lang in LANGUAGES:
        fast, ref = MATCHERS[lang]
        channel = doc.channel(lang)
        assert fast.match(channel) == ref.match(channel)


def test_gapped_pattern_stays_inside_one_sentence() -> None:
    from notalone.detection.rules.pack import parse_pack

    rules = tuple(
        parse_pack(
            "test.toml",
            """
[pack]
language = "vi"
category = "scam"
[[rule]]
id = "vi.scam.advance_fee.01"
cue = "advance_fee"
weight = 0.5
severity = "low"
patterns = ["chuyển ... tài khoản"]
explain.vi = "x"
explain.en = "x"
""",
        )
    )
    matcher = AutomatonMatcher(rules, language_pack("vi"))
    engine = Engine(rules=RULES)

    def hits(text: str) -> int:
        return len(matcher.match(Document.build(text, engine.lexicon, "vi").channel("vi")))

    assert hits("chuyển tiền vào tài khoản này") == 1
    assert hits("chuyển đi. Tài khoản") == 0
    assert hits("chuyển một hai ba bốn năm tài khoản") == 0  # gap of 5 > 3

"""The Aho-Corasick matcher must find exactly what the rule-by-rule reference finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from notalone.detection.detector import Document
from notalone.detection.engine import Engine
from notalone.detection.lang import LANGUAGES, language_pack
from notalone.detection.normalize import clean
from notalone.detection.rules.matcher import (
    AutomatonMatcher,
    Hit,
    ReferenceMatcher,
    RegexMatcher,
    _Resolver,
    compile_parts,
    pattern_words,
)
from notalone.detection.rules.pack import load_rules
from notalone.detection.rules.prefilter import Prefilter

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


# -- regex rules and their prefilters -----------------------------------------------------------

SHIPPED_REGEXES = sorted({rx for rule in RULES.rules for rx in rule.regex})
REGEX_MATCHERS = {
    lang: (
        RegexMatcher(RULES.for_language(lang)),
        RegexMatcher(RULES.for_language(lang), prefilter=False),
    )
    for lang in LANGUAGES
}


@given(st.data())
@settings(max_examples=600, deadline=None)
def test_prefilter_never_skips_a_regex_that_matches(data: st.DataObject) -> None:
    rx = data.draw(st.sampled_from(SHIPPED_REGEXES))
    text = data.draw(st.from_regex(rx))
    if re.search(rx, text):
        assert Prefilter([rx]).passing(text) == [0]


@given(
    st.lists(st.sampled_from(SHIPPED_REGEXES).flatmap(st.from_regex), max_size=4),
    st.sampled_from([" ", ". ", "\n", ", ", ""]),
)
@settings(max_examples=300, deadline=None)
def test_regex_matcher_finds_what_running_every_regex_finds(pieces: list[str], sep: str) -> None:
    cleaned = clean(sep.join(pieces))
    for fast, every in REGEX_MATCHERS.values():
        assert fast.match(cleaned) == every.match(cleaned)


VI_RULES = RULES.for_language("vi")
GAPPED = [p for p in compile_parts(VI_RULES, language_pack("vi")) if p.count > 1]


def chain_everything(resolver: _Resolver, channel, found) -> list[Hit]:
    """Every part found and every gapped pattern chained: no shortcut for missing parts."""
    hits = {Hit(p.rule, first, last) for p, first, last in found if p.count == 1}
    pending: dict = {}
    for part, first, last in found:
        if part.count > 1:
            key = (part.rule, part.pattern, part.count)
            pending.setdefault(key, []).append((part.index, first, last))
    for (ri, _pi, count), items in pending.items():
        by_part: dict[int, list[tuple[int, int]]] = {}
        for index, first, last in sorted(items, key=lambda t: (t[1], t[0])):
            by_part.setdefault(index, []).append((first, last))
        if all(k in by_part for k in range(count)):
            hit = resolver._chain(channel, sorted(items, key=lambda t: (t[1], t[0])), count, ri)
            if hit:
                hits.add(hit)
    return sorted(hits, key=lambda h: (h.first, h.last, h.rule))


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_resolver_skips_only_patterns_missing_a_part(data: st.DataObject) -> None:
    words = data.draw(st.lists(st.sampled_from(["a", "b", "¦"]), min_size=1, max_size=20))
    channel = Document.build(" ".join(words), ENGINE.lexicon).channel("vi")
    n = len(channel.words)
    rule = data.draw(st.sampled_from(sorted({p.rule for p in GAPPED})))
    parts = [p for p in GAPPED if p.rule == rule]
    found = [
        (part, first, data.draw(st.integers(first, n - 1)))
        for part in data.draw(st.lists(st.sampled_from(parts), max_size=8))
        for first in [data.draw(st.integers(0, n - 1))]
    ]
    resolver = _Resolver(VI_RULES)
    assert resolver.resolve(channel, found) == chain_everything(resolver, channel, found)

"""Compiling phrase rules into one Aho-Corasick automaton per language, and matching.

``AutomatonMatcher`` is the fast path: one pass of pyahocorasick over the folded channel
finds every pattern part at once. ``ReferenceMatcher`` finds the same parts rule by rule with
``str.find``; it exists so that property tests can show the two always agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick

from notalone.detection.lang import LanguagePack, vietnamese_syllable
from notalone.detection.normalize import BOUNDARY, Channel, Cleaned, accepts, clean, fold
from notalone.detection.rules.pack import Rule
from notalone.detection.rules.prefilter import shared_prefilter
from notalone.errors import RulePackError

GAP = "..."
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Part:
    """One contiguous piece of a pattern, as it appears in a channel (with boundary spaces)."""

    rule: int  # index into the compiled rule list
    pattern: int
    index: int  # position of this part in its pattern
    count: int  # number of parts in its pattern
    key: str  # unfolded: " word word " (no trailing space when ``prefix``)
    prefix: bool
    group: int  # the pattern's number among every pattern of the rules
    bit: int  # 1 << index: found parts of a pattern are or-ed into one int ...
    full: int  # ... which equals this when all of them were found


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that matched, with the span of channel tokens (inclusive) it covers."""

    rule: int
    first: int
    last: int


def pattern_words(pattern: str, pack: LanguagePack) -> list[tuple[list[str], bool]]:
    """Normalize a pattern like the text it will meet: parts of expanded words, prefix flag."""
    parts = []
    for raw_part in pattern.split(GAP):
        raw_part = raw_part.strip()
        prefix = raw_part.endswith("*")
        raw_part = raw_part.rstrip("*").strip()
        words = [pack.expand(w) for w in _WORD.findall(clean(raw_part).text)]
        if not words:
            raise RulePackError(f"pattern {pattern!r} has an empty part around '{GAP}'")
        parts.append((" ".join(words).split(" "), prefix))
    return parts


def compile_parts(rules: tuple[Rule, ...], pack: LanguagePack) -> list[Part]:
    parts: list[Part] = []
    patterns = (
        (ri, pi, rule, p) for ri, rule in enumerate(rules) for pi, p in enumerate(rule.patterns)
    )
    for group, (ri, pi, rule, pattern) in enumerate(patterns):
        pieces = pattern_words(pattern, pack)
        full = (1 << len(pieces)) - 1
        for k, (words, prefix) in enumerate(pieces):
            if BOUNDARY in "".join(words):
                raise RulePackError(f"{rule.id}: pattern {pattern!r} contains {BOUNDARY!r}")
            key = " " + " ".join(words) + ("" if prefix else " ")
            parts.append(Part(ri, pi, k, len(pieces), key, prefix, group, 1 << k, full))
    return parts


class _Resolver:
    """Turns part matches into rule hits, joining gapped parts within one sentence."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self._gaps = [r.max_gap for r in rules]

    def resolve(self, channel: Channel, found: list[tuple[Part, int, int]]) -> list[Hit]:
        hits: set[Hit] = set()
        pending: dict[tuple[int, int, int], list[tuple[int, int, int]]] = defaultdict(list)
        for part, first, last in found:
            if part.count == 1:
                hits.add(Hit(part.rule, first, last))
            else:
                pending[(part.rule, part.pattern, part.count)].append((part.index, first, last))
        # Only patterns with every part found get here (``_in_tokens``).
        for (ri, _pi, count), items in pending.items():
            hit = self._chain(channel, sorted(items, key=lambda t: (t[1], t[0])), count, ri)
            if hit:
                hits.add(hit)
        return sorted(hits, key=lambda h: (h.first, h.last, h.rule))

    def _chain(
        self, channel: Channel, items: list[tuple[int, int, int]], count: int, ri: int
    ) -> Hit | None:
        by_part: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for index, first, last in items:
            by_part[index].append((first, last))
        gap = self._gaps[ri]
        words = channel.words
        for first, last in by_part[0]:
            end = last
            for k in range(1, count):
                nxt = next(
                    (
                        (f, la)
                        for f, la in by_part[k]
                        if end < f <= end + gap + 1 and BOUNDARY not in words[end + 1 : f]
                    ),
                    None,
                )
                if nxt is None:
                    break
                end = nxt[1]
            else:
                return Hit(ri, first, end)
        return None


class AutomatonMatcher:
    """All phrase patterns of one language in one automaton over the folded channel."""

    def __init__(self, rules: tuple[Rule, ...], pack: LanguagePack) -> None:
        self.rules = rules
        self._resolver = _Resolver(rules)
        table: dict[str, list[Part]] = defaultdict(list)
        for part in compile_parts(rules, pack):
            table[fold(part.key)].append(part)
        self._automaton = ahocorasick.Automaton()
        for folded, parts in table.items():
            self._automaton.add_word(folded, (len(folded), tuple(parts)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table
        self._see_through = not pack.accented

    def match(self, channel: Channel) -> list[Hit]:
        if self._empty:
            return []
        found: list[tuple[Part, int, int]] = []
        text, folded = channel.text, channel.folded
        for end, (length, parts) in self._automaton.iter(folded):
            start = end - length + 1
            typed = text[start : end + 1]
            # Typed without accents, the words stand for every part folding to them.
            if typed == folded[start : end + 1] or (self._see_through and _disguised(typed)):
                found += [(part, start, end) for part in parts]
            else:
                found += [(part, start, end) for part in parts if accepts(typed, part.key)]
        return self._resolver.resolve(channel, _in_tokens(channel, found)) if found else []


def _disguised(typed: str) -> bool:
    """Whether every accented word of ``typed`` is one no Vietnamese syllable spells: accents
    put on an English word to slip past a filter ("kíll yourself"), not Vietnamese."""
    return not any(vietnamese_syllable(w) for w in typed.split() if not w.isascii())


class ReferenceMatcher:
    """The same matches as ``AutomatonMatcher``, found pattern by pattern (slow, obvious)."""

    def __init__(self, rules: tuple[Rule, ...], pack: LanguagePack) -> None:
        self.rules = rules
        self._resolver = _Resolver(rules)
        self._parts = compile_parts(rules, pack)
        self._see_through = not pack.accented

    def match(self, channel: Channel) -> list[Hit]:
        found: list[tuple[Part, int, int]] = []
        for part in self._parts:
            key = fold(part.key)
            start = channel.folded.find(key)
            while start != -1:
                end = start + len(key) - 1
                typed = channel.text[start : end + 1]
                if accepts(typed, part.key) or (self._see_through and _disguised(typed)):
                    found.append((part, start, end))
                start = channel.folded.find(key, start + 1)
        return self._resolver.resolve(channel, _in_tokens(channel, found))


def _in_tokens(channel: Channel, found: list[tuple[Part, int, int]]) -> list[tuple[Part, int, int]]:
    """Found parts, from spans of the channel's characters to spans of its tokens; a part of
    a gapped pattern only when every part of that pattern was found (most are a common word
    alone, and need no tokens)."""
    seen: dict[int, int] = {}  # pattern -> its found parts, one bit each
    for part, _start, _end in found:
        seen[part.group] = seen.get(part.group, 0) | part.bit
    token_at = channel.token_at
    return [
        (part, token_at(start + 1), token_at(end if part.prefix else end - 1))
        for part, start, end in found
        if seen[part.group] == part.full
    ]


@dataclass(frozen=True, slots=True)
class RegexHit:
    rule: int
    start: int  # original-text span
    end: int


# Regex rules describe numbers, addresses and links; a message with no digit, "@" or dotted
# name cannot hold one, so most messages skip them all (docs/rules.md).
_DOTTED = re.compile(r"\.(?<=[a-z0-9]\.)[a-z]")  # [a-z0-9]\.[a-z], searched for the "." first


def _may_hold_shapes(cleaned: Cleaned) -> bool:
    """The regex gate: a digit, an "@" or a dotted name (three scans in C, no alternation)."""
    folded = cleaned.folded
    return "@" in folded or cleaned.has_digit or _DOTTED.search(folded) is not None


# A chunk (a run of characters other than spaces, quotes and brackets) holding a dotted name.
_CHUNK_CHAR = r"[^\s\"'<>()\[\]]"
_DOTTED_CHUNK = re.compile(rf"(?<!{_CHUNK_CHAR}){_CHUNK_CHAR}*?[a-z0-9]\.[a-z]{_CHUNK_CHAR}*")


class RegexMatcher:
    """The few rules that need character shapes (URLs, phone and ID numbers, e-mail).

    Rules with ``scope = "link"`` run on each whitespace-delimited chunk that holds a dotted
    name, not on the whole text: domain checks with look-aheads stay cheap on long messages.
    A regex runs only on messages that Hyperscan finds it may match (``Prefilter``).
    """

    def __init__(self, rules: tuple[Rule, ...], *, prefilter: bool = True) -> None:
        compiled = [(ri, rule.scope, rx) for ri, rule in enumerate(rules) for rx in rule.regex]
        self._regexes = [(ri, scope == "link", re.compile(rx)) for ri, scope, rx in compiled]
        # Without the prefilter (tests), every regex runs on every message past the gate.
        every = list(range(len(compiled)))
        self._passing = (
            shared_prefilter(tuple(rx for _ri, _scope, rx in compiled)).passing
            if prefilter and compiled
            else lambda _text: every
        )

    def match(self, cleaned: Cleaned) -> list[RegexHit]:
        if not self._regexes or not _may_hold_shapes(cleaned):
            return []
        folded = cleaned.folded
        text = cleaned.text
        found: list[tuple[int, int, int]] = []
        links = []
        for i in self._passing(text):
            ri, link, rx = self._regexes[i]
            if link:
                links.append((ri, rx))
            else:
                found.extend((ri, m.start(), m.end()) for m in rx.finditer(text))
        if links:
            for chunk in _DOTTED_CHUNK.finditer(folded):
                start, end = chunk.span()
                for ri, rx in links:
                    hits = rx.finditer(text, start, end)
                    found.extend((ri, m.start(), m.end()) for m in hits)
        return [RegexHit(ri, *cleaned.span(s, e)) for ri, s, e in found if e > s]

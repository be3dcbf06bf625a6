"""Compiling phrase rules into one Aho-Corasick automaton per language, and matching.

``AutomatonMatcher`` is the fast path: one pass of pyahocorasick over the folded channel
finds every pattern part at once. ``ReferenceMatcher`` finds the same parts rule by rule with
``str.find``; it exists so that property tests can show the two always agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter, sub

import ahocorasick

from notalone.detection.lang import LanguagePack
from notalone.detection.normalize import BOUNDARY, Channel, Cleaned, accepts, clean, fold
from notalone.detection.rules.pack import Rule
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
    for ri, rule in enumerate(rules):
        for pi, pattern in enumerate(rule.patterns):
            pieces = pattern_words(pattern, pack)
            for k, (words, prefix) in enumerate(pieces):
                if BOUNDARY in "".join(words):
                    raise RulePackError(f"{rule.id}: pattern {pattern!r} contains {BOUNDARY!r}")
                key = " " + " ".join(words) + ("" if prefix else " ")
                parts.append(Part(ri, pi, k, len(pieces), key, prefix))
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
        for (ri, _pi, count), items in pending.items():
            # Most gapped patterns meet only some of their parts (a common word alone):
            # checking that every part is there first spares sorting and chaining them.
            if len({index for index, _first, _last in items}) < count:
                continue
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

    def match(self, channel: Channel) -> list[Hit]:
        if self._empty:
            return []
        found: list[tuple[Part, int, int]] = []
        text = channel.text
        for end, (length, parts) in self._automaton.iter(channel.folded):
            start = end - length + 1
            typed = text[start : end + 1]
            for part in parts:
                if accepts(typed, part.key):
                    found.append(_located(channel, part, start, end))
        return self._resolver.resolve(channel, found) if found else []


class ReferenceMatcher:
    """The same matches as ``AutomatonMatcher``, found pattern by pattern (slow, obvious)."""

    def __init__(self, rules: tuple[Rule, ...], pack: LanguagePack) -> None:
        self.rules = rules
        self._resolver = _Resolver(rules)
        self._parts = compile_parts(rules, pack)

    def match(self, channel: Channel) -> list[Hit]:
        found: list[tuple[Part, int, int]] = []
        for part in self._parts:
            key = fold(part.key)
            start = channel.folded.find(key)
            while start != -1:
                end = start + len(key) - 1
                if accepts(channel.text[start : end + 1], part.key):
                    found.append(_located(channel, part, start, end))
                start = channel.folded.find(key, start + 1)
        return self._resolver.resolve(channel, found)


def _located(channel: Channel, part: Part, start: int, end: int) -> tuple[Part, int, int]:
    first = channel.token_at(start + 1)
    last = channel.token_at(end if part.prefix else end - 1)
    return part, first, last


@dataclass(frozen=True, slots=True)
class RegexHit:
    rule: int
    start: int  # original-text span
    end: int


# Regex rules describe numbers, addresses and links; a message with no digit, "@" or dotted
# name cannot hold one, so most messages skip them all (docs/rules.md).
_DIGIT = re.compile(r"\d")
_DOTTED = re.compile(r"\.(?<=[a-z0-9]\.)[a-z]")  # [a-z0-9]\.[a-z], searched for the "." first


def _may_hold_shapes(folded: str) -> bool:
    """The regex gate: a digit, an "@" or a dotted name (three scans in C, no alternation)."""
    return "@" in folded or bool(_DIGIT.search(folded) or _DOTTED.search(folded))


# A chunk (a run of characters other than spaces, quotes and brackets) holding a dotted name.
_CHUNK_CHAR = r"[^\s\"'<>()\[\]]"
_DOTTED_CHUNK = re.compile(rf"(?<!{_CHUNK_CHAR}){_CHUNK_CHAR}*?[a-z0-9]\.[a-z]{_CHUNK_CHAR}*")


# -- regex prefilters -------------------------------------------------------------------------
#
# Most regex rules can only match a message that holds some literal ("@", "tuổi", "bit.ly/")
# or a dense run of digits (a phone number). ``needs`` works such a necessary condition out
# of the parsed regex (the idea of RE2's prefilters), so that a message meeting none of it is
# never scanned: a skipped regex is one that could not have matched, and verdicts stay the
# same. Constructs it does not model (back-references, case-insensitive groups) leave a regex
# with no prefilter: it then runs on every message that passes the gate, as before.
# Literals are looked up with every digit written as "0" (in the regex and in the message),
# so that shapes of digits count too: "0.0000" rules out coordinates in "giá 910.046".


@dataclass(frozen=True, slots=True)
class Needs:
    """What a text must hold for a regex to match in it.

    ``atoms``: for each set, the text contains one of its strings (digits written as "0":
    see ``skeleton``).
    ``digits``: the text holds at least that many digits within ``span`` characters (anywhere
    when ``span`` is None).
    """

    atoms: tuple[frozenset[str], ...] = ()
    digits: int = 0
    span: int | None = None


_NO_NEEDS = Needs()


def skeleton(text: str) -> str:
    """``text`` with every digit written as "0", where ``Needs.atoms`` are looked up."""
    return _DIGIT.sub("0", text)


def _shape(ch: str) -> str:
    return "0" if ch.isdecimal() else ch


_MAX_STRINGS = 100  # the most exact strings tracked for one piece of a regex
_COMMON = frozenset(".,-/:'_ ")  # punctuation in most messages: alone, no use as an atom


@dataclass(frozen=True, slots=True)
class _Piece:
    """What one piece of a parsed regex consumes: every string it can match (``exact``, when
    there are few), the strings every match starts and ends with, sets of strings one of which
    is always in the text (``atoms``), its fewest digits and its longest length."""

    exact: frozenset[str] | None
    prefix: frozenset[str]  # {""}: nothing known
    suffix: frozenset[str]
    atoms: tuple[frozenset[str], ...]
    digits: int
    length: int | None  # None: unbounded


_UNKNOWN = frozenset({""})
_EMPTY = _Piece(_UNKNOWN, _UNKNOWN, _UNKNOWN, (), 0, 0)  # a zero-width assertion
_ONE_CHAR = _Piece(None, _UNKNOWN, _UNKNOWN, (), 0, 1)


class _Unsupported(Exception):
    """A construct the analysis does not model (back-references, case folding ...)."""


def needs(pattern: str) -> Needs:
    """A necessary condition for ``pattern`` to match; ``Needs()`` (none) when in doubt."""
    try:
        from re import _parser  # the standard library's own regex parser (CPython 3.11+)

        parsed = _parser.parse(pattern)
        if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
            raise _Unsupported
        piece = _Analysis(_parser).sequence(parsed)
    except (ImportError, AttributeError, ValueError, _Unsupported):
        return _NO_NEEDS
    atoms = {a for a in (*piece.atoms, *_exact_atom(piece)) if _useful(a)}
    return Needs(tuple(sorted(atoms, key=sorted)), piece.digits, piece.length)


def _useful(atom: frozenset[str]) -> bool:
    """Whether looking ``atom`` up can rule out many messages: no string of it is only
    digits, or a single letter or common punctuation mark (or two, a pair of letters aside)."""

    def rare(s: str) -> bool:
        if s.isdecimal():  # digits alone: the digit count says about as much, more cheaply
            return False
        return len(s) > 2 or (len(s) == 2 and s.isalpha()) or any(_rare_char(c) for c in s)

    return bool(atom) and all(rare(s) for s in atom)


def _rare_char(ch: str) -> bool:
    return not ch.isalnum() and not ch.isspace() and ch not in _COMMON


def _exact_atom(piece: _Piece) -> tuple[frozenset[str], ...]:
    return (piece.exact,) if piece.exact is not None else ()


def _product(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _MAX_STRINGS:
        return None
    return frozenset(a + b for a in left for b in right)


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    union = frozenset[str]().union(*sets)
    return union if len(union) <= _MAX_STRINGS else _UNKNOWN


def _best(atoms: list[frozenset[str]]) -> frozenset[str] | None:
    """The atom most likely to rule a message out: long strings, then few of them."""
    useful = [a for a in atoms if _useful(a)]
    return max(useful, key=lambda a: (min(map(len, a)) >= 3, -len(a)), default=None)


class _Analysis:
    """Walks a pattern parsed by ``re._parser`` (its opcodes are read from that module)."""

    def __init__(self, parser) -> None:
        self.p = parser

    def sequence(self, items) -> _Piece:
        run = _UNKNOWN  # exact strings of the current run of exact pieces
        prefix: frozenset[str] | None = None  # set when the first inexact piece ends a run
        atoms: list[frozenset[str]] = []
        digits, length = 0, 0
        for op, av in items:
            piece = self.node(op, av)
            atoms.extend(piece.atoms)
            digits += piece.digits
            length = None if length is None or piece.length is None else length + piece.length
            if piece.exact is not None and (longer := _product(run, piece.exact)) is not None:
                run = longer
                continue
            closed = _product(run, piece.prefix) or run  # the run and how the next piece starts
            atoms += [run, closed]
            if prefix is None:
                prefix = closed
            run = piece.exact if piece.exact is not None else piece.suffix
        if prefix is None:  # every piece exact
            return _Piece(run, run, run, tuple(atoms), digits, length)
        return _Piece(None, prefix, run, (*atoms, run), digits, length)

    def node(self, op, av) -> _Piece:
        p = self.p
        if op is p.LITERAL:
            ch = chr(av)
            return _exactly(frozenset(_shape(ch)), int(ch.isdecimal()), 1)
        if op in (p.NOT_LITERAL, p.ANY):
            return _ONE_CHAR
        if op is p.IN:
            return self.charset(av)
        if op in (p.AT, p.ASSERT_NOT):
            return _EMPTY
        if op is p.ASSERT:  # consumes nothing, but what it looks at is in the text
            inner = self.sequence(av[1])
            return _Piece(_UNKNOWN, _UNKNOWN, _UNKNOWN, (*inner.atoms, *_exact_atom(inner)), 0, 0)
        if op is p.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unsupported
            return self.sequence(sub)
        if op is p.ATOMIC_GROUP:
            return self.sequence(av)
        if op is p.BRANCH:
            return _branch([self.sequence(alt) for alt in av[1]])
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
            low, high, sub = av
            return _repeat(low, None if high is p.MAXREPEAT else high, self.sequence(sub))
        raise _Unsupported

    def charset(self, items) -> _Piece:
        p = self.p
        chars: set[str] | None = set()
        digits = bool(items)  # every character of the set is a digit
        for op, av in items:
            if op is p.LITERAL:
                members = [chr(av)]
            elif op is p.RANGE and av[1] - av[0] < _MAX_STRINGS:
                members = [chr(x) for x in range(av[0], av[1] + 1)]
            elif op is p.CATEGORY and av is p.CATEGORY_DIGIT:
                members = ["0"]  # any digit, as ``skeleton`` writes it
            else:  # NEGATE, other categories, wide ranges
                return _ONE_CHAR
            digits = digits and all(ch.isdecimal() for ch in members)
            chars.update(map(_shape, members))
        return _exactly(frozenset(chars), int(digits), 1)


def _exactly(strings: frozenset[str], digits: int, length: int | None) -> _Piece:
    return _Piece(strings, strings, strings, (), digits, length)


def _branch(alternatives: list[_Piece]) -> _Piece:
    digits = min(a.digits for a in alternatives)
    lengths = [a.length for a in alternatives]
    length = None if None in lengths else max(lengths)  # type: ignore[type-var]
    if all(a.exact is not None for a in alternatives):
        union = _union([a.exact for a in alternatives])  # type: ignore[misc]
        if union is not _UNKNOWN:
            return _exactly(union, digits, length)
    prefix = _union([a.prefix for a in alternatives])
    suffix = _union([a.suffix for a in alternatives])
    # Every match holds one alternative, so it holds the best atom of one of them.
    best = [_best([*a.atoms, *_exact_atom(a)]) for a in alternatives]
    atoms = (_union(best),) if None not in best else ()  # type: ignore[list-item]
    return _Piece(None, prefix, suffix, atoms, digits, length)


def _repeat(low: int, high: int | None, sub: _Piece) -> _Piece:
    length = None if high is None or sub.length is None else high * sub.length
    digits = low * sub.digits
    if low == 0 and high == 1 and sub.exact is not None:
        return _exactly(sub.exact | _UNKNOWN, 0, length)
    if low == 0:
        return _Piece(None, _UNKNOWN, _UNKNOWN, (), 0, length)
    if sub.exact is None:
        return _Piece(None, sub.prefix, sub.suffix, sub.atoms, digits, length)
    first = sub.exact  # every match starts (and ends) with ``low`` copies of ``sub``
    for _ in range(low - 1):
        if (longer := _product(first, sub.exact)) is None:
            return _Piece(None, first, first, (first,), digits, length)
        first = longer
    if low == high:
        return _exactly(first, digits, length)
    return _Piece(None, first, first, (first,), digits, length)


class _Prefilter:
    """Which of a list of regexes a message meets the ``Needs`` of: one Aho-Corasick pass
    over the message finds the atoms, then its digit positions if a candidate needs them."""

    def __init__(self, needs: list[Needs]) -> None:
        self.needs = needs
        ids: dict[frozenset[str], int] = {}
        for n in self.needs:
            for atom in n.atoms:
                ids.setdefault(atom, len(ids))
        self._atoms = [frozenset(ids[a] for a in n.atoms) for n in self.needs]
        # Which regexes need each atom; regexes needing none are always candidates.
        self._users: list[set[int]] = [set() for _ in ids]
        for i, atoms in enumerate(self._atoms):
            for aid in atoms:
                self._users[aid].add(i)
        self._atomless = frozenset(i for i, atoms in enumerate(self._atoms) if not atoms)
        holders: dict[str, set[int]] = defaultdict(set)
        for atom, aid in ids.items():
            for string in atom:
                holders[string].add(aid)
        self._automaton = ahocorasick.Automaton()
        for string, aids in holders.items():
            self._automaton.add_word(string, tuple(sorted(aids)))
        self._automaton.make_automaton()
        self._searchable = bool(holders)

    def passing(self, text: str) -> list[int]:
        """Indexes, ascending, of the regexes whose needs ``text`` (a cleaned text) meets."""
        shapes = skeleton(text)
        present: set[int] = set()
        if self._searchable:
            present = present.union(*map(itemgetter(1), self._automaton.iter(shapes)))
        candidates = self._atomless.union(*map(self._users.__getitem__, present))
        # Every digit is a "0" in the skeleton, and every "0" a digit: counting them is one
        # pass in C; the positions (a match object per digit) only for a window to check.
        digits = shapes.count("0")
        positions: list[int] | None = None
        out = []
        for i in sorted(candidates):
            if not self._atoms[i] <= present:
                continue
            need = self.needs[i]
            if need.digits > digits:
                continue
            if need.span is not None and need.digits > 1:
                if positions is None:
                    positions = list(map(re.Match.start, _DIGIT.finditer(text)))
                if not _dense(positions, need.digits, need.span):
                    continue
            out.append(i)
        return out


def _dense(positions: list[int], count: int, span: int) -> bool:
    """Whether ``count`` of the ascending ``positions`` (at least that many) lie within
    ``span`` characters."""
    return min(map(sub, positions[count - 1 :], positions)) < span


class RegexMatcher:
    """The few rules that need character shapes (URLs, phone and ID numbers, e-mail).

    Rules with ``scope = "link"`` run on each whitespace-delimited chunk that holds a dotted
    name, not on the whole text: domain checks with look-aheads stay cheap on long messages.
    A regex runs only on messages that hold what any of its matches needs (``Needs``: a
    literal word such as "@" or "tuổi", enough digits close together).
    """

    def __init__(self, rules: tuple[Rule, ...], *, prefilter: bool = True) -> None:
        compiled = [(ri, rule.scope, rx) for ri, rule in enumerate(rules) for rx in rule.regex]
        self._regexes = [(ri, scope == "link", re.compile(rx)) for ri, scope, rx in compiled]
        # Without the prefilter (tests), every regex runs on every message past the gate.
        self._prefilter = _Prefilter(
            [needs(rx) if prefilter else _NO_NEEDS for _ri, _scope, rx in compiled]
        )

    def match(self, cleaned: Cleaned) -> list[RegexHit]:
        folded = cleaned.folded
        if not self._regexes or not _may_hold_shapes(folded):
            return []
        text = cleaned.text
        found: list[tuple[int, int, int]] = []
        links = []
        for i in self._prefilter.passing(text):
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

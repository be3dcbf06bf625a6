"""Which regex rules could match a message: one Hyperscan scan, in prefilter mode.

Regex rules (phone numbers, links, addresses) are run with Python's ``re`` only on messages
where they might match. Hyperscan compiles every regex of a language into one database in
prefilter mode: it matches a superset of what each regex matches (look-arounds and
back-references are relaxed, the rest is exact), so one pass over the message says which of
them need running, and a regex it rules out could not have matched.

That superset holds only where both engines read characters alike. Their ``\\d``, ``\\w`` and
``\\s`` come from different Unicode tables (Hyperscan's are older: letters and digits of recent
scripts are not word characters to it) and Python counts U+001C-U+001F as spaces.
``unsure_characters`` asks both engines, once per process, which characters they class
differently; a message holding one, or a lone surrogate (no UTF-8 for Hyperscan to read), runs
every regex instead.
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
from array import array
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import chain

import hyperscan

_FLAGS = (
    hyperscan.HS_FLAG_PREFILTER
    | hyperscan.HS_FLAG_UTF8
    | hyperscan.HS_FLAG_UCP
    | hyperscan.HS_FLAG_SINGLEMATCH  # which regexes, not where: one report each
    | hyperscan.HS_FLAG_ALLOWEMPTY
)
_CLASSES = (r"\d", r"\w", r"\s")  # what \D, \W, \S and \b are built from
_SURROGATES = (0xD800, 0xDFFF)


class Prefilter:
    """The regexes (by index) that a text may match; thread-safe (a scratch per thread)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._every = list(range(len(patterns)))
        written = {i: c for i, c in enumerate(map(hyperscan_conjuncts, patterns)) if c is not None}
        expressions, self._also = _numbered(written, len(patterns))
        self._database = _database(expressions)
        if self._database is None and written:
            # Some regex Hyperscan cannot take, even relaxed: only now is each one tried alone.
            written = {
                i: c for i, c in written.items() if _database(_numbered({i: c}, len(patterns))[0])
            }
            expressions, self._also = _numbered(written, len(patterns))
            self._database = _database(expressions)
        # A regex that Hyperscan does not scan for runs on every message.
        self._always = sorted(set(self._every) - set(written))
        self._unsure = unsure_characters()
        self._local = threading.local()

    def passing(self, text: str) -> list[int]:
        """Indexes, ascending, of the regexes that may match somewhere in ``text``."""
        if self._database is None or self._unsure.found_in(text):
            return self._every
        found = list(self._always)
        self._database.scan(
            text.encode("utf-8"),
            match_event_handler=_collect,
            context=found,
            scratch=self._scratch(),
        )
        if self._also and found:
            # A regex of several conjuncts may match only where all of them did.
            present = set(found)
            also = self._also
            count = len(self._every)
            found = [i for i in present if i < count and present.issuperset(also.get(i, ()))]
        return sorted(found)

    def _scratch(self) -> hyperscan.Scratch:
        # The scan releases the GIL, and one scratch serves one scan at a time.
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch


def _numbered(
    written: dict[int, list[bytes]], count: int
) -> tuple[dict[int, bytes], dict[int, tuple[int, ...]]]:
    """Hyperscan ids for the conjuncts of each regex: the first takes the regex's index, the
    others ids from ``count`` on; and, by regex, the ids it also needs."""
    expressions: dict[int, bytes] = {}
    also: dict[int, tuple[int, ...]] = {}
    extra = count
    for i, (first, *rest) in sorted(written.items()):
        expressions[i] = first
        if rest:
            also[i] = tuple(range(extra, extra + len(rest)))
            expressions.update(zip(also[i], rest, strict=True))
            extra += len(rest)
    return expressions, also


def _collect(regex: int, _start: int, _end: int, _flags: int, found: list[int]) -> None:
    found.append(regex)


def _database(patterns: dict[int, bytes]) -> hyperscan.Database | None:
    """One block-mode database of ``patterns`` (by id); None when there are none, or when
    Hyperscan refuses one of them (compiling is the costly part of building a prefilter)."""
    if not patterns:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=list(patterns.values()),
            ids=list(patterns),
            elements=len(patterns),
            flags=_FLAGS,
        )
    except hyperscan.error:
        return None
    return database


@cache
def shared_prefilter(patterns: tuple[str, ...]) -> Prefilter:
    """The prefilter of ``patterns``, compiled once per process: every engine built on the
    same rule packs scans with the same (thread-safe) database."""
    return Prefilter(patterns)


# -- Python's regexes written for Hyperscan ----------------------------------------------------
#
# The two syntaxes mostly agree, but not everywhere ("x{,3}" is a repeat to Python and a
# literal to PCRE; "\Z" is the absolute end to Python and may precede a newline in PCRE). So a
# pattern is parsed by Python's own parser and written out again from the tree, every
# character as a code point: what Hyperscan reads is what Python reads, with look-arounds
# and back-references relaxed to "anything" (a superset), which is all a prefilter needs.

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}
_ANCHORS = {
    "AT_BEGINNING": r"\A",  # no MULTILINE: the start of the text
    "AT_BEGINNING_STRING": r"\A",
    "AT_END": r"\Z",  # Python's "$": the end, or before a final newline
    "AT_END_STRING": r"\z",  # Python's "\Z": the very end
    "AT_BOUNDARY": r"\b",
    "AT_NON_BOUNDARY": r"\B",
}
_ANYTHING = r"[\s\S]*"


class _Untranslatable(Exception):
    pass


def hyperscan_conjuncts(pattern: str) -> list[bytes] | None:
    """Hyperscan patterns (UTF-8) that must each match somewhere in a text that ``pattern``
    matches; None for what it does not translate (flags, conditionals). The first is
    ``pattern`` as Hyperscan should read it, matching at least what Python's ``re`` matches;
    then, for each look-ahead of its top level, what comes before it followed by the
    look-ahead's own pattern. Relaxed to "anything", a look-ahead naming brands or agencies
    would let every domain through; as a conjunct it keeps the names."""
    from re import _parser  # the standard library's own regex parser (CPython 3.11+)

    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & ~re.UNICODE:
            raise _Untranslatable  # case folding, multiline, dotall: run the regex always
        writer = _Writer(_parser)
        items = list(parsed)
        written = [writer.sequence(items)]
        for k, (op, av) in enumerate(items):
            direction, sub = av if op is _parser.ASSERT else (0, None)
            if direction == 1:  # (?=...), not (?<=...)
                written.append(writer.sequence(items[:k]) + writer.sequence(sub))
        return [w.encode("utf-8") for w in written]
    except (_Untranslatable, re.error, AttributeError):
        return None


class _Writer:
    """Writes a tree of ``re._parser`` (its opcodes read from that module) as PCRE."""

    def __init__(self, parser) -> None:
        self.p = parser

    def sequence(self, items) -> str:
        return "".join(self.node(op, av) for op, av in items)

    def node(self, op, av) -> str:
        p = self.p
        if op is p.LITERAL:
            return _char(av)
        if op is p.NOT_LITERAL:
            return f"[^{_char(av)}]"
        if op is p.ANY:
            return "."  # no DOTALL in either: anything but a newline
        if op is p.IN:
            return self.charset(av)
        if op is p.AT:
            if str(av) not in _ANCHORS:
                raise _Untranslatable
            return _ANCHORS[str(av)]
        if op in (p.ASSERT, p.ASSERT_NOT):
            return ""  # a look-around only rules matches out: without it, a superset
        if op is p.GROUPREF:
            return _ANYTHING  # whatever the group matched is some text
        if op is p.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Untranslatable
            return f"(?:{self.sequence(sub)})"
        if op is p.ATOMIC_GROUP:
            return f"(?:{self.sequence(av)})"  # backtracking into it only adds matches
        if op is p.BRANCH:
            return "(?:" + "|".join(self.sequence(alt) for alt in av[1]) + ")"
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
            low, high, sub = av
            bound = "" if high is p.MAXREPEAT else str(high)
            return f"(?:{self.sequence(sub)}){{{low},{bound}}}"
        raise _Untranslatable

    def charset(self, items) -> str:
        p = self.p
        out = []
        for op, av in items:
            if op is p.NEGATE:
                out.append("^")
            elif op is p.LITERAL:
                out.append(_char(av))
            elif op is p.RANGE:
                out.append(f"{_char(av[0])}-{_char(av[1])}")
            elif op is p.CATEGORY and str(av) in _CATEGORIES:
                out.append(_CATEGORIES[str(av)])
            else:
                raise _Untranslatable
        return "[" + "".join(out) + "]"


def _char(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else f"\\x{{{code:x}}}"


@cache
def unsure_characters() -> UnsureCharacters:
    """The characters that Hyperscan and Python's ``re`` class differently (in
    ``\\d``, ``\\w`` or ``\\s``), and of lone surrogates (a quarter of a second, once)."""
    every = _every_character()
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[cls.encode() for cls in _CLASSES],
        ids=list(range(len(_CLASSES))),
        elements=len(_CLASSES),
        flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP,
    )
    # Each engine's members of each class, as the byte offsets where they end in UTF-8.
    theirs: list[list[int]] = [[] for _ in _CLASSES]
    database.scan(
        every.encode("utf-8"),
        match_event_handler=lambda cls, _start, end, _flags, _context: theirs[cls].append(end),
    )
    differ: set[int] = set()
    for cls, members in zip(_CLASSES, theirs, strict=True):
        ours = chain.from_iterable(_byte_ends(*m.span()) for m in re.finditer(cls + "+", every))
        differ |= set(ours).symmetric_difference(members)
    points = sorted(_code_point(_index_ending_at(end)) for end in differ)
    return UnsureCharacters([_SURROGATES, *_ranges(points)])


class UnsureCharacters:
    """Finds a character of given ranges in a text, in one scan of ``re`` in C.

    ``re`` tests a character class of ranges one range after another, except below U+10000,
    where it builds a bitmap: the ranges above are looked up only for the characters found
    there (emoji, mostly), with a bisection. ASCII text, most messages, is searched for the
    few ASCII characters of the ranges with ``str.__contains__`` instead.
    """

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._ascii = [chr(c) for a, b in ranges for c in range(a, min(b, 127) + 1)]
        low = [(a, min(b, _ASTRAL - 1)) for a, b in ranges if a < _ASTRAL]
        self._high = [(max(a, _ASTRAL), b) for a, b in ranges if b >= _ASTRAL]
        self._high_starts = [a for a, _ in self._high]
        self._scan = re.compile(
            "["
            + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in low)
            + f"{chr(_ASTRAL)}-{chr(0x10FFFF)}]"
        )

    def found_in(self, text: str) -> bool:
        if text.isascii():
            return any(map(text.__contains__, self._ascii))
        for m in self._scan.finditer(text):
            code = ord(m.group())
            if code < _ASTRAL:
                return True
            k = bisect.bisect_right(self._high_starts, code) - 1
            if k >= 0 and code <= self._high[k][1]:
                return True
        return False


_ASTRAL = 0x10000  # the first code point past the Basic Multilingual Plane


def _every_character() -> str:
    """Every code point but the surrogates, in order, once: what both engines are asked."""
    points = array("I", chain(range(_SURROGATES[0]), range(_SURROGATES[1] + 1, 0x110000)))
    return points.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


def _code_point(index: int) -> int:
    """The code point at ``index`` of ``_every_character()``."""
    return index if index < _SURROGATES[0] else index + _SURROGATES[1] - _SURROGATES[0] + 1


# ``_every_character()`` in UTF-8: how many characters in a row take how many bytes each.
_WIDTHS = ((0x80, 1), (0x780, 2), (0xD000 + 0x2000, 3), (0x100000, 4))


def _byte_ends(start: int, end: int) -> Iterator[int]:
    """Where in UTF-8 each of the characters ``start:end`` of ``_every_character()`` ends."""
    index = offset = 0
    for count, width in _WIDTHS:
        lo, hi = max(start, index), min(end, index + count)
        if lo < hi:
            first = offset + (lo - index + 1) * width
            yield from range(first, first + (hi - lo) * width, width)
        index, offset = index + count, offset + count * width


def _index_ending_at(end: int) -> int:
    """The index in ``_every_character()`` of the character whose bytes end at ``end``."""
    index = offset = 0
    for count, width in _WIDTHS:
        if end <= offset + count * width:
            return index + (end - offset) // width - 1
        index, offset = index + count, offset + count * width
    raise ValueError(f"byte offset {end} is past the text")


def _ranges(points: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p in points:
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return [(a, b) for a, b in out]

"""Text normalization that never loses the way back to the original characters.

The pipeline (DOMAIN.md §8.6): Unicode NFKC/NFC per grapheme cluster, invisible characters
dropped, look-alike letters mapped to Latin, lower-casing; then word tokens; obfuscated words
re-joined ("n.g.u", "c h ó"), repeated letters collapsed, leetspeak repaired — each only when
the result is a word some rule knows (the lexicon). Teencode expansion is per language
(``lang/``). Every token keeps the span of the original text it came from, so evidence always
points at what the child actually saw.

Two channels are matched: the *diacritic* channel (tokens as normalized) and the *folded*
channel (accents removed, đ→d). Folding is an extra view, never a replacement: a match on the
folded channel is accepted only where the writer typed no accent (see ``accepts``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate, chain, compress, count, islice, repeat, starmap
from operator import add, not_, or_

# Default-ignorable code points used to defeat keyword filters (DOMAIN.md §8.5).
_IGNORABLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufeff\uffa0"
)

# Look-alike letters that NFKC leaves alone (UTS #39 confusables, the ones seen in the wild:
# Cyrillic, Greek and small capitals).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "ï",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g", "ӏ": "l",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
    # small capitals
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip

# Characters whose presence sends a message down the slow, per-cluster path.
_SLOW = re.compile(
    "[" + "".join(sorted(_IGNORABLE)) + "".join(sorted(_CONFUSABLES)) + "\u0300-\u036f]"
)

_TOKEN = re.compile(r"[^\W_]+")
# A full stop ends a sentence only when no letter or digit follows it ("10.000", "abc.top").
# Written to start with a character class, so that ``re`` skips to the candidates in C:
# one stop character (a full stop only when no letter or digit follows), then any more.
_STOPS = re.compile(r"[!?;\n。¦.](?<!\.(?=[^\W_]))(?:[!?;\n。¦]|\.(?![^\W_]))*")
# Words and runs of sentence stops in one scan, in order: the spans of the tokens.
_TOKEN_OR_STOP = re.compile(r"([^\W_]+)|(?:[!?;\n。¦]|\.(?![^\W_]))+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_NUMBER_WITH_UNIT = re.compile(r"\d+[a-zđ]{0,3}|\d+")
_JOIN_PUNCT = frozenset(".-_*/|+~")
_DIGIT = re.compile(r"\d")
_MARKS = re.compile("[\u0300-\u036f]+")
# Three letters alike. Any character thrice, then a check that it is a letter: a letter
# class first would be tested at every position, which costs ``re`` several times more.
_TRIPLE = re.compile(r"(.)\1\1(?<=[^\W\d_])")
# Letters that are words on their own in chat (Vietnamese words and teencode pronouns).
_STANDALONE = frozenset("aeiouymtkjrzvàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵôơưêăâởờởừừứửựồốổỗộ")
# Short letter groups split by joining marks ("ch-ửi", "n.g.u") that spell a known word send a
# message down the obfuscation path; "bit.ly" does not. Single letters split by spaces
# ("c h ó") are spotted on the word list instead.
_FRAGMENTS = re.compile(r"(?<![a-z])[a-z]{1,3}(?:[.\-_*/|+~][a-z]{1,3})+(?![a-z])")
_JOINED_LETTERS = re.compile(r"[.\-_*/|+~](?<=[a-z].)[a-z]")  # cheap test: any fragment at all?
# One-letter words in a row, in " " + the words joined by spaces (group 1).
_SINGLES = re.compile(r" ([^\W_](?: [^\W_])+)(?![^\W_])")
_JOINERS = re.compile(r"[.\-_*/|+~]")
# ASCII as the fragment scan sees it: "a" for a letter, "." for a joining mark, else " ".
_FRAGMENT_SHAPES = bytes(
    ord("a") if "a" <= chr(b) <= "z" else ord(".") if chr(b) in _JOIN_PUNCT else 0x20
    for b in range(256)
)

#: Marks a sentence boundary between tokens; no pattern may contain it.
BOUNDARY = "¦"
_SPACED_BOUNDARY = f" {BOUNDARY} "
# For ASCII text marked with boundaries (Latin-1): letters, digits and BOUNDARY kept, the rest
# (punctuation, "_", control characters) a space, as ``_TOKEN`` would cut it.
_ASCII_WORD_BYTES = bytes(
    b if (chr(b).isascii() and chr(b).isalnum()) or chr(b) == BOUNDARY else 0x20 for b in range(256)
)


def _build_fold() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1F00):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base and base != ch and len(base) == 1 and base.isascii():
            table[code] = base
    return table


FOLD = _build_fold()


def fold(text: str) -> str:
    """Remove Vietnamese (and other Latin) accents, đ→d; one character in, one out."""
    if text.isascii():
        return text
    # Fast paths in C: Latin text, then any text whose decomposition only adds marks; the
    # table (slow, per character) handles the rest length-preservingly.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    quick = decomposed.encode("ascii", "ignore").decode("ascii")
    if len(quick) == len(text):
        return quick
    # Channels mark sentence boundaries with a character that has no ASCII form; when they
    # are all that ``quick`` left out, they go back where they were.
    stops = text.count(BOUNDARY)
    if stops and len(quick) + stops == len(text):
        ends = list(accumulate(map(len, text.split(BOUNDARY))))
        return BOUNDARY.join(map(quick.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    unmarked = _MARKS.sub("", decomposed)
    return unmarked if len(unmarked) == len(text) else text.translate(FOLD)


def accepts(typed: str, pattern: str) -> bool:
    """Whether ``typed`` (a slice of the diacritic channel) may stand for ``pattern``.

    Both fold to the same letters already. A letter typed with an accent must equal the
    pattern's letter; a letter typed without one stands for any accented form of it.
    """
    if typed == pattern:
        return True
    for t, p in zip(typed, pattern, strict=True):
        if t != p and t.translate(FOLD) != t:
            return False
    return True


# Vietnamese tone placement: old style (òa) and new style (oà) spell the same syllable.
_TONE_PLACEMENT = {}
for _tone in "\u0300\u0301\u0309\u0303\u0323":
    for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
        _old = unicodedata.normalize("NFC", _first + _tone + _second)
        _new = unicodedata.normalize("NFC", _first + _second + _tone)
        _TONE_PLACEMENT[_old] = _new
_TONE_RE = re.compile("|".join(map(re.escape, _TONE_PLACEMENT)))


@dataclass(slots=True)
class Cleaned:
    """Lower-cased, NFC, de-obfuscated characters with a map back to the original.

    ``starts[i]``/``ends[i]`` give the original span of clean character ``i``; ``None`` means
    the identity map (the fast path for text that needed no per-character work).
    """

    text: str
    starts: list[int] | None
    ends: list[int] | None
    _folded: str | None = None
    _digit: bool | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def has_digit(self) -> bool:
        """Whether any character is a digit (the tokenizer and the regex gate both ask)."""
        if self._digit is None:
            self._digit = _DIGIT.search(self.text) is not None
        return self._digit

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            return (self.starts[start], self.starts[start]) if start < len(self.starts) else (0, 0)
        return self.starts[start], self.ends[end - 1]


def clean(text: str) -> Cleaned:
    """Unicode-normalize and lower-case ``text``, keeping the original offsets."""
    if text.isascii():  # no tone mark to move either: every one is outside ASCII
        return Cleaned(text.lower(), None, None)
    if not _SLOW.search(text) and unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            fixed = _fix_tones(lowered)
            if len(fixed) == len(lowered):
                return Cleaned(fixed, None, None)
    return _clean_slow(text)


def _fix_tones(text: str) -> str:
    return (
        _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group()], text) if _TONE_RE.search(text) else text
    )


@lru_cache(maxsize=8192)
def _piece(cluster: str) -> str:
    """What one character and its combining marks become (memoized: clusters repeat)."""
    kept = "".join(c for c in cluster if c not in _IGNORABLE)
    if not kept:
        return ""
    piece = unicodedata.normalize("NFKC", kept)
    piece = "".join(_CONFUSABLES.get(c, c) for c in piece.lower() if c not in _IGNORABLE)
    return unicodedata.normalize("NFC", piece)


def _clean_slow(text: str) -> Cleaned:
    # A cluster is a character with the combining marks and invisible characters after it.
    # Finding them, cleaning them and mapping back are whole-text passes of ``map`` (in C);
    # a loop over the characters in Python was most of the time spent on such messages.
    n = len(text)
    joins = list(map(or_, map(unicodedata.combining, text), map(_IGNORABLE.__contains__, text)))
    del joins[0]  # the first character starts a cluster, whatever it is
    bounds: Sequence[int] = range(n + 1)
    clusters: Iterable[str] = text  # one per character, unless something joins
    if any(joins):
        bounds = [0, *compress(range(1, n), map(not_, joins)), n]
        clusters = map(text.__getitem__, map(slice, bounds, bounds[1:]))
    out = list(map(_piece, clusters))
    cleaned = "".join(out)
    if len(cleaned) == len(out) and "" not in out:  # one character from every cluster
        starts, ends = list(bounds[:-1]), list(bounds[1:])
    else:
        sizes = list(map(len, out))
        starts = list(chain.from_iterable(map(repeat, bounds, sizes)))
        ends = list(chain.from_iterable(map(repeat, bounds[1:], sizes)))
    fixed = _fix_tones(cleaned)
    if len(fixed) != len(cleaned):  # defensive: tone fixes are length-preserving
        fixed = cleaned
    return Cleaned(fixed, starts, ends)


class Lexicon:
    """Words some rule knows; decides whether a repair is a repair or a guess.

    Membership follows the matcher's accent rule (``accepts``): "ngu" is known when "ngủ" is,
    but "aở" is not known because of "áo".
    """

    __slots__ = ("_forms", "_max", "english_only", "repair")

    def __init__(self, words: Collection[str], *, english_only: Collection[str] = ()) -> None:
        #: Words of English rules that no Vietnamese syllable spells ("kill", "nudes"): one of
        #: them in a Vietnamese message brings in the English rules (code-switched chat).
        self.english_only = frozenset(english_only)
        forms: dict[str, set[str]] = {}
        for w in words:
            if w:
                forms.setdefault(fold(w), set()).add(w)
        self._forms = {k: tuple(sorted(v)) for k, v in forms.items()}
        self._max = max((len(w) for w in self._forms), default=0)
        #: ``_repair`` with this lexicon, remembered per word.
        self.repair = _Memo(partial(_repair, lexicon=self)).__getitem__

    def __contains__(self, word: str) -> bool:
        forms = self._forms.get(fold(word))
        return forms is not None and any(accepts(word, form) for form in forms)

    def knows_folded(self, folded: str) -> bool:
        """Whether some known word folds to ``folded`` (a cheap first check)."""
        return folded in self._forms

    def may_spell(self, spaced: str) -> bool:
        """Whether letters spaced out like "c h o" could hold a known word of two or more."""
        letters = spaced.replace(" ", "")
        if len(letters) > 24:
            return True
        forms = self._forms
        return any(
            letters[a:b] in forms
            for a in range(len(letters) - 1)
            for b in range(a + 2, len(letters) + 1)
        )

    def spell(self, letters: str) -> list[tuple[int, int]]:
        """Cut spaced-out single letters into the fewest pieces, known words where possible.

        Returns (start, end) pieces covering ``letters``; a piece of one letter is a letter
        left alone. Linear in ``len(letters)`` (words are at most the lexicon's longest).
        """
        n = len(letters)
        cost = [0] * (n + 1)
        back = [0] * (n + 1)
        longest = self._max
        for end in range(1, n + 1):
            cost[end], back[end] = cost[end - 1] + 1, end - 1
            for start in range(max(0, end - longest), end - 1):
                if cost[start] + 1 <= cost[end] and letters[start:end] in self:
                    cost[end], back[end] = cost[start] + 1, start
                    break  # the longest word ending here wins ties
        pieces = []
        end = n
        while end > 0:
            pieces.append((back[end], end))
            end = back[end]
        return pieces[::-1]


class Tokens:
    """A message's normalized words, and the original span of each (worked out on demand, as
    far as asked: most messages never need them, because nothing fires)."""

    __slots__ = ("_cleaned", "_pending", "_spans", "words")

    def __init__(
        self, words: list[str], cleaned: Cleaned, spans: list[tuple[int, int]] | None = None
    ) -> None:
        self.words = words
        self._cleaned = cleaned
        self._spans = spans
        self._pending: Iterator[tuple[int, int]] = iter(())

    def __len__(self) -> int:
        return len(self.words)

    def span(self, index: int) -> tuple[int, int]:
        spans = self._spans
        if spans is None:
            cleaned = self._cleaned
            found = map(re.Match.span, _TOKEN_OR_STOP.finditer(cleaned.text))
            # Text that needed no per-character work maps to itself: the spans are the matches'.
            self._pending = found if cleaned.starts is None else starmap(cleaned.span, found)
            spans = self._spans = []
        if index >= len(spans):  # the text is scanned only up to the token asked for
            spans.extend(islice(self._pending, index + 1 - len(spans)))
        return spans[index]


def tokenize(cleaned: Cleaned, lexicon: Lexicon) -> Tokens:
    """Words with sentence boundaries and lexicon-checked repairs, mapped to the original."""
    text = cleaned.text
    folded = cleaned.folded
    if _spells_in_fragments(folded, lexicon):
        return _tokenize_obfuscated(cleaned, lexicon)
    # The common case stays in C (``_words``); whole-text checks decide whether any per-word
    # repair is needed.
    words = _words(text)
    # Spaced-out letters need two one-letter words in a row: most messages hold fewer than
    # two one-letter words at all, counted in C before the regex looks for a row of them.
    if list(map(len, words)).count(1) - words.count(BOUNDARY) > 1 and any(
        lexicon.may_spell(fold(m.group(1))) for m in _SINGLES.finditer(" " + " ".join(words))
    ):
        return _tokenize_obfuscated(cleaned, lexicon)
    # Only a word with a digit or three letters alike can need a repair, so only texts
    # holding one go through ``_repair`` (which leaves every other word as it is).
    if cleaned.has_digit or _TRIPLE.search(folded):
        words = list(map(lexicon.repair, words))
    return Tokens(words, cleaned)


def _words(text: str) -> list[str]:
    """The words of cleaned text, with a BOUNDARY word at each run of sentence stops."""
    if text.isascii():
        # ASCII text (most English chat) is cut without the regex engine's per-character
        # class tests: each stop becomes a BOUNDARY word, every other non-word byte a space.
        marked = _STOPS.sub(_SPACED_BOUNDARY, text).encode("latin-1")
        return marked.translate(_ASCII_WORD_BYTES).decode("latin-1").split()
    # Cut at the stops, then the words of each sentence in one scan (a scan for words and
    # stops at once tries both at every character).
    sentences = _STOPS.split(text)
    words = _TOKEN.findall(sentences[0])
    for sentence in sentences[1:]:
        words.append(BOUNDARY)
        words += _TOKEN.findall(sentence)
    return words


def _spells_in_fragments(folded: str, lexicon: Lexicon) -> bool:
    """Whether letter groups split by joining marks ("n.g.u", "ch-ui") spell a known word."""
    if not folded.isascii():
        # Every fragment holds a joined letter and starts at most three letters before its
        # first one, so the fragment scan (tried at every position) starts there.
        joined = _JOINED_LETTERS.search(folded)
        return joined is not None and _known_fragment(
            folded, lexicon, max(0, joined.start() - 3), len(folded)
        )
    # Folded text is mostly ASCII: its letters and marks as bytes ("a", ".", the rest " ")
    # show the runs holding a joined letter with bytes.find in C, and only those are scanned
    # (a fragment never leaves its run of letters and marks).
    shapes = folded.encode("ascii").translate(_FRAGMENT_SHAPES)
    at = shapes.find(b"a.a")
    while at != -1:
        start = shapes.rfind(b" ", 0, at) + 1
        end = shapes.find(b" ", at)
        end = len(shapes) if end == -1 else end
        if _known_fragment(folded, lexicon, start, end):
            return True
        at = shapes.find(b"a.a", end)
    return False


def _known_fragment(folded: str, lexicon: Lexicon, start: int, end: int) -> bool:
    """Whether a fragment of ``folded[start:end]``, its marks removed, is a known word."""
    return any(
        lexicon.knows_folded(_JOINERS.sub("", m.group()))
        for m in _FRAGMENTS.finditer(folded, start, end)
    )


def _tokenize_obfuscated(cleaned: Cleaned, lexicon: Lexicon) -> Tokens:
    text = cleaned.text
    raw = [m.span() for m in _TOKEN.finditer(text)]
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(raw)
    prev_end = 0
    span, repair = cleaned.span, lexicon.repair
    identity = cleaned.starts is None  # offsets map to themselves
    while i < n:
        start, end = raw[i]
        sep = text[prev_end:start]
        # Most words are a space apart: no stop and no joining mark to look for.
        if words and sep != " " and _STOPS.search(sep) and not _is_joinable_sep(sep):
            words.append(BOUNDARY)
            spans.append(span(prev_end, start))
        if end - start <= 3 and i + 1 < n and _may_be_obfuscated(text, start, end, *raw[i + 1]):
            run_end = _obfuscated_run(text, raw, i)
            for word, first, last in _rejoin(text, raw, i, run_end, lexicon):
                words.append(word)
                spans.append(span(raw[first][0], raw[last][1]))
            prev_end = raw[run_end - 1][1]
            i = run_end
            continue
        words.append(repair(text[start:end]))
        spans.append((start, end) if identity else span(start, end))
        prev_end = end
        i += 1
    return Tokens(words, cleaned, spans)


def _may_be_obfuscated(text: str, s0: int, e0: int, s1: int, e1: int) -> bool:
    if e0 - s0 == 1 and e1 - s1 == 1:
        return s1 - e0 <= 3
    return s1 - e0 == 1 and text[e0] in _JOIN_PUNCT and e0 - s0 <= 3 and e1 - s1 <= 3


def _rejoin(
    text: str, raw: list[tuple[int, int]], i: int, run_end: int, lexicon: Lexicon
) -> list[tuple[str, int, int]]:
    """The words a run of fragments spells: (word, first token, last token) each.

    Single letters ("c h ó", "k i l l y o u r s e l f") are cut into known words; when
    marks and spaces mix ("c.ô.n.g a.n"), the spaces separate words. Fragments ("ch-ửi")
    are joined only when the whole run is a known word.
    """
    run = raw[i:run_end]
    if not all(e - s == 1 for s, e in run):
        joined = "".join(text[s:e] for s, e in run)
        if joined in lexicon:
            return [(joined, i, run_end - 1)]
        return [(_repair(text[s:e], lexicon), i + k, i + k) for k, (s, e) in enumerate(run)]
    seps = [text[run[k][1] : run[k + 1][0]] for k in range(len(run) - 1)]
    mixed = any(not sep.isspace() for sep in seps) and any(not sep.strip() for sep in seps)
    groups, start = [], 0
    for k, sep in enumerate(seps):
        if mixed and sep.isspace():
            groups.append((start, k + 1))
            start = k + 1
    groups.append((start, len(run)))
    out: list[tuple[str, int, int]] = []
    for g0, g1 in groups:
        letters = "".join(text[s] for s, _ in run[g0:g1])
        spaced = g1 - g0 == 2 and seps[g0].isspace()
        if spaced and all(ch in _STANDALONE for ch in letters):
            pieces = [(0, 1), (1, 2)]  # "m ở", "a ở": two words, not "mở"
        else:
            pieces = lexicon.spell(letters)
        for a, b in pieces:
            word = letters[a:b] if b - a > 1 else _repair(letters[a], lexicon)
            out.append((word, i + g0 + a, i + g0 + b - 1))
    return out


def _is_joinable_sep(sep: str) -> bool:
    return len(sep) == 1 and sep in _JOIN_PUNCT


def _obfuscated_run(text: str, raw: list[tuple[int, int]], i: int) -> int:
    """End (exclusive) of the run of fragments starting at token ``i`` (at least two).

    Either single characters separated by up to three spaces or marks ("c h ó", "k.y.s",
    "đ m"), or short fragments split by one joining mark each ("ch-ửi").
    """
    n = len(raw)
    s0, e0 = raw[i]
    s1, e1 = raw[i + 1]
    singles = e0 - s0 == 1 and e1 - s1 == 1 and s1 - e0 <= 3
    j = i
    while j + 1 < n:
        s0, e0 = raw[j]
        s1, e1 = raw[j + 1]
        sep = text[e0:s1]
        if singles:
            ok = e1 - s1 == 1 and len(sep) <= 3 and "\n" not in sep
        else:
            ok = e0 - s0 <= 3 and e1 - s1 <= 3 and _is_joinable_sep(sep)
        if not ok:
            break
        j += 1
    return j + 1


class _Memo(dict[str, str]):
    """A word function's results, remembered per word (a dict look-up in C when seen);
    forgets everything when it grows too big."""

    __slots__ = ("_compute",)
    limit = 50_000

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        result = self[word] = self._compute(word)
        return result


def _repair(word: str, lexicon: Lexicon) -> str:
    """Collapse repeated letters and undo leetspeak, when that yields a known word."""
    if word.isalpha():
        if not _TRIPLE.search(word):
            return word
    elif word.isdigit() or (_NUMBER_WITH_UNIT.fullmatch(word) and not _TRIPLE.search(word)):
        return word
    if word in lexicon:  # "cccd" (căn cước công dân) and "xxx" are words as typed
        return word
    if _has_triple(word):
        once = _collapse(word, 1)
        twice = _collapse(word, 2)
        known = next((c for c in _collapse_choices(word) if c in lexicon), None)
        if known is not None:
            word = known
        else:
            word = once if fold(once) != once or len(once) < 3 else twice
    if not word.isalpha() and not _NUMBER_WITH_UNIT.fullmatch(word):
        leet = word.translate(_LEET)
        if leet.isalpha() and leet in lexicon:
            word = leet
    return word


def _has_triple(word: str) -> bool:
    folded = fold(word)
    return any(folded[k] == folded[k + 1] == folded[k + 2] for k in range(len(folded) - 2))


def _runs(word: str) -> list[tuple[int, int]]:
    """``(start, length)`` of each run of one repeated letter (accents ignored, digits kept)."""
    folded = fold(word)
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(word):
        end = k + 1
        while end < len(word) and folded[end] == folded[k] and not word[end].isdigit():
            end += 1
        runs.append((k, end - k))
        k = end
    return runs


def _collapse(word: str, keep: int) -> str:
    return "".join(word[s : s + min(n, keep)] for s, n in _runs(word))


_MAX_CHOICE_RUNS = 4  # 2**4 candidates at most; longer words fall back to uniform collapse


def _collapse_choices(word: str) -> list[str]:
    """Every way of keeping one or two letters of each repeated run ("kiiilll" → "kil", "kill"...).

    Stretching is applied unevenly ("kiiill"), so a uniform collapse misses real words.
    """
    runs = _runs(word)
    repeated = [i for i, (_, n) in enumerate(runs) if n > 1]
    if len(repeated) > _MAX_CHOICE_RUNS:
        return [_collapse(word, 1), _collapse(word, 2)]
    choices: list[str] = []
    for mask in range(1 << len(repeated)):
        keep = {i: 1 + ((mask >> b) & 1) for b, i in enumerate(repeated)}
        choices.append(
            "".join(word[s : s + min(n, keep.get(i, 1))] for i, (s, n) in enumerate(runs))
        )
    return choices


@dataclass(slots=True)
class Channel:
    """One language's view of a message: its words joined by spaces, plus the folded twin.

    ``words[i]`` is token ``i`` with the language's chat spelling expanded; it may hold
    spaces ("ntn" → "như thế nào") but always maps back to token ``i``'s original span.
    """

    tokens: Tokens
    words: list[str]
    text: str  # " word word word " (leading and trailing space for whole-word matching)
    folded: str
    _offsets: list[int] | None = None
    _plain: bool | None = None  # no word holds a space

    def token_at(self, offset: int) -> int:
        """Index of the token containing channel ``offset``."""
        if self._plain is None:
            self._plain = self.text.count(" ") == len(self.words) + 1
        if self._plain:  # the spaces before ``offset`` count the words, counted in C
            return max(0, self.text.count(" ", 0, offset) - 1)
        if self._offsets is None:
            # Word i starts after the leading space, the words before it and one space each.
            lengths = accumulate(map(len, self.words[:-1]), initial=1)
            self._offsets = list(map(add, lengths, count()))
        return max(0, bisect.bisect_right(self._offsets, offset) - 1)


def build_channel(tokens: Tokens, expansions: dict[str, str]) -> Channel:
    words = tokens.words
    # Four channels in five hold no chat spelling; a look-up per word says so, in C, for
    # half the cost of mapping every word through ``get`` (the words are then shared).
    if not expansions.keys().isdisjoint(words):
        words = list(map(expansions.get, words, words))  # get(w, w), in C
    text = " " + " ".join(words) + " "
    # Folding is per character, so the words fold one by one (and repeat: remembered).
    folded = text if text.isascii() else " " + " ".join(map(_fold_word, words)) + " "
    return Channel(tokens, words, text, folded)


_fold_word = _Memo(fold).__getitem__

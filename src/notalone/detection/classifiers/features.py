"""Character and word n-gram features, computed the same way at training and at inference.

A message is read through ``notalone.detection.normalize`` (so the model sees exactly what the
rules see): the cleaned words (diacritics kept), the same words accent-folded, and the words
with the language's chat spelling expanded (``ko`` → ``không``). Features are

- character n-grams inside each word, padded with a space on each side (scikit-learn's
  ``char_wb``), over the diacritic words (prefix ``c``) and over the folded words (``f``);
- word n-grams over the expanded words (prefix ``w``), sentence stops kept as a word;
- where the config asks for it (scam models), shapes of the raw tokens (prefix ``s``): links,
  money, digit runs by length, capitals. Cleaning keeps words only, and a premium-rate SMS
  holds its hook in ``£1.50``, ``150p/msg`` and ``09061701461``.

Columns come from a vocabulary (term → column) fixed at training time, so features are the
same in every process (no salted ``hash()``). Values are sublinear TF-IDF (``1 + log tf`` times
idf), L2-normalized per block (``c``, ``f``, ``w``, ``s``), as scikit-learn's ``TfidfVectorizer``
would give for each block alone.

Because ``char_wb`` n-grams never cross a word, a word's character columns are cached per
word: a message costs a dictionary look-up per word rather than one per n-gram.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from notalone.detection.lang import language_pack
from notalone.detection.normalize import BOUNDARY, Lexicon, build_channel, clean, fold, tokenize

BLOCKS = ("c", "f", "w", "s")
_CACHE_LIMIT = 200_000  # words; the cache is emptied when full (bounded memory, same results)


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    char_min: int = 1
    char_max: int = 5
    word_min: int = 1
    word_max: int = 3
    shapes: bool = False  # also the ``s`` block (``shape_terms``)

    def to_json(self) -> dict[str, object]:
        return {
            "char_ngram": [self.char_min, self.char_max],
            "word_ngram": [self.word_min, self.word_max],
            "tf": "sublinear",
            "norm": "l2-per-block",
            "blocks": list(BLOCKS if self.shapes else BLOCKS[:3]),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FeatureConfig:
        cmin, cmax = data["char_ngram"]  # type: ignore[misc]
        wmin, wmax = data["word_ngram"]  # type: ignore[misc]
        shapes = "s" in data.get("blocks", ())  # type: ignore[operator]
        return cls(int(cmin), int(cmax), int(wmin), int(wmax), shapes)


@dataclass(frozen=True, slots=True)
class View:
    """A message as the featurizer reads it: cleaned words and chat-expanded words.

    ``words[i]`` and ``expanded[i]`` are both token ``i`` of ``notalone.normalize.tokenize``
    (``BOUNDARY`` marks a sentence stop), so a feature can be traced back to a token's span.
    """

    words: Sequence[str]
    expanded: Sequence[str]
    text: str  # the raw message, for the shape block


def char_grams(word: str, lo: int, hi: int) -> Iterator[str]:
    padded = f" {word} "
    size = len(padded)
    for n in range(lo, hi + 1):
        if n > size:
            break
        for i in range(size - n + 1):
            yield padded[i : i + n]


def word_terms(word: str, config: FeatureConfig) -> Iterator[str]:
    """The character terms of one word (both channels)."""
    lo, hi = config.char_min, config.char_max
    for g in char_grams(word, lo, hi):
        yield "c" + g
    for g in char_grams(fold(word), lo, hi):
        yield "f" + g


def phrase_terms(expanded: Sequence[str], config: FeatureConfig) -> list[str]:
    """The word n-gram terms of a message (expanded words may hold spaces: split them)."""
    ws = " ".join(expanded).split()
    out: list[str] = []
    for n in range(config.word_min, config.word_max + 1):
        if n == 1:
            out.extend(["w" + w for w in ws])
        else:
            out.extend(["w" + " ".join(g) for g in zip(*(ws[k:] for k in range(n)), strict=False)])
    return out


_LINK = re.compile(r"https?://|www\.|\w\.(?:com|net|org|biz|info|co|uk|ly|me|tv|mobi)\b", re.I)
_DIGITS = re.compile(r"\d{5,}")
_PRICE = re.compile(r"[£$€]\d")
_PENCE = re.compile(r"\d+p\b", re.I)


def shape_terms(text: str) -> list[str]:
    """The ``s`` block: what cleaning drops and scams carry (links, a currency sign before a
    number, premium rates, runs of five digits or more by length: short codes, phone numbers),
    plus capitals and exclamations. Shorter runs (times, amounts, user names) and a currency
    sign alone are everyday chat: with them, the model flagged shop talk in DailyDialog."""
    out: list[str] = []
    for tok in text.split():
        if tok.isupper() and sum(ch.isalpha() for ch in tok) >= 2:
            out.append("scaps")
        if tok.isalpha():  # a plain word: its case was all it had to say
            continue
        if _LINK.search(tok):
            out.append("slink")
        if _PRICE.search(tok):
            out.append("smoney")
        if _PENCE.search(tok):
            out.append("spence")
        for run in _DIGITS.findall(tok):
            out.append(f"sd{min(len(run), 12)}")
            if len(run) >= 10 and run[0] == "0":
                out.append("sphone")
        if "!" in tok:
            out.append("sbang")
    return out


def terms(view: View, config: FeatureConfig) -> Iterator[str]:
    """Every term of a message, with repeats (used to build the vocabulary)."""
    for w in view.words:
        if w != BOUNDARY:
            yield from word_terms(w, config)
    yield from phrase_terms(view.expanded, config)
    if config.shapes:
        yield from shape_terms(view.text)


class Featurizer:
    """Term vocabulary and idf weights: turns a ``View`` into sparse TF-IDF columns."""

    def __init__(self, config: FeatureConfig, vocabulary: Sequence[str], idf: np.ndarray) -> None:
        if len(vocabulary) != len(idf):
            raise ValueError("vocabulary and idf differ in length")
        self.config = config
        self.vocabulary = list(vocabulary)
        self.index = {t: i for i, t in enumerate(self.vocabulary)}
        # Word n-grams looked up by tuple of words, so a message's n-grams need no joining.
        self._phrases = {
            tuple(t[1:].split(" ")): i for i, t in enumerate(self.vocabulary) if t[0] == "w"
        }
        self.idf = np.asarray(idf, dtype=np.float64)
        self.block = np.array([BLOCKS.index(t[0]) for t in self.vocabulary], dtype=np.int8)
        self._word_cache: dict[str, np.ndarray] = {}

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def word_columns(self, word: str) -> np.ndarray:
        cols = self._word_cache.get(word)
        if cols is None:
            get = self.index.get
            found = [c for c in map(get, word_terms(word, self.config)) if c is not None]
            cols = np.array(found, dtype=np.intp)
            if len(self._word_cache) >= _CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = cols
        return cols

    def phrase_columns(self, expanded: Sequence[str]) -> list[int]:
        """Columns of the word n-grams of a message (``phrase_terms``, looked up as tuples)."""
        ws = " ".join(expanded).split()
        get = self._phrases.get
        lo, hi = self.config.word_min, self.config.word_max
        grams = (zip(*(ws[k:] for k in range(n)), strict=False) for n in range(lo, hi + 1))
        found = [get(g) for gs in grams for g in gs]
        return [c for c in found if c is not None]

    def columns(self, view: View) -> np.ndarray:
        """Column of every term occurrence (with repeats), in token order."""
        word_columns = self.word_columns
        parts = [word_columns(w) for w in view.words if w != BOUNDARY]
        parts.append(np.array(self.phrase_columns(view.expanded), dtype=np.intp))
        if self.config.shapes:
            get = self.index.get
            found = [c for c in map(get, shape_terms(view.text)) if c is not None]
            parts.append(np.array(found, dtype=np.intp))
        return np.concatenate(parts)

    def transform_one(self, view: View) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one message: sorted unique columns and their TF-IDF values."""
        return self.weigh(self.columns(view))

    def weigh(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # np.unique(return_counts=True), without its Python overhead (a hot path).
        if not len(cols):
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        cols = np.sort(cols)
        first = np.empty(len(cols), dtype=bool)
        first[0] = True
        np.not_equal(cols[1:], cols[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        uniq = cols[starts]
        counts = np.empty(len(starts), dtype=np.intp)
        counts[:-1] = starts[1:] - starts[:-1]
        counts[-1] = len(cols) - starts[-1]
        values = _sublinear(counts) * self.idf[uniq]
        block = self.block[uniq]
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=len(BLOCKS)))
        norms[norms == 0.0] = 1.0
        return uniq, values / norms[block]


_SUBLINEAR = 1.0 + np.log(np.arange(1, 257, dtype=np.float64))  # 1 + log tf, tf = 1..256
_SUBLINEAR = np.concatenate([[0.0], _SUBLINEAR])


def _sublinear(counts: np.ndarray) -> np.ndarray:
    """``1 + log(count)``, from a table for the counts messages hold."""
    if counts.max() < len(_SUBLINEAR):
        return _SUBLINEAR[counts]
    return 1.0 + np.log(counts)


@cache
def rules_lexicon() -> Lexicon:
    """The words the default engine repairs obfuscated text into (the shipped rules' words)."""
    from notalone.detection.rules.detector import RuleDetector

    return Lexicon(RuleDetector().lexicon())


def view_of_text(text: str, lexicon: Lexicon | None = None, language: str = "vi") -> View:
    """The ``View`` of raw text, normalized as ``Document.build`` would (used in training)."""
    tokens = tokenize(clean(text), lexicon if lexicon is not None else rules_lexicon())
    channel = build_channel(tokens, language_pack(language).expansions)
    return View(tokens.words, channel.words, text)

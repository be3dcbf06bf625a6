"""Fast vi / en / other identification from tokens, good enough to pick rule packs.

Accented letters (ă â đ ê ô ơ ư and the tone-marked vowels) weigh for Vietnamese; text typed
without diacritics is told apart by function words that are frequent in one language and
rare in the other. No model file, no network: a few set look-ups per token.
"""

from __future__ import annotations

import re
from itertools import repeat

from notalone.detection.normalize import Cleaned, Lexicon, clean, fold, tokenize

# Folded Vietnamese function and chat words that are not (common) English words.
_VI_WORDS = frozenset(
    [
        "khong",
        "ko",
        "k",
        "dc",
        "duoc",
        "gi",
        "j",
        "la",
        "cua",
        "toi",
        "tao",
        "may",
        "minh",
        "em",
        "anh",
        "chi",
        "ban",
        "roi",
        "r",
        "nha",
        "nhe",
        "nhe",
        "oi",
        "voi",
        "vs",
        "cho",
        "nay",
        "do",
        "thi",
        "ma",
        "va",
        "nhung",
        "cac",
        "mot",
        "hai",
        "ba",
        "bao",
        "nhieu",
        "sao",
        "vay",
        "z",
        "ne",
        "di",
        "den",
        "len",
        "xuong",
        "ra",
        "vao",
        "trong",
        "ngoai",
        "cung",
        "cx",
        "nua",
        "nx",
        "lam",
        "biet",
        "bik",
        "the",
        "nao",
        "ntn",
        "hay",
        "hoi",
        "chua",
        "da",
        "dang",
        "se",
        "bi",
        "phai",
        "nguoi",
        "ng",
        "ay",
        "luon",
        "lun",
        "qua",
        "wa",
        "that",
        "vui",
        "buon",
        "thuong",
        "yeu",
        "iu",
        "ak",
        "a",
        "e",
        "hok",
        "hem",
        "ca",
        "con",
        "bo",
        "me",
        "nhieu",
        "it",
        "rat",
        "lai",
        "tu",
        "tuoi",
        "hoc",
        "truong",
        "lop",
        "nha",
        "tien",
        "chuyen",
        "tai",
        "khoan",
        "cong",
        "an",
        "dieu",
        "tra",
        "gui",
        "anh",
        "clip",
        "xem",
        "ngay",
        "mai",
        "hom",
        "nay",
        "chieu",
        "toi",
        "sang",
        "ve",
        "o",
        "day",
        "kia",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "a",  # also chat Vietnamese for "anh": shared, so it says nothing either way
        "you",
        "your",
        "yours",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "me",
        "my",
        "we",
        "our",
        "they",
        "them",
        "their",
        "he",
        "she",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "which",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "about",
        "as",
        "and",
        "or",
        "but",
        "if",
        "so",
        "not",
        "no",
        "yes",
        "do",
        "does",
        "did",
        "don",
        "t",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "just",
        "like",
        "get",
        "got",
        "go",
        "going",
        "know",
        "want",
        "send",
        "pic",
        "picture",
        "please",
        "u",
        "ur",
        "r",
        "lol",
        "omg",
        "ok",
        "okay",
        "hey",
        "hi",
        "hello",
        "thanks",
        "love",
    ]
)
# Words common in both languages say nothing. The others count for their language, both
# tallied in one pass: a Vietnamese word adds 1, an English word 1 << 32 (``scores``).
_SHARED = _VI_WORDS & _EN_WORDS
_EN_UNIT = 1 << 32
_WEIGHT = {w: 1 for w in _VI_WORDS - _SHARED} | {w: _EN_UNIT for w in _EN_WORDS - _SHARED}


def scores(cleaned: Cleaned, words: list[str]) -> tuple[int, int]:
    """Evidence for Vietnamese and for English in a cleaned message: (vi, en).

    Accented Latin letters count for Vietnamese, measured in C as the UTF-8 bytes that
    folding removes (one or two per letter).
    """
    text = cleaned.text
    vi = 0 if text.isascii() else len(text.encode("utf-8")) - len(cleaned.folded.encode("utf-8"))
    en, from_words = divmod(sum(map(_WEIGHT.get, words, repeat(0))), _EN_UNIT)
    return vi + from_words, en


def choose(vi: int, en: int) -> str:
    if vi == en == 0:
        return "other"
    return "vi" if vi >= en else "en"


# One Vietnamese syllable with its accents removed: an onset, then an open rhyme or a vowel
# group and a final consonant. Most English words fail it ("kill", "yourself", "nudes", "die").
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_OPEN = (
    r"(?:uyu|uya|uay|uoi|uou|ieu|yeu|oai|oay|oeo|ai|ao|au|ay|eo|eu|ia|iu|oa|oe|oi|ua|ue|ui|uo"
    r"|uy|uu|a|e|i|o|u|y)"
)
_CLOSED = r"(?:uye|ie|uo|ye|oa|oe|ue|uy|oo|ua|a|e|i|o|u|y)(?:ch|nh|ng|c|m|n|p|t)"
_SYLLABLE = re.compile(rf"{_ONSET}(?:{_OPEN}|{_CLOSED})|gi")


def vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (lower case) could be one Vietnamese syllable, its accents aside."""
    return _SYLLABLE.fullmatch(fold(word)) is not None


_NO_WORDS = Lexicon(())  # one for every call, so that its remembered repairs are reused


def identify(text: str) -> str:
    """``"vi"``, ``"en"`` or ``"other"`` (no Latin-script words, or nothing to go on)."""
    cleaned = clean(text)
    return choose(*scores(cleaned, tokenize(cleaned, _NO_WORDS).words))

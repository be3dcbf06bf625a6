from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from notalone.detection.lang import identify, scores, vietnamese_syllable
from notalone.detection.normalize import (
    _FRAGMENTS,
    _IGNORABLE,
    _JOINED_LETTERS,
    _JOINERS,
    _MARKS,
    _SINGLES,
    _STOPS,
    _TOKEN_OR_STOP,
    _TRIPLE,
    BOUNDARY,
    FOLD,
    Channel,
    Lexicon,
    _clean_slow,
    _fix_tones,
    _piece,
    _repair,
    _spells_in_fragments,
    _words,
    accepts,
    clean,
    fold,
    tokenize,
)

LEX = Lexicon(["ngu", "chó", "óc", "kill", "yourself", "chửi", "đm", "nudes", "send"])
VI_TEXT = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxy àáảãạèéẻẽẹ.,!?\u200b\u0301 ")),
    max_size=80,
)
ANY_TEXT = st.text(max_size=120)


def words(text: str) -> list[str]:
    return tokenize(clean(text), LEX).words


def test_nfc_and_nfd_clean_to_the_same_text() -> None:
    composed = "Tuyệt đối không được nói với bố mẹ"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert clean(decomposed).text == clean(composed).text == composed.lower()


def test_invisible_characters_and_lookalikes_are_removed() -> None:
    assert clean("c\u200bô\u034fng a\ufeffn").text == "công an"
    assert clean("хuуên").text == "xuyên"  # Cyrillic х and у
    assert clean("Ｃông ａn").text == "công an"  # full-width, fixed by NFKC
    assert clean("ᴄhắᴄ").text == "chắc"  # small capitals


def test_old_and_new_tone_placement_agree() -> None:
    assert clean("hòa").text == clean("hoà").text
    assert clean("thủy").text == clean("thuỷ").text


def test_folding_is_a_second_channel_not_a_replacement() -> None:
    assert fold("chó ngủ đi") == "cho ngu di"
    assert accepts("ngu", "ngu") and accepts("ngu", "ngủ")  # unaccented text is ambiguous
    assert not accepts("ngủ", "ngu")  # "sleep" never matches "stupid"
    assert not accepts("đi", "di") and accepts("di", "đi")


def test_obfuscated_words_are_rejoined_when_known() -> None:
    assert "ngu" in words("mày n.g.u thế")
    assert "chó" in words("đồ c h ó")
    assert "chửi" in words("đừng ch-ửi nữa")
    assert words("k i l l y o u r s e l f")[:2] == ["kill", "yourself"]
    assert "đm" in words("đ m mày")
    assert words("e k bt") == ["e", "k", "bt"]  # unknown runs stay as they were


def test_repeats_and_leetspeak_repair_only_into_known_words() -> None:
    assert words("ngggguuuu") == ["ngu"]
    assert words("s3nd nud3s") == ["send", "nudes"]
    assert words("kiiill yourselffff") == ["kill", "yourself"]  # runs stretched unevenly
    assert words("50k 2024") == ["50k", "2024"]
    # A known word is a word as typed, whatever its letters: "cccd" is the ID card.
    knows_cccd = Lexicon(["cccd", "chụp"])
    assert tokenize(clean("chụp CCCD gửi anh"), knows_cccd).words == ["chụp", "cccd", "gửi", "anh"]
    assert words("chụp CCCD gửi anh")[1] == "cd"  # unknown: the run collapses


def test_sentence_boundaries_are_marked() -> None:
    assert words("đi đi. Về") == ["đi", "đi", "¦", "về"]


def test_vietnamese_syllable_shape() -> None:
    for word in ("nghiêng", "khuya", "thuở", "gì", "người", "quyết", "hồ", "ko", "go"):
        assert vietnamese_syllable(word), word
    for word in ("kill", "yourself", "prétty", "kíll", "nudes", "parents", "hello"):
        assert not vietnamese_syllable(word), word


def test_language_identification() -> None:
    assert identify("Tối nay em có rảnh không?") == "vi"
    assert identify("toi nay em co ranh khong") == "vi"
    assert identify("are you free tonight?") == "en"
    assert identify("you're a loser") == "en"  # "a" is also chat Vietnamese for "anh"
    assert identify("你好，今天怎么样") == "other"
    assert identify("") == "other"
    # Each occurrence counts: accented letters and words for Vietnamese, words for English.
    assert scores(clean("you you you, and em"), ["you", "you", "you", "and", "em"]) == (1, 4)
    assert scores(clean("tối"), ["tối"]) == (2, 0)


@given(ANY_TEXT)
@settings(max_examples=300, deadline=None)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean(text).text
    assert clean(once).text == once


@given(ANY_TEXT)
@settings(max_examples=300, deadline=None)
def test_token_spans_index_the_original_text(text: str) -> None:
    cleaned = clean(text)
    tokens = tokenize(cleaned, LEX)
    for k in range(len(tokens)):
        start, end = tokens.span(k)
        assert 0 <= start <= end <= len(text)


@given(VI_TEXT)
@settings(max_examples=300, deadline=None)
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


# The fast forms of normalize's patterns must find what their plain forms find.
PLAIN_STOPS = re.compile(r"(?:[!?;\n。¦]|\.(?![^\W_]))+")
PLAIN_SINGLES = re.compile(r"(?<![^\W_])[^\W_](?: [^\W_])+(?![^\W_])")
STOPPY_TEXT = st.text(alphabet=st.sampled_from(list("ab1é. !?;\n¦。_-")), max_size=60)


@given(STOPPY_TEXT)
@settings(max_examples=300, deadline=None)
def test_fast_stop_pattern_equals_the_plain_one(text: str) -> None:
    assert _STOPS.sub(" | ", text) == PLAIN_STOPS.sub(" | ", text)
    assert [m.span() for m in _STOPS.finditer(text, 1, max(1, len(text) - 1))] == [
        m.span() for m in PLAIN_STOPS.finditer(text, 1, max(1, len(text) - 1))
    ]


@given(STOPPY_TEXT)
@settings(max_examples=300, deadline=None)
def test_one_scan_finds_the_words_of_stops_then_words(text: str) -> None:
    plain = re.findall(r"[^\W_]+|¦", PLAIN_STOPS.sub(f" {BOUNDARY} ", text))
    assert [word or BOUNDARY for word in _TOKEN_OR_STOP.findall(text)] == plain


@given(st.text(alphabet=st.sampled_from(list("abcd.-_x1é ")), max_size=30))
@settings(max_examples=300, deadline=None)
def test_fragments_from_the_first_joined_letter_are_all_the_fragments(text: str) -> None:
    joined = _JOINED_LETTERS.search(text)
    every = [m.span() for m in _FRAGMENTS.finditer(text)]
    if joined is None:
        assert every == []
    else:
        start = max(0, joined.start() - 3)
        assert [m.span() for m in _FRAGMENTS.finditer(text, start)] == every


FRAGMENT_LEX = Lexicon(["ngu", "kys", "ab", "abcd", "chui"])


@given(st.text(alphabet=st.sampled_from(list("abcdkysngu.-_*~x1éß ")), max_size=40))
@settings(max_examples=500, deadline=None)
def test_fragment_runs_find_what_the_whole_text_scan_finds(text: str) -> None:
    folded = fold(text)  # ASCII but for "ß": both ways of scanning are exercised
    plain = any(
        FRAGMENT_LEX.knows_folded(_JOINERS.sub("", m.group())) for m in _FRAGMENTS.finditer(folded)
    )
    assert _spells_in_fragments(folded, FRAGMENT_LEX) == plain


@given(st.text(alphabet=st.sampled_from(list("ab1é_ .!?;\n\t\x1c\x1f¦。-'\"")), max_size=60))
@settings(max_examples=500, deadline=None)
def test_words_are_those_of_the_regex_tokenizer(text: str) -> None:
    sentences = PLAIN_STOPS.split(text)
    plain = re.findall(r"[^\W_]+", sentences[0])
    for sentence in sentences[1:]:
        plain += [BOUNDARY, *re.findall(r"[^\W_]+", sentence)]
    assert _words(text) == plain


PLAIN_TRIPLE = re.compile(r"([^\W\d_])\1\1")


@given(st.text(alphabet=st.sampled_from(list("aàb1²_.\n ")), max_size=30))
@settings(max_examples=300, deadline=None)
def test_fast_triple_pattern_equals_the_plain_one(text: str) -> None:
    assert bool(_TRIPLE.search(text)) == bool(PLAIN_TRIPLE.search(text))


@given(st.lists(st.sampled_from(["a", "b", "ở", "1", "ab", "¦", "xyz"]), max_size=12))
def test_fast_singles_pattern_equals_the_plain_one(words: list[str]) -> None:
    joined = " ".join(words)
    fast = [m.group(1) for m in _SINGLES.finditer(" " + joined)]
    assert fast == [m.group() for m in PLAIN_SINGLES.finditer(joined)]


@given(st.text(alphabet=st.sampled_from(list("kil0134ọoóaaa5xyz")), min_size=1, max_size=12))
def test_remembered_repairs_equal_repairs(word: str) -> None:
    assert LEX.repair(word) == _repair(word, LEX)
    assert LEX.repair(word) == _repair(word, LEX)  # the second time from memory


def test_repair_memory_is_bounded() -> None:
    lexicon = Lexicon(["kill"])
    memory = lexicon.repair.__self__
    for n in range(memory.limit + 10):
        lexicon.repair(f"w{n}")
    assert len(memory) <= memory.limit
    assert lexicon.repair("killll") == "kill"


def per_character_clean(text: str) -> tuple[str, list[int], list[int]]:
    """The cluster-by-cluster loop that ``_clean_slow`` does with whole-text passes."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in _IGNORABLE):
            j += 1
        piece = _piece(text[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(out), starts, ends


# Marks, invisible characters, look-alikes and compatibility forms, first or in a row.
MESSY_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aAeđĐİΣσ 1.\u0301\u0323\u0308\u20dd\u200b\u00ad\ufeffаоεᴀﬁ…²ＡⅫ\u3164가\u1161")
    ),
    min_size=1,
    max_size=40,
)


@given(st.one_of(MESSY_TEXT, ANY_TEXT.filter(bool)))
@settings(max_examples=500, deadline=None)
def test_slow_clean_equals_the_per_character_loop(text: str) -> None:
    cleaned = _clean_slow(text)
    joined, starts, ends = per_character_clean(text)
    assert (cleaned.starts, cleaned.ends) == (starts, ends)
    fixed = _fix_tones(joined)
    assert cleaned.text == (fixed if len(fixed) == len(joined) else joined)


@given(st.one_of(ANY_TEXT, MESSY_TEXT), st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None)
def test_token_spans_are_those_of_the_cleaned_matches(text: str, rng) -> None:
    cleaned = clean(text)
    tokens = tokenize(cleaned, LEX)
    if tokens._spans is None:  # the fast path: spans worked out on demand, as far as asked
        matches = [cleaned.span(*m.span()) for m in _TOKEN_OR_STOP.finditer(cleaned.text)]
        asked = rng.sample(range(len(tokens)), len(tokens))
        assert {k: tokens.span(k) for k in asked} == dict(enumerate(matches))
        assert len(matches) == len(tokens)


@given(st.lists(st.sampled_from(["a", "bb", "như thế nào", "ở", "¦", "xyz"]), max_size=12))
def test_token_at_finds_the_word_under_each_offset(items: list[str]) -> None:
    text = " " + " ".join(items) + " "
    channel = Channel(tokenize(clean(text), LEX), items, text, fold(text))
    for k, word in enumerate(items):
        start = 1 + sum(len(w) + 1 for w in items[:k])
        assert {channel.token_at(o) for o in range(start, start + len(word))} == {k}


def fold_before_boundaries_went_back(text: str) -> str:
    """``fold`` of a text holding a boundary, as it was: the ASCII pass always drops one."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    unmarked = _MARKS.sub("", decomposed)
    return unmarked if len(unmarked) == len(text) else text.translate(FOLD)


CHANNEL_TEXT = st.text(
    alphabet=st.sampled_from(list("abđĐ ¦ôộưÅǿ中\u0301\u0327²x")),
    max_size=60,
)


@given(st.one_of(CHANNEL_TEXT, VI_TEXT, ANY_TEXT))
@settings(max_examples=500, deadline=None)
def test_fold_puts_boundaries_back_as_the_slow_path_keeps_them(text: str) -> None:
    for holding in (f"{text}{BOUNDARY}", f" {text} {BOUNDARY} ", f"{BOUNDARY}{text}"):
        assert fold(holding) == fold_before_boundaries_went_back(holding)


def test_a_character_folding_to_one_ascii_letter_adds_only_vietnamese_marks() -> None:
    """Why boundaries can go back into ``quick``: the characters that decompose to one
    ASCII character add only marks that the slow path removes, and none decomposes to two."""
    for code in range(sys.maxunicode + 1):
        decomposed = unicodedata.normalize("NFD", chr(code))
        ascii_count = sum(map(str.isascii, decomposed))
        assert ascii_count <= 1, hex(code)
        if ascii_count == 1:
            others = [c for c in decomposed if not c.isascii()]
            assert all("\u0300" <= c <= "\u036f" for c in others), hex(code)

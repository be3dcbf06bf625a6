"""The Hyperscan prefilter may let through a regex that does not match, never skip one that does."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import hyperscan
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notalone.detection.rules.prefilter import Prefilter, hyperscan_conjuncts, unsure_characters

CLASSES = (r"\d", r"\w", r"\s")


def _hyperscan_classes(ch: str) -> tuple[bool, ...]:
    """Whether Hyperscan (UTF-8, Unicode properties) puts ``ch`` in each of ``CLASSES``."""
    found: set[int] = set()
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[c.encode() for c in CLASSES],
        ids=[0, 1, 2],
        elements=3,
        flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP,
    )
    database.scan(ch.encode("utf-8"), match_event_handler=lambda i, *_: found.add(i))
    return tuple(i in found for i in range(3))


@given(st.characters(exclude_categories=["Cs"]))
@settings(max_examples=500, deadline=None)
def test_characters_not_flagged_unsure_read_alike_in_both_engines(ch: str) -> None:
    if not unsure_characters().found_in(ch):
        assert _hyperscan_classes(ch) == tuple(bool(re.match(c, ch)) for c in CLASSES)


def test_what_the_engines_read_differently_is_unsure() -> None:
    unsure = unsure_characters()
    assert unsure.found_in("ok\x1c")  # a space to Python, a control character to Hyperscan
    assert unsure.found_in("\ud800")  # a lone surrogate has no UTF-8
    # Real messages take the fast path: Vietnamese, punctuation, emoji, look-alike scripts.
    for text in ("Tiếng Việt: Đường Lê Lợi số 12, ĐT 0912.345.678", "“hi” — ok… 😀👍🏽", "привет"):
        assert not unsure.found_in(text), text


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"ab{,2}c", "abbc"),  # "{,2}" is a repeat to Python, a literal to PCRE
        (r"x\Z", "x"),
        (r"(?<!\d)\d{3}(?!\d)", "a 123 b"),  # look-arounds relaxed
        (r"(ab)\1", "abab"),  # back-references relaxed
        (r"[^\W\d_]+ tuổi", "mười tuổi"),
        (r"\bsố\s*\d", "SỐ 12".lower()),
    ],
)
def test_python_syntax_is_read_as_python_reads_it(pattern: str, text: str) -> None:
    assert re.search(pattern, text)
    assert hyperscan_conjuncts(pattern) is not None
    assert Prefilter([pattern]).passing(text) == [0]


def test_a_regex_hyperscan_cannot_take_runs_on_every_message() -> None:
    assert hyperscan_conjuncts(r"(?i)bit\.ly") is None  # case folding differs between engines
    prefilter = Prefilter([r"(?i)bit\.ly", r"\d{3}"])
    assert prefilter.passing("nothing here") == [0]
    assert prefilter.passing("call 555") == [0, 1]


def test_a_regex_hyperscan_refuses_leaves_the_others_scanned() -> None:
    prefilter = Prefilter([r"\d{3}", r"(?:ab){40000}", r"tuổi"])  # Hyperscan caps repeats
    assert prefilter.passing("nothing here") == [1]
    assert prefilter.passing("em 12 tuổi, gọi 555") == [0, 1, 2]


def test_a_message_with_an_unsure_character_runs_every_regex() -> None:
    prefilter = Prefilter([r"\d\s\d", r"abc"])
    assert prefilter.passing("1\x1c2") == [0, 1]  # Python's \s matches U+001C
    assert re.search(r"\d\s\d", "1\x1c2")


def test_threads_scan_with_their_own_scratch() -> None:
    prefilter = Prefilter([r"\b0\d{9}\b", r"bit\.ly/\S+", r"\d+ tuổi"])
    texts = ["gọi 0912345678 nhé", "xem bit.ly/abc", "em 12 tuổi", "không có gì"] * 200
    expected = [prefilter.passing(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(prefilter.passing, texts)) == expected
    assert expected[:4] == [[0], [1], [2], []]


def test_a_look_ahead_narrows_the_scan_instead_of_being_dropped() -> None:
    # Relaxed to "anything", the look-ahead would let every domain through to ``re``.
    brand = r"\b(?=[a-z.]*(?:vietcombank|momo))(?![a-z.]*\.vn\b)(?:[a-z]+\.)+[a-z]{2,}\b"
    prefilter = Prefilter([r"\d{3}", brand, r"tuổi"])
    assert prefilter.passing("xem tin tuc tai vnexpress.net") == []
    assert prefilter.passing("dang nhap vietcombank.xyz ngay") == [1]
    assert prefilter.passing("vietcombank.com.vn, gọi 555, 12 tuổi") == [0, 1, 2]
    assert prefilter.passing("chuyen tien qua momo nhe") == []  # the name, but no domain
    assert re.search(brand, "dang nhap vietcombank.xyz ngay")

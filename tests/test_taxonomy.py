from __future__ import annotations

import itertools

import pytest

from notalone.taxonomy import CATEGORIES, CATEGORY_IDS, SCORE_BANDS, Severity, category


def test_ten_categories_with_a_full_crosswalk() -> None:
    assert CATEGORY_IDS == (
        "grooming", "sexual_content", "sextortion", "online_kidnapping", "scam",
        "cyberbullying", "threat", "self_harm", "personal_info", "harmful_content",
    )  # fmt: skip
    for c in CATEGORIES:
        assert c.label_vi and c.label_en and c.description
        assert c.llama_guard and c.chi


def test_severities_are_ordered() -> None:
    order = list(Severity)
    assert [s.value for s in order] == ["none", "low", "medium", "high", "critical"]
    assert all(a < b for a, b in itertools.pairwise(order))
    assert max(Severity.LOW, Severity.HIGH) is Severity.HIGH
    assert Severity.parse("HIGH") is Severity.HIGH
    with pytest.raises(ValueError, match="expected one of"):
        Severity.parse("severe")


def test_score_bands_tile_zero_to_one() -> None:
    bounds = [SCORE_BANDS[s] for s in Severity]
    assert bounds[0][0] == 0 and bounds[-1][1] == 1
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))


def test_unknown_category_names_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="grooming"):
        category("spam")

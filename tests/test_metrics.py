from __future__ import annotations

import pytest

from notalone import metrics


def test_classification_matches_hand_counts() -> None:
    gold = ["clean", "clean", "hate", "offensive", "hate", "clean"]
    pred = ["clean", "hate", "hate", "clean", "hate", "clean"]
    m = metrics.classification(gold, pred, ["clean", "offensive", "hate"], ["offensive", "hate"])
    assert m["accuracy"] == pytest.approx(4 / 6)
    # hate: P 2/3, R 1 → F1 0.8; clean: P 2/3, R 2/3; offensive: 0
    assert m["per_class"]["hate"]["f1"] == pytest.approx(0.8)
    assert m["macro_f1"] == pytest.approx((0.8 + 2 / 3 + 0) / 3)
    # binary view: risk = {offensive, hate}: gold 3 risky, predicted 3 risky, 2 overlap
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    cm = m["confusion_matrix"]["rows_gold_columns_predicted"]
    assert cm == [[2, 0, 1], [1, 0, 0], [0, 0, 2]]


def test_classification_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        metrics.classification(["a", "b"], ["a"], ["a", "b"], ["b"])


def test_span_f1_is_per_text_character_f1_averaged() -> None:
    gold = [[(0, 4)], [], [(2, 6)]]
    pred = [[(0, 2)], [], []]
    m = metrics.span_f1(gold, pred)
    # text 1: P 1, R 0.5 → 2/3; text 2: empty vs empty → 1; text 3: nothing found → 0
    assert m["span_f1"] == pytest.approx((2 / 3 + 1 + 0) / 3)


def test_false_positive_rate() -> None:
    assert metrics.false_positive_rate([False, True, False, False]) == {
        "n": 4,
        "flagged": 1,
        "false_positive_rate": 0.25,
    }

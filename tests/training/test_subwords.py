"""The numpy subword model predicts what fastText itself predicts."""

from __future__ import annotations

import numpy as np
import pytest

from notalone.detection.classifiers.subwords import (
    EOS,
    SubwordConfig,
    char_ngram_hashes,
    subword_tokens,
)
from notalone.training.subwords import fit_fasttext, from_fasttext, train_subwords
from notalone.training.vectorize import views
from tests.training.tiny import LABELS, tiny_split

CONFIG = SubwordConfig(bucket=5000, dim=8, epoch=20)
UNSEEN = [
    "",
    "mày ngu vãi đéoooo ¦ cút",
    "Hôm nay trời đẹp quá 😀 __label__2",
    "xyzq ĐỒ VÔ DỤNG\tcút\u00a0đi",
    "người ta nói gì kệ người ta",
]


@pytest.fixture(scope="module")
def trained():
    split = tiny_split()
    expanded = [v.expanded for v in views(split.texts)]
    y = np.array([LABELS.index(label) for label in split.labels])
    model = fit_fasttext(expanded, y, CONFIG, seed=0)
    return model, from_fasttext(model, len(LABELS), CONFIG), expanded, y


def test_unseen_words_hash_to_fasttexts_character_ngrams(trained) -> None:
    model, ours, _, _ = trained
    for word in ["xyzq", "đéoooo", "ngườiii", "ab", "😀x", "ĐỒ"]:
        _, ids = model.get_subwords(word)
        assert word not in ours.index
        mine = [len(ours.words) + h % CONFIG.bucket for h in char_ngram_hashes(word, 2, 5)]
        assert sorted(mine) == sorted(ids.tolist()), word


def test_probabilities_are_fasttexts(trained) -> None:
    model, ours, expanded, _ = trained
    for tokens in [*expanded, *(v.expanded for v in views(UNSEEN))]:
        line = " ".join(subword_tokens(tokens))
        expected = np.zeros(len(LABELS))
        for p, label in model.f.predict(line + "\n", -1, 0.0, "strict"):
            expected[int(label.removeprefix("__label__"))] = p
        # fastText reports exp(log(p + 1e-5)) in float32.
        assert np.exp(ours.log_proba(tokens)) == pytest.approx(expected, abs=5e-5), line


def test_tokens_split_as_fasttext_reads_them() -> None:
    assert subword_tokens(["a b", "\t", "c\u00a0d", "__label__1", "", "¦"]) == [
        "a",
        "b",
        "c\u00a0d",
        "¦",
    ]
    assert EOS == "</s>"


def test_shipped_precision_is_what_training_calibrates_with(trained) -> None:
    _, exact, expanded, y = trained
    shipped = train_subwords(expanded, y, len(LABELS), CONFIG, seed=0)
    assert shipped.buckets.dtype == np.float64
    assert np.array_equal(shipped.buckets, exact.buckets.astype(np.float16).astype(np.float64))
    for tokens in expanded:
        assert shipped.log_proba(tokens) == pytest.approx(exact.log_proba(tokens), abs=1e-2)

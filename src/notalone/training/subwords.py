"""Train a ``SubwordModel`` with fastText (one thread and a fixed seed: reproducible).

fastText reads its training data from a file, one ``__label__<k> words…`` line per text; the
file lives in a temporary directory only while it trains. Its dictionary and matrices become
the numpy model the package ships: each vocabulary word's own and character n-gram rows are
summed once here, so inference hashes only unseen words and word pairs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import fasttext
import numpy as np

from notalone.detection.classifiers.subwords import (
    LABEL_PREFIX,
    SubwordConfig,
    SubwordModel,
    subword_tokens,
)


def train_subwords(
    expanded: Sequence[Sequence[str]],
    y: np.ndarray,
    n_labels: int,
    config: SubwordConfig,
    seed: int,
) -> SubwordModel:
    """A fastText model of ``expanded`` texts (the featurizer's tokens) and labels ``y``
    (indices into the classifier's labels), read back as shipped (float16)."""
    exact = from_fasttext(fit_fasttext(expanded, y, config, seed), n_labels, config)
    return SubwordModel.from_arrays(config, exact.arrays())


def fit_fasttext(
    expanded: Sequence[Sequence[str]], y: np.ndarray, config: SubwordConfig, seed: int
) -> fasttext.FastText._FastText:
    with tempfile.TemporaryDirectory(prefix="notalone-subwords-") as tmp:
        path = Path(tmp) / "train.txt"
        with path.open("w", encoding="utf-8") as out:
            for tokens, label in zip(expanded, y, strict=True):
                out.write(f"{LABEL_PREFIX}{int(label)} {' '.join(subword_tokens(tokens))}\n")
        return fasttext.train_supervised(
            input=str(path),
            dim=config.dim,
            bucket=config.bucket,
            minn=config.minn,
            maxn=config.maxn,
            wordNgrams=config.word_ngrams,
            epoch=config.epoch,
            lr=config.lr,
            loss="softmax",
            minCount=1,
            thread=1,
            seed=seed,
            verbose=0,
        )


def from_fasttext(
    model: fasttext.FastText._FastText, n_labels: int, config: SubwordConfig
) -> SubwordModel:
    """The numpy model of a trained fastText model, at full precision."""
    words = model.get_words()
    matrix = model.get_input_matrix().astype(np.float64)
    word_vectors = np.zeros((len(words), config.dim))
    word_counts = np.zeros(len(words), dtype=np.int64)
    for i, word in enumerate(words):
        _, ids = model.get_subwords(word)
        word_vectors[i] = matrix[ids].sum(axis=0)
        word_counts[i] = len(ids)
    # fastText orders labels by frequency, the classifier by index. A label that no training
    # text has (a tiny fixture) keeps a zero row.
    output = np.zeros((n_labels, config.dim))
    ft_output = model.get_output_matrix()
    for row, label in enumerate(model.get_labels()):
        output[int(label.removeprefix(LABEL_PREFIX))] = ft_output[row]
    return SubwordModel(config, words, word_vectors, word_counts, matrix[len(words) :], output)

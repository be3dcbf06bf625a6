"""Build a ``Featurizer`` (vocabulary + idf) from training texts and turn texts into matrices.

The matrix rows come from ``Featurizer.transform_one``, the very code the shipped detector runs,
so training and inference cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from notalone.detection.classifiers.features import (
    FeatureConfig,
    Featurizer,
    View,
    rules_lexicon,
    terms,
    view_of_text,
)


def views(texts: Sequence[str], language: str = "vi") -> list[View]:
    lexicon = rules_lexicon()
    return [view_of_text(t, lexicon, language) for t in texts]


def fit_featurizer(
    train: Sequence[View],
    config: FeatureConfig,
    *,
    min_df: int = 2,
    max_features: int | None = None,
) -> Featurizer:
    """Vocabulary of terms in at least ``min_df`` training texts; smooth idf as scikit-learn."""
    df: Counter[str] = Counter()
    for view in train:
        df.update(set(terms(view, config)))
    kept = [(t, n) for t, n in df.items() if n >= min_df]
    if max_features is not None and len(kept) > max_features:
        kept.sort(key=lambda tn: (-tn[1], tn[0]))
        kept = kept[:max_features]
    kept.sort()
    n_docs = len(train)
    vocabulary = [t for t, _ in kept]
    counts = np.array([n for _, n in kept], dtype=np.float64)
    # float32, as shipped, so that training sees the exact values inference will use.
    idf = (np.log((1.0 + n_docs) / (1.0 + counts)) + 1.0).astype(np.float32).astype(np.float64)
    return Featurizer(config, vocabulary, idf)


def matrix(featurizer: Featurizer, rows: Sequence[View]) -> sp.csr_matrix:
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for view in rows:
        cols, vals = featurizer.transform_one(view)
        indices.append(cols)
        data.append(vals)
        indptr.append(indptr[-1] + len(cols))
    out = sp.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
            np.array(indptr, dtype=np.int32),
        ),
        shape=(len(rows), featurizer.size),
    )
    # scikit-learn's liblinear solvers accept only 32-bit indices.
    out.indices = out.indices.astype(np.int32)
    out.indptr = out.indptr.astype(np.int32)
    return out

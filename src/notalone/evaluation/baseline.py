"""The plain baseline every shipped configuration must beat, trained and scored in the same run.

A TF-IDF character + word n-gram linear SVM with balanced class weights (scikit-learn defaults
otherwise; C picked on the dev split where there is one): the floor the issue names, measured
here rather than quoted, so the comparison in docs/benchmarks.md is fair.
"""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC

NAME = "TF-IDF char+word n-grams, linear SVM"
C_GRID = (0.1, 0.3, 1.0)


class Baseline:
    def __init__(self, c: float = 1.0, seed: int = 0) -> None:
        self.c = c
        features = FeatureUnion(
            [
                (
                    "char",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True),
                ),
                ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ]
        )
        self.pipeline = make_pipeline(
            features, LinearSVC(C=c, class_weight="balanced", random_state=seed)
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Baseline:
        self.pipeline.fit(list(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(x) for x in self.pipeline.predict(list(texts))]

    def predict_one(self, text: str) -> str:
        """One message per call, as a live service would (for the throughput column)."""
        return str(self.pipeline.predict([text])[0])

"""``SpanTagger``: which words of a message are the offensive ones (evidence for a guardian).

A message-level classifier says *whether* a comment is offensive; the words it leaned on are
not always the words a person would highlight. The tagger is trained on ViHOS's gold spans:
a logistic regression over each token's own form (as written, accent-folded, chat spelling
expanded), its character n-grams and its neighbours. A token is tagged when its probability
reaches the threshold chosen on dev for span F1; evidence is the tagged tokens' spans of the
original text.

Inference is a dictionary look-up and a sum per feature (no numpy call per token), so a
message costs a few microseconds per word.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from notalone.detection.classifiers.model import (
    Manifest,
    decode_vocabulary,
    read_artifact,
    write_artifact,
)
from notalone.detection.detector import Document
from notalone.detection.normalize import BOUNDARY, fold
from notalone.errors import ArtifactError

_ARRAYS = ("vocabulary", "weights")
_START, _END = "<s>", "</s>"
CHAR_MIN, CHAR_MAX = 2, 4


def token_features(
    folded: Sequence[str], words: Sequence[str], expanded: Sequence[str], i: int
) -> Iterator[str]:
    """Feature names of token ``i``; ``folded[i]`` is ``fold(words[i])`` (computed once)."""
    f = folded[i]
    n = len(folded)
    p1 = folded[i - 1] if i > 0 else _START
    p2 = folded[i - 2] if i > 1 else _START
    n1 = folded[i + 1] if i + 1 < n else _END
    n2 = folded[i + 2] if i + 2 < n else _END
    yield "w=" + words[i]
    yield "f=" + f
    yield "x=" + fold(expanded[i])
    yield "p=" + p1
    yield "n=" + n1
    yield "pp=" + p2
    yield "nn=" + n2
    yield "pf=" + p1 + " " + f
    yield "fn=" + f + " " + n1
    padded = f" {f} "
    for size in range(CHAR_MIN, CHAR_MAX + 1):
        for k in range(len(padded) - size + 1):
            yield "c=" + padded[k : k + size]


def sequence(words: Sequence[str], expanded: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """(token index, features) for every word token of a message (stops are context only)."""
    folded = [fold(w) for w in words]
    for i, w in enumerate(words):
        if w != BOUNDARY:
            yield i, list(token_features(folded, words, expanded, i))


class SpanTagger:
    """Per-token logistic regression: ``weights[col]`` per feature, ``bias``, ``threshold``."""

    def __init__(self, manifest: Manifest, vocabulary: Sequence[str], weights: np.ndarray) -> None:
        if len(vocabulary) != len(weights):
            raise ArtifactError(
                f"{manifest.task}: {len(vocabulary)} features but {len(weights)} weights"
            )
        self.manifest = manifest
        self.language = manifest.language
        # Python floats in a dict: one look-up per feature, no array indexing per token.
        self._weight = dict(zip(vocabulary, weights.astype(np.float64).tolist(), strict=True))
        self.bias = float(manifest.extra["bias"])  # type: ignore[arg-type]
        self.threshold = float(manifest.thresholds["token"])
        self._logit = math.log(self.threshold / (1.0 - self.threshold))

    @property
    def task(self) -> str:
        return self.manifest.task

    def token_scores(self, words: Sequence[str], expanded: Sequence[str]) -> dict[int, float]:
        """Logit of every word token, by token index."""
        get = self._weight.get
        bias = self.bias
        return {i: bias + sum(get(f, 0.0) for f in feats) for i, feats in sequence(words, expanded)}

    def tagged(self, words: Sequence[str], expanded: Sequence[str]) -> list[int]:
        cut = self._logit
        return [i for i, z in self.token_scores(words, expanded).items() if z >= cut]

    def spans(self, doc: Document) -> list[tuple[int, int]]:
        """Original-text spans of the tagged tokens, adjacent ones kept apart (as ViHOS)."""
        words = doc.tokens.words
        expanded = doc.channel(self.language).words
        spans = (doc.tokens.span(i) for i in self.tagged(words, expanded))
        return [(a, b) for a, b in spans if a < b]

    # -- files -----------------------------------------------------------------------------

    def save(self, directory: Path) -> Manifest:
        vocabulary = list(self._weight)
        raw = "\n".join(vocabulary).encode("utf-8")
        arrays = {
            "vocabulary": np.frombuffer(raw, dtype=np.uint8),
            "weights": np.array([self._weight[v] for v in vocabulary], dtype=np.float32),
        }
        return write_artifact(directory, self.manifest, arrays)

    @classmethod
    def load(cls, manifest_path: Path) -> SpanTagger:
        manifest, arrays, npz_path = read_artifact(manifest_path, _ARRAYS)
        try:
            return cls(manifest, decode_vocabulary(arrays["vocabulary"]), arrays["weights"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ArtifactError(f"{npz_path}: not a valid span tagger artifact ({exc})") from None

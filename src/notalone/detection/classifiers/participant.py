"""The participant model: how predator-like one participant's messages read, taken together.

Message rules see one window of cues; this model reads everything a participant wrote so far.
Each message becomes a set of hashed word unigrams and bigrams (CRC-32 of the UTF-8 token,
modulo ``buckets``, the way scikit-learn's ``HashingVectorizer`` maps terms to columns without
a vocabulary), binary and L2-normalized per message. A participant's vector is the sum of
their messages' vectors divided by ``messages + prior`` (a mean shrunk towards "nothing said
yet", so three short lines cannot look like a whole grooming script), and the model is one
logistic regression over it:

    P(predator) = sigmoid(b + w · Σ x_m / (n + prior)) = sigmoid(b + Σ s_m / (n + prior))

with ``s_m = w · x_m`` a number per message. So the state a conversation keeps per
participant is two numbers (``Σ s_m`` and ``n``), not their text, and a message costs one
tokenization and a few dozen look-ups.

No text and no vocabulary is stored: the artifact holds the weights of hashed columns only
(the training data must not be redistributed). Thresholds (``medium``, ``high``) were chosen
on out-of-fold scores of the training participants, the way the evaluation replays them:
the running probability after every message, from ``min_messages`` on.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from notalone.detection.classifiers.model import Manifest, read_artifact, write_artifact
from notalone.errors import ArtifactError
from notalone.taxonomy import Severity

TASK = "participants"
_ARRAYS = ("coef", "intercept")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_REPEAT = re.compile(r"(.)\1{2,}")  # "sooooo" -> "soo"


@dataclass(frozen=True, slots=True)
class HashConfig:
    buckets: int = 1 << 18
    ngram_max: int = 2
    prior: float = 10.0  # pseudo-messages of nothing that the mean is shrunk with

    def to_json(self) -> dict[str, object]:
        return {
            "kind": "hashed-words",
            "hash": "crc32-utf8-mod-buckets",
            "buckets": self.buckets,
            "ngram": [1, self.ngram_max],
            "tokens": "lower-cased word characters, runs of 3+ letters cut to 2",
            "values": "binary, l2 per message; mean over messages + prior",
            "prior": self.prior,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> HashConfig:
        if data.get("kind") != "hashed-words":
            raise ValueError(f"unknown participant featurizer {data.get('kind')!r}")
        _, hi = data["ngram"]  # type: ignore[misc]
        return cls(int(data["buckets"]), int(hi), float(data["prior"]))  # type: ignore[arg-type]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_REPEAT.sub(r"\1\1", text.lower()))


def message_columns(text: str, config: HashConfig) -> np.ndarray:
    """Sorted unique hashed columns of one message's word n-grams (training and inference)."""
    words = tokens(text)
    if not words:
        return np.zeros(0, dtype=np.int64)
    mask = config.buckets - 1
    crc = zlib.crc32
    found = {crc(w.encode("utf-8", "surrogatepass")) & mask for w in words}
    for n in range(2, config.ngram_max + 1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            found.add(crc(gram.encode("utf-8", "surrogatepass")) & mask)
    return np.fromiter(sorted(found), dtype=np.int64, count=len(found))


class ParticipantModel:
    """The shipped participant classifier. ``message_score`` per message, then ``probability``
    from the running sum; ``severity`` maps a probability to the flag it gives."""

    def __init__(self, manifest: Manifest, coef: np.ndarray, intercept: float) -> None:
        self.config = HashConfig.from_json(manifest.featurizer)
        if coef.shape != (self.config.buckets,):
            raise ArtifactError(
                f"{manifest.task}: weights of shape {coef.shape} do not fit "
                f"{self.config.buckets} hashed columns"
            )
        if self.config.buckets & (self.config.buckets - 1):
            raise ArtifactError(f"{manifest.task}: buckets must be a power of two")
        self.manifest = manifest
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.min_messages = int(manifest.extra.get("min_messages", 1))  # type: ignore[call-overload]
        th = manifest.thresholds
        self.medium = float(th["medium"])
        self.high = float(th["high"])
        if not self.medium <= self.high:
            raise ArtifactError(f"{manifest.task}: thresholds must be ordered medium <= high")
        self.source = f"model.{manifest.task}@{manifest.version}"

    @property
    def task(self) -> str:
        return self.manifest.task

    @property
    def language(self) -> str:
        return self.manifest.language

    def message_score(self, text: str) -> float:
        cols = message_columns(text, self.config)
        if not len(cols):
            return 0.0
        return float(self.coef[cols].sum()) / math.sqrt(len(cols))

    def strongest_word(self, text: str) -> tuple[int, int] | None:
        """Span of the word of ``text`` whose own column weighs most towards "predator"
        (evidence for a flag: a span of the original text), or None."""
        best, span = 0.0, None
        mask = self.config.buckets - 1
        for m in _TOKEN.finditer(text):
            word = _REPEAT.sub(r"\1\1", m.group().lower())
            weight = self.coef[zlib.crc32(word.encode("utf-8", "surrogatepass")) & mask]
            if weight > best:
                best, span = float(weight), (m.start(), m.end())
        return span

    def logit(self, total: float, messages: int) -> float:
        return self.intercept + total / (messages + self.config.prior)

    def probability(self, total: float, messages: int) -> float:
        z = self.logit(total, messages)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def severity(self, probability: float, messages: int) -> Severity:
        if messages < self.min_messages:
            return Severity.NONE
        if probability >= self.high:
            return Severity.HIGH
        if probability >= self.medium:
            return Severity.MEDIUM
        return Severity.NONE

    # -- files -----------------------------------------------------------------------------

    def save(self, directory: Path) -> Manifest:
        arrays = {
            "coef": self.coef.astype(np.float16),
            "intercept": np.array([self.intercept]),
        }
        return write_artifact(directory, self.manifest, arrays)

    @classmethod
    def load(cls, manifest_path: Path) -> ParticipantModel:
        """Load ``participants.json`` and the npz beside it, checking the npz's sha256."""
        manifest, arrays, npz_path = read_artifact(manifest_path, _ARRAYS)
        try:
            return cls(manifest, arrays["coef"], float(arrays["intercept"].ravel()[0]))
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            raise ArtifactError(f"{npz_path}: not a valid participant model ({exc})") from None

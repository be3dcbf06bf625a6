"""``SubwordModel``: a fastText supervised model, run in numpy.

A second model class beside the linear n-gram models: each word is the sum of learned vectors
for itself and its hashed character n-grams, word pairs are hashed too, and the message is the
mean of those vectors through a softmax. Its errors differ from the linear models' (on ViHSD's
out-of-fold scores, stacking it lifted macro-F1 by 0.014), so the calibrated softmax of a
``Classifier`` may read its log-probabilities as extra inputs.

fastText trains it (``notalone.training.subwords``); this module reproduces fastText's
prediction exactly (its FNV-1a hash with signed bytes, its UTF-8 character n-grams of
``<word>``, its word n-gram hash and the end-of-line token), so no fastText library is needed
at run time. A vocabulary word's vectors are summed at training time: only unseen words and
word pairs are hashed per message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from notalone.errors import ArtifactError

EOS = "</s>"  # fastText ends every line with this word
LABEL_PREFIX = "__label__"
_FASTTEXT_SPACE = re.compile(r"[ \n\t\v\f\r\0]+")  # the characters fastText splits words on
_PAIR_MULTIPLIER = np.uint64(116049371)  # fastText's word n-gram hash step


@dataclass(frozen=True, slots=True)
class SubwordConfig:
    """fastText's hyperparameters (``bucket``, ``minn``, ``maxn``, ``word_ngrams`` also shape
    inference; the others only training)."""

    dim: int = 32
    bucket: int = 100_000
    minn: int = 2
    maxn: int = 5
    word_ngrams: int = 2
    epoch: int = 5
    lr: float = 0.3

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SubwordConfig:
        return cls(**data)  # type: ignore[arg-type]


def subword_tokens(expanded: Sequence[str]) -> list[str]:
    """A message's words as fastText reads them from the featurizer's chat-expanded tokens
    (an expansion may hold a space; a label-like word would be read as a label)."""
    line = " ".join(expanded)
    return [t for t in _FASTTEXT_SPACE.split(line) if t and not t.startswith(LABEL_PREFIX)]


def fnv1a(data: bytes) -> int:
    """fastText's 32-bit FNV-1a, which xors each byte as a *signed* char (sign-extended)."""
    h = 2166136261
    for b in data:
        h = ((h ^ (b | 0xFFFFFF00 if b & 0x80 else b)) * 16777619) & 0xFFFFFFFF
    return h


def char_ngram_hashes(word: str, minn: int, maxn: int) -> list[int]:
    """Hashes of the character n-grams (UTF-8 aware) of ``<word>``, as fastText's
    ``computeSubwords`` makes them: no 1-gram of the ``<`` or ``>`` marks."""
    data = f"<{word}>".encode()
    size = len(data)
    out: list[int] = []
    for i in range(size):
        if data[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < size and n <= maxn:
            j += 1
            while j < size and data[j] & 0xC0 == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == size)):
                out.append(fnv1a(data[i:j]))
            n += 1
    return out


def widened(h: int) -> int:
    """fastText keeps word hashes as int32 and widens them, sign-extended, to uint64."""
    return (h | 0xFFFFFFFF00000000) if h & 0x80000000 else h


def word_ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """fastText's ``addWordNgrams`` over the words' widened hashes (uint64, wrapping as C++
    does): the hash of each run of 2..n consecutive words."""
    runs = []
    h = hashes
    for k in range(1, n):
        h = h[:-1] * _PAIR_MULTIPLIER + hashes[k:]
        runs.append(h)
    return np.concatenate(runs) if runs else np.zeros(0, dtype=np.uint64)


class SubwordModel:
    """Log-probabilities over a ``Classifier``'s labels (in its label order)."""

    def __init__(
        self,
        config: SubwordConfig,
        words: Sequence[str],
        word_vectors: np.ndarray,
        word_counts: np.ndarray,
        buckets: np.ndarray,
        output: np.ndarray,
    ) -> None:
        dim = config.dim
        if (
            word_vectors.shape != (len(words), dim)
            or word_counts.shape != (len(words),)
            or buckets.shape != (config.bucket, dim)
            or output.ndim != 2
            or output.shape[1] != dim
        ):
            raise ArtifactError(
                f"subword model arrays {word_vectors.shape}, {word_counts.shape}, "
                f"{buckets.shape}, {output.shape} do not fit {len(words)} words of {dim} "
                f"dimensions and {config.bucket} buckets"
            )
        self.config = config
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        # Words then buckets as one float64 table (with how many fastText rows each row sums),
        # so that a message is one gather and one sum, adding the numbers training added.
        self._table = np.vstack([word_vectors, buckets]).astype(np.float64)
        self.word_counts = np.asarray(word_counts, dtype=np.int64)
        self._rows_in = np.concatenate([self.word_counts, np.ones(config.bucket, np.int64)])
        self.output = np.asarray(output, dtype=np.float64)
        self._word_hash = [widened(fnv1a(w.encode())) for w in self.words]

    @property
    def word_vectors(self) -> np.ndarray:
        return self._table[: len(self.words)]

    @property
    def buckets(self) -> np.ndarray:
        return self._table[len(self.words) :]

    @property
    def n_labels(self) -> int:
        return self.output.shape[0]

    def log_proba(self, expanded: Sequence[str]) -> np.ndarray:
        cfg = self.config
        known: list[int] = []
        hashed: list[int] = []
        word_hashes: list[int] = []
        for token in [*subword_tokens(expanded), EOS]:
            i = self.index.get(token)
            if i is not None:
                known.append(i)
                word_hashes.append(self._word_hash[i])
            else:
                hashed.extend(char_ngram_hashes(token, cfg.minn, cfg.maxn))
                word_hashes.append(widened(fnv1a(token.encode())))
        rows = np.array(hashed, dtype=np.uint64)
        if cfg.word_ngrams > 1:
            pairs = word_ngram_hashes(np.array(word_hashes, dtype=np.uint64), cfg.word_ngrams)
            rows = np.concatenate([rows, pairs])
        ids = np.concatenate(
            [np.array(known, dtype=np.intp), (rows % cfg.bucket).astype(np.intp) + len(self.words)]
        )
        z = self.output @ (self._table[ids].sum(axis=0) / self._rows_in[ids].sum())
        z -= z.max()
        return z - np.log(np.exp(z).sum())

    # -- files -----------------------------------------------------------------------------

    ARRAYS = ("sw_words", "sw_word_vectors", "sw_word_counts", "sw_buckets", "sw_output")

    def arrays(self) -> dict[str, np.ndarray]:
        """The model as npz arrays (vectors as float16: what inference reads back)."""
        return {
            "sw_words": np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8),
            "sw_word_vectors": self.word_vectors.astype(np.float16),
            "sw_word_counts": self.word_counts.astype(np.int32),
            "sw_buckets": self.buckets.astype(np.float16),
            "sw_output": self.output.astype(np.float16),
        }

    @classmethod
    def from_arrays(cls, config: SubwordConfig, arrays: dict[str, np.ndarray]) -> SubwordModel:
        words = arrays["sw_words"].tobytes().decode("utf-8").split("\n")
        return cls(
            config,
            words,
            arrays["sw_word_vectors"],
            arrays["sw_word_counts"],
            arrays["sw_buckets"],
            arrays["sw_output"],
        )

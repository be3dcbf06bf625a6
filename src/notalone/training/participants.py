"""Train the participant model (``notalone.detection.classifiers.participant``).

Positives: every Perverted-Justice predator's stream of lines. Negatives: the decoys who
talked to them (adults writing as 12-15 year-olds: the hard negatives), every NPS chat-room
user (one stream per user per session) and both speakers of every DailyDialog *train*
dialogue (the dev split is left for evaluation; the official test split is not even here).

1. Every message is hashed once (``message_columns``) into a sparse matrix; a stream's row is
   the sum of its message rows over ``n + prior``, exactly as a ``Conversation`` accumulates
   it. Streams also enter as prefixes (their first 25, 50, 100, 200 messages), so the model
   has seen how a participant reads early on, not only once everything is said.
2. A logistic regression (liblinear, L2, fixed seed) on those rows, each kind of stream
   (predators, decoys, NPS, DailyDialog) weighted to a fixed share (``SOURCE_WEIGHTS``).
3. Thresholds from out-of-fold running probabilities: 5 folds that keep each predator with
   their decoys, each NPS session and each dialogue whole; for every held-out stream, the
   highest probability it reached after each message from ``MIN_MESSAGES`` on (what a
   conversation would flag on). ``high`` is the lowest cut whose streams reach
   ``PRECISION["high"]`` precision against every negative (decoys included), ``medium``
   the same for ``PRECISION["medium"]``.

The same functions cut the evaluation's folds (``notalone.evaluation.conversations``), so a
fold model there is trained exactly like the shipped one, without its test streams.
"""

from __future__ import annotations

import platform
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

from notalone import __version__
from notalone.datasets import load
from notalone.detection.classifiers.model import Manifest
from notalone.detection.classifiers.participant import (
    TASK,
    HashConfig,
    ParticipantModel,
    message_columns,
)
from notalone.errors import DatasetError

Progress = Callable[[str], None]
C = 1000.0  # nearly unregularized: chosen in a development run over C in 1..1000
# Each kind of stream carries this share of the training weight, however many there are:
# 479 predators and 495 decoys would otherwise drown in 23,000 ordinary speakers, and the
# model would learn "chat-room English" rather than what tells a predator from a decoy.
SOURCE_WEIGHTS = {"predator": 1.0, "decoy": 1.0, "nps-chat": 0.5, "dailydialog": 0.5}
PREFIXES = (25, 50, 100, 200)
MIN_MESSAGES = 10
PRECISION = {"medium": 0.90, "high": 0.97}
MIN_FLAGGED = 10
FOLDS = 5
POSITIVE_SOURCES = ("predator",)


@dataclass(frozen=True, slots=True)
class Stream:
    """One participant's messages, in order, and what they are."""

    id: str  # "predator:<name>", "nps-chat:<session>:<user>", "dailydialog:train:12:A"
    source: str  # predator, decoy, nps-chat, dailydialog
    group: str  # the unit folds keep whole: a predator (with their decoys), a session, a dialogue
    messages: tuple[str, ...]

    @property
    def positive(self) -> bool:
        return self.source in POSITIVE_SOURCES

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


def streams(
    data_dir: Path | None, *, dailydialog_split: str = "train", missing_ok: bool = False
) -> tuple[list[Stream], list[str]]:
    """Perverted-Justice predators and decoys, NPS users and DailyDialog speakers as streams,
    with notes on what was read (``missing_ok``: leave out an ordinary-chat set not there)."""
    out: list[Stream] = []
    pj = load("perverted-justice", data_dir)
    for e in pj.split("all"):
        out.append(Stream(e.id or "", e.label, f"pj:{e.group}", tuple(t for _, t in e.messages)))
    notes = [f"perverted-justice: {len(out)} streams"]
    for name in ("nps-chat", "dailydialog"):
        try:
            ds = load(name, data_dir)
        except DatasetError as exc:
            if not missing_ok:
                raise
            notes.append(f"{name} left out: {exc.message}")
            continue
        split = "sessions" if name == "nps-chat" else dailydialog_split
        n = 0
        for conv in ds.split(split):
            by_sender: dict[str, list[str]] = {}
            for sender, text in conv.messages:
                by_sender.setdefault(sender, []).append(text)
            for sender in sorted(by_sender):
                out.append(
                    Stream(
                        f"{name}:{conv.id}:{sender}",
                        name,
                        f"{name}:{conv.id}",
                        tuple(by_sender[sender]),
                    )
                )
                n += 1
        notes.append(f"{name} ({split}): {n} participants")
    return out, notes


@dataclass(slots=True)
class Hashed:
    """Every message of ``streams`` hashed: row ``starts[i] + k`` is message ``k`` of stream
    ``i`` (binary, L2-normalized)."""

    x: sp.csr_matrix
    starts: np.ndarray
    lengths: np.ndarray


def hash_streams(items: Sequence[Stream], config: HashConfig) -> Hashed:
    indptr = [0]
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lengths = np.array([len(s.messages) for s in items], dtype=np.int64)
    for s in items:
        for text in s.messages:
            c = message_columns(text, config)
            cols.append(c)
            vals.append(np.full(len(c), 1.0 / np.sqrt(len(c)) if len(c) else 0.0))
            indptr.append(indptr[-1] + len(c))
    x = sp.csr_matrix(
        (
            np.concatenate(vals) if vals else np.zeros(0),
            np.concatenate(cols).astype(np.int32) if cols else np.zeros(0, np.int32),
            np.array(indptr, dtype=np.int64),
        ),
        shape=(int(lengths.sum()), config.buckets),
    )
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return Hashed(x, starts, lengths)


def stream_rows(h: Hashed, chosen: np.ndarray, prior: float) -> tuple[sp.csr_matrix, np.ndarray]:
    """Training rows for streams ``chosen``: each whole stream and its ``PREFIXES`` (shorter
    than the stream), as (sum of message rows) / (messages + prior); and which stream each
    row is."""
    rows, cols, vals, owner = [], [], [], []
    r = 0
    for i in chosen:
        n = int(h.lengths[i])
        for cut in (*[p for p in PREFIXES if p < n], n):
            rows.append(np.full(cut, r))
            cols.append(np.arange(h.starts[i], h.starts[i] + cut))
            vals.append(np.full(cut, 1.0 / (cut + prior)))
            owner.append(i)
            r += 1
    agg = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(r, h.x.shape[0]),
    )
    return (agg @ h.x).tocsr(), np.array(owner, dtype=np.int64)


def fit_weights(
    h: Hashed, items: Sequence[Stream], chosen: np.ndarray, config: HashConfig, seed: int
) -> tuple[np.ndarray, float]:
    x, owner = stream_rows(h, chosen, config.prior)
    y = np.array([items[i].positive for i in owner], dtype=int)
    if len(set(y.tolist())) < 2:
        raise DatasetError("the participant model needs positive and negative streams to train")
    source = np.array([items[i].source for i in owner])
    weight = np.ones(len(y))
    total = sum(SOURCE_WEIGHTS.get(s, 1.0) for s in set(source.tolist()))
    for name in set(source.tolist()):
        rows = source == name
        weight[rows] = SOURCE_WEIGHTS.get(name, 1.0) * len(y) / (rows.sum() * total)
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    lr = LogisticRegression(C=C, solver="liblinear", random_state=seed, max_iter=1000)
    lr.fit(x, y, sample_weight=weight)
    # float16, as shipped, so that thresholds are chosen on the weights inference will use.
    w = lr.coef_.ravel().astype(np.float16).astype(np.float64)
    return w, float(lr.intercept_[0])


def message_scores(h: Hashed, w: np.ndarray) -> np.ndarray:
    return np.asarray(h.x @ w).ravel()


def trace(scores: np.ndarray, h: Hashed, i: int, intercept: float, prior: float) -> np.ndarray:
    """Stream ``i``'s probability after each of its messages."""
    s = scores[h.starts[i] : h.starts[i] + h.lengths[i]]
    z = intercept + np.cumsum(s) / (np.arange(1, len(s) + 1) + prior)
    return 1.0 / (1.0 + np.exp(-z))


def peak(p: np.ndarray, min_messages: int) -> float:
    """The highest probability a stream reached once it had ``min_messages`` messages."""
    return float(p[min_messages - 1 :].max()) if len(p) >= min_messages else 0.0


def fold_of(items: Sequence[Stream], k: int = FOLDS, seed: int = 0) -> np.ndarray:
    """Fold of each stream: groups shuffled with ``seed`` within each source, dealt round-
    robin, so every fold holds a fifth of each source and no group is split. A decoy's group
    is their predator's, so both always sit in the same fold."""
    by_source: dict[str, list[str]] = {}
    for s in items:
        kind = "pj" if s.group.startswith("pj:") else s.source
        groups = by_source.setdefault(kind, [])
        groups.append(s.group)
    assign: dict[str, int] = {}
    for kind in sorted(by_source):
        unique = sorted(set(by_source[kind]))
        rng = np.random.default_rng(zlib.crc32(f"{seed}:{kind}".encode()))
        for j, g in enumerate(rng.permutation(len(unique))):
            assign[unique[g]] = j % k
    return np.array([assign[s.group] for s in items], dtype=np.int64)


def choose_thresholds(peaks: np.ndarray, positive: np.ndarray) -> dict[str, float]:
    """Lowest peak probability cut whose flagged streams reach each ``PRECISION`` target."""
    order = np.argsort(-peaks, kind="stable")
    hits = np.cumsum(positive[order])
    flagged = np.arange(1, len(order) + 1)
    precision = hits / flagged
    out = {}
    for level, target in PRECISION.items():
        ok = np.nonzero((precision >= target) & (flagged >= MIN_FLAGGED))[0]
        out[level] = round(float(peaks[order[ok.max()]]), 6) if len(ok) else 1.0
    out["high"] = max(out["high"], out["medium"])
    return out


def fit_model(
    items: Sequence[Stream],
    h: Hashed,
    chosen: np.ndarray,
    *,
    seed: int = 0,
    config: HashConfig | None = None,
    progress: Progress | None = None,
    sources: dict[str, object] | None = None,
) -> ParticipantModel:
    """The model trained on streams ``chosen``, thresholds from their out-of-fold peaks."""
    config = config or HashConfig()
    say = progress or (lambda _msg: None)
    chosen = np.asarray(chosen, dtype=np.int64)
    sub = [items[i] for i in chosen]
    inner = fold_of(sub, seed=seed + 1)
    peaks = np.zeros(len(chosen))
    for k in range(FOLDS):
        say(f"{TASK}: inner fold {k + 1}/{FOLDS}")
        tr, te = chosen[inner != k], np.nonzero(inner == k)[0]
        w, b = fit_weights(h, items, tr, config, seed)
        scores = message_scores(h, w)
        for j in te:
            peaks[j] = peak(trace(scores, h, int(chosen[j]), b, config.prior), MIN_MESSAGES)
    positive = np.array([s.positive for s in sub])
    thresholds = choose_thresholds(peaks, positive)
    say(f"{TASK}: fitting on {len(chosen)} streams")
    w, b = fit_weights(h, items, chosen, config, seed)
    counts = {src: sum(s.source == src for s in sub) for src in sorted({s.source for s in sub})}
    oof = {level: _precision_recall(peaks >= cut, positive) for level, cut in thresholds.items()}
    manifest = Manifest(
        task=TASK,
        version=__version__,
        language="en",
        category="grooming",
        labels=["ordinary", "predator"],
        positive=["predator"],
        featurizer=config.to_json(),
        thresholds=thresholds,
        decision_bias=[0.0, 0.0],
        training={
            **(sources or {}),
            "n_train": len(chosen),
            "label_counts": counts,
            "messages": int(h.lengths[chosen].sum()),
            "data_sha256": streams_digest(sub),
            "calibrated_on": f"train-{FOLDS}-fold-oof-peaks",
            "seed": seed,
            "hyperparameters": {
                "C": C,
                "source_weights": SOURCE_WEIGHTS,
                "prefixes": list(PREFIXES),
                "min_messages": MIN_MESSAGES,
                "precision_targets": PRECISION,
            },
            "n_features": config.buckets,
        },
        metrics={"train-oof": oof},
        libraries={
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        notes=(
            "Perverted-Justice predators vs their decoys, NPS chat users and DailyDialog train "
            "speakers. Hashed word uni/bigrams only: no text or vocabulary is stored."
        ),
        extra={"min_messages": MIN_MESSAGES, "stream_ids_sha256": ids_digest(sub)},
    )
    return ParticipantModel(manifest, w, b)


def _precision_recall(flagged: np.ndarray, positive: np.ndarray) -> dict[str, float]:
    tp = int((flagged & positive).sum())
    fp = int((flagged & ~positive).sum())
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / int(positive.sum()), 4) if positive.any() else 0.0,
        "flagged": tp + fp,
    }


def streams_digest(items: Sequence[Stream]) -> str:
    import hashlib

    h = hashlib.sha256()
    for s in items:
        h.update(s.source.encode())
        h.update(b"\x1f")
        for text in s.messages:
            h.update(text.encode("utf-8", "surrogatepass"))
            h.update(b"\x1e")
        h.update(b"\x1d")
    return h.hexdigest()


def ids_digest(items: Sequence[Stream]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(sorted(s.id for s in items)).encode()).hexdigest()


def train_participants(
    data_dir: Path, out_dir: Path, *, seed: int = 0, progress: Progress | None = None
) -> Manifest:
    """Train on every stream the datasets hold (DailyDialog train only) and write
    ``participants.npz`` + ``participants.json`` into ``out_dir``."""
    say = progress or (lambda _msg: None)
    items, notes = streams(data_dir)
    config = HashConfig()
    say(f"{TASK}: hashing {sum(len(s.messages) for s in items):,} messages")
    h = hash_streams(items, config)
    model = fit_model(
        items,
        h,
        np.arange(len(items)),
        seed=seed,
        config=config,
        progress=progress,
        sources={
            "datasets": ["perverted-justice/all", "nps-chat/sessions", "dailydialog/train"],
            "read": notes,
        },
    )
    manifest = model.save(out_dir)
    say(f"{TASK}: wrote {out_dir / (TASK + '.npz')}")
    return manifest

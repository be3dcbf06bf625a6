"""Train the ``SpanTagger`` on ViHOS's gold offensive spans.

Tokens come from the engine's own normalization (``Document.build``), so a tagged token maps
to the same original-text span at inference. A token is offensive when at least half of its
characters are inside a gold span. The threshold is the one that maximises character span F1
(per text, averaged, as ViHOS scores it) on ViHOS dev; ViHOS test and every evaluated split
of the datasets built from the same comments are removed from training first.
"""

from __future__ import annotations

import math
import platform
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

from notalone import __version__
from notalone.datasets import Dataset, Example, load
from notalone.datasets.base import leak_key
from notalone.datasets.leakage import held_out
from notalone.detection.classifiers.features import rules_lexicon
from notalone.detection.classifiers.model import Manifest
from notalone.detection.classifiers.tagger import SpanTagger, sequence
from notalone.detection.detector import Document
from notalone.metrics import span_f1
from notalone.training.fit import Progress, data_digest

TASK = "vihos_spans"
C = 0.5
MIN_DF = 2
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))


def _documents(examples: Sequence[Example]) -> list[Document]:
    lexicon = rules_lexicon()
    return [Document.build(e.text, lexicon, "vi") for e in examples]


def _rows(docs: Sequence[Document], examples: Sequence[Example] | None):
    """Per token: (document number, token index, features, gold label or None)."""
    for d, doc in enumerate(docs):
        gold = set()
        if examples is not None:
            for start, end in examples[d].spans:
                gold.update(range(start, end))
        for i, feats in sequence(doc.tokens.words, doc.channel("vi").words):
            label = None
            if examples is not None:
                start, end = doc.tokens.span(i)
                inside = sum(1 for c in range(start, end) if c in gold)
                label = int(end > start and 2 * inside >= end - start)
            yield d, i, feats, label


def training_examples(data_dir: Path, ds: Dataset | None = None) -> list[Example]:
    """ViHOS train without any text of ViHOS dev and of every split that is ever evaluated
    among the datasets built from the same comments (ViHOS test, ViHSD test, ViTHSD...)."""
    ds = ds if ds is not None else load("vihos", data_dir)
    banned = {leak_key(e.text) for e in ds.split("dev")}
    for split in held_out("vihos", data_dir, missing_ok=True):
        banned.update(leak_key(e.text) for e in split)
    return [e for e in ds.split("train") if leak_key(e.text) not in banned]


def train_tagger(
    data_dir: Path, out_dir: Path, *, seed: int = 0, progress: Progress | None = None
) -> Manifest:
    say = progress or (lambda _msg: None)
    ds = load("vihos", data_dir)
    train = training_examples(data_dir, ds)
    dev = ds.split("dev")
    say(f"{TASK}: tokenizing {len(train)} training comments")
    rows = list(_rows(_documents(train), train))
    df = Counter(f for _, _, feats, _ in rows for f in set(feats))
    vocabulary = sorted(f for f, n in df.items() if n >= MIN_DF)
    index = {f: k for k, f in enumerate(vocabulary)}
    x = _matrix([feats for _, _, feats, _ in rows], index)
    y = np.array([label for _, _, _, label in rows])
    say(f"{TASK}: fitting on {len(y):,} tokens, {len(vocabulary):,} features")
    model = LogisticRegression(C=C, max_iter=2000, random_state=seed).fit(x, y)
    weights = model.coef_.ravel().astype(np.float32)
    bias = float(model.intercept_[0])
    manifest = Manifest(
        task=TASK,
        version=__version__,
        language="vi",
        category="cyberbullying",
        labels=["O", "OFFENSIVE"],
        positive=["OFFENSIVE"],
        featurizer={"kind": "token", "window": 2, "char_ngram": [2, 4], "min_df": MIN_DF},
        thresholds={"token": 0.5},
        decision_bias=[],
        training={
            "datasets": ["vihos/train"],
            "removed_overlap": len(ds.split("train")) - len(train),
            "n_train": len(train),
            "n_tokens": len(y),
            "positive_tokens": int(y.sum()),
            "data_sha256": data_digest([e.text for e in train], [repr(e.spans) for e in train]),
            "calibrated_on": "vihos/dev",
            "seed": seed,
            "hyperparameters": {"c": C, "min_df": MIN_DF},
            "n_features": len(vocabulary),
        },
        metrics={},
        libraries={
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        notes=(
            "ViHOS train minus ViHOS dev/test and the evaluated splits of ViHSD, ViTHSD, "
            "VLSP 2019 and UIT-VSMEC; token threshold chosen on ViHOS dev for span F1."
        ),
        extra={"bias": bias},
    )
    tagger = SpanTagger(manifest, vocabulary, weights)
    say(f"{TASK}: choosing the threshold on {len(dev)} dev comments")
    scored = []  # per dev comment: (logit, span) of every word token
    for doc in _documents(dev):
        logits = tagger.token_scores(doc.tokens.words, doc.channel("vi").words)
        scored.append([(z, doc.tokens.span(i)) for i, z in logits.items()])
    gold = [e.spans for e in dev]
    best: tuple[float, float, dict[str, float]] = (-1.0, 0.5, {})
    for threshold in THRESHOLDS:
        cut = math.log(threshold / (1.0 - threshold))
        predicted = [[s for z, s in tokens if z >= cut and s[0] < s[1]] for tokens in scored]
        scores = span_f1(gold, predicted)
        if scores["span_f1"] > best[0] + 1e-12:
            best = (scores["span_f1"], threshold, scores)
    manifest.thresholds = {"token": float(best[1])}
    manifest.metrics = {"dev": {k: round(v, 4) for k, v in best[2].items()}}
    return SpanTagger(manifest, vocabulary, weights).save(out_dir)


def _matrix(rows: Sequence[Sequence[str]], index: dict[str, int]) -> sp.csr_matrix:
    """Feature counts per token (a repeated character n-gram counts twice, as the tagger's
    sum over its features does)."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for feats in rows:
        counts = Counter(index[f] for f in feats if f in index)
        for col in sorted(counts):
            indices.append(col)
            data.append(float(counts[col]))
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(rows), len(index)),
    )

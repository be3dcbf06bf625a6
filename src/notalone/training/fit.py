"""Fit one task's classifier: features, two linear models, stacked calibration, thresholds.

1. A vocabulary of character n-grams (diacritic and folded words) and word n-grams (chat
   spelling expanded) from the training texts (``vectorize``).
2. Two linear models on the same features: a linear SVM, and an NB-SVM (one-vs-rest SVMs on
   naive-Bayes log-count-ratio scaled features), whose weights are mapped back onto the plain
   features, so both are ``x · W + b``. Their regularization is chosen per task from
   ``C_GRID`` on the calibration data (ViHSD's best is not SMS spam's).
3. A multinomial logistic regression on their six scores, fitted on dev (or on out-of-fold
   scores of the training set when there is no dev split). Being linear in the scores, it
   folds into one ``W, b``: the shipped model is a single calibrated softmax.
4. On the same data: a decision bias on the log-probabilities that maximises the dataset's
   headline metric (macro-F1), and severity thresholds on P(positive) from the precision they
   reach.
5. With a dev split, the linear models are refitted on train + dev with the chosen C and keep
   that calibration: once dev has chosen, its labels are better spent on the weights (under
   cross-validation, the held-out fifth of each training fold goes back in the same way).

An auxiliary task (another dataset's labels for the same kind of text, e.g. VLSP 2019's for
ViHSD) adds an SVM and an NB-SVM of its own labels on the same features: their scores on the
calibration data, from models that did not see those texts, are more inputs of step 3, and the
final ones (trained on all of its texts) fold into the same ``W, b``, costing nothing at
inference. For Vietnamese offensive language a fastText subword model (``subwords``) is stacked
too: its log-probabilities on the calibration data (from a model that did not see them) are
more inputs of step 3, and it is refitted on what the linear models are finally fitted on.

Everything is seeded; scikit-learn and fastText are used here only, never at inference.
"""

from __future__ import annotations

import hashlib
import itertools
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from notalone import __version__
from notalone.datasets.base import Example, leak_key
from notalone.detection.classifiers.features import FeatureConfig, View
from notalone.detection.classifiers.model import Classifier, Manifest
from notalone.detection.classifiers.subwords import SubwordConfig
from notalone.training.subwords import train_subwords
from notalone.training.vectorize import fit_featurizer, matrix, views

Progress = Callable[[str], None]


C_GRID = (0.1, 0.3, 1.0)  # regularization of both linear models, chosen on calibration data


@dataclass(frozen=True, slots=True)
class Hyper:
    c: float | None = None  # None: the best of C_GRID on the calibration data
    refit: bool = True  # with a dev split: refit the linear models on train + dev at the end
    nb_alpha: float = 1.0
    calibration_c: float = 100.0
    min_df: int = 2
    features: FeatureConfig = field(default_factory=FeatureConfig)
    subwords: SubwordConfig | None = None  # a stacked fastText model, or none


# Categories whose models also read the shape block (links, prices, phone numbers): on UCI's
# folds it took en_scam's model MCC from 0.964 to 0.970; OLID's and Davidson's offensive tweets
# scored lower with it.
SHAPE_CATEGORIES = frozenset({"scam"})


# Models that stack a subword model, by (language, category). On ViHSD train + dev (5-fold
# out-of-fold, the calibration nested in 5 more folds) it took macro-F1 from 0.648 to 0.663;
# on Davidson's and UCI SMS's folds it changed nothing, and on the 57 smishing texts of the
# Vietnamese SMS set its F1 went from 0.637 to 0.620.
SUBWORD_MODELS = frozenset({("vi", "cyberbullying")})


def default_hyper(category: str, language: str) -> Hyper:
    return Hyper(
        features=FeatureConfig(shapes=category in SHAPE_CATEGORIES),
        subwords=SubwordConfig() if (language, category) in SUBWORD_MODELS else None,
    )


# Precision on dev that a model's positive probability must reach for each severity.
PRECISION_TARGETS = {"low": 0.6, "medium": 0.85, "high": 0.97}
MIN_FLAGGED = 10  # a threshold needs at least this many dev messages above it


@dataclass(slots=True)
class Split:
    texts: list[str]
    labels: list[str]

    @classmethod
    def of(cls, examples: Sequence[Example]) -> Split:
        return cls([e.text for e in examples], [e.label for e in examples])


@dataclass(slots=True)
class Auxiliary:
    """Another dataset's labels over texts like the task's (multi-task stacking): its labels
    need not be the task's, the calibrator learns what they say about them."""

    name: str  # e.g. "vlsp2019-hsd/all"
    labels: tuple[str, ...]
    split: Split


def without_texts(split: Split, keys: set[str]) -> Split:
    """``split`` less the examples whose text's ``leak_key`` is in ``keys``."""
    kept = [
        (t, label)
        for t, label in zip(split.texts, split.labels, strict=True)
        if leak_key(t) not in keys
    ]
    return Split([t for t, _ in kept], [label for _, label in kept])


def data_digest(texts: Sequence[str], labels: Sequence[str]) -> str:
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        h.update(text.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
        h.update(label.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def _csr32(x: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(x)
    out.indices = out.indices.astype(np.int32)
    out.indptr = out.indptr.astype(np.int32)
    return out


def _linear_models(
    x: sp.csr_matrix, y: np.ndarray, n_classes: int, c: float, hyper: Hyper, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x 2·classes) and intercepts of the SVM and the NB-SVM, side by side."""
    w = np.zeros((x.shape[1], 2 * n_classes))
    b = np.zeros(2 * n_classes)
    svm = LinearSVC(C=c, random_state=seed, max_iter=5000, dual=True).fit(x, y)
    coef = svm.coef_.T if n_classes > 2 else np.hstack([-svm.coef_.T, svm.coef_.T]) / 2
    inter = svm.intercept_ if n_classes > 2 else np.array([-1, 1]) * svm.intercept_[0] / 2
    w[:, :n_classes], b[:n_classes] = coef, inter
    for k in range(n_classes):
        yb = (y == k).astype(int)
        pos = np.asarray(x[yb == 1].sum(axis=0)).ravel() + hyper.nb_alpha
        neg = np.asarray(x[yb == 0].sum(axis=0)).ravel() + hyper.nb_alpha
        ratio = np.log((pos / pos.sum()) / (neg / neg.sum()))
        nb = LinearSVC(
            C=c, class_weight="balanced", random_state=seed, max_iter=5000, dual=True
        ).fit(_csr32(x.multiply(ratio)), yb)
        w[:, n_classes + k] = nb.coef_.ravel() * ratio
        b[n_classes + k] = nb.intercept_[0]
    return w, b


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def macro_f1(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """scikit-learn's ``f1_score(average="macro")`` (labels seen in ``y`` or ``pred``, zero
    for an undefined F1), from one confusion count: thousands of calls per tuning."""
    cm = np.bincount(y * n_classes + pred, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes
    )
    tp = np.diag(cm).astype(np.float64)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(n_classes), where=denom > 0)
    present = (support + predicted) > 0
    return float(f1[present].mean()) if present.any() else 0.0


def tune_bias(logp: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Additive log-prior shift (first class fixed at 0) maximising macro-F1: an exhaustive
    grid for up to three classes, coordinate ascent over the same grid beyond (a full grid
    for four classes is 68,921 evaluations)."""
    n_classes = logp.shape[1]
    grid = np.round(np.arange(-2.0, 2.01, 0.1), 2)
    best, best_bias = macro_f1(y, logp.argmax(1), n_classes), np.zeros(n_classes)
    if n_classes <= 3:
        for shift in itertools.product(grid, repeat=n_classes - 1):
            bias = np.array([0.0, *shift])
            score = macro_f1(y, (logp + bias).argmax(1), n_classes)
            if score > best + 1e-12:
                best, best_bias = score, bias
        return best_bias
    for _ in range(3):  # rounds of one class at a time
        improved = False
        for k in range(1, n_classes):
            for value in grid:
                bias = best_bias.copy()
                bias[k] = value
                score = macro_f1(y, (logp + bias).argmax(1), n_classes)
                if score > best + 1e-12:
                    best, best_bias, improved = score, bias, True
        if not improved:
            break
    return best_bias


def choose_thresholds(
    p_pos: np.ndarray, is_pos: np.ndarray, targets: dict[str, float] = PRECISION_TARGETS
) -> dict[str, float]:
    """Lowest P(positive) cut reaching each precision target on the calibration data."""
    order = np.argsort(-p_pos, kind="stable")
    hits = np.cumsum(is_pos[order])
    flagged = np.arange(1, len(order) + 1)
    precision = hits / flagged
    out = {}
    for level, target in targets.items():
        ok = np.nonzero((precision >= target) & (flagged >= MIN_FLAGGED))[0]
        # The deepest cut that still holds the precision target: below it, it would not.
        cut = float(p_pos[order[ok.max()]]) if len(ok) else 1.01
        out[level] = round(max(cut, 0.5 if level == "low" else cut), 4)
    # Thresholds must be ordered low <= medium <= high.
    out["medium"] = max(out["medium"], out["low"])
    out["high"] = max(out["high"], out["medium"])
    return out


def evaluate(
    logp: np.ndarray, y: np.ndarray, labels: Sequence[str], bias: np.ndarray
) -> dict[str, object]:
    pred = (logp + bias).argmax(1)
    p, r, f, n = precision_recall_fscore_support(
        y, pred, labels=list(range(len(labels))), zero_division=0
    )
    return {
        "macro_f1": round(float(f.mean()), 4),
        "macro_f1_argmax": round(float(f1_score(y, logp.argmax(1), average="macro")), 4),
        "accuracy": round(float((pred == y).mean()), 4),
        "per_class": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(n[i]),
            }
            for i, label in enumerate(labels)
        },
        "n": len(y),
    }


@dataclass(slots=True)
class TaskData:
    task: str
    language: str
    category: str
    labels: tuple[str, ...]
    positive: tuple[str, ...]
    train: Split
    dev: Split | None
    sources: dict[str, object]  # what went in: datasets, removed overlaps
    notes: str = ""
    # Where a model runs on traffic with far fewer positives than its calibration data, the
    # same cut flags more innocent messages per true hit: such a task asks for more.
    precision_targets: dict[str, float] = field(default_factory=lambda: dict(PRECISION_TARGETS))
    auxiliary: tuple[Auxiliary, ...] = ()


def auxiliary_data(data: TaskData) -> list[tuple[Auxiliary, Split]]:
    """Each auxiliary task's examples but those whose text the task itself trains or
    calibrates on: its models' scores on the calibration data then come from models that never
    saw those texts, as the scores of new messages will. One left without an example of each
    of its labels cannot train its models and is left out."""
    own = {leak_key(t) for t in [*data.train.texts, *(data.dev.texts if data.dev else ())]}
    kept = [(aux, without_texts(aux.split, own)) for aux in data.auxiliary]
    return [(aux, split) for aux, split in kept if set(split.labels) == set(aux.labels)]


def seen_texts(data: TaskData) -> list[str]:
    """Every text that shaped the model (dev chooses and calibrates even when not refitted
    on, auxiliary tasks' texts train weights too): what no evaluated text may be."""
    return [
        *data.train.texts,
        *(data.dev.texts if data.dev is not None else ()),
        *(text for _, split in auxiliary_data(data) for text in split.texts),
    ]


def fitted_data(data: TaskData, hyper: Hyper | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels the final weights were fitted on (dev too when it is refitted on; an
    auxiliary task's labels prefixed with its name, as they are not the task's)."""
    texts, labels = list(data.train.texts), list(data.train.labels)
    if data.dev is not None and (hyper or Hyper()).refit:
        texts += data.dev.texts
        labels += data.dev.labels
    for aux, split in auxiliary_data(data):
        texts += split.texts
        labels += [f"{aux.name}:{label}" for label in split.labels]
    return texts, labels


@dataclass(slots=True)
class _Candidate:
    """One regularization's calibrated model and its calibration-data macro-F1."""

    c: float
    a: np.ndarray  # the calibrator: linear-model scores -> class logits
    sub: np.ndarray  # ... and its weights of the subword model's log-probabilities
    k: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    logp: np.ndarray
    bias: np.ndarray
    score: float


def _calibrate(
    c: float,
    n_classes: int,
    w: np.ndarray,
    b: np.ndarray,
    scores: np.ndarray,
    y: np.ndarray,
    hyper: Hyper,
) -> _Candidate:
    """Stack the linear models' scores (the task's and its auxiliary tasks', ``w``'s
    columns, and the subword model's log-probabilities, the columns after them) into one
    softmax, the linear part folded into ``W, b``, and tune its decision bias; the calibration
    data's macro-F1 compares regularizations."""
    n_linear = w.shape[1]
    calibrator = LogisticRegression(C=hyper.calibration_c, max_iter=5000).fit(scores, y)
    a = calibrator.coef_ if n_classes > 2 else np.vstack([-calibrator.coef_, calibrator.coef_]) / 2
    k = calibrator.intercept_
    k = k if n_classes > 2 else np.array([-1, 1]) * k[0] / 2
    logp = _log_softmax(scores @ a.T + k)
    bias = tune_bias(logp, y)
    score = macro_f1(y, (logp + bias).argmax(1), n_classes)
    a, sub = a[:, :n_linear], a[:, n_linear:]
    return _Candidate(c, a, sub, k, w @ a.T, b @ a.T + k, logp, bias, score)


def fit_task(
    data: TaskData, *, seed: int = 0, hyper: Hyper | None = None, progress: Progress | None = None
) -> Classifier:
    """Train, calibrate and threshold one task; returns the classifier (not yet saved)."""
    hyper = hyper or default_hyper(data.category, data.language)
    say = progress or (lambda _msg: None)
    labels = list(data.labels)
    index = {label: i for i, label in enumerate(labels)}
    n_classes = len(labels)
    y = np.array([index[label] for label in data.train.labels])
    say(f"{data.task}: featurizing {len(y)} training texts")
    train_views = views(data.train.texts, data.language)
    featurizer = fit_featurizer(train_views, hyper.features, min_df=hyper.min_df)
    x = matrix(featurizer, train_views)
    dev_views = views(data.dev.texts, data.language) if data.dev is not None else []
    if data.dev is not None:
        cal_x = matrix(featurizer, dev_views)
        cal_y = np.array([index[label] for label in data.dev.labels])
        calibrated_on = "dev"
        oof_folds = None
    else:  # out-of-fold scores of the training set
        say(f"{data.task}: no dev split; calibrating on 5-fold out-of-fold scores")
        cal_x, cal_y, calibrated_on = x, y, "train-5-fold-oof"
        splitter = StratifiedKFold(5, shuffle=True, random_state=seed)
        oof_folds = list(splitter.split(np.zeros(len(y)), y))
    cal_subwords = None
    if hyper.subwords is not None:
        say(f"{data.task}: training the subword model for calibration")
        cal_subwords = _subword_scores(
            train_views, y, n_classes, dev_views, oof_folds, hyper.subwords, seed
        )
    aux_data = auxiliary_data(data)
    auxiliary = []
    for aux, split in aux_data:
        say(f"{data.task}: featurizing {len(split.texts)} texts of the auxiliary {aux.name}")
        aux_index = {label: i for i, label in enumerate(aux.labels)}
        aux_y = np.array([aux_index[label] for label in split.labels])
        aux_x = matrix(featurizer, views(split.texts, data.language))
        auxiliary.append((aux_x, aux_y, len(aux.labels)))
    grid = C_GRID if hyper.c is None else (hyper.c,)
    best: _Candidate | None = None
    aux_weights: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    for c in grid:
        say(f"{data.task}: fitting linear models on {featurizer.size} features, C={c}")
        w, b = _linear_models(x, y, n_classes, c, hyper, seed)
        if oof_folds is None:
            cal_scores = cal_x @ w + b
        else:
            cal_scores = np.zeros((len(y), 2 * n_classes))
            for tr, va in oof_folds:
                fw, fb = _linear_models(x[tr], y[tr], n_classes, c, hyper, seed)
                cal_scores[va] = x[va] @ fw + fb
        # Auxiliary models never saw the calibration texts: their scores need no folds.
        fitted_aux = [_linear_models(ax, ay, n_aux, c, hyper, seed) for ax, ay, n_aux in auxiliary]
        aux_w = np.hstack([np.zeros((featurizer.size, 0)), *(aw for aw, _ in fitted_aux)])
        aux_b = np.concatenate([np.zeros(0), *(ab for _, ab in fitted_aux)])
        aux_weights[c] = aux_w, aux_b
        cal_scores = np.hstack([cal_scores, cal_x @ aux_w + aux_b])
        if cal_subwords is not None:
            cal_scores = np.hstack([cal_scores, cal_subwords])
        candidate = _calibrate(
            c,
            n_classes,
            np.hstack([w, aux_w]),
            np.concatenate([b, aux_b]),
            cal_scores,
            cal_y,
            hyper,
        )
        if best is None or candidate.score > best.score + 1e-9:
            best = candidate
    assert best is not None
    coef, intercept, logp, bias = best.coef, best.intercept, best.logp, best.bias
    refit = data.dev is not None and hyper.refit
    if refit:
        say(f"{data.task}: refitting on train + dev with C={best.c}")
        all_x = sp.vstack([x, cal_x], format="csr")
        w, b = _linear_models(all_x, np.concatenate([y, cal_y]), n_classes, best.c, hyper, seed)
        aux_w, aux_b = aux_weights[best.c]
        coef = np.hstack([w, aux_w]) @ best.a.T
        intercept = np.concatenate([b, aux_b]) @ best.a.T + best.k
    subwords = None
    if hyper.subwords is not None:
        say(f"{data.task}: training the subword model")
        fitted = [*train_views, *dev_views] if refit else train_views
        fitted_y = np.concatenate([y, cal_y]) if refit else y
        final = train_subwords(
            [v.expanded for v in fitted], fitted_y, n_classes, hyper.subwords, seed
        )
        subwords = (final, best.sub)
    positive = np.array([label in data.positive for label in labels])
    p_pos = np.exp(logp)[:, positive].sum(axis=1)
    thresholds = choose_thresholds(p_pos, positive[cal_y], data.precision_targets)
    metrics = {calibrated_on: evaluate(logp, cal_y, labels, bias)}
    manifest = Manifest(
        task=data.task,
        version=__version__,
        language=data.language,
        category=data.category,
        labels=labels,
        positive=list(data.positive),
        featurizer=hyper.features.to_json(),
        thresholds=thresholds,
        decision_bias=[round(float(v), 4) for v in bias],
        training={
            **data.sources,
            "n_train": len(y),
            "label_counts": {label: int((y == i).sum()) for i, label in enumerate(labels)},
            "data_sha256": data_digest(*fitted_data(data, hyper)),
            "fitted_on": "train+dev" if data.dev is not None and hyper.refit else "train",
            "calibrated_on": calibrated_on,
            "seed": seed,
            "hyperparameters": {
                "c": best.c,
                "c_grid": list(grid),
                "nb_alpha": hyper.nb_alpha,
                "calibration_c": hyper.calibration_c,
                "min_df": hyper.min_df,
                "refit": hyper.refit,
                "precision_targets": data.precision_targets,
            },
            "n_features": featurizer.size,
            **(
                {
                    "auxiliary": [
                        {"name": aux.name, "labels": list(aux.labels), "n": len(split.texts)}
                        for aux, split in aux_data
                    ]
                }
                if aux_data
                else {}
            ),
        },
        metrics=metrics,
        libraries={
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            **({"fasttext-wheel": metadata.version("fasttext-wheel")} if subwords else {}),
        },
        notes=data.notes,
        extra={"subwords": hyper.subwords.to_json()} if hyper.subwords is not None else {},
    )
    return Classifier(manifest, featurizer, coef, intercept, subwords)


def _subword_scores(
    train_views: Sequence[View],
    y: np.ndarray,
    n_classes: int,
    dev_views: Sequence[View],
    oof_folds: list[tuple[np.ndarray, np.ndarray]] | None,
    config: SubwordConfig,
    seed: int,
) -> np.ndarray:
    """The subword model's log-probabilities on the calibration data, each from a model that
    did not train on it: trained on train for dev, or out of fold on train (``oof_folds``)."""
    expanded = [v.expanded for v in train_views]
    if oof_folds is None:
        model = train_subwords(expanded, y, n_classes, config, seed)
        return np.array([model.log_proba(v.expanded) for v in dev_views])
    out = np.zeros((len(y), n_classes))
    for tr, va in oof_folds:
        model = train_subwords([expanded[i] for i in tr], y[tr], n_classes, config, seed)
        out[va] = [model.log_proba(expanded[i]) for i in va]
    return out

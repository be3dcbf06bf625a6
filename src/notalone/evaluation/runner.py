"""Score each configuration of NotAlone (rules, model, fused) and the plain baseline on a dataset.

The protocol comes from the dataset (official split, stratified or grouped 5-fold CV, false-
positive slice, smoke test). Models that are evaluated by cross-validation are retrained on
each training fold; shipped models are only scored on official test splits they never saw,
and the runner checks that no test text was in their training data before it scores them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from notalone import metrics
from notalone.datasets import Dataset, Example, Protocol, assert_disjoint, folds, load, without
from notalone.datasets.leakage import evaluation_split, evaluation_split_name
from notalone.detection.engine import Engine
from notalone.detection.types import Assessment
from notalone.evaluation.baseline import C_GRID, Baseline
from notalone.evaluation.models import EvalModel, Flagged, ModelConfigs
from notalone.taxonomy import FLAG_SEVERITY

CONFIGS = ("rules", "model", "fused", "baseline")
NEGATIVE, POSITIVE = "no risk", "risk"
THROUGHPUT_SAMPLE = 2000  # messages timed one at a time per configuration
# Some research texts are whole chat logs (Perverted-Justice streams reach 300 KB): the
# engines read them whole, where the service would refuse anything over 64 KB.
MAX_TEXT_BYTES = 1 << 20
STREAM_PREFIX = 4000  # characters of a chat stream the message-level configurations read

Predict = Callable[[str], str]
Progress = Callable[[str], None]
#: Our categories that answer a labelled dataset's question (its ``category``). An offensive-
#: language set's risk is bullying or a threat; a chat predator's, grooming, sexual talk or
#: sextortion. A flag in another category is not the dataset's positive (an offensive SMS is
#: not spam, a link-sharing tweet flagged as a scam is not hate): its cost is measured on the
#: false-alarm slices, where every category counts.
ANSWERS: dict[str, frozenset[str]] = {
    "cyberbullying": frozenset({"cyberbullying", "threat"}),
    "grooming": frozenset({"grooming", "sexual_content", "sextortion"}),
}


@dataclass
class ConfigResult:
    config: str
    metrics: dict[str, object] | None = None  # None: not applicable to this dataset
    view: str = "native"  # "native" labels, or "binary" risk vs no risk
    fold_scores: list[dict[str, float]] = field(default_factory=list)
    messages_per_second: float | None = None
    note: str = ""
    seed_scores: list[float] = field(default_factory=list)  # headline, one per training seed


@dataclass
class DatasetResult:
    dataset: Dataset
    evaluated_on: str  # "test", "5 folds", ...
    results: dict[str, ConfigResult]
    n: int

    def to_json(self) -> dict[str, object]:
        ds = self.dataset
        shipped = self.results.get("fused") or self.results.get("rules")
        key = "split" if ds.protocol is Protocol.SPLIT else "protocol"
        out: dict[str, object] = {
            "dataset": ds.name,
            key: self.evaluated_on if key == "split" else ds.protocol.value,
            "language": ds.language,
            "category": ds.category,
            "headline": ds.headline,
            "n": self.n,
            "metrics": _headline_metrics(shipped),
            "baseline": _headline_metrics(self.results.get("baseline")),
            "per_class": (shipped.metrics or {}).get("per_class", {}) if shipped else {},
            "configurations": {
                name: {
                    "view": r.view,
                    "metrics": _headline_metrics(r),
                    "folds": r.fold_scores,
                    "messages_per_second": r.messages_per_second,
                    "note": r.note,
                    **({"seeds": r.seed_scores} if r.seed_scores else {}),
                }
                for name, r in self.results.items()
            },
        }
        return out


def _headline_metrics(result: ConfigResult | None) -> dict[str, object]:
    if result is None or result.metrics is None:
        return {}
    return {k: v for k, v in result.metrics.items() if k not in ("per_class",)}


class Runner:
    """Holds the engines once; ``run(name)`` evaluates one dataset."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        configs: Sequence[str] = CONFIGS,
        seed: int = 0,
        seeds: int = 1,
        progress: Progress | None = None,
    ) -> None:
        unknown = set(configs) - set(CONFIGS)
        if unknown:
            raise ValueError(f"unknown configurations {sorted(unknown)}; use {', '.join(CONFIGS)}")
        self.data_dir = data_dir
        self.configs = tuple(configs)
        self.seed = seed
        self.seeds = seeds  # official splits: also retrain the model with this many seeds
        self.progress = progress or (lambda _msg: None)
        self.rules_engine = Engine(classifiers=False, max_bytes=MAX_TEXT_BYTES)
        self.fused_engine = Engine(max_bytes=MAX_TEXT_BYTES)
        self.models = ModelConfigs(data_dir)
        self._evaluated: list[str] = []  # every text the dataset's folds (or test split) score
        self._left_out: list[str] = []  # shipped models the fused engine runs without, and why

    # -- public -----------------------------------------------------------------------------

    def run(self, name: str) -> DatasetResult:
        return self.run_dataset(load(name, self.data_dir))

    def run_dataset(self, ds: Dataset) -> DatasetResult:
        self._left_out = []
        if ds.protocol is Protocol.FALSE_POSITIVE:
            return self._false_positives(ds)
        if ds.protocol is Protocol.SPLIT:
            return self._official_split(ds)
        cut = _stream_prefixes(ds)
        result = self._cross_validate(cut or ds)  # stratified / grouped 5-fold, smoke tests
        if cut is not None:
            result.evaluated_on += f" (each stream's first {STREAM_PREFIX:,} characters)"
        return result

    # -- protocols --------------------------------------------------------------------------

    def _official_split(self, ds: Dataset) -> DatasetResult:
        test = ds.split("test")
        test_texts = self._evaluated = texts_of(test)
        # Every test text leaves every training source, the official split's own included.
        train = without(ds.split("train"), test_texts)
        dev = without(ds.splits.get("dev", []), test_texts)
        model = self._model_for(ds, train, dev, test_texts, ds.name)
        results: dict[str, ConfigResult] = {}
        for config in self.configs:
            self.progress(f"{ds.name}: {config}")
            if config == "baseline":
                results[config] = self._baseline(ds, train, dev, test)
            elif config == "rules":
                results[config] = self._engine_binary(ds, self.rules_engine, test, "rules")
            elif model is None:
                results[config] = ConfigResult(config, note="no risk labels to learn from")
            else:
                predict = model.predict if config == "model" else self._fuse(ds, model)
                results[config] = self._score(ds, test, predict, config)
            if ds.headline == "span_f1" and results[config].metrics is not None:
                self._add_spans(ds, results[config], test, model)
        self._note_left_out(results)
        scored = results.get("model")
        # A span headline is the span tagger's, which a classifier's seed does not change.
        if model is not None and self.seeds > 1 and scored and ds.headline != "span_f1":
            self._seed_variation(ds, test, scored, model, train, dev)
        return DatasetResult(ds, "test", results, len(test))

    def _seed_variation(
        self,
        ds: Dataset,
        test: list[Example],
        result: ConfigResult,
        scored: EvalModel,
        train: list[Example],
        dev: list[Example],
    ) -> None:
        """The model's headline beside its recipe retrained with ``seeds - 1`` other seeds:
        the shipped recipe for a shipped model, else the evaluation's own on the same split
        (its calibration fifth is drawn with the seed too)."""
        if result.metrics is None:
            return
        labels, positive = _labels(ds, "native")
        scores = [float(result.metrics[ds.headline])]  # type: ignore[arg-type]
        texts = texts_of(test)
        first = int(scored.classifier.manifest.training["seed"])
        others = [s for s in range(self.seeds + 1) if s != first][: self.seeds - 1]
        for seed in others:
            self.progress(f"{ds.name}: model, seed {seed}")
            if scored.shipped:
                model = self.models.reseeded(ds, seed)
            else:
                model = self.models.fit(ds, train, dev, seed=seed)
                assert model is not None  # it trained with the first seed
            assert_disjoint(model.training_texts(), texts, f"{ds.name} (seed {seed})")
            predicted = [model.predict(t) for t in texts]
            m = metrics.classification(labels_of(test), predicted, labels, positive)
            scores.append(float(m[ds.headline]))  # type: ignore[arg-type]
        result.seed_scores = scores

    def _cross_validate(self, ds: Dataset) -> DatasetResult:
        per_config: dict[str, list[tuple[list[str], list[str]]]] = {c: [] for c in self.configs}
        speed: dict[str, list[float]] = {c: [] for c in self.configs}
        notes: dict[str, str] = {}
        n = 0
        self._evaluated = texts_of(ds.split("all"))
        for k, (fold_train, test) in enumerate(folds(ds, k=5, seed=self.seed), start=1):
            n += len(test)
            texts = texts_of(test)
            train = without(fold_train, texts)  # repeated texts stay out of training
            self.progress(f"{ds.name}: fold {k}/5, training")
            model = self._model_for(ds, train, [], texts, f"{ds.name} fold {k}")
            for config in self.configs:
                self.progress(f"{ds.name}: fold {k}/5, {config}")
                predict: Predict
                if config == "baseline":
                    baseline = Baseline(seed=self.seed).fit(texts_of(train), labels_of(train))
                    predict = baseline.predict_one
                elif config == "rules":
                    predict = self._engine_predict(ds, self.rules_engine)
                elif model is None:
                    notes[config] = "no risk labels to learn from"
                    continue
                else:
                    predict = model.predict if config == "model" else self._fuse(ds, model)
                preds, rate = _timed(predict, texts)
                gold = [e.label for e in test]
                if config == "rules":
                    gold = [_binary(ds, e.label) for e in test]
                per_config[config].append((gold, preds))
                speed[config].append(rate)
        results = {}
        for config in self.configs:
            pairs = per_config[config]
            if not pairs:
                results[config] = ConfigResult(config, note=notes.get(config, ""))
                continue
            view = "binary" if config == "rules" else "native"
            labels, positive = _labels(ds, view)
            fold_scores = [
                _fold_summary(metrics.classification(g, p, labels, positive)) for g, p in pairs
            ]
            pooled = metrics.classification(
                [x for g, _ in pairs for x in g], [x for _, p in pairs for x in p], labels, positive
            )
            for key in fold_scores[0]:
                values = [f[key] for f in fold_scores]
                pooled[key] = statistics.fmean(values)
                pooled[f"{key}_sd"] = statistics.pstdev(values)
            results[config] = ConfigResult(
                config, pooled, view, fold_scores, statistics.fmean(speed[config])
            )
        self._note_left_out(results)
        return DatasetResult(ds, "5 folds", results, n)

    def _note_left_out(self, results: dict[str, ConfigResult]) -> None:
        fused = results.get("fused")
        if fused is not None and self._left_out:
            fused.note = "without " + "; ".join(self._left_out)

    def _model_for(
        self,
        ds: Dataset,
        train: list[Example],
        dev: list[Example],
        test_texts: list[str],
        where: str,
    ) -> EvalModel | None:
        """The model the "model" and "fused" rows use, checked disjoint from the test texts
        (and so is the span tagger the fused engine gives it for evidence)."""
        if not {"model", "fused"} & set(self.configs):
            return None
        model = None
        if ds.protocol is Protocol.SPLIT:
            model = self.models.shipped(ds)
        if model is None:
            model = self.models.fit(ds, train, dev, seed=self.seed)
        if model is not None:
            assert_disjoint(model.training_texts(), test_texts, where)
            tagger = self.models.tagger_training_texts(model)  # the fused engine's evidence
            assert_disjoint(tagger, test_texts, f"{where} (span tagger)")
            kept, self._left_out = self.models.companions(model, self._evaluated)
            model.beside = tuple(kept)  # the fused engine's other shipped models
            beside = self.models.companion_training_texts(model)
            assert_disjoint(beside, test_texts, f"{where} (shipped models beside it)")
        return model

    def _add_spans(
        self, ds: Dataset, result: ConfigResult, test: list[Example], model: EvalModel | None
    ) -> None:
        """Span F1 of the evidence the configuration shows, against the gold spans."""
        if result.config == "baseline":
            return
        spans: Callable[[str], list[tuple[int, int]]]
        if result.config == "model" and model is not None:
            spans = self.models.model_spans(model, self.rules_engine)
        else:
            engine = self.rules_engine
            if result.config == "fused" and model is not None:
                engine = self.models.engine(model, self.rules_engine)
            spans = partial(_evidence_spans, engine, ds.language)
        predicted = [spans(e.text) for e in test]
        assert result.metrics is not None
        result.metrics.update(metrics.span_f1([e.spans for e in test], predicted))

    def _false_positives(self, ds: Dataset) -> DatasetResult:
        texts = texts_of(evaluation_split(ds))
        results: dict[str, ConfigResult] = {}
        for config in self.configs:
            self.progress(f"{ds.name}: {config}")
            if config in ("rules", "fused"):
                engine = self.rules_engine if config == "rules" else self.fused_engine
                if config == "fused":  # every shipped model reads these texts
                    shipped = self.models.shipped_training_texts(ds.language)
                    assert_disjoint(shipped, texts, f"{ds.name} (shipped models)")
                preds, rate = _timed(self._engine_predict(ds, engine), texts)
                m = metrics.false_positive_rate([p == POSITIVE for p in preds])
                results[config] = ConfigResult(config, m, "binary", messages_per_second=rate)
            else:
                results[config] = ConfigResult(config, note="no labels to learn from")
        scored = evaluation_split_name(ds)
        return DatasetResult(ds, f"{scored} (no risk expected)", results, len(texts))

    # -- configurations ---------------------------------------------------------------------

    def _baseline(
        self, ds: Dataset, train: list[Example], dev: list[Example], test: list[Example]
    ) -> ConfigResult:
        c = 1.0
        if dev:  # choose C on dev, never on test
            labels, positive = _labels(ds, "native")
            best = -1.0
            for candidate in C_GRID:
                fitted = Baseline(candidate, self.seed).fit(texts_of(train), labels_of(train))
                score = metrics.classification(
                    labels_of(dev), fitted.predict(texts_of(dev)), labels, positive
                )["macro_f1"]
                if score > best:
                    best, c = score, candidate
        model = Baseline(c, self.seed).fit(texts_of(train), labels_of(train))
        result = self._score(ds, test, model.predict_one, "baseline")
        result.note = f"C={c}"
        return result

    def _engine_binary(
        self, ds: Dataset, engine: Engine, test: list[Example], config: str
    ) -> ConfigResult:
        preds, rate = _timed(self._engine_predict(ds, engine), texts_of(test))
        labels, positive = _labels(ds, "binary")
        gold = [_binary(ds, e.label) for e in test]
        m = metrics.classification(gold, preds, labels, positive)
        return ConfigResult(config, m, "binary", messages_per_second=rate)

    def _engine_predict(self, ds: Dataset, engine: Engine) -> Predict:
        flagged = answers(ds)

        def predict(text: str) -> str:
            return POSITIVE if flagged(engine.analyze(text, ds.language)) else NEGATIVE

        return predict

    def _fuse(self, ds: Dataset, model: EvalModel) -> Predict:
        return self.models.fused(model, self.fused_engine, answers(ds))

    def _score(
        self, ds: Dataset, test: list[Example], predict: Predict, config: str
    ) -> ConfigResult:
        preds, rate = _timed(predict, texts_of(test))
        labels, positive = _labels(ds, "native")
        m = metrics.classification(labels_of(test), preds, labels, positive)
        return ConfigResult(config, m, "native", messages_per_second=rate)


# -- helpers ------------------------------------------------------------------------------------


def answers(ds: Dataset) -> Flagged:
    """Whether a verdict flags (severity ≥ ``FLAG_SEVERITY``) a category answering ``ds``'s
    question (``ANSWERS``); any category on a set with no risk labels."""
    own = ANSWERS.get(ds.category, frozenset({ds.category})) if ds.category else None

    def flagged(assessment: Assessment) -> bool:
        return any(
            c.severity >= FLAG_SEVERITY and (own is None or c.id in own)
            for c in assessment.categories
        )

    return flagged


def texts_of(examples: Sequence[Example]) -> list[str]:
    return [e.text for e in examples]


def labels_of(examples: Sequence[Example]) -> list[str]:
    return [e.label for e in examples]


def _binary(ds: Dataset, label: str) -> str:
    return POSITIVE if label in ds.positive else NEGATIVE


def _labels(ds: Dataset, view: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if view == "binary":
        return (NEGATIVE, POSITIVE), (POSITIVE,)
    return ds.labels, ds.positive


def _fold_summary(m: dict[str, object]) -> dict[str, float]:
    keys = ("macro_f1", "weighted_f1", "accuracy", "mcc", "precision", "recall", "f1", "f0_5")
    return {k: float(m[k]) for k in keys}  # type: ignore[arg-type]


def _stream_prefixes(ds: Dataset) -> Dataset | None:
    """``ds`` with every chat stream cut to its beginning, or None when it holds no streams.

    A Perverted-Justice example is a whole side of a conversation (up to 300 KB); messages
    are assessed one by one, so the message-level configurations read how a chat begins, and
    the conversation mode (``evaluate --conversations``) reads whole streams.
    """
    examples = ds.splits.get("all", [])
    if not any(e.messages and len(e.text) > STREAM_PREFIX for e in examples):
        return None
    cut = [replace(e, text=e.text[:STREAM_PREFIX]) for e in examples]
    return replace(ds, splits={**ds.splits, "all": cut})


def _evidence_spans(engine: Engine, language: str, text: str) -> list[tuple[int, int]]:
    assessment = engine.analyze(text, language)
    return [(e.start, e.end) for c in assessment.categories for e in c.evidence]


def _timed(predict: Predict, texts: Sequence[str]) -> tuple[list[str], float]:
    """All predictions, and messages per second over the first ``THROUGHPUT_SAMPLE``."""
    sample = texts[:THROUGHPUT_SAMPLE]
    start = time.perf_counter()
    head = [predict(t) for t in sample]
    elapsed = time.perf_counter() - start
    rest = [predict(t) for t in texts[THROUGHPUT_SAMPLE:]]
    return head + rest, (len(sample) / elapsed if elapsed > 0 else 0.0)

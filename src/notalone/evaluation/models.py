"""The "model" and "fused" configurations of an evaluation: which classifier, trained on what.

On a dataset with an official split, the model is the shipped one when it was trained on that
dataset (its manifest says so); its training data is assembled again and checked against the
manifest's digest, so the runner can prove no test text was in it. Under cross-validation,
a model is trained on each training fold with the same recipe as the shipped ones
(``notalone.training.fit``), calibrated on a stratified fifth of that fold, never on the test
fold (the out-of-fold calibration of shipped tasks without dev costs six fits per setting: an
evaluation would take hours). "Fused" is the engine itself (rules, combinations, guards) with
that model as one more detector, i.e. exactly what ``analyze`` would answer if it shipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from notalone.datasets import Dataset, Example, default_data_dir
from notalone.detection.classifiers import (
    Classifier,
    ClassifierDetector,
    SpanTagger,
    load_classifiers,
    load_taggers,
)
from notalone.detection.detector import Document
from notalone.detection.engine import Engine
from notalone.errors import DatasetError
from notalone.taxonomy import FLAG_SEVERITY
from notalone.training import TASKS
from notalone.training.fit import (
    Split,
    TaskData,
    data_digest,
    fit_task,
    fitted_data,
    seen_texts,
)
from notalone.training.tagger import training_examples as tagger_training_examples

CALIBRATION_SHARE = 0.2  # of each training fold, held out to calibrate and set thresholds
MIN_PER_LABEL = 5  # so that the calibration fifth holds every label

Predict = Callable[[str], str]
SpanPredict = Callable[[str], list[tuple[int, int]]]


@dataclass(slots=True)
class EvalModel:
    """A classifier and the exact texts it was trained on (for the disjointness check)."""

    classifier: Classifier
    trained_on: tuple[str, ...]
    shipped: bool = False  # the package's own artifact, not one trained for this evaluation

    def training_texts(self) -> Sequence[str]:
        return self.trained_on

    def predict(self, text: str) -> str:
        return self.classifier.predict(text)


class ModelConfigs:
    """Finds or trains the model for a dataset, and fuses it with the rules."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self._engines: dict[int, Engine] = {}
        self._shipped_texts: dict[str, list[str]] = {}

    def shipped(self, ds: Dataset) -> EvalModel | None:
        """The shipped classifier trained on ``ds`` (task name = dataset name), if any."""
        clf = load_classifiers().get(ds.name)
        if clf is None or ds.name not in TASKS:
            return None
        data = TASKS[ds.name](self._data_dir())
        if data_digest(*fitted_data(data)) != clf.manifest.training.get("data_sha256"):
            raise DatasetError(
                f"{ds.name}: the shipped model was trained on other data than the datasets "
                "here give (training-data digest differs); rebuild it with `notalone train` "
                "or point --data-dir at the data it was built from"
            )
        return EvalModel(clf, tuple(seen_texts(data)), shipped=True)

    def fit(
        self,
        ds: Dataset,
        train: Sequence[Example],
        dev: Sequence[Example] = (),
        *,
        seed: int = 0,
    ) -> EvalModel | None:
        """A model trained on ``train`` with the shipped recipe, calibrated on ``dev`` (or on
        a stratified fifth of ``train`` when there is none); None when there is nothing to
        learn (no risk labels)."""
        if ds.language not in ("vi", "en") or not ds.positive or len(ds.labels) < 2:
            return None
        texts = [e.text for e in train]
        labels = [e.label for e in train]
        counts = Counter(labels)
        scarce = [label for label in ds.labels if counts[label] < MIN_PER_LABEL]
        if scarce:
            raise DatasetError(
                f"{ds.name}: too few training examples of {', '.join(map(repr, scarce))} "
                f"(at least {MIN_PER_LABEL} of each label are needed to train and calibrate)"
            )
        if dev:
            fit_split = Split(texts, labels)
            cal_split = Split([e.text for e in dev], [e.label for e in dev])
        else:
            fit_idx, cal_idx = train_test_split(
                np.arange(len(texts)),
                test_size=CALIBRATION_SHARE,
                stratify=labels,
                random_state=seed,
            )
            fit_split = Split([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
            cal_split = Split([texts[i] for i in cal_idx], [labels[i] for i in cal_idx])
        data = TaskData(
            task=ds.name,
            language=ds.language,
            category=ds.category or "harmful_content",
            labels=ds.labels,
            positive=ds.positive,
            train=fit_split,
            dev=cal_split,
            sources={"datasets": [f"{ds.name}/train"]},
        )
        return EvalModel(fit_task(data, seed=seed), tuple(seen_texts(data)))

    def reseeded(self, ds: Dataset, seed: int) -> EvalModel:
        """The shipped recipe for ``ds`` retrained with another seed: how much of a score is
        the seed's (the linear solvers visit examples in a seeded random order)."""
        data = TASKS[ds.name](self._data_dir())
        return EvalModel(fit_task(data, seed=seed), tuple(seen_texts(data)))

    def shipped_training_texts(self, language: str) -> list[str]:
        """Every text the shipped classifiers and taggers of ``language`` (the fused
        engine's) were trained on; those of other languages never read this one's messages."""
        if language not in self._shipped_texts:
            root = self._data_dir()
            texts = [
                text
                for task, clf in load_classifiers().items()
                if task in TASKS and clf.manifest.language == language
                for text in seen_texts(TASKS[task](root))
            ]
            if any(t.language == language for t in load_taggers().values()):
                texts.extend(e.text for e in tagger_training_examples(root))
            self._shipped_texts[language] = texts
        return self._shipped_texts[language]

    def fused(self, model: EvalModel, rules_engine: Engine) -> Predict:
        """The engine's verdict with ``model`` as its classifier, in the dataset's labels:
        flagged → the model's likeliest risk label, not flagged → its likeliest other label."""
        engine = self.engine(model, rules_engine)
        clf = model.classifier
        language = clf.manifest.language
        risky = clf.positive
        labels = clf.labels

        def predict(text: str) -> str:
            flagged = engine.analyze(text, language).severity >= FLAG_SEVERITY
            probs = clf.predict_proba(text)
            pool = [label for label, pos in zip(labels, risky, strict=True) if pos == flagged]
            return max(pool, key=probs.__getitem__)

        return predict

    def model_spans(self, model: EvalModel, rules_engine: Engine) -> SpanPredict:
        """Evidence spans of the model alone: the words that pushed its risk label, on the
        messages it labels risky (its dev-tuned decision), none on the others."""
        clf = model.classifier
        detector = ClassifierDetector(clf)
        language = clf.manifest.language
        risky = set(clf.manifest.positive)
        tagger = self._tagger(clf)
        if tagger is not None and tagger.manifest.training.get("datasets") == [
            f"{clf.manifest.task}/train"
        ]:
            # A tagger trained on this very dataset's spans is the model for them.
            return lambda text: tagger.spans(Document.build(text, rules_engine.lexicon, language))

        def spans(text: str) -> list[tuple[int, int]]:
            doc = Document.build(text, rules_engine.lexicon, language)
            view = detector.view(doc)
            probs = clf.proba_view(view)
            if clf.labels[clf.decide(probs)] not in risky:
                return []
            return detector.evidence(doc, view, probs)

        return spans

    def engine(self, model: EvalModel, rules_engine: Engine) -> Engine:
        key = id(model.classifier)
        if key not in self._engines:
            self._engines.clear()  # one model at a time: folds do not pile up engines
            self._engines[key] = Engine(
                rules=rules_engine.ruleset,
                detectors=[ClassifierDetector(model.classifier, self._tagger(model.classifier))],
                classifiers=False,
                max_bytes=rules_engine.max_bytes,
            )
        return self._engines[key]

    def tagger_training_texts(self, model: EvalModel) -> list[str]:
        """What the span tagger attached to ``model`` (if any) was trained on."""
        if self._tagger(model.classifier) is None:
            return []
        return [e.text for e in tagger_training_examples(self._data_dir())]

    @staticmethod
    def _tagger(clf: Classifier) -> SpanTagger | None:
        """The shipped tagger that gives evidence for ``clf`` (same language and category)."""
        m = clf.manifest
        found = [
            t
            for t in load_taggers().values()
            if (t.language, t.manifest.category) == (m.language, m.category)
        ]
        return found[0] if found else None

    def _data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()

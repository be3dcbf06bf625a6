"""The "model" and "fused" configurations of an evaluation: which classifier, trained on what.

On a dataset with an official split, the model is the shipped one when it was trained on that
dataset (its manifest says so); its training data is assembled again and checked against the
manifest's digest, so the runner can prove no test text was in it. Under cross-validation,
a model is trained on each training fold with the same recipe as the shipped ones
(``notalone.training.fit``), calibrated on a stratified fifth of that fold, never on the test
fold (the out-of-fold calibration of shipped tasks without dev costs six fits per setting: an
evaluation would take hours). "Fused" is the engine itself (rules, combinations, guards) with
that model in place of the shipped one of its language and category, beside the other shipped
models, i.e. exactly what ``analyze`` would answer if it shipped (every shipped model is checked
never to have seen the texts it then reads).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from notalone.datasets import Dataset, Example, default_data_dir, leak_key
from notalone.detection.classifiers import (
    Classifier,
    ClassifierDetector,
    SpanTagger,
    load_classifiers,
    load_taggers,
    shipped_detectors,
)
from notalone.detection.detector import Document
from notalone.detection.engine import Engine
from notalone.detection.types import Assessment
from notalone.errors import DatasetError
from notalone.training import DATASET_TASKS, TASKS
from notalone.training.fit import (
    Split,
    TaskData,
    data_digest,
    fit_task,
    fitted_data,
    seen_texts,
    without_texts,
)
from notalone.training.tagger import training_examples as tagger_training_examples

CALIBRATION_SHARE = 0.2  # of each training fold, held out to calibrate and set thresholds
MIN_PER_LABEL = 5  # so that the calibration fifth holds every label

Predict = Callable[[str], str]
Flagged = Callable[[Assessment], bool]  # does the verdict answer the dataset's question?
SpanPredict = Callable[[str], list[tuple[int, int]]]


@dataclass(slots=True)
class EvalModel:
    """A classifier and the exact texts it was trained on (for the disjointness check)."""

    classifier: Classifier
    trained_on: tuple[str, ...]
    shipped: bool = False  # the package's own artifact, not one trained for this evaluation
    # The other shipped detectors the fused engine runs beside it (``ModelConfigs.companions``).
    beside: tuple[ClassifierDetector, ...] = ()

    def training_texts(self) -> Sequence[str]:
        return self.trained_on

    def predict(self, text: str) -> str:
        return self.classifier.predict(text)


class ModelConfigs:
    """Finds or trains the model for a dataset, and fuses it with the rules."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self._engines: dict[int, Engine] = {}
        self._shipped_texts: dict[str, list[str] | None] = {}

    def shipped(self, ds: Dataset) -> EvalModel | None:
        """The shipped classifier trained on ``ds`` (``DATASET_TASKS``), if any."""
        task = DATASET_TASKS.get(ds.name)
        clf = load_classifiers().get(task) if task else None
        if clf is None or task not in TASKS:
            return None
        data = TASKS[task](self._data_dir())
        if data_digest(*fitted_data(data)) != clf.manifest.training.get("data_sha256"):
            raise DatasetError(
                f"{ds.name}: the shipped model {task} was trained on other data than the datasets "
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
        learn (no risk labels). A dataset that a shipped task is built from (``DATASET_TASKS``)
        gets that task's whole recipe, its other sources included, minus every text of the
        dataset outside ``train``: its score is the shipped model's, not a lesser cousin's."""
        if ds.language not in ("vi", "en") or not ds.positive or len(ds.labels) < 2:
            return None
        texts = [e.text for e in train]
        labels = [e.label for e in train]
        recipe = self._recipe(ds)
        if recipe is not None:
            texts, labels = texts + recipe.train.texts, labels + recipe.train.labels
        counts = Counter(labels)
        scarce = [label for label in ds.labels if counts[label] < MIN_PER_LABEL]
        if scarce:
            raise DatasetError(
                f"{ds.name}: too few training examples of {', '.join(map(repr, scarce))} "
                f"(at least {MIN_PER_LABEL} of each label are needed to train and calibrate)"
            )
        if dev:
            fit_split = Split(texts, labels)
            cal_split = Split.of(dev)
        else:
            fit_idx, cal_idx = train_test_split(
                np.arange(len(texts)),
                test_size=CALIBRATION_SHARE,
                stratify=labels,
                random_state=seed,
            )
            fit_split = Split([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
            cal_split = Split([texts[i] for i in cal_idx], [labels[i] for i in cal_idx])
        sources = {
            "datasets": [f"{ds.name}/train", *(recipe.sources["datasets"] if recipe else ())]
        }
        if recipe is not None:  # all of it: category, precision targets, auxiliary data
            data = replace(recipe, train=fit_split, dev=cal_split, sources=sources)
        else:
            data = TaskData(
                task=ds.name,
                language=ds.language,
                category=ds.category or "harmful_content",
                labels=ds.labels,
                positive=ds.positive,
                train=fit_split,
                dev=cal_split,
                sources=sources,
            )
        return EvalModel(fit_task(data, seed=seed), tuple(seen_texts(data)))

    def _recipe(self, ds: Dataset) -> TaskData | None:
        """The training data of the shipped task built from ``ds``, without any text of ``ds``
        (the fold's part of it is added back by the caller), or None."""
        task = DATASET_TASKS.get(ds.name)
        if task is None:
            return None
        data = TASKS[task](self._data_dir())
        if tuple(data.labels) != ds.labels:
            raise DatasetError(f"{ds.name}: labels {ds.labels} differ from {task}'s {data.labels}")
        own = {leak_key(e.text) for e in ds.split("all")}
        data.train = without_texts(data.train, own)
        data.auxiliary = tuple(
            replace(aux, split=without_texts(aux.split, own)) for aux in data.auxiliary
        )
        return data

    def reseeded(self, ds: Dataset, seed: int) -> EvalModel:
        """The shipped recipe for ``ds`` retrained with another seed: how much of a score is
        the seed's (the linear solvers visit examples in a seeded random order)."""
        data = TASKS[DATASET_TASKS[ds.name]](self._data_dir())
        return EvalModel(fit_task(data, seed=seed), tuple(seen_texts(data)))

    def shipped_training_texts(self, language: str) -> list[str]:
        """Every text the shipped classifiers and taggers of ``language`` (the fused
        engine's) were trained on; those of other languages never read this one's messages."""
        texts = []
        for task, clf in load_classifiers().items():
            if clf.manifest.language == language:
                seen = self._seen(task)
                if seen is None:
                    raise DatasetError(
                        f"the training data of the shipped model {task!r} is not in "
                        f"{self._data_dir()}: cannot check it never saw these texts"
                    )
                texts.extend(seen)
        if any(t.language == language for t in load_taggers().values()):
            texts.extend(self._tagger_texts())
        return texts

    def companion_training_texts(self, model: EvalModel) -> list[str]:
        """What the shipped detectors running beside ``model`` were trained on, their span
        taggers included."""
        texts = []
        for detector in model.beside:
            texts.extend(self._seen(detector.classifier.task) or ())
            if detector.tagger is not None:
                texts.extend(self._tagger_texts())
        return texts

    def companions(
        self, model: EvalModel, evaluated: Sequence[str]
    ) -> tuple[list[ClassifierDetector], list[str]]:
        """The shipped detectors ``analyze`` runs beside ``model``, and why any is left out.

        Those of its language (the evaluation reads messages in the dataset's) but another
        category: the one of its category is the one it stands in for, so the fused row is
        what ``analyze`` would answer with it. One is left out when its training data is not
        in the datasets directory or holds one of the ``evaluated`` texts (a generic "Hi"
        will do): nothing else may score a text a model saw.
        """
        m = model.classifier.manifest
        keys = {leak_key(t) for t in evaluated}
        kept, left_out = [], []
        for d in shipped_detectors():
            dm = d.classifier.manifest
            if dm.language != m.language or dm.category == m.category:
                continue
            seen = self._seen(dm.task)
            if seen is None:
                left_out.append(f"{d.name} (its training data is not in {self._data_dir()})")
                continue
            if d.tagger is not None:
                seen = [*seen, *self._tagger_texts()]
            shared = len(keys & {leak_key(t) for t in seen})
            if shared:
                left_out.append(f"{d.name} (it was trained on {shared} of these texts)")
            else:
                kept.append(d)
        return kept, left_out

    def _seen(self, task: str) -> list[str] | None:
        """``seen_texts`` of a shipped task, assembled once (assembling reads datasets);
        None when its datasets are not there."""
        if task not in self._shipped_texts:
            try:
                texts = seen_texts(TASKS[task](self._data_dir())) if task in TASKS else []
            except DatasetError:
                texts = None
            self._shipped_texts[task] = texts
        return self._shipped_texts[task]

    def _tagger_texts(self) -> list[str]:
        return [e.text for e in tagger_training_examples(self._data_dir())]

    def fused(self, model: EvalModel, rules_engine: Engine, flagged: Flagged) -> Predict:
        """The engine's verdict with ``model`` as its classifier, in the dataset's labels:
        ``flagged`` → the risk label the model's own decision rule (its tuned decision bias)
        picks among the risk labels, not → the one it picks among the others."""
        engine = self.engine(model, rules_engine)
        clf = model.classifier
        language = clf.manifest.language

        def predict(text: str) -> str:
            return clf.predict(text, risky=flagged(engine.analyze(text, language)))

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
            own = ClassifierDetector(model.classifier, self._tagger(model.classifier))
            self._engines[key] = Engine(
                rules=rules_engine.ruleset,
                detectors=[own, *model.beside],
                classifiers=False,
                max_bytes=rules_engine.max_bytes,
            )
        return self._engines[key]

    def tagger_training_texts(self, model: EvalModel) -> list[str]:
        """What the span tagger attached to ``model`` (if any) was trained on."""
        if self._tagger(model.classifier) is None:
            return []
        return self._tagger_texts()

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

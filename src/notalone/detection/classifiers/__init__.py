"""Trained text classifiers shipped with the package, and the detector that runs them.

Inference is pure numpy (no scikit-learn): ``features`` turns a message into n-gram columns,
``model`` holds a calibrated linear softmax and its manifest, ``detector`` emits signals.
``tagger`` marks the offending words of a message (evidence). ``participant`` scores everything
one participant of a conversation wrote (``Conversation`` runs it). Artifacts live in
``artifacts/`` (``<task>.npz`` + ``<task>.json``; span taggers in ``artifacts/taggers/``, the
participant model in ``artifacts/participants/``) and
are rebuilt by ``notalone train`` (``notalone.training``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from notalone.detection.classifiers.detector import ClassifierDetector
from notalone.detection.classifiers.features import FeatureConfig, Featurizer, View, view_of_text
from notalone.detection.classifiers.model import Classifier, Manifest
from notalone.detection.classifiers.participant import ParticipantModel
from notalone.detection.classifiers.tagger import SpanTagger

ARTIFACTS = Path(str(resources.files("notalone.detection.classifiers").joinpath("artifacts")))
TAGGERS = ARTIFACTS / "taggers"
PARTICIPANTS = ARTIFACTS / "participants"


def load_classifiers(directory: Path | None = None) -> dict[str, Classifier]:
    """Every classifier in ``directory`` (default: the shipped artifacts), by task name.

    Raises ``ArtifactError`` when a file fails its manifest check.
    """
    if directory is None:
        return dict(_shipped())
    return _load(directory)


@cache
def _shipped() -> tuple[tuple[str, Classifier], ...]:
    return tuple(_load(ARTIFACTS).items())


def _load(directory: Path) -> dict[str, Classifier]:
    found = {}
    for path in sorted(directory.glob("*.json")):
        clf = Classifier.load(path)
        found[clf.task] = clf
    return found


def load_taggers(directory: Path | None = None) -> dict[str, SpanTagger]:
    """Every span tagger in ``directory`` (default: the shipped ones), by task name."""
    if directory is None:
        return dict(_shipped_taggers())
    return {t.task: t for t in map(SpanTagger.load, sorted(directory.glob("*.json")))}


@cache
def _shipped_taggers() -> tuple[tuple[str, SpanTagger], ...]:
    return tuple(load_taggers(TAGGERS).items())


def load_participant_model(directory: Path | None = None) -> ParticipantModel:
    """The participant model in ``directory`` (default: the shipped one); ``ArtifactError``
    when it is missing or fails its manifest check."""
    if directory is None:
        return _shipped_participant_model()
    return ParticipantModel.load(directory / "participants.json")


@cache
def _shipped_participant_model() -> ParticipantModel:
    return ParticipantModel.load(PARTICIPANTS / "participants.json")


def shipped_detectors() -> list[ClassifierDetector]:
    """A detector per shipped classifier, each with the shipped tagger of its language and
    category (if there is one) for evidence."""
    taggers = {(t.language, t.manifest.category): t for t in load_taggers().values()}
    return [
        ClassifierDetector(clf, taggers.get((clf.manifest.language, clf.manifest.category)))
        for clf in load_classifiers().values()
    ]


def load_classifier(task: str, directory: Path | None = None) -> Classifier:
    """One task's classifier; ``KeyError`` naming the tasks there are when it is missing."""
    found = load_classifiers(directory)
    if task not in found:
        raise KeyError(f"no classifier {task!r}; available: {', '.join(found) or 'none'}")
    return found[task]


__all__ = [
    "ARTIFACTS",
    "PARTICIPANTS",
    "TAGGERS",
    "Classifier",
    "ClassifierDetector",
    "FeatureConfig",
    "Featurizer",
    "Manifest",
    "ParticipantModel",
    "SpanTagger",
    "View",
    "load_classifier",
    "load_classifiers",
    "load_participant_model",
    "load_taggers",
    "shipped_detectors",
    "view_of_text",
]

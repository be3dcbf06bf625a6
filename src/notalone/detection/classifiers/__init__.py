"""Trained text classifiers shipped with the package, and the detector that runs them.

Inference is pure numpy (no scikit-learn): ``features`` turns a message into n-gram columns,
``model`` holds a calibrated linear softmax and its manifest, ``detector`` emits signals.
Artifacts live in ``artifacts/`` (``<task>.npz`` + ``<task>.json``) and are rebuilt by
``notalone train`` (``notalone.training``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from notalone.detection.classifiers.detector import ClassifierDetector
from notalone.detection.classifiers.features import FeatureConfig, Featurizer, View, view_of_text
from notalone.detection.classifiers.model import Classifier, Manifest

ARTIFACTS = Path(str(resources.files("notalone.detection.classifiers").joinpath("artifacts")))


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


def load_classifier(task: str, directory: Path | None = None) -> Classifier:
    """One task's classifier; ``KeyError`` naming the tasks there are when it is missing."""
    found = load_classifiers(directory)
    if task not in found:
        raise KeyError(f"no classifier {task!r}; available: {', '.join(found) or 'none'}")
    return found[task]


__all__ = [
    "ARTIFACTS",
    "Classifier",
    "ClassifierDetector",
    "FeatureConfig",
    "Featurizer",
    "Manifest",
    "View",
    "load_classifier",
    "load_classifiers",
    "view_of_text",
]

"""A shipped text classifier: a featurizer, a calibrated linear softmax, and its manifest.

An artifact is two files side by side: ``<task>.npz`` (arrays only, loaded with
``allow_pickle=False``) and ``<task>.json`` (the manifest: labels, version, featurizer
config, training-data digest, metrics on dev, thresholds, library versions and the npz's
sha256). ``Classifier.load`` refuses an npz whose digest does not match its manifest.

Calibration is folded into the weights at training time, so ``softmax(x · W + b)`` already is
the calibrated probability; ``decision_bias`` (added to the log-probabilities) is the prior
shift chosen on dev for the dataset's headline metric and is used only by ``predict``. A model
may also stack a ``SubwordModel`` (manifest ``extra.subwords``): its log-probabilities ``s``
enter the same softmax, ``softmax(x · W + b + S · s)``.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from notalone.detection.classifiers.features import FeatureConfig, Featurizer, View, view_of_text
from notalone.detection.classifiers.subwords import SubwordConfig, SubwordModel
from notalone.errors import ArtifactError

FORMAT_VERSION = 1
_ARRAYS = ("vocabulary", "idf", "coef", "intercept")


@dataclass(slots=True)
class Manifest:
    task: str  # "vihsd", "vi_scam"; the cue is "model.<task>"
    version: str
    language: str
    category: str  # the taxonomy category the positive labels stand for
    labels: list[str]
    positive: list[str]
    featurizer: dict[str, object]
    thresholds: dict[str, float]  # P(positive) from which a signal is low / medium / high
    decision_bias: list[float]  # added to log-probabilities by ``predict``
    training: dict[str, object]  # datasets, counts, data digest, seed, hyperparameters
    metrics: dict[str, object]  # on dev (and, reported only, on test)
    libraries: dict[str, str]
    npz_sha256: str = ""
    format: int = FORMAT_VERSION
    notes: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, raw: str, where: str) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT_VERSION:
                raise ArtifactError(
                    f"{where}: manifest format {data.get('format')!r} is not "
                    f"{FORMAT_VERSION}; rebuild it with `notalone train`"
                )
            return cls(**data)
        except ArtifactError:
            raise
        except (ValueError, TypeError) as exc:
            raise ArtifactError(f"{where}: not a valid classifier manifest ({exc})") from None


class Classifier:
    """One task's model. ``predict_proba(text)`` → ``{label: probability}``."""

    def __init__(
        self,
        manifest: Manifest,
        featurizer: Featurizer,
        coef: np.ndarray,
        intercept: np.ndarray,
        subwords: tuple[SubwordModel, np.ndarray] | None = None,
    ) -> None:
        n_classes = len(manifest.labels)
        if coef.shape != (featurizer.size, n_classes) or intercept.shape != (n_classes,):
            raise ArtifactError(
                f"{manifest.task}: weights of shape {coef.shape} do not fit "
                f"{featurizer.size} features x {n_classes} labels"
            )
        if subwords is not None and (
            subwords[0].n_labels != n_classes or subwords[1].shape != (n_classes, n_classes)
        ):
            raise ArtifactError(
                f"{manifest.task}: the subword model's {subwords[0].n_labels} labels and "
                f"weights of shape {subwords[1].shape} do not fit {n_classes} labels"
            )
        self.manifest = manifest
        self.featurizer = featurizer
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        # The stacked subword model and the weights of its log-probabilities in the softmax.
        self.subwords = subwords[0] if subwords is not None else None
        self.subword_coef = np.asarray(subwords[1], np.float64) if subwords is not None else None
        self.labels = tuple(manifest.labels)
        self.positive = np.array([label in manifest.positive for label in self.labels])
        self.decision_bias = np.asarray(manifest.decision_bias, dtype=np.float64)
        # Per label: its weights minus the mean of the other labels' (evidence direction).
        others = (self.coef.sum(axis=1, keepdims=True) - self.coef) / max(n_classes - 1, 1)
        self._direction = self.coef - others

    @property
    def task(self) -> str:
        return self.manifest.task

    # -- scoring ---------------------------------------------------------------------------

    def logits(self, view: View) -> np.ndarray:
        cols, values = self.featurizer.transform_one(view)
        z = values @ self.coef[cols] + self.intercept if len(cols) else self.intercept.copy()
        if self.subwords is not None:
            z += self.subword_coef @ self.subwords.log_proba(view.expanded)
        return z

    def proba_view(self, view: View) -> np.ndarray:
        z = self.logits(view)
        z = np.exp(z - z.max())
        return z / z.sum()

    def _proba_text(self, text: str) -> np.ndarray:
        return self.proba_view(view_of_text(text, language=self.manifest.language))

    def predict_proba(self, text: str) -> dict[str, float]:
        probs = self._proba_text(text)
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}

    def predict(self, text: str, risky: bool | None = None) -> str:
        """The label with the dev-tuned decision bias applied (the headline-metric decision);
        ``risky`` limits it to the positive labels (True) or to the others (False)."""
        return self.labels[self.decide(self._proba_text(text), risky)]

    def decide(self, probs: np.ndarray, risky: bool | None = None) -> int:
        """Index of the label chosen from calibrated probabilities, with the decision bias
        (among the positive labels or the others only, when ``risky`` says which)."""
        score = np.log(probs + 1e-12) + self.decision_bias
        if risky is not None:
            score = np.where(self.positive == risky, score, -np.inf)
        return int(np.argmax(score))

    def positive_probability(self, probs: np.ndarray) -> float:
        return float(probs[self.positive].sum())

    def contributions(self, view: View, label: int) -> list[float]:
        """Per token of ``view``: how much its character and word-unigram columns pushed the
        logit of ``label`` above the mean of the others (used to choose evidence spans)."""
        cols, values = self.featurizer.transform_one(view)
        if not len(cols):
            return [0.0] * len(view.words)
        pushed = values * self._direction[cols, label]
        weight = dict(zip(cols.tolist(), pushed.tolist(), strict=True))
        featurizer = self.featurizer
        out = []
        for word, expanded in zip(view.words, view.expanded, strict=True):
            mine = set(featurizer.word_columns(word).tolist())
            unigram = featurizer.index.get("w" + expanded)
            if unigram is not None:
                mine.add(unigram)
            out.append(sum(weight.get(c, 0.0) for c in mine))
        return out

    # -- files -----------------------------------------------------------------------------

    def save(self, directory: Path, *, half: bool = True) -> Manifest:
        """Write ``<task>.npz`` and ``<task>.json`` into ``directory``; returns the manifest."""
        vocab = "\n".join(self.featurizer.vocabulary).encode("utf-8")
        arrays = {
            "vocabulary": np.frombuffer(vocab, dtype=np.uint8),
            "idf": self.featurizer.idf.astype(np.float32),
            "coef": self.coef.astype(np.float16 if half else np.float32),
            "intercept": self.intercept,
        }
        if self.subwords is not None:
            arrays |= self.subwords.arrays() | {"sw_coef": self.subword_coef}
        return write_artifact(directory, self.manifest, arrays)

    @classmethod
    def load(cls, manifest_path: Path) -> Classifier:
        """Load ``<task>.json`` and the npz beside it, checking the npz's sha256."""
        manifest, arrays, npz_path = read_artifact(
            manifest_path, _ARRAYS, optional=(*SubwordModel.ARRAYS, "sw_coef")
        )
        try:
            featurizer = Featurizer(
                FeatureConfig.from_json(manifest.featurizer),
                decode_vocabulary(arrays["vocabulary"]),
                arrays["idf"],
            )
            subwords = None
            if "subwords" in manifest.extra:
                config = SubwordConfig.from_json(manifest.extra["subwords"])  # type: ignore[arg-type]
                subwords = (SubwordModel.from_arrays(config, arrays), arrays["sw_coef"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ArtifactError(f"{npz_path}: not a valid classifier artifact ({exc})") from None
        return cls(manifest, featurizer, arrays["coef"], arrays["intercept"], subwords)


def write_artifact(directory: Path, manifest: Manifest, arrays: dict[str, np.ndarray]) -> Manifest:
    """``<task>.npz`` (arrays only) and ``<task>.json`` (the manifest, with the npz's sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    manifest.npz_sha256 = hashlib.sha256(data).hexdigest()
    (directory / f"{manifest.task}.npz").write_bytes(data)
    (directory / f"{manifest.task}.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def read_artifact(
    manifest_path: Path, names: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[Manifest, dict[str, np.ndarray], Path]:
    """The manifest and the named arrays of the npz beside it (``optional`` ones where the npz
    has them), refusing a changed npz."""
    where = str(manifest_path)
    try:
        manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"), where)
        npz_path = manifest_path.with_name(f"{manifest.task}.npz")
        data = npz_path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"{where}: cannot read the model artifact ({exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.npz_sha256:
        raise ArtifactError(
            f"{npz_path}: sha256 {digest[:12]}… does not match the manifest's "
            f"{manifest.npz_sha256[:12]}…; the file was changed or corrupted. "
            "Reinstall the package or rebuild it with `notalone train`."
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in names}
            arrays |= {name: npz[name] for name in optional if name in npz.files}
    except (KeyError, ValueError, OSError) as exc:
        raise ArtifactError(f"{npz_path}: not a valid model artifact ({exc})") from None
    return manifest, arrays, npz_path


def decode_vocabulary(raw: np.ndarray) -> list[str]:
    return raw.tobytes().decode("utf-8").split("\n")

"""The shipped classifiers: artifacts check themselves on load, results are deterministic
(also across processes), the detector passes the plugin contract, and fusion is bounded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from notalone.detection.classifiers import (
    ARTIFACTS,
    Classifier,
    ClassifierDetector,
    load_classifier,
    load_classifiers,
)
from notalone.detection.classifiers.features import (
    FeatureConfig,
    View,
    phrase_terms,
    shape_terms,
    terms,
)
from notalone.detection.classifiers.model import Manifest, write_artifact
from notalone.detection.detector import Detector, Document
from notalone.detection.engine import Engine, _fuse
from notalone.errors import ArtifactError
from notalone.taxonomy import Severity
from tests.contracts import DetectorContract

TEXT = "Mày ngu như chó, cút khỏi nhóm đi"


@pytest.fixture(scope="module")
def vihsd() -> Classifier:
    return load_classifier("vihsd")


def _copy(tmp_path: Path) -> Path:
    for suffix in ("npz", "json"):
        shutil.copy(ARTIFACTS / f"vihsd.{suffix}", tmp_path / f"vihsd.{suffix}")
    return tmp_path / "vihsd.json"


def test_shipped_manifest_is_complete(vihsd: Classifier) -> None:
    m = vihsd.manifest
    assert m.labels == ["CLEAN", "OFFENSIVE", "HATE"] and m.category == "cyberbullying"
    assert len(m.training["data_sha256"]) == 64 and len(m.npz_sha256) == 64
    assert {"numpy", "scikit-learn"} <= set(m.libraries)
    assert m.metrics["train-5-fold-oof"]["n"] > 20_000  # calibrated out of fold
    assert m.thresholds["low"] <= m.thresholds["medium"] <= m.thresholds["high"]


def test_artifacts_are_small() -> None:
    total = sum(p.stat().st_size for p in ARTIFACTS.rglob("*") if p.is_file())
    assert total < 30 * 1024 * 1024


def test_probabilities(vihsd: Classifier) -> None:
    probs = vihsd.predict_proba(TEXT)
    assert list(probs) == ["CLEAN", "OFFENSIVE", "HATE"]
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probs["CLEAN"] < 0.5
    assert vihsd.predict_proba("Tối nay ngủ ngon nhé")["CLEAN"] > 0.5
    assert vihsd.predict_proba("")["CLEAN"] > 0.5  # no features: the prior


def test_a_decision_limited_to_risk_labels_keeps_the_decision_bias(vihsd: Classifier) -> None:
    # OFFENSIVE and HATE have their own decision biases: make the one with the smaller bias
    # likelier, by less than the gap; the tuned decision picks the other, limited or not.
    low, high = sorted((1, 2), key=lambda i: vihsd.decision_bias[i])
    gap = vihsd.decision_bias[high] - vihsd.decision_bias[low]
    probs = np.zeros(3)
    probs[[0, low, high]] = 0.1, 0.9, 0.9 * np.exp(-gap / 2)
    probs /= probs.sum()
    assert gap > 0 and probs[low] > probs[high]
    assert vihsd.decide(probs) == vihsd.decide(probs, risky=True) == high
    assert vihsd.decide(probs, risky=False) == 0  # CLEAN, the one other label
    assert vihsd.predict(TEXT, risky=False) == "CLEAN"
    assert vihsd.predict(TEXT, risky=True) in ("OFFENSIVE", "HATE")


def test_round_trip(tmp_path: Path, vihsd: Classifier) -> None:
    vihsd.save(tmp_path)
    again = Classifier.load(tmp_path / "vihsd.json")
    assert again.featurizer.vocabulary == vihsd.featurizer.vocabulary
    for text in (TEXT, "Tối nay ngủ ngon nhé", "m ngu vl"):
        assert again.predict_proba(text) == pytest.approx(vihsd.predict_proba(text), abs=1e-6)


def test_tampered_npz_is_refused(tmp_path: Path) -> None:
    manifest = _copy(tmp_path)
    npz = tmp_path / "vihsd.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        Classifier.load(manifest)


def test_tampered_manifest_is_refused(tmp_path: Path) -> None:
    manifest = _copy(tmp_path)
    data = json.loads(manifest.read_text("utf-8"))
    data["npz_sha256"] = "0" * 64
    manifest.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ArtifactError):
        Classifier.load(manifest)
    manifest.write_text("{not json", "utf-8")
    with pytest.raises(ArtifactError):
        Classifier.load(manifest)
    data["format"] = 99
    manifest.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ArtifactError, match="format"):
        Classifier.load(manifest)


def test_a_stacked_model_without_its_subword_arrays_is_refused(tmp_path: Path) -> None:
    manifest = _copy(tmp_path)
    meta = Manifest.from_json(manifest.read_text("utf-8"), str(manifest))
    assert "subwords" in meta.extra
    with np.load(tmp_path / "vihsd.npz") as npz:
        arrays = {name: npz[name] for name in npz.files if name != "sw_buckets"}
    write_artifact(tmp_path, meta, arrays)
    with pytest.raises(ArtifactError, match="sw_buckets"):
        Classifier.load(manifest)


def test_missing_npz_is_refused(tmp_path: Path) -> None:
    manifest = _copy(tmp_path)
    (tmp_path / "vihsd.npz").unlink()
    with pytest.raises(ArtifactError):
        load_classifiers(tmp_path)
    assert manifest.exists()


def test_deterministic_across_processes(vihsd: Classifier) -> None:
    code = (
        "from notalone.detection.classifiers import load_classifier;"
        f"print(repr(load_classifier('vihsd').predict_proba({TEXT!r})))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert outputs.pop().strip() == repr(vihsd.predict_proba(TEXT))


def test_shapes_keep_what_cleaning_drops() -> None:
    premium = "FreeMsg: claim £1000! Txt WIN to 86688, 150p/msg, or call 09061701461 www.x.co.uk"
    got = shape_terms(premium)
    assert {"slink", "smoney", "spence", "sphone", "sd5", "sd11", "scaps", "sbang"} <= set(got)
    assert shape_terms("$200 for 2 nights") == ["smoney"]
    assert {"sd5", "sd11", "sphone", "smoney", "scaps"} <= set(
        shape_terms("CALL 09061701461, £1 a go, code 86688")
    )
    # everyday chat: times, amounts, user names, a currency sign on its own
    assert shape_terms("see you at 5:30, it was $ 200, ask User102") == []
    assert shape_terms("") == shape_terms("just words here") == []
    config = FeatureConfig(shapes=True)
    view = View(["call"], ["call"], "CALL 09061701461")
    assert {"scaps", "sd11", "sphone"} <= set(terms(view, config))
    assert FeatureConfig.from_json(config.to_json()) == config
    assert not FeatureConfig.from_json(FeatureConfig().to_json()).shapes  # older manifests


def test_terms_follow_the_config() -> None:
    config = FeatureConfig(char_min=2, char_max=3, word_min=1, word_max=2)
    view = View(["ab", "¦", "cd"], ["ab", "¦", "c d"], "ab. CD")
    got = list(terms(view, config))
    assert not any(t[0] == "s" for t in got)  # shapes only where the config asks
    assert {"c a", "c ab", "cab ", "fcd "} <= set(got)
    assert not any("¦" in t or "b c" in t for t in got if t[0] in "cf")  # never across words
    assert phrase_terms(view.expanded, config) == [
        "wab", "w¦", "wc", "wd", "wab ¦", "w¦ c", "wc d",
    ]  # fmt: skip


def test_evidence_points_at_the_words(vihsd: Classifier) -> None:
    engine = Engine(classifiers=False, detectors=[ClassifierDetector(vihsd)])
    doc = Document.build(TEXT, engine.lexicon)
    signals = ClassifierDetector(vihsd).detect(doc)
    assert signals and all(s.cue == "model.vihsd" for s in signals)
    shown = {TEXT[s.start : s.end].lower() for s in signals}
    assert shown & {"ngu", "chó", "cút"}
    assert all(0 < s.weight <= 1 for s in signals)


def test_engine_configurations() -> None:
    rules, fused = Engine(classifiers=False), Engine()
    assert not any(isinstance(d, ClassifierDetector) for d in rules.detectors)
    assert any(isinstance(d, ClassifierDetector) for d in fused.detectors)
    model_only = Engine(use_rules=False)
    assert model_only.analyze("Cảm ơn cô giáo đã giúp em ôn bài").severity is Severity.NONE
    got = {c.id: c.severity for c in fused.analyze(TEXT).categories}
    base = {c.id: c.severity for c in rules.analyze(TEXT).categories}
    assert got["cyberbullying"] >= base["cyberbullying"]


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        ("none", "low", "none"),
        ("none", "medium", "none"),
        ("none", "high", "medium"),  # a model alone: medium at most
        ("low", "low", "low"),
        ("low", "medium", "medium"),  # agreement: one step up
        ("medium", "high", "high"),
        ("high", "high", "high"),  # never past high on agreement alone
        ("critical", "none", "critical"),
    ],
)
def test_fusion_is_bounded(rules: str, model: str, expected: str) -> None:
    assert _fuse(Severity(rules), Severity(model)) is Severity(expected)


SCAM_SMS = "WINNER!! You have been chosen for a FREE mobile prize worth 900. Txt CLAIM to 80088"


def test_english_scam_model_reads_sms_scams_not_chat() -> None:
    clf = load_classifier("en_scam")
    m = clf.manifest
    assert (m.language, m.category, m.labels) == ("en", "scam", ["ham", "spam"])
    assert m.training["calibrated_on"] == "train-5-fold-oof"
    assert "nus-sms-corpus/train" in m.training["datasets"]
    assert clf.predict(SCAM_SMS) == "spam"
    assert clf.predict("Ok lar, see you at the bus stop after school") == "ham"
    scam = {c.id: c for c in Engine().analyze(SCAM_SMS).categories}["scam"]
    assert scam.severity >= Severity.MEDIUM
    assert any(e.rule == "model.en_scam" for e in scam.evidence)  # raised by the model
    # Vietnamese messages are not its language: it never runs on them.
    assert not ClassifierDetector(clf).detect(Document.build(TEXT, Engine().lexicon))


# Sites that are not among the link shapes the model's ordinary SMS were given (``links``).
SHARED_LINKS = (
    "did you read this? https://www.dailymail.co.uk/news/article-12345678/story.html",
    "my scratch game is done!! https://scratch.mit.edu/projects/987654321",
    "our poster for art class https://www.canva.com/design/DAFxYz123/view",
    "see the school notice https://thpt-nguyendu.edu.vn/thong-bao/lich-thi-hk1",
)
PHISHING = (
    "Your account will be closed. Verify your login now at http://secure-login-check.com",
    "Congratulations! You won a $1000 Walmart gift card. Claim here: bit.ly/3xYzQ2",
)


def test_english_scam_model_reads_what_comes_with_a_link() -> None:
    """A shared link is not a scam; the prize, fee or login beside it is."""
    engine = Engine()
    for text in SHARED_LINKS:
        assert engine.analyze(text, "en").severity is Severity.NONE, text
    for text in PHISHING:
        scam = {c.id: c for c in engine.analyze(text, "en").categories}["scam"]
        assert scam.severity >= Severity.MEDIUM, text
    training = load_classifier("en_scam").manifest.training
    assert training["linked_ham_share"] > 0


def test_english_offensive_model_reads_insults_in_every_english_message() -> None:
    clf = load_classifier("en_offensive")
    m = clf.manifest
    assert (m.language, m.category, m.labels) == ("en", "cyberbullying", ["NOT", "OFF"])
    assert m.training["datasets"] == ["olid-offenseval2019/train"]
    assert m.training["calibrated_on"] == "train-5-fold-oof"
    insult = "go away you dumb bitch"
    assert Engine(classifiers=False).analyze(insult).severity is Severity.NONE  # words, no verdict
    bullying = {c.id: c for c in Engine().analyze(insult).categories}["cyberbullying"]
    assert bullying.severity is Severity.MEDIUM
    model_words = {e.text for e in bullying.evidence if e.rule == "model.en_offensive"}
    assert model_words and model_words <= {"dumb", "bitch"}
    assert clf.predict("Can you send me the homework for tomorrow?") == "NOT"


class TestClassifierDetectorContract(DetectorContract):
    @pytest.fixture(params=["vihsd", "en_scam", "en_offensive"])
    def detector(self, request: pytest.FixtureRequest) -> Detector:
        return ClassifierDetector(load_classifier(request.param))

    def test_weights_are_probabilities(self, detector: Detector) -> None:
        assert isinstance(detector, ClassifierDetector)
        assert np.all(np.diff([t for t, _ in detector.thresholds]) >= 0)

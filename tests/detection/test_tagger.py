"""The shipped span tagger: it marks the offending words, as spans of the original text, and
its artifact checks itself on load like the classifiers'."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notalone.detection.classifiers import TAGGERS, SpanTagger, load_taggers, shipped_detectors
from notalone.detection.detector import Document
from notalone.detection.engine import Engine
from notalone.errors import ArtifactError
from notalone.training.tagger import train_tagger

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"
ENGINE = Engine(classifiers=False)


@pytest.fixture(scope="module")
def tagger() -> SpanTagger:
    return load_taggers()["vihos_spans"]


def _spans(tagger: SpanTagger, text: str) -> list[str]:
    doc = Document.build(text, ENGINE.lexicon, "vi")
    return [text[a:b] for a, b in tagger.spans(doc)]


def test_marks_the_insults_not_the_rest(tagger: SpanTagger) -> None:
    marked = {w.lower() for w in _spans(tagger, "Thằng óc chó này ngu vãi, cút đi")}
    assert marked & {"chó", "ngu", "cút"}
    assert not marked & {"này", "đi"}
    assert _spans(tagger, "Chúc cả nhà một buổi tối vui vẻ") == []
    assert _spans(tagger, "") == []


def test_composed_and_decomposed_text_mark_the_same_words(tagger: SpanTagger) -> None:
    text = "Mày ngu như bò, đồ óc chó"
    nfd = unicodedata.normalize("NFD", text)
    assert [unicodedata.normalize("NFC", w) for w in _spans(tagger, nfd)] == _spans(tagger, text)


@given(st.text(max_size=200))
def test_spans_index_the_original_text(text: str) -> None:
    tagger = load_taggers()["vihos_spans"]
    doc = Document.build(text, ENGINE.lexicon, "vi")
    for start, end in tagger.spans(doc):
        assert 0 <= start < end <= len(text)


def test_classifier_evidence_comes_from_the_tagger() -> None:
    (detector,) = [d for d in shipped_detectors() if d.name == "model.vihsd"]
    assert detector.tagger is not None and detector.tagger.task == "vihos_spans"
    text = "Thằng óc chó này ngu vãi, cút đi"
    shown = {
        text[s.start : s.end].lower() for s in detector.detect(Document.build(text, ENGINE.lexicon))
    }
    assert shown and shown <= {w.lower() for w in _spans(detector.tagger, text)}


def test_tampered_tagger_is_refused(tmp_path: Path) -> None:
    for suffix in ("npz", "json"):
        shutil.copy(TAGGERS / f"vihos_spans.{suffix}", tmp_path / f"vihos_spans.{suffix}")
    npz = tmp_path / "vihos_spans.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 3] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        load_taggers(tmp_path)


def test_trains_on_a_fixture_reproducibly(tmp_path: Path) -> None:
    a = train_tagger(FIXTURES, tmp_path / "a")
    b = train_tagger(FIXTURES, tmp_path / "b")
    assert a.npz_sha256 == b.npz_sha256
    assert (tmp_path / "a" / "vihos_spans.npz").read_bytes() == (
        tmp_path / "b" / "vihos_spans.npz"
    ).read_bytes()
    assert 0.05 <= a.thresholds["token"] <= 0.95 and "span_f1" in a.metrics["dev"]
    again = SpanTagger.load(tmp_path / "a" / "vihos_spans.json")
    assert again.threshold == a.thresholds["token"]

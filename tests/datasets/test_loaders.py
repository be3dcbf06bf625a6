"""Each loader reads its real format (here: invented fixture rows) into the right shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from notalone.datasets import NAMES, DatasetError, Protocol, load
from notalone.taxonomy import CATEGORY_IDS


def test_names_are_unique() -> None:
    assert len(NAMES) == 17 and len(set(NAMES)) == 17


def test_unknown_name_lists_the_known_ones(fixtures: Path) -> None:
    with pytest.raises(DatasetError) as err:
        load("vihsdd", fixtures)
    assert "vihsdd" in str(err.value) and "vihsd" in str(err.value) and "nps-chat" in str(err.value)


def test_vihsd(fixtures: Path) -> None:
    ds = load("vihsd", fixtures)
    assert (ds.language, ds.category, ds.protocol) == ("vi", "cyberbullying", Protocol.SPLIT)
    assert ds.labels == ("CLEAN", "OFFENSIVE", "HATE") and ds.positive == ("OFFENSIVE", "HATE")
    assert [len(ds.split(s)) for s in ("train", "dev", "test")] == [15, 3, 4]
    assert [e.label for e in ds.split("test")] == ["CLEAN", "CLEAN", "OFFENSIVE", "HATE"]
    assert ds.split("train")[2].text == "Mình thích bài hát này, nghe hoài không chán"
    assert ds.binary(ds.split("test")[3]) == 1 and ds.binary(ds.split("test")[0]) == 0
    assert ds.headline == "macro_f1"


def test_sms_spam_uci(fixtures: Path) -> None:
    ds = load("sms-spam-uci", fixtures)
    assert ds.protocol is Protocol.CV5 and ds.category == "scam"
    examples = ds.split("all")
    assert len(examples) == 10
    assert sum(e.label == "spam" for e in examples) == 3
    assert examples[6].text == "Can you bring my umbrella &lt;3"  # kept as published


def test_davidson(fixtures: Path) -> None:
    ds = load("davidson-hate-offensive", fixtures)
    assert ds.labels == ("neither", "offensive", "hate")
    examples = ds.split("all")
    assert [e.label for e in examples[:3]] == ["neither", "offensive", "hate"]
    assert examples[0].text == "I love sunny mornings & pancakes"  # HTML entities decoded
    assert examples[5].text == "Reading a book, drinking tea"


def test_perverted_justice_streams_grouped_by_predator(fixtures: Path) -> None:
    ds = load("perverted-justice", fixtures)
    assert ds.protocol is Protocol.GROUPED_CV5 and ds.category == "grooming"
    assert ds.headline == "f0_5" and ds.positive == ("predator",)
    by_id = {e.id: e for e in ds.split("all")}
    assert set(by_id) == {
        "predator:alpha one",
        "predator:beta",
        "predator:gamma_7",
        "decoy:alpha one",
        "decoy:beta_1",
        "decoy:beta_2",
        "decoy:gamma_7",
    }
    alpha = by_id["predator:alpha one"]
    assert alpha.label == "predator" and alpha.group == "alpha one"
    assert len(alpha.messages) == 4  # the blank line is dropped
    assert alpha.messages[0] == ("predator", "hi there")
    assert alpha.text.split("\n") == [m for _, m in alpha.messages]
    assert by_id["decoy:beta_2"].group == "beta"  # several decoys: officer_<name>_<n>.txt
    assert by_id["decoy:gamma_7"].group == "gamma_7"  # a name that itself ends in _<n>
    assert all(sender == "decoy" for sender, _ in by_id["decoy:beta_1"].messages)


def test_perverted_justice_officer_without_predator(fixtures: Path, tmp_path: Path) -> None:
    root = tmp_path / "perverted-justice"
    (root / "predators").mkdir(parents=True)
    (root / "officers").mkdir()
    (root / "predators" / "predator_a.txt").write_text("hello\n")
    (root / "officers" / "officer_b.txt").write_text("hi\n")
    with pytest.raises(DatasetError, match="matches no file"):
        load("perverted-justice", tmp_path)


def test_vihos_spans(fixtures: Path) -> None:
    ds = load("vihos", fixtures)
    assert ds.headline == "span_f1"
    first, clean = ds.split("train")[0], ds.split("train")[1]
    assert first.spans == ((0, 2), (3, 15))
    assert first.text[3:15] == "cà chua thối"
    assert first.label == "OFFENSIVE" and clean.label == "CLEAN" and clean.spans == ()
    assert ds.split("train")[3].text[7:20] == "bánh bao nhũn"
    assert ds.split("test")[1].spans == ((0, 3),)
    assert [len(ds.split(s)) for s in ("train", "dev", "test")] == [4, 2, 2]


def test_vihos_span_outside_text(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "vihos" / "data"
    for sub in ("Span_Extraction_based_version", "Test_data"):
        (root / sub).mkdir(parents=True)
    (root / "Span_Extraction_based_version" / "train.csv").write_text(
        ',content,index_spans\n0,SENTINEL-x,"[0, 99]"\n'
    )
    with pytest.raises(DatasetError, match="outside its text") as err:
        load("vihos", tmp_path)
    assert "SENTINEL" not in str(err.value)


def test_formspring_majority_vote_and_users(fixtures: Path) -> None:
    ds = load("formspring", fixtures)
    examples = ds.split("all")
    assert len(examples) == 18
    assert sum(e.label == "bullying" for e in examples) == 6  # every third post has 2 of 3 "Yes"
    assert examples[0].label == "none"  # one "Yes" is not a majority
    assert examples[0].group == "amy"
    assert examples[0].text == "Q: what's your favourite fruit 1?\nA: mango number 1"


def test_nps_chat_posts_and_sessions(fixtures: Path) -> None:
    ds = load("nps-chat", fixtures)
    assert ds.protocol is Protocol.FALSE_POSITIVE and ds.category is None and ds.positive == ()
    posts = ds.split("all")
    assert len(posts) == 6  # System JOIN/PART events are left out
    assert posts[2].text == "i like pizza & pasta"
    assert posts[2].get("act") == "Statement" and posts[2].get("room") == "teens"
    assert posts[1].text == "User1 who likes pizza"  # the masked handle without its date digits
    sessions = {e.id: e for e in ds.split("sessions")}
    assert set(sessions) == {"10-26-teens", "11-09-adults"}
    assert sessions["10-26-teens"].messages[0] == ("10-26-teensUser1", "hi everyone")
    assert all(ds.binary(e) == 0 for e in posts)


def test_every_loader_declares_a_consistent_dataset(fixtures: Path) -> None:
    for name in ("vihsd", "vihos", "sms-spam-uci", "davidson-hate-offensive", "perverted-justice"):
        ds = load(name, fixtures)
        assert ds.name == name
        assert ds.category is None or ds.category in CATEGORY_IDS
        assert set(ds.positive) <= set(ds.labels) and ds.labels[0] not in ds.positive
        assert ds.notes

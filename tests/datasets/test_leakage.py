"""Test texts are removed from training data, across related datasets too."""

from __future__ import annotations

from pathlib import Path

import pytest

from notalone.datasets import DatasetError, Example, load
from notalone.datasets.base import assert_disjoint, leak_key
from notalone.datasets.leakage import (
    RELATED,
    clean_training,
    evaluated_texts,
    evaluation_split,
    held_out,
    overlap,
    overlap_table,
    related,
)


def test_leak_key_normalises_case_spaces_and_entities() -> None:
    assert leak_key("  Hello\t WORLD \n") == "hello world"
    assert leak_key("see you &lt;3") == leak_key("See  you <3")


def test_clean_training_removes_every_test_text() -> None:
    train = [Example("Hello there", "a"), Example("keep me", "a"), Example("BYE  now", "b")]
    tests = [[Example("hello   THERE", "a")], [Example("bye now", "b")]]
    assert [e.text for e in clean_training(train, tests)] == ["keep me"]


def test_vihsd_fixture_train_and_test_share_a_text(fixtures: Path) -> None:
    ds = load("vihsd", fixtures)
    train, test = ds.split("train"), ds.split("test")
    assert overlap(train, test) == 1  # like the real split, which shares 787
    with pytest.raises(DatasetError, match="1 test texts") as err:
        assert_disjoint([e.text for e in train], [e.text for e in test], "vihsd")
    assert "Chúc" not in str(err.value)  # counts, never quotes
    cleaned = clean_training(train, [test])
    assert len(cleaned) == len(train) - 1
    assert_disjoint([e.text for e in cleaned], [e.text for e in test], "vihsd")


def test_related_is_symmetric_and_covers_the_measured_overlaps() -> None:
    for name, others in RELATED.items():
        for other in others:
            assert name in RELATED[other]
    assert {"vihos", "vithsd", "vlsp2019-hsd"} <= set(related("vihsd"))
    assert "nus-sms-corpus" in related("sms-spam-uci")
    assert related("perverted-justice") == ()


def test_held_out_collects_related_test_splits(fixtures: Path) -> None:
    # vihos (test) and vlsp2019-hsd (all, cross-validated) are there, vithsd is not
    sets = held_out("vihsd", fixtures, missing_ok=True)
    assert [len(s) for s in sets] == [4, 2, 8]
    vihos_train = load("vihos", fixtures).split("train")
    assert len(clean_training(vihos_train, sets)) == len(vihos_train)
    with pytest.raises(DatasetError, match="not found"):
        held_out("vihsd", fixtures)


def test_evaluation_split_and_overlap_table(fixtures: Path) -> None:
    vihsd = load("vihsd", fixtures)
    sms = load("sms-spam-uci", fixtures)
    assert evaluation_split(vihsd) == vihsd.split("test")
    assert evaluation_split(sms) == sms.split("all")
    nus = load("nus-sms-corpus", fixtures)  # sender 1 is held out, sender 3 trained on
    assert evaluation_split(nus) == nus.split("held_out") == nus.split("all")[:2]
    table = overlap_table({"vihsd": vihsd, "sms-spam-uci": sms})
    assert ("vihsd/train", "vihsd/dev", 1) in table
    assert ("vihsd/train", "vihsd/test", 1) in table


def test_evaluated_texts_covers_every_scored_text_and_message(fixtures: Path) -> None:
    keys = evaluated_texts("en", fixtures, skip=("sms-spam-uci",))
    assert leak_key("i like pizza & pasta") in keys  # an NPS post
    pj = load("perverted-justice", fixtures).split("all")[0]
    assert leak_key(pj.messages[0][1]) in keys  # one line of a chat stream
    assert leak_key("can u bring my umbrella") in keys  # NUS, held-out sender
    assert leak_key("Haha ok") not in keys  # NUS, a training sender
    assert leak_key("Mum says dinner is ready") not in keys  # skipped: sms-spam-uci
    vi = load("vihsd", fixtures).split("test")[0].text
    assert leak_key(vi) not in keys and leak_key(vi) in evaluated_texts("vi", fixtures)

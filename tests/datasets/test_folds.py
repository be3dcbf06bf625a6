"""``folds`` follows each protocol: stratified, grouped, deterministic, official splits as one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from notalone.datasets import Dataset, DatasetError, Example, Protocol, folds, load


def _dataset(protocol: Protocol, *, groups: bool) -> Dataset:
    examples = [
        Example(
            f"text {i}",
            "pos" if i % 4 == 0 else "neg",
            group=f"user{i % 20}" if groups else None,
            id=str(i),
        )
        for i in range(200)
    ]
    splits = {"all": examples}
    return Dataset("synthetic", "en", "scam", ("neg", "pos"), ("pos",), protocol, splits, "f1")


def _check_partition(ds: Dataset, pairs: list[tuple[list[Example], list[Example]]]) -> None:
    every = [e.id for e in ds.split("all")]
    tested = [e.id for _, test in pairs for e in test]
    assert sorted(tested) == sorted(every)  # every example is tested exactly once
    for train, test in pairs:
        assert not {e.id for e in train} & {e.id for e in test}
        assert len(train) + len(test) == len(every)


def test_stratified_folds() -> None:
    ds = _dataset(Protocol.CV5, groups=False)
    pairs = folds(ds, k=5, seed=0)
    assert len(pairs) == 5
    _check_partition(ds, pairs)
    for _, test in pairs:
        assert Counter(e.label for e in test) == {"neg": 30, "pos": 10}


def test_grouped_folds_keep_groups_whole() -> None:
    ds = _dataset(Protocol.GROUPED_CV5, groups=True)
    pairs = folds(ds, k=5, seed=1)
    _check_partition(ds, pairs)
    for train, test in pairs:
        assert not {e.group for e in train} & {e.group for e in test}


def test_folds_are_deterministic_and_seeded() -> None:
    ds = _dataset(Protocol.CV5, groups=False)
    ids = lambda pairs: [[e.id for e in test] for _, test in pairs]  # noqa: E731
    assert ids(folds(ds, seed=3)) == ids(folds(ds, seed=3))
    assert ids(folds(ds, seed=3)) != ids(folds(ds, seed=4))


def test_official_split_is_one_pair(fixtures: Path) -> None:
    ds = load("vihsd", fixtures)
    [(train, test)] = folds(ds)
    assert train == ds.split("train") and test == ds.split("test")


def test_grouped_protocol_needs_groups() -> None:
    ds = _dataset(Protocol.GROUPED_CV5, groups=False)
    with pytest.raises(DatasetError, match="no group"):
        folds(ds)


def test_too_few_groups_is_a_dataset_error() -> None:
    ds = _dataset(Protocol.GROUPED_CV5, groups=True)
    with pytest.raises(DatasetError, match="cannot cut"):
        folds(ds, k=50)
    with pytest.raises(DatasetError, match="at least 2"):
        folds(ds, k=1)


def test_fixture_datasets_fold(fixtures: Path) -> None:
    pj = load("perverted-justice", fixtures)
    pairs = folds(pj, k=3, seed=0)
    for train, test in pairs:
        assert not {e.group for e in train} & {e.group for e in test}
    davidson = load("davidson-hate-offensive", fixtures)
    for _, test in folds(davidson, k=2, seed=0):
        assert Counter(e.label for e in test)["hate"] == 1


def test_group_duplicates_keeps_repeated_texts_in_one_fold() -> None:
    examples = [Example(f"text {i % 30}", "pos" if i % 3 == 0 else "neg") for i in range(120)]
    ds = Dataset(
        "dups", "en", "scam", ("neg", "pos"), ("pos",), Protocol.CV5, {"all": examples}, "f1"
    )
    plain = folds(ds, k=4, seed=0)
    assert any({e.text for e in tr} & {e.text for e in te} for tr, te in plain)
    for train, test in folds(ds, k=4, seed=0, group_duplicates=True):
        assert not {e.text for e in train} & {e.text for e in test}
        assert len(train) + len(test) == 120


def test_group_duplicates_merges_with_existing_groups() -> None:
    examples = [
        Example("same words", "neg", group="a"),
        Example("Same  WORDS", "neg", group="b"),  # joins group a through the shared text
        *(Example(f"t{i}", "pos" if i % 2 else "neg", group=f"u{i % 6}") for i in range(24)),
    ]
    splits = {"all": examples}
    ds = Dataset("g", "en", "scam", ("neg", "pos"), ("pos",), Protocol.GROUPED_CV5, splits, "f1")
    for train, test in folds(ds, k=3, seed=0, group_duplicates=True):
        assert not {e.group for e in train} & {e.group for e in test}
        assert len({e.group for e in test} & {"a", "b"}) in (0, 2)  # a and b fold together

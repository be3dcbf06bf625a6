"""Every real dataset in shared/datasets loads with the counts its SOURCE.md states.

Skipped where the datasets are not beside the checkout, except on CI (``CI`` set), which has
them. Loads each dataset once (about 7 s for all of them).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from notalone.datasets import NAMES, Dataset, DatasetError, default_data_dir, folds, load
from notalone.datasets.leakage import evaluation_split, overlap


def _data_dir() -> Path | None:
    try:
        root = default_data_dir()
    except DatasetError:
        return None
    return root if root.is_dir() else None


DATA = _data_dir()
pytestmark = pytest.mark.skipif(
    DATA is None and not os.environ.get("CI"), reason="shared/datasets is not beside the checkout"
)

# split -> label counts, as SOURCE.md states them (or as derived from it, see comments).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "vihsd": {
        "train": {"CLEAN": 19886, "OFFENSIVE": 1606, "HATE": 2556},
        "dev": {"CLEAN": 2190, "OFFENSIVE": 212, "HATE": 270},
        "test": {"CLEAN": 5548, "OFFENSIVE": 444, "HATE": 688},
    },
    "vihos": {  # OFFENSIVE = comments with spans
        "train": {"OFFENSIVE": 4292, "CLEAN": 8844 - 4292},
        "dev": {"OFFENSIVE": 537, "CLEAN": 1106 - 537},
        "test": {"OFFENSIVE": 531, "CLEAN": 1106 - 531},
    },
    "vlsp2019-hsd": {"all": {"CLEAN": 18614, "OFFENSIVE": 1022, "HATE": 709}},
    "davidson-hate-offensive": {"all": {"hate": 1430, "offensive": 19190, "neither": 4163}},
    "olid-offenseval2019": {
        "train": {"NOT": 8840, "OFF": 4400},
        "test": {"NOT": 620, "OFF": 240},
    },
    "formspring": {"all": {"bullying": 776, "none": 12773 - 776}},
    "conda-dota2": {  # official train + valid, pooled
        "all": {"O": 19982 + 6629, "E": 3528 + 1183, "A": 1719 + 580, "I": 1692 + 582}
    },
    "sdcnl-suicide-depression": {
        "train": {"suicide": 787, "depression": 729},
        "test": {"suicide": 193, "depression": 186},
    },
    "sms-spam-uci": {"all": {"ham": 4827, "spam": 747}},
    "smishing-mendeley": {"all": {"ham": 4844, "smishing": 638, "spam": 489}},
    "nus-sms-corpus": {"all": {"none": 55835}},
    "vi-sms-smishing-ie403": {"all": {"smishing": 57, "legit": 2296}},
    "uit-vsmec": {"train": {"none": 5548}, "dev": {"none": 686}, "test": {"none": 693}},
    "nps-chat": {"all": {"none": 7935}, "sessions": {"none": 15}},
    "dailydialog": {"train": {"none": 10549}},  # unique of 11,118
    "perverted-justice": {"all": {"predator": 479, "decoy": 495}},  # this copy: 479 of 621
}


@pytest.fixture(scope="module")
def datasets() -> dict[str, Dataset]:
    assert DATA is not None, "CI is set but shared/datasets was not found"
    return {name: load(name, DATA) for name in NAMES}


def test_every_source_folder_has_a_loader() -> None:
    assert DATA is not None
    assert set(NAMES) == {p.parent.name for p in DATA.glob("*/SOURCE.md")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_match_source_md(datasets: dict[str, Dataset], name: str) -> None:
    ds = datasets[name]
    for split, expected in EXPECTED[name].items():
        assert Counter(e.label for e in ds.split(split)) == expected, f"{name}/{split}"


def test_structure_the_later_modules_rely_on(datasets: dict[str, Dataset]) -> None:
    vithsd = datasets["vithsd"]
    assert [len(vithsd.split(s)) for s in ("train", "dev", "test")] == [7000, 1201, 1800]
    individual = Counter(e.get("individual") for e in vithsd.split("test"))
    assert individual == {"absent": 402, "clean": 618, "offensive": 324, "hate": 456}
    vihos = datasets["vihos"]
    for e in vihos.split("train") + vihos.split("test"):
        assert all(0 <= a < b <= len(e.text) for a, b in e.spans)
        assert bool(e.spans) == (e.label == "OFFENSIVE")
    olid = datasets["olid-offenseval2019"]
    assert Counter(e.get("b") for e in olid.split("test") if e.get("b")) == {"TIN": 213, "UNT": 27}
    nus = datasets["nus-sms-corpus"]
    assert len({e.group for e in nus.split("all")}) == 343
    assert sum(e.get("age") == "16-20" for e in nus.split("all")) == 23345
    train, test = nus.split("train"), nus.split("held_out")
    assert (len(train), len(test)) == (25232, 30603)
    assert not {e.group for e in train} & {e.group for e in test}
    assert evaluation_split(nus) == test
    vsmec = datasets["uit-vsmec"]  # its official splits are the emotion task's: scored whole
    assert evaluation_split(vsmec) == vsmec.split("all")
    nps = datasets["nps-chat"]
    assert sum(e.get("room") == "teens" for e in nps.split("all")) == 1284
    pj = datasets["perverted-justice"]
    assert all(e.messages and e.group for e in pj.split("all"))
    conda = datasets["conda-dota2"]
    assert len({e.group for e in conda.split("all")}) == len(
        {e.group for e in conda.split("all") if e.get("official_split") == "train"}
        | {e.group for e in conda.split("all") if e.get("official_split") == "dev"}
    )


def test_overlaps_stated_in_the_readme(datasets: dict[str, Dataset]) -> None:
    vihsd_test = datasets["vihsd"].split("test")
    assert overlap(datasets["vihsd"].split("train"), vihsd_test) == 787
    vihos = datasets["vihos"]
    assert [overlap(vihos.split(s), vihsd_test) for s in ("train", "dev", "test")] == [
        1067,
        150,
        141,
    ]
    vithsd = datasets["vithsd"]
    every_vithsd = vithsd.split("train") + vithsd.split("dev") + vithsd.split("test")
    assert overlap(every_vithsd, vihsd_test) == 1290
    ham = [e for e in datasets["sms-spam-uci"].split("all") if e.label == "ham"]
    assert overlap(ham, datasets["nus-sms-corpus"].split("all")) == 3689  # 3,978 messages


def test_grouped_folds_on_real_data(datasets: dict[str, Dataset]) -> None:
    pairs = folds(datasets["perverted-justice"], k=5, seed=0)
    for train, test in pairs:
        assert not {e.group for e in train} & {e.group for e in test}
        assert {e.label for e in test} == {"predator", "decoy"}

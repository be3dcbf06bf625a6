"""The participant model trains on a tiny synthetic set of streams (written here: no line of
any real transcript), reproducibly, and its folds keep every group whole."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from notalone.detection.classifiers import load_participant_model
from notalone.detection.classifiers.participant import HashConfig
from notalone.errors import DatasetError
from notalone.evaluation.conversations import _assert_unseen
from notalone.training import SHIPPED, train_all
from notalone.training.participants import Stream, fold_of, hash_streams, stream_rows, streams

NPS = Path(__file__).parent.parent / "fixtures" / "datasets" / "nps-chat"

# Non-explicit, hand-written lines in the register of each side.
_PREDATOR = [
    "how old are you again",
    "are your parents home tonight",
    "you seem really mature for your age",
    "dont tell anyone we talk ok",
    "delete this chat after",
    "do you have a webcam",
    "i could pick you up after school",
    "you are my special friend",
    "is your mom working late",
    "you can trust me",
]
_DECOY = [
    "lol im 13",
    "my mom works till 9",
    "idk maybe",
    "school was boring today",
    "i have a math test tomorrow",
    "my sister is annoying",
    "what music do u like",
    "brb dinner",
    "kk",
    "i like drawing",
]
_ORDINARY = [
    "Could you pass me the menu, please?",
    "The train leaves at seven tomorrow morning.",
    "I think the meeting went well.",
    "Would you like some more tea?",
    "The weather is lovely today.",
    "I have to finish my report first.",
    "Let's go to the cinema this weekend.",
    "How much does this jacket cost?",
]


def _lines(pool: list[str], rng: random.Random, n: int) -> str:
    return "\n".join(rng.choice(pool) for _ in range(n)) + "\n"


def write_fixture(root: Path, predators: int = 12) -> Path:
    rng = random.Random(7)
    (root / "perverted-justice" / "predators").mkdir(parents=True)
    (root / "perverted-justice" / "officers").mkdir(parents=True)
    for i in range(predators):
        pj = root / "perverted-justice"
        (pj / "predators" / f"predator_p{i}.txt").write_text(
            _lines(_PREDATOR, rng, 40), encoding="utf-8"
        )
        (pj / "officers" / f"officer_p{i}.txt").write_text(
            _lines(_DECOY, rng, 40), encoding="utf-8"
        )
    shutil.copytree(NPS, root / "nps-chat")
    for split in ("train", "validation"):
        folder = root / "dailydialog" / split
        folder.mkdir(parents=True)
        dialogues = [
            " __eou__ ".join(rng.choice(_ORDINARY) for _ in range(6)) + " __eou__"
            for _ in range(30)
        ]
        (folder / f"dialogues_{split}.txt").write_text("\n".join(dialogues) + "\n")
    return root


def test_participants_ships_and_trains(tmp_path: Path) -> None:
    assert "participants" in SHIPPED
    data = write_fixture(tmp_path / "data")
    a, b = tmp_path / "a", tmp_path / "b"
    (manifest,) = train_all(data, a, seed=0, tasks=["participants"])
    train_all(data, b, seed=0, tasks=["participants"])
    files = {p.name for p in (a / "participants").iterdir()}
    assert files == {"participants.json", "participants.npz"}
    for name in files:  # same data + same seed: the same bytes
        assert (a / "participants" / name).read_bytes() == (b / "participants" / name).read_bytes()
    assert manifest.training["datasets"] == [
        "perverted-justice/all",
        "nps-chat/sessions",
        "dailydialog/train",
    ]
    # DailyDialog validation is never trained on.
    assert manifest.training["label_counts"]["dailydialog"] == 60
    model = load_participant_model(a / "participants")
    assert model.medium <= model.high

    def probability(lines: list[str]) -> float:
        total = sum(model.message_score(t) for t in lines)
        return model.probability(total, len(lines))

    rng = random.Random(1)
    grooming = [rng.choice(_PREDATOR) for _ in range(30)]
    ordinary = [rng.choice(_ORDINARY) for _ in range(30)]
    decoy = [rng.choice(_DECOY) for _ in range(30)]
    assert probability(grooming) > 0.5 > max(probability(ordinary), probability(decoy))


def test_no_text_in_the_artifact(tmp_path: Path) -> None:
    data = write_fixture(tmp_path / "data")
    train_all(data, tmp_path / "out", seed=0, tasks=["participants"])
    folder = tmp_path / "out" / "participants"
    raw = b"".join(p.read_bytes() for p in folder.iterdir())
    with np.load(folder / "participants.npz", allow_pickle=False) as npz:
        assert set(npz.files) == {"coef", "intercept"}
        assert all(npz[k].dtype.kind == "f" for k in npz.files)
    for line in _PREDATOR + _DECOY:
        for word in line.split():
            if len(word) > 4:
                assert word.encode() not in raw, word


def test_prefix_rows_are_running_means() -> None:
    config = HashConfig(buckets=1 << 10)
    items = [Stream("predator:x", "predator", "pj:x", tuple(["hello there"] * 30))]
    h = hash_streams(items, config)
    x, owner = stream_rows(h, np.array([0]), config.prior)
    assert list(owner) == [0, 0]  # the first 25 messages, then all 30
    one = h.x[0].toarray().ravel()
    np.testing.assert_allclose(x[0].toarray().ravel(), one * 25 / (25 + config.prior))
    np.testing.assert_allclose(x[1].toarray().ravel(), one * 30 / (30 + config.prior))


def test_folds_keep_groups_whole(tmp_path: Path) -> None:
    items, _ = streams(write_fixture(tmp_path / "data"), dailydialog_split="all")
    fold = fold_of(items, seed=0)
    by_group: dict[str, set[int]] = {}
    for s, k in zip(items, fold, strict=True):
        by_group.setdefault(s.group, set()).add(int(k))
    assert all(len(ks) == 1 for ks in by_group.values())
    predators = [s for s in items if s.source == "predator"]
    assert len({int(fold[items.index(s)]) for s in predators}) == 5
    assert list(fold) == list(fold_of(items, seed=0))


def test_evaluation_refuses_a_seen_stream() -> None:
    items = [
        Stream("predator:a", "predator", "pj:a", ("hi",)),
        Stream("decoy:a", "decoy", "pj:a", ("hey",)),
        Stream("dailydialog:train:1:A", "dailydialog", "dailydialog:train:1", ("Hello.",)),
        Stream("dailydialog:dev:2:A", "dailydialog", "dailydialog:dev:2", ("Hello.",)),
    ]
    with pytest.raises(DatasetError, match="group"):  # a decoy trained, their predator tested
        _assert_unseen(items, np.array([1]), np.array([0]), "fold")
    with pytest.raises(DatasetError, match="dev"):
        _assert_unseen(items, np.array([3]), np.array([0]), "fold")
    with pytest.raises(DatasetError, match="training data"):  # the same text
        _assert_unseen(items, np.array([2]), np.array([3]), "fold")
    _assert_unseen(items, np.array([2]), np.array([0, 1]), "fold")

"""Which datasets share texts, and removing every evaluated text from training data.

Several sets were built from the same posts, so training on one and testing on another
silently tests on training data. Measured with ``leak_key`` (distinct texts; empty texts
ignored), on the copies in ``shared/datasets``:

    ViHSD test (6,680)   in ViHOS train 1,067 / dev 150 / test 141; in ViTHSD (all) 1,290
    ViHSD train / test   share 787 (the official split: report on it as published)
    ViHSD train / VLSP   share 6; ViTHSD / VLSP 3; UIT-VSMEC / ViHSD + ViHOS + ViTHSD ~30
    UCI SMS / NUS SMS    3,978 UCI ham messages (3,689 distinct texts) are in NUS; SOURCE.md
                         says 3,647 "verbatim": exact-string matching gives 3,617
    UCI SMS / Mendeley   4,859 texts; Mendeley / NUS 3,566
    DailyDialog          76 dev dialogues repeat train ones (after within-split de-duplication)
    OLID train / test    6; ViTHSD train / test 82; ViHOS train / test 3

Short generic chat ("lol", "ok") recurs across unrelated sets (CONDA, NPS, NUS: tens to a few
hundred texts); ``clean_training`` removes those too, ``RELATED`` lists only shared sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from notalone.datasets.base import Dataset, Example, Protocol, leak_key, without

_SHARED_SOURCES = (
    ("vihsd", "vihos"),
    ("vihsd", "vithsd"),
    ("vihsd", "vlsp2019-hsd"),
    ("vihsd", "uit-vsmec"),
    ("vihos", "vithsd"),
    ("vihos", "vlsp2019-hsd"),
    ("vihos", "uit-vsmec"),
    ("vithsd", "vlsp2019-hsd"),
    ("vithsd", "uit-vsmec"),
    ("sms-spam-uci", "nus-sms-corpus"),
    ("sms-spam-uci", "smishing-mendeley"),
    ("smishing-mendeley", "nus-sms-corpus"),
)


def _related_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for a, b in _SHARED_SOURCES:
        table.setdefault(a, []).append(b)
        table.setdefault(b, []).append(a)
    return {name: tuple(others) for name, others in sorted(table.items())}


#: For each dataset, the datasets that share texts with it (symmetric). Before scoring on
#: dataset X, remove X's evaluated texts from every training source among ``RELATED[X]``.
RELATED: dict[str, tuple[str, ...]] = _related_table()


def related(name: str) -> tuple[str, ...]:
    """The datasets that share texts with ``name`` (empty when none is known)."""
    return RELATED.get(name, ())


def evaluation_split_name(dataset: Dataset) -> str:
    """The split an evaluation of ``dataset`` scores: its official "test", the "held_out" part
    of a false-positive slice whose other part is trained on, else "all" (a slice's official
    splits, UIT-VSMEC's, are another task's: it is scored whole)."""
    if dataset.protocol is Protocol.SPLIT:
        return "test"
    if dataset.protocol is Protocol.FALSE_POSITIVE and "held_out" in dataset.splits:
        return "held_out"
    return "all"


def evaluation_split(dataset: Dataset) -> list[Example]:
    """What an evaluation of ``dataset`` scores (``evaluation_split_name``)."""
    return dataset.split(evaluation_split_name(dataset))


def clean_training(
    train: Iterable[Example], test_sets: Iterable[Sequence[Example]]
) -> list[Example]:
    """``train`` without any example whose text (as a ``leak_key``) is in any test set."""
    return without(train, (e.text for test in test_sets for e in test))


def held_out(
    name: str, data_dir: Path | None = None, *, missing_ok: bool = False
) -> list[list[Example]]:
    """The evaluated examples of ``name`` and of every related dataset, ready for
    ``clean_training``: what a model must not train on if it is ever scored on ``name``.
    ``missing_ok`` skips related datasets whose folder is absent (never ``name`` itself)."""
    from notalone.datasets import default_data_dir, load  # the package imports this module

    root = Path(data_dir) if data_dir is not None else default_data_dir()
    names = [name, *(n for n in related(name) if not missing_ok or (root / n).is_dir())]
    return [evaluation_split(load(n, root)) for n in names]


def evaluated_texts(
    language: str, data_dir: Path | None = None, *, skip: Iterable[str] = ()
) -> set[str]:
    """The ``leak_key`` of every text, and of every chat message, that an evaluation of any
    ``language`` dataset (but those in ``skip``) scores: what a model that the engine always
    runs (so every evaluation's "fused" row) must never train on. Absent folders are skipped:
    nothing is scored there."""
    from notalone.datasets import NAMES, default_data_dir, load

    root = Path(data_dir) if data_dir is not None else default_data_dir()
    keys: set[str] = set()
    for name in NAMES:
        if name in skip or not (root / name).is_dir():
            continue
        ds = load(name, root)
        if ds.language != language:
            continue
        for e in evaluation_split(ds):
            keys.add(leak_key(e.text))
            keys.update(leak_key(text) for _, text in e.messages)
    keys.discard("")
    return keys


def overlap(a: Iterable[Example], b: Iterable[Example]) -> int:
    """How many distinct non-empty texts ``a`` and ``b`` share."""
    keys = {leak_key(e.text) for e in a}
    keys.discard("")
    return len(keys & {leak_key(e.text) for e in b})


def overlap_table(datasets: Mapping[str, Dataset]) -> list[tuple[str, str, int]]:
    """Every pair of splits (``"name/split"``) across ``datasets`` that shares texts, with the
    count, largest first: the measurement behind ``RELATED``. An "all" split beside official
    splits (a union kept for false-positive scoring) is not compared twice."""
    keys: dict[str, set[str]] = {}
    for name, ds in datasets.items():
        for split, examples in ds.splits.items():
            if split == "all" and "train" in ds.splits:
                continue
            keys[f"{name}/{split}"] = {leak_key(e.text) for e in examples} - {""}
    names = list(keys)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = len(keys[a] & keys[b])
            if shared:
                rows.append((a, b, shared))
    return sorted(rows, key=lambda row: -row[2])

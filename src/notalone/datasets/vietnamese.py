"""Vietnamese datasets: hate/offensive speech (ViHSD, ViHOS, ViTHSD, VLSP 2019), casual comments
(UIT-VSMEC) and student-labelled scam SMS. Each function takes the dataset's own folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

from notalone.datasets.base import Dataset, Example, Protocol, leak_key
from notalone.datasets.reading import mapped, read_rows
from notalone.errors import DatasetError

HSD_LABELS = ("CLEAN", "OFFENSIVE", "HATE")
_HSD_IDS = {"0": "CLEAN", "1": "OFFENSIVE", "2": "HATE"}
NONE = "none"  # the one label of a false-positive slice: nothing in it is meant to be flagged


def vihsd(root: Path) -> Dataset:
    splits = {}
    for split in ("train", "dev", "test"):
        path = root / f"{split}.csv"
        rows = read_rows(path, ("free_text", "label_id"))
        splits[split] = [
            Example(
                r["free_text"],
                mapped(r["label_id"], _HSD_IDS, path, i, "label_id"),
                id=f"{split}:{i}",
            )
            for i, r in enumerate(rows, start=1)
        ]
    return Dataset(
        name="vihsd",
        language="vi",
        category="cyberbullying",
        labels=HSD_LABELS,
        positive=("OFFENSIVE", "HATE"),
        protocol=Protocol.SPLIT,
        splits=splits,
        headline="macro_f1",
        notes=(
            "Official split, reported as published: train and test share 787 texts (and ViHOS, "
            "ViTHSD and VLSP 2019 reuse ViHSD comments), so never add those sets to training "
            "without removing this test split from them."
        ),
    )


def vihos(root: Path) -> Dataset:
    files = {
        "train": root / "data" / "Span_Extraction_based_version" / "train.csv",
        "dev": root / "data" / "Span_Extraction_based_version" / "dev.csv",
        "test": root / "data" / "Test_data" / "test.csv",  # the README's test file
    }
    splits = {}
    for split, path in files.items():
        examples = []
        for i, r in enumerate(read_rows(path, ("content", "index_spans")), start=1):
            spans = _spans(r["index_spans"], len(r["content"]), path, i)
            label = "OFFENSIVE" if spans else "CLEAN"
            examples.append(Example(r["content"], label, id=f"{split}:{i}", spans=spans))
        splits[split] = examples
    return Dataset(
        name="vihos",
        language="vi",
        category="cyberbullying",
        labels=("CLEAN", "OFFENSIVE"),
        positive=("OFFENSIVE",),
        protocol=Protocol.SPLIT,
        splits=splits,
        headline="span_f1",
        notes=(
            "Gold character spans in Example.spans (half-open); label OFFENSIVE = has a span. "
            "Built from ViHSD comments: train holds 1,067 ViHSD test texts."
        ),
    )


def _spans(raw: str, length: int, path: Path, row: int) -> tuple[tuple[int, int], ...]:
    """ViHOS lists every offensive character index; merge consecutive ones into spans."""
    try:
        indices = ast.literal_eval(raw.strip() or "[]")
    except (ValueError, SyntaxError):
        indices = None
    if not isinstance(indices, list) or not all(isinstance(i, int) for i in indices):
        raise DatasetError(f"{path}: row {row} index_spans is not a list of character indices")
    if any(i < 0 or i >= length for i in indices):
        raise DatasetError(f"{path}: row {row} index_spans points outside its text")
    spans: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return tuple(spans)


VITHSD_TARGETS = ("individual", "groups", "religion/creed", "race/ethnicity", "politics")
_TARGET_LEVELS = {"0": "absent", "1": "clean", "2": "offensive", "3": "hate"}
_WORST = {"absent": "CLEAN", "clean": "CLEAN", "offensive": "OFFENSIVE", "hate": "HATE"}


def vithsd(root: Path) -> Dataset:
    order = list(_TARGET_LEVELS.values())
    splits = {}
    for split in ("train", "dev", "test"):
        path = root / f"{split}.csv"
        examples = []
        for i, r in enumerate(read_rows(path, ("content", *VITHSD_TARGETS)), start=1):
            levels = [mapped(r[t], _TARGET_LEVELS, path, i, t) for t in VITHSD_TARGETS]
            worst = max(levels, key=order.index)
            meta = tuple(zip(VITHSD_TARGETS, levels, strict=True))
            examples.append(Example(r["content"], _WORST[worst], id=f"{split}:{i}", meta=meta))
        splits[split] = examples
    return Dataset(
        name="vithsd",
        language="vi",
        category="cyberbullying",
        labels=HSD_LABELS,
        positive=("OFFENSIVE", "HATE"),
        protocol=Protocol.SPLIT,
        splits=splits,
        headline="macro_f1",
        notes=(
            "label = the worst level over the five targets (absent/clean -> CLEAN); each "
            "target's level (absent, clean, offensive, hate; meaning per the paper, unverified) "
            "is in Example.meta. The paper's metric is per-target macro-F1. Shares 1,290 texts "
            "with ViHSD test."
        ),
        extra={"targets": VITHSD_TARGETS},
    )


def vlsp2019_hsd(root: Path) -> Dataset:
    path = root / "Data" / "Train_original.csv"
    rows = read_rows(path, ("id", "label_id", "free_text"))
    examples = [
        Example(r["free_text"], mapped(r["label_id"], _HSD_IDS, path, i, "label_id"), id=r["id"])
        for i, r in enumerate(rows, start=1)
    ]
    return Dataset(
        name="vlsp2019-hsd",
        language="vi",
        category="cyberbullying",
        labels=HSD_LABELS,
        positive=("OFFENSIVE", "HATE"),
        protocol=Protocol.CV5,
        splits={"all": examples},
        headline="macro_f1",
        notes=(
            "Labelled train only (the shared-task test labels were never published): use as "
            "extra training data or 5-fold CV; not comparable with the 2019 leaderboard."
        ),
    )


_EMOTIONS = ("Other", "Enjoyment", "Sadness", "Surprise", "Fear", "Anger", "Disgust")


def uit_vsmec(root: Path) -> Dataset:
    allowed = {e: e for e in _EMOTIONS}
    splits: dict[str, list[Example]] = {}
    for split, stem in (("train", "train"), ("dev", "valid"), ("test", "test")):
        path = root / f"{stem}_nor_811.csv"
        rows = read_rows(path, ("Emotion", "Sentence"))
        splits[split] = [
            Example(
                r["Sentence"],
                NONE,
                id=f"{split}:{i}",
                meta=(("emotion", mapped(r["Emotion"], allowed, path, i, "Emotion")),),
            )
            for i, r in enumerate(rows, start=1)
        ]
    splits["all"] = splits["train"] + splits["dev"] + splits["test"]
    return Dataset(
        name="uit-vsmec",
        language="vi",
        category=None,
        labels=(NONE,),
        positive=(),
        protocol=Protocol.FALSE_POSITIVE,
        splits=splits,
        headline="false_positive_rate",
        notes=(
            "Casual Facebook comments used as Vietnamese negatives; 'all' = train + dev + test "
            "(score it), the official splits are kept for training negatives on train only. "
            "The emotion is in Example.meta; Anger/Disgust rows include insults, so not every "
            "flag is a false alarm."
        ),
        extra={"emotions": _EMOTIONS},
    )


_SMS_LABELS = {"0": "legit", "1": "smishing"}


def vi_sms_smishing(root: Path) -> Dataset:
    real = _sms_rows(root / "labeled_sms_data.csv", "all")
    seen = {leak_key(e.text) for e in real}
    extra = []
    for example in _sms_rows(root / "dataset.csv", "extra"):
        key = leak_key(example.text)
        if key not in seen:
            seen.add(key)
            extra.append(example)
    return Dataset(
        name="vi-sms-smishing-ie403",
        language="vi",
        category="scam",
        labels=("legit", "smishing"),
        positive=("smishing",),
        protocol=Protocol.SMOKE,
        splits={"all": real, "extra": extra},
        headline="f1",
        notes=(
            "Student course project with uneven labels (telco promotions marked smishing): a "
            "smoke test, never a headline number. 'all' = the 2,353 real SMS; 'extra' = rows of "
            "dataset.csv not in it (mostly added smishing of unclear, partly synthetic origin). "
            "May contain phone numbers."
        ),
    )


def _sms_rows(path: Path, split: str) -> list[Example]:
    rows = read_rows(path, ("content", "label", "has_url", "has_phone_number", "sender_type"))
    return [
        Example(
            r["content"],
            mapped(r["label"], _SMS_LABELS, path, i, "label"),
            id=f"{split}:{i}",
            meta=(("sender_type", r["sender_type"]), ("has_url", r["has_url"])),
        )
        for i, r in enumerate(rows, start=1)
    ]

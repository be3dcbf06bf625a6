"""English posts: hate/offensive tweets (Davidson, OLID), teen Q&A bullying (Formspring), game
chat toxicity (CONDA) and suicidal vs depressed Reddit posts (SDCNL).
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from notalone.datasets.base import Dataset, Example, Protocol
from notalone.datasets.reading import mapped, read_rows
from notalone.errors import DatasetError

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SEPA = re.compile(r"\s*\[SEPA\]\s*")

_DAVIDSON = {"0": "hate", "1": "offensive", "2": "neither"}


def davidson(root: Path) -> Dataset:
    path = root / "labeled_data.csv"
    rows = read_rows(path, ("", "class", "tweet"))
    examples = [
        Example(
            html.unescape(r["tweet"]), mapped(r["class"], _DAVIDSON, path, i, "class"), id=r[""]
        )
        for i, r in enumerate(rows, start=1)
    ]
    return Dataset(
        name="davidson-hate-offensive",
        language="en",
        category="cyberbullying",
        labels=("neither", "offensive", "hate"),
        positive=("offensive", "hate"),
        protocol=Protocol.CV5,
        splits={"all": examples},
        headline="macro_f1",
        notes=(
            "No official split: fixed-seed stratified 5-fold CV. The hate class is small (1,430) "
            "and noisy; report macro-F1 beside the paper's weighted F1. HTML entities unescaped."
        ),
    )


_OLID_A = {"NOT": "NOT", "OFF": "OFF"}


def olid(root: Path) -> Dataset:
    path = root / "olid-training-v1.0.tsv"
    columns = ("id", "tweet", "subtask_a", "subtask_b", "subtask_c")
    rows = read_rows(path, columns, delimiter="\t", quoting=csv.QUOTE_NONE)
    train = [
        Example(
            r["tweet"],
            mapped(r["subtask_a"], _OLID_A, path, i, "subtask_a"),
            id=r["id"],
            meta=tuple((k, r[f"subtask_{k}"]) for k in "bc" if r[f"subtask_{k}"] != "NULL"),
        )
        for i, r in enumerate(rows, start=1)
    ]
    gold = {level: _olid_labels(root / f"labels-level{level}.csv") for level in "abc"}
    tweets = read_rows(
        root / "testset-levela.tsv", ("id", "tweet"), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    test = []
    for r in tweets:
        if r["id"] not in gold["a"]:
            raise DatasetError(
                f"{root / 'labels-levela.csv'} has no label for test id {r['id'][:12]!r}"
            )
        meta = tuple((k, gold[k][r["id"]]) for k in "bc" if r["id"] in gold[k])
        test.append(Example(r["tweet"], gold["a"][r["id"]], id=r["id"], meta=meta))
    return Dataset(
        name="olid-offenseval2019",
        language="en",
        category="cyberbullying",
        labels=("NOT", "OFF"),
        positive=("OFF",),
        protocol=Protocol.SPLIT,
        splits={"train": train, "test": test},
        headline="macro_f1",
        notes=(
            "Sub-task A (offensive or not). No official dev: carve one out of train. Sub-task "
            "B (TIN/UNT) and C (IND/GRP/OTH) labels are in Example.meta where they apply."
        ),
    )


def _olid_labels(path: Path) -> dict[str, str]:
    return {r["id"]: r["label"].strip() for r in read_rows(path, ("id", "label"))}


def formspring(root: Path) -> Dataset:
    path = root / "formspring_data.csv"
    votes = ("ans1", "ans2", "ans3")
    rows = read_rows(path, ("userid", "post", *votes), delimiter="\t")
    examples = []
    for i, r in enumerate(rows, start=1):
        yes = sum(r[v].strip().lower() == "yes" for v in votes)
        text = html.unescape(_BR.sub("\n", r["post"])).strip()
        label = "bullying" if yes >= 2 else "none"
        examples.append(
            Example(text, label, group=r["userid"], id=str(i), meta=(("yes_votes", str(yes)),))
        )
    return Dataset(
        name="formspring",
        language="en",
        category="cyberbullying",
        labels=("none", "bullying"),
        positive=("bullying",),
        protocol=Protocol.GROUPED_CV5,
        splits={"all": examples},
        headline="f1",
        notes=(
            "Majority vote (>= 2 of 3 annotators) as positive: 776 of 12,773 (6.1 %), so "
            "accuracy is uninformative: report bullying F1. Folds keep each of the 49 answering "
            "users whole. Never oversample before splitting (the leak behind F1 ~0.9 claims)."
        ),
    )


CONDA_LABELS = ("O", "A", "I", "E")


def conda(root: Path) -> Dataset:
    allowed = {c: c for c in CONDA_LABELS}
    columns = ("Id", "matchId", "conversationId", "utterance", "chatTime", "playerSlot")
    examples = []
    for split, stem in (("train", "train"), ("dev", "valid")):
        path = root / f"CONDA_{stem}.csv"
        for i, r in enumerate(read_rows(path, (*columns, "intentClass")), start=1):
            meta = (
                ("conversation", r["conversationId"]),
                ("chat_time", r["chatTime"]),
                ("player_slot", r["playerSlot"]),
                ("official_split", split),
            )  # playerId (real Steam nicknames) is left out on purpose
            label = mapped(r["intentClass"], allowed, path, i, "intentClass")
            text = _SEPA.sub("\n", r["utterance"]).strip()
            examples.append(Example(text, label, group=r["matchId"], id=r["Id"], meta=meta))
    return Dataset(
        name="conda-dota2",
        language="en",
        category="cyberbullying",
        labels=CONDA_LABELS,
        positive=("I", "E"),
        protocol=Protocol.GROUPED_CV5,
        splits={"all": examples},
        headline="macro_f1",
        notes=(
            "Official train + valid pooled and re-split by match: the official split is by "
            "utterance and 1,772 matches occur in both. Test has no labels and is not loaded. "
            "Intent E/I = explicit/implicit toxicity (positive), A = game action, O = other. "
            "'[SEPA]' (one player's consecutive lines) becomes a newline. Not comparable with "
            "the paper's UCA/JSA on the official split."
        ),
    )


_SDCNL = {"0": "depression", "1": "suicide"}


def sdcnl(root: Path) -> Dataset:
    splits = {}
    for split, stem in (("train", "training"), ("test", "testing")):
        path = root / f"{stem}-set.csv"
        rows = read_rows(path, ("", "title", "selftext", "is_suicide"))
        splits[split] = [
            Example(
                f"{r['title'].strip()}\n\n{r['selftext'].strip()}".strip(),
                mapped(r["is_suicide"], _SDCNL, path, i, "is_suicide"),
                id=r[""],
            )  # the author column (Reddit usernames) is left out on purpose
            for i, r in enumerate(rows, start=1)
        ]
    return Dataset(
        name="sdcnl-suicide-depression",
        language="en",
        category="self_harm",
        labels=("depression", "suicide"),
        positive=("suicide",),
        protocol=Protocol.SPLIT,
        splits=splits,
        headline="accuracy",
        notes=(
            "Labels are the subreddit (r/SuicideWatch vs r/depression): noisy, both classes "
            "distressed. The paper's 93 % accuracy is after its unsupervised label correction; "
            "raw-label classifiers reach ~70-75 %. Compare with the raw-label range."
        ),
    )

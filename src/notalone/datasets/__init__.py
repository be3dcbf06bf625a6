"""Loaders for the public datasets NotAlone is trained and evaluated on.

    ds = load("vihsd")                      # official train/dev/test
    for train, test in folds(load("davidson-hate-offensive")):   # the dataset's own protocol
        ...

Data is read in place from the datasets directory (see ``default_data_dir``) and never copied
into the package. Every loader follows the protocol its SOURCE.md names; ``Dataset.notes``
says what a trainer or evaluator must know (label corrections, duplicates, leaks).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from notalone.datasets import chats, english, sms, vietnamese
from notalone.datasets.base import Dataset, Example, Protocol, assert_disjoint, leak_key, without
from notalone.datasets.reading import read_rows, read_text
from notalone.errors import DatasetError
from notalone.taxonomy import CATEGORY_IDS

__all__ = [
    "NAMES",
    "Dataset",
    "DatasetError",
    "Example",
    "Protocol",
    "assert_disjoint",
    "default_data_dir",
    "folds",
    "leak_key",
    "load",
    "load_generic",
    "without",
]

_LOADERS: dict[str, Callable[[Path], Dataset]] = {
    "conda-dota2": english.conda,
    "dailydialog": chats.dailydialog,
    "davidson-hate-offensive": english.davidson,
    "formspring": english.formspring,
    "nps-chat": chats.nps_chat,
    "nus-sms-corpus": sms.nus_sms,
    "olid-offenseval2019": english.olid,
    "perverted-justice": chats.perverted_justice,
    "sdcnl-suicide-depression": english.sdcnl,
    "smishing-mendeley": sms.smishing_mendeley,
    "sms-spam-uci": sms.sms_spam_uci,
    "uit-vsmec": vietnamese.uit_vsmec,
    "vi-sms-smishing-ie403": vietnamese.vi_sms_smishing,
    "vihos": vietnamese.vihos,
    "vihsd": vietnamese.vihsd,
    "vithsd": vietnamese.vithsd,
    "vlsp2019-hsd": vietnamese.vlsp2019_hsd,
}

#: Every dataset folder with a SOURCE.md, i.e. every name ``load`` accepts.
NAMES: tuple[str, ...] = tuple(_LOADERS)

ENV_VAR = "NOTALONE_DATA_DIR"


def default_data_dir() -> Path:
    """Where datasets live: ``$NOTALONE_DATA_DIR``, else the first ``shared/datasets`` found
    walking up from this package and then from the current directory (the repository's
    sibling ``../shared/datasets`` in a checkout, on CI and on the device machine).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    starts = (Path(__file__).resolve().parent, Path.cwd().resolve())
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder / "shared" / "datasets"
            if candidate.is_dir():
                return candidate
    raise DatasetError(
        f"no shared/datasets directory found above {starts[0]} or {starts[1]}; "
        f"set {ENV_VAR} or pass the datasets directory explicitly"
    )


def load(name: str, data_dir: Path | None = None) -> Dataset:
    """The dataset in folder ``name`` of ``data_dir`` (default: ``default_data_dir()``)."""
    if name not in _LOADERS:
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {', '.join(NAMES)}")
    root = Path(data_dir if data_dir is not None else default_data_dir()) / name
    if not root.is_dir():
        raise DatasetError(
            f"dataset folder {root} not found; set {ENV_VAR} or pass the datasets directory"
        )
    return _checked(_LOADERS[name](root))


def folds(
    dataset: Dataset, k: int = 5, seed: int = 0, *, group_duplicates: bool = False
) -> list[tuple[list[Example], list[Example]]]:
    """``(train, test)`` pairs under the dataset's protocol.

    Official splits give the one pair ``(train, test)`` (``dev`` stays for tuning). Every other
    protocol cuts ``k`` stratified folds from "all" with a fixed seed; they keep each ``group``
    whole when the protocol is grouped or the examples carry groups (sender, session).
    ``group_duplicates`` also keeps repeated texts (same ``leak_key``) in one fold: plain CV,
    as papers ran it, tests on texts it trained on (sms-spam-uci repeats 415 of 5,574).
    """
    if dataset.protocol is Protocol.SPLIT:
        return [(list(dataset.split("train")), list(dataset.split("test")))]
    if k < 2:
        raise DatasetError(f"k must be at least 2 for cross-validation, got {k}")
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    examples = dataset.split("all")
    labels = [e.label for e in examples]
    groups: list[str | None] = [e.group for e in examples]
    grouped = dataset.protocol is Protocol.GROUPED_CV5 or any(g is not None for g in groups)
    if grouped and any(g is None for g in groups):
        missing = sum(g is None for g in groups)
        raise DatasetError(f"{dataset.name}: {missing} examples have no group to keep together")
    if group_duplicates:
        merged = _merge_duplicates(examples, groups)
        if not grouped:  # clusters of one text: plain stratified folds over the clusters
            return _cluster_folds(examples, merged, k, seed, dataset.name)
        groups = list(merged)
    try:
        if grouped:
            splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
            indices = list(splitter.split(examples, labels, groups))
        else:
            plain = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
            indices = list(plain.split(examples, labels))
    except ValueError as err:
        raise DatasetError(f"{dataset.name}: cannot cut {k} folds: {err}") from None
    return [([examples[i] for i in tr], [examples[i] for i in te]) for tr, te in indices]


def _cluster_folds(
    examples: Sequence[Example], clusters: Sequence[str], k: int, seed: int, name: str
) -> list[tuple[list[Example], list[Example]]]:
    """Stratified folds over clusters (each labelled by its most common label), expanded.

    StratifiedGroupKFold does the same but takes seconds once there are thousands of groups.
    """
    from sklearn.model_selection import StratifiedKFold

    members: dict[str, list[int]] = {}
    for i, cluster in enumerate(clusters):
        members.setdefault(cluster, []).append(i)
    keys = list(members)
    votes = [Counter(examples[i].label for i in members[key]).most_common(1)[0][0] for key in keys]
    try:
        cut = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(keys, votes))
    except ValueError as err:
        raise DatasetError(f"{name}: cannot cut {k} folds: {err}") from None
    out = []
    for tr, te in cut:
        train = sorted(i for c in tr for i in members[keys[c]])
        test = sorted(i for c in te for i in members[keys[c]])
        out.append(([examples[i] for i in train], [examples[i] for i in test]))
    return out


def _merge_duplicates(examples: Sequence[Example], groups: Sequence[str | None]) -> list[str]:
    """Groups joined wherever two examples share a text (union-find over group and text)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    nodes = []
    for i, (e, g) in enumerate(zip(examples, groups, strict=True)):
        node = f"g:{g}" if g is not None else f"i:{i}"
        parent[find(node)] = find("t:" + leak_key(e.text))
        nodes.append(node)
    return [find(node) for node in nodes]


def load_generic(
    path: Path | str,
    text_column: str,
    label_column: str,
    positive: Sequence[str],
    *,
    group_column: str | None = None,
    name: str | None = None,
    language: str = "en",
    category: str | None = None,
    headline: str = "macro_f1",
) -> Dataset:
    """A labelled CSV, TSV or JSON-lines file of your own, as a cross-validated "all" split.

    ``positive`` lists the label values that mean risk; folds are grouped when
    ``group_column`` is given.
    """
    path = Path(path)
    columns = [text_column, label_column, *([group_column] if group_column else [])]
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab"):
        rows = read_rows(path, columns, delimiter="," if suffix == ".csv" else "\t")
    elif suffix in (".jsonl", ".ndjson"):
        rows = _json_lines(path, columns)
    else:
        raise DatasetError(f"{path}: unsupported file type {suffix!r}; use .csv, .tsv or .jsonl")
    examples = [
        Example(
            r[text_column],
            r[label_column].strip(),
            group=r[group_column] if group_column else None,
            id=str(i),
        )
        for i, r in enumerate(rows, start=1)
    ]
    found = sorted({e.label for e in examples})
    absent = [p for p in positive if p not in found]
    if absent:
        raise DatasetError(
            f"{path}: positive label(s) {_shown(absent)} not found in column {label_column!r}; "
            f"it holds {_shown(found)}"
        )
    negatives = [label for label in found if label not in positive]
    return _checked(
        Dataset(
            name=name or path.stem,
            language=language,
            category=category,
            labels=(*negatives, *positive),
            positive=tuple(positive),
            protocol=Protocol.GROUPED_CV5 if group_column else Protocol.CV5,
            splits={"all": examples},
            headline=headline,
            notes=f"loaded from {path.name}",
        )
    )


def _json_lines(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    rows = []
    for i, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DatasetError(f"{path}: line {i} is not valid JSON ({err.msg})") from None
        if not isinstance(record, dict):
            raise DatasetError(f"{path}: line {i} is not a JSON object")
        missing = [c for c in columns if c not in record]
        if missing:
            raise DatasetError(
                f"{path}: line {i} lacks {', '.join(map(repr, missing))}; "
                f"expected {', '.join(map(repr, columns))}, found {', '.join(map(repr, record))}"
            )
        rows.append({c: "" if record[c] is None else str(record[c]) for c in columns})
    return rows


def _shown(labels: Sequence[str]) -> str:
    """Label values for a message; long ones (likely texts in the wrong column) are not quoted."""
    shown = [repr(v) if len(v) <= 30 else f"<{len(v)} characters>" for v in labels[:12]]
    more = f" and {len(labels) - 12} more" if len(labels) > 12 else ""
    return ", ".join(shown) + more


def _checked(ds: Dataset) -> Dataset:
    """Catch a loader (or a user's file) whose labels disagree with what it declares."""
    if ds.category is not None and ds.category not in CATEGORY_IDS:
        raise DatasetError(f"{ds.name}: category {ds.category!r} is not in the taxonomy")
    if not set(ds.positive) <= set(ds.labels):
        raise DatasetError(f"{ds.name}: positive labels {ds.positive} are not all in {ds.labels}")
    known = set(ds.labels)
    for split, examples in ds.splits.items():
        stray = {e.label for e in examples} - known
        if stray:
            raise DatasetError(f"{ds.name}: split {split!r} has labels outside {ds.labels}")
    return ds

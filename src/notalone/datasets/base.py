"""What every dataset loader returns: labelled texts in named splits, under a stated protocol.

Datasets are research data that stay outside the package (``../shared/datasets`` or a path the
user gives); loaders read them in place and never copy them. A loader that finds a file
missing or in another shape raises ``DatasetError`` naming the file and what it expected.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from notalone.errors import DatasetError


class Protocol(str, Enum):
    """How a dataset's published numbers were (or must be) obtained."""

    SPLIT = "split"  # official train / dev / test
    CV5 = "stratified-5-fold"  # fixed-seed stratified 5-fold cross-validation over "all"
    GROUPED_CV5 = "grouped-5-fold"  # 5 folds that keep each ``group`` (user, predator) whole
    FALSE_POSITIVE = "false-positive-slice"  # texts with no risk: only false alarms are counted
    SMOKE = "smoke"  # noisy labels: a smoke test, never a headline number


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text. The optional fields stay empty unless the dataset has that structure."""

    text: str
    label: str
    group: str | None = None  # the unit folds must not split (author, predator, match)
    id: str | None = None
    # Gold offensive character spans of ``text``, half-open ``(start, end)`` (ViHOS).
    spans: tuple[tuple[int, int], ...] = ()
    # The messages ``text`` was joined from, in order, as ``(sender, text)`` (chats, dialogues).
    messages: tuple[tuple[str, str], ...] = ()
    # Other per-example facts as ``(key, value)`` pairs (a tuple keeps the example hashable).
    meta: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` in ``meta``."""
        for k, v in self.meta:
            if k == key:
                return v
        return default


@dataclass(slots=True)
class Dataset:
    """One dataset, loaded.

    ``splits`` holds "train"/"dev"/"test" (official splits) or "all" (what CV folds are cut
    from, and what a false-positive slice or smoke test scores); a few datasets add named
    extras ("sessions", "extra") described in ``notes``.
    """

    name: str  # the folder name under the datasets directory
    language: str  # "vi" or "en"
    category: str | None  # the taxonomy category its positive labels stand for; None: no risk
    labels: tuple[str, ...]  # every label, negative first
    positive: tuple[str, ...]  # the labels that mean "risk" (binary view)
    protocol: Protocol
    splits: dict[str, list[Example]]
    headline: str  # the metric its papers report: "macro_f1", "accuracy", "f0.5", "span_f1"...
    notes: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def split(self, name: str) -> list[Example]:
        try:
            return self.splits[name]
        except KeyError:
            have = ", ".join(self.splits)
            raise DatasetError(f"{self.name} has no {name!r} split (it has: {have})") from None

    def binary(self, example: Example) -> int:
        return int(example.label in self.positive)


_SPACES = re.compile(r"\s+")


def leak_key(text: str) -> str:
    """The form two texts are compared in for leakage: HTML entities decoded (UCI SMS writes
    ``&lt;`` where NUS SMS has ``<``), lower-cased, spaces collapsed."""
    return _SPACES.sub(" ", html.unescape(text).lower()).strip()


def without(examples: Iterable[Example], held_out: Iterable[str]) -> list[Example]:
    """``examples`` minus every text that also appears (as a ``leak_key``) in ``held_out``."""
    banned = {leak_key(t) for t in held_out}
    return [e for e in examples if leak_key(e.text) not in banned]


def assert_disjoint(train: Sequence[str], test: Sequence[str], what: str) -> None:
    """Refuse to evaluate when a test text was trained on; the message counts, never quotes."""
    overlap = {leak_key(t) for t in train} & {leak_key(t) for t in test}
    if overlap:
        raise DatasetError(
            f"{what}: {len(overlap)} test texts also appear in the training data; "
            "remove them from every training source before evaluating"
        )

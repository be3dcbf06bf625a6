"""Conversation mode of ``notalone evaluate``: early warning and predator identification.

Two reports, kept apart because they measure different things:

- ``scenarios``: the hand-written vi/en development set (``scenarios.toml``). For each risky
  script, whether it was flagged, and in time: before its first explicit request (a sexual
  request, a meeting proposal, a ransom) or, for a scam, at the latest with the demand; for
  each ordinary chat, the severity it reached. Written by the team: development numbers,
  never a benchmark.
- ``perverted-justice``: every predator's and every decoy's stream of lines, replayed as the
  messages of one participant, against the participants of ordinary chats (NPS chat-room
  sessions, DailyDialog dialogues). A participant is identified as a predator when the
  conversation flags them (severity ≥ the alert level; ≥ high reported too). Precision,
  recall, F1 and F0.5 over participants, as PAN-2012's predator identification counts them,
  plus early-warning figures in the spirit of Vogt et al. (ACL 2021): the share of predators
  flagged and how much of their stream was read first. The cleaned release stores each side
  in its own file (turn order lost), so a stream is read alone, never interleaved.

The engine is the rules (and shipped models) only: nothing here is trained, so no fold or
grouping is needed and no text of these sets was ever seen in training.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from notalone.datasets import load
from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.errors import DatasetError
from notalone.taxonomy import FLAG_SEVERITY, Severity

Progress = Callable[[str], None]
STREAM_MAX_BYTES = 1 << 20  # a chat line of a research set is read whole, however long


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    lang: str
    label: str
    messages: tuple[tuple[str, str], ...]
    participants: tuple[dict[str, str], ...]
    explicit: int | None = None
    flag_by: int | None = None
    max_severity: Severity | None = None


def scenarios(path: Path | None = None) -> list[Scenario]:
    """The hand-written set (or a file in its format)."""
    raw = (
        path.read_text(encoding="utf-8")
        if path is not None
        else files("notalone.evaluation").joinpath("scenarios.toml").read_text(encoding="utf-8")
    )
    where = str(path or "scenarios.toml")
    try:
        data = tomllib.loads(raw)
        out = []
        for s in data["scenario"]:
            messages = tuple((str(sender), str(text)) for sender, text in s["messages"])
            out.append(
                Scenario(
                    id=s["id"],
                    lang=s["lang"],
                    label=s["label"],
                    messages=messages,
                    participants=tuple(s.get("participants", ())),
                    explicit=s.get("explicit"),
                    flag_by=s.get("flag_by"),
                    max_severity=Severity.parse(s["max_severity"]) if "max_severity" in s else None,
                )
            )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DatasetError(f"{where}: not a scenario file ({exc})") from None
    return out


@dataclass(slots=True)
class ScenarioOutcome:
    scenario: Scenario
    severity: Severity
    categories: list[str]
    first_flag_index: int | None

    @property
    def risky(self) -> bool:
        return self.scenario.label != "none"

    @property
    def early(self) -> bool:
        """Flagged by the scenario's ``flag_by`` message."""
        by = self.scenario.flag_by
        return self.first_flag_index is not None and (by is None or self.first_flag_index <= by)

    @property
    def passed(self) -> bool:
        if self.risky:
            return self.early and self.scenario.label in self.categories
        cap = self.scenario.max_severity or Severity.LOW
        return self.severity <= cap


@dataclass(slots=True)
class ScenarioReport:
    outcomes: list[ScenarioOutcome]

    def summary(self, lang: str | None = None) -> dict[str, object]:
        chosen = [o for o in self.outcomes if lang is None or o.scenario.lang == lang]
        risky = [o for o in chosen if o.risky]
        ordinary = [o for o in chosen if not o.risky]
        flagged = [o for o in risky if o.first_flag_index is not None]
        reads = [o.first_flag_index + 1 for o in flagged if o.first_flag_index is not None]
        share = [
            (o.first_flag_index + 1) / len(o.scenario.messages)
            for o in flagged
            if o.first_flag_index is not None
        ]
        return {
            "scripts": len(risky),
            "scripts_flagged": len(flagged),
            "flagged_in_time": sum(o.early for o in risky),
            "right_category": sum(o.scenario.label in o.categories for o in risky),
            "median_messages_read": statistics.median(reads) if reads else None,
            "median_share_read": round(statistics.median(share), 3) if share else None,
            "ordinary_chats": len(ordinary),
            "ordinary_flagged": sum(o.severity >= FLAG_SEVERITY for o in ordinary),
            "ordinary_high_or_above": sum(o.severity >= Severity.HIGH for o in ordinary),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "dataset": "scenarios",
            "protocol": "hand-written development set",
            "metrics": self.summary(),
            "per_language": {lang: self.summary(lang) for lang in ("vi", "en")},
            "scenarios": [
                {
                    "id": o.scenario.id,
                    "label": o.scenario.label,
                    "severity": o.severity.value,
                    "categories": o.categories,
                    "first_flag_index": o.first_flag_index,
                    "explicit": o.scenario.explicit,
                    "flag_by": o.scenario.flag_by,
                    "passed": o.passed,
                }
                for o in self.outcomes
            ],
        }


def run_scenarios(engine: Engine, items: Sequence[Scenario] | None = None) -> ScenarioReport:
    outcomes = []
    for sc in items if items is not None else scenarios():
        conv = Conversation(sc.participants or None, engine=engine, lang=sc.lang)
        result = conv.extend({"sender": s, "text": t} for s, t in sc.messages)
        outcomes.append(
            ScenarioOutcome(
                sc, result.severity, [c.id for c in result.categories], result.first_flag_index
            )
        )
    return ScenarioReport(outcomes)


# -- predator identification ------------------------------------------------------------------


@dataclass(slots=True)
class Participant:
    source: str  # "predator", "decoy", "nps-chat", "dailydialog"
    messages: int
    severity: Severity
    first_flag_index: int | None


@dataclass(slots=True)
class PredatorReport:
    participants: list[Participant]
    messages_per_second: float
    alert_at: Severity = FLAG_SEVERITY
    notes: list[str] = field(default_factory=list)

    def identification(self, negatives: Sequence[str], at: Severity) -> dict[str, float | int]:
        pos = [p for p in self.participants if p.source == "predator"]
        neg = [p for p in self.participants if p.source in negatives]
        tp = sum(p.severity >= at for p in pos)
        fp = sum(p.severity >= at for p in neg)
        fn = len(pos) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0

        def f(beta: float) -> float:
            b2 = beta * beta
            denom = b2 * precision + recall
            return (1 + b2) * precision * recall / denom if denom else 0.0

        return {
            "predators": len(pos),
            "negatives": len(neg),
            "true_positives": tp,
            "false_positives": fp,
            "precision": precision,
            "recall": recall,
            "f1": f(1.0),
            "f0_5": f(0.5),
        }

    def early_warning(self) -> dict[str, object]:
        flagged = [
            p
            for p in self.participants
            if p.source == "predator" and p.first_flag_index is not None
        ]
        predators = sum(p.source == "predator" for p in self.participants)
        reads = [p.first_flag_index + 1 for p in flagged if p.first_flag_index is not None]
        share = [
            (p.first_flag_index + 1) / p.messages for p in flagged if p.first_flag_index is not None
        ]
        return {
            "predators_flagged": len(flagged),
            "share_flagged": len(flagged) / predators if predators else 0.0,
            "median_messages_read": statistics.median(reads) if reads else None,
            "median_share_read": statistics.median(share) if share else None,
        }

    def to_json(self) -> dict[str, object]:
        ordinary = [s for s in ("nps-chat", "dailydialog") if self._has(s)]
        views = {
            "vs_ordinary_chat": ordinary,
            "vs_decoys": ["decoy"],
            "vs_all": ["decoy", *ordinary],
        }
        return {
            "dataset": "perverted-justice",
            "protocol": "predator identification over participants (rules only, nothing trained)",
            "alert_at": self.alert_at.value,
            "metrics": self.identification(ordinary, self.alert_at),
            "identification": {
                f"{name}@{level.value}": self.identification(negatives, level)
                for name, negatives in views.items()
                for level in (self.alert_at, Severity.HIGH)
            },
            "early_warning": self.early_warning(),
            "messages_per_second": self.messages_per_second,
            "notes": self.notes,
        }

    def _has(self, source: str) -> bool:
        return any(p.source == source for p in self.participants)


def run_predators(
    data_dir: Path | None = None,
    *,
    engine: Engine | None = None,
    alert_at: Severity = FLAG_SEVERITY,
    progress: Progress | None = None,
) -> PredatorReport:
    say = progress or (lambda _msg: None)
    engine = engine or Engine(max_bytes=STREAM_MAX_BYTES)
    pj = load("perverted-justice", data_dir)
    people: list[Participant] = []
    read = 0
    spent = 0.0
    streams = pj.split("all")
    for k, example in enumerate(streams, start=1):
        if k % 50 == 0:
            say(f"perverted-justice: {k}/{len(streams)} streams")
        person, n, dt = _replay(engine, example.label, example.messages, alert_at)
        people.append(person)
        read, spent = read + n, spent + dt
    notes = [f"{len(streams)} Perverted-Justice streams (predators and decoys)"]
    for name, split in (("nps-chat", "sessions"), ("dailydialog", "all")):
        try:
            ds = load(name, data_dir)
        except DatasetError as exc:
            notes.append(f"{name} left out: {exc.message}")
            continue
        say(f"{name}: ordinary conversations")
        for example in ds.split(split):
            speakers = sorted({s for s, _ in example.messages})
            conv = Conversation(engine=engine, lang="en")
            start = time.perf_counter()
            for sender, text in example.messages:
                conv.add({"sender": sender, "text": text})
            spent += time.perf_counter() - start
            read += len(example.messages)
            result = conv.assessment()
            by_id = {p.id: p for p in result.participants}
            first = result.first_flag_index
            for s in speakers:
                p = by_id[s]
                flag = first if p.severity >= alert_at else None
                people.append(Participant(name, p.messages, p.severity, flag))
        notes.append(f"{name}: {len(ds.split(split))} conversations")
    return PredatorReport(people, read / spent if spent else 0.0, alert_at, notes)


def _replay(
    engine: Engine, role: str, messages: Sequence[tuple[str, str]], alert_at: Severity
) -> tuple[Participant, int, float]:
    """One stream as one participant's messages; stops once it reached ``high`` (severity
    only grows, so the rest cannot change whether and when it was flagged)."""
    conv = Conversation(engine=engine, lang="en", alert_at=alert_at)
    start = time.perf_counter()
    n = 0
    result = None
    for _, text in messages:
        result = conv.add({"sender": role, "text": text})
        n += 1
        if result.severity >= max(Severity.HIGH, alert_at):
            break
    elapsed = time.perf_counter() - start
    severity = result.severity if result else Severity.NONE
    first = result.first_flag_index if result else None
    return Participant(role, len(messages), severity, first), n, elapsed

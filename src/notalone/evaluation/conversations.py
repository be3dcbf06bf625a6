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
  conversation flags them in grooming, sexual content or sextortion (severity ≥ the alert
  level; ≥ high reported too). Precision, recall, F1 and F0.5 over participants, as
  PAN-2012's predator identification counts them, plus early-warning figures in the spirit
  of Vogt et al. (ACL 2021): the share of predators flagged and how much of their stream was
  read first. The cleaned release stores each side in its own file (turn order lost), so a
  stream is read alone, never interleaved.

Two configurations are scored on the same participants. *rules*: the engine (rules and the
shipped message models) alone; nothing of it was trained on these sets. *rules + participant
model*: the same, fused with the participant model (``classifiers.participant``) the way
``Conversation`` fuses it (the higher of the two severities). That model IS trained on these
sets, so it is scored by grouped 5-fold cross-validation: each fold's model is trained (and
its thresholds chosen, on inner folds) without the fold's predators, without their decoys,
without the fold's NPS sessions and DailyDialog dialogues, and never on DailyDialog's dev
split; the code refuses to score a fold whose model saw one of its test streams. A few test
streams per fold are replayed through a real ``Conversation`` carrying the fold model, and
their verdict must equal the fused one computed here.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np

from notalone.datasets import assert_disjoint, leak_key, load
from notalone.detection.classifiers.participant import ParticipantModel
from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.detection.types import ConversationAssessment
from notalone.errors import DatasetError
from notalone.evaluation.runner import ANSWERS
from notalone.taxonomy import FLAG_SEVERITY, Severity
from notalone.training.participants import Stream, fit_model, fold_of, hash_streams, streams

Progress = Callable[[str], None]
STREAM_MAX_BYTES = 1 << 20  # a chat line of a research set is read whole, however long
# What identifies a predator: a flag in these categories (the participant model's included);
# a profane chatter flagged for bullying is a false alarm of another kind, not a predator.
PREDATOR_CATEGORIES = ANSWERS["grooming"]


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
    id: str = ""
    first_high_index: int | None = None  # streams only: first message at >= high


RULES, FUSED, MODEL = "rules", "rules+participant_model", "participant_model"
TITLES = {
    RULES: "rules only",
    FUSED: "rules + participant model (5-fold CV)",
    MODEL: "participant model alone (5-fold CV)",
}


@dataclass(slots=True)
class PredatorReport:
    participants: list[Participant]  # the rules-only configuration
    messages_per_second: float
    alert_at: Severity = FLAG_SEVERITY
    notes: list[str] = field(default_factory=list)
    # Other configurations over the same participants (``FUSED``, ``MODEL``).
    configurations: dict[str, list[Participant]] = field(default_factory=dict)
    model_messages_per_second: float | None = None  # Conversation.add with the model

    def people(self, config: str = RULES) -> list[Participant]:
        return self.participants if config == RULES else self.configurations[config]

    @property
    def shipped(self) -> str:
        return FUSED if FUSED in self.configurations else RULES

    def identification(
        self, negatives: Sequence[str], at: Severity, config: str = RULES
    ) -> dict[str, float | int]:
        people = self.people(config)
        pos = [p for p in people if p.source == "predator"]
        neg = [p for p in people if p.source in negatives]
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

    def early_warning(self, config: str = RULES) -> dict[str, object]:
        people = self.people(config)
        flagged = [p for p in people if p.source == "predator" and p.first_flag_index is not None]
        predators = sum(p.source == "predator" for p in people)
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

        def scored(config: str) -> dict[str, object]:
            return {
                "identification": {
                    f"{name}@{level.value}": self.identification(negatives, level, config)
                    for name, negatives in views.items()
                    for level in (self.alert_at, Severity.HIGH)
                },
                "early_warning": self.early_warning(config),
            }

        shipped = self.shipped
        protocol = (
            "predator identification over participants; participant model by grouped 5-fold "
            "cross-validation (predator with decoys, NPS session, dialogue)"
            if shipped == FUSED
            else "predator identification over participants (rules only, nothing trained)"
        )
        return {
            "dataset": "perverted-justice",
            "protocol": protocol,
            "configuration": shipped,
            "alert_at": self.alert_at.value,
            "metrics": self.identification(ordinary, self.alert_at, shipped),
            **scored(shipped),
            "configurations": {c: scored(c) for c in (RULES, *self.configurations)},
            "messages_per_second": self.messages_per_second,
            "model_messages_per_second": self.model_messages_per_second,
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
    participant_model: bool = True,
    seed: int = 0,
) -> PredatorReport:
    """Replay every participant; with ``participant_model``, also cross-validate the
    participant model and score the fused configuration."""
    report = _run_rules(data_dir, engine, alert_at, progress)
    if participant_model:
        _cross_validate(report, data_dir, engine, alert_at, progress, seed)
    return report


def _run_rules(
    data_dir: Path | None, engine: Engine | None, alert_at: Severity, progress: Progress | None
) -> PredatorReport:
    say = progress or (lambda _msg: None)
    engine = engine or Engine(max_bytes=STREAM_MAX_BYTES)
    pj = load("perverted-justice", data_dir)
    people: list[Participant] = []
    read = 0
    spent = 0.0
    pj_streams = pj.split("all")
    for k, example in enumerate(pj_streams, start=1):
        if k % 50 == 0:
            say(f"perverted-justice: {k}/{len(pj_streams)} streams")
        person, n, dt = _replay(engine, example.label, example.messages, alert_at)
        person.id = example.id or ""
        people.append(person)
        read, spent = read + n, spent + dt
    notes = [f"{len(pj_streams)} Perverted-Justice streams (predators and decoys)"]
    for name, split in (("nps-chat", "sessions"), ("dailydialog", "all")):
        try:
            ds = load(name, data_dir)
        except DatasetError as exc:
            notes.append(f"{name} left out: {exc.message}")
            continue
        say(f"{name}: ordinary conversations")
        for example in ds.split(split):
            speakers = sorted({s for s, _ in example.messages})
            conv = Conversation(engine=engine, lang="en", participant_model=False)
            start = time.perf_counter()
            for sender, text in example.messages:
                conv.add({"sender": sender, "text": text})
            spent += time.perf_counter() - start
            read += len(example.messages)
            result = conv.assessment()
            by_id = {p.id: p for p in result.participants}
            first = result.first_flag_index  # the chat's: early warning counts predators only
            for s in speakers:
                severity = predator_severity(result, s)
                flag = first if severity >= alert_at else None
                sid = f"{name}:{example.id}:{s}"
                people.append(Participant(name, by_id[s].messages, severity, flag, sid))
        notes.append(f"{name}: {len(ds.split(split))} conversations")
    return PredatorReport(people, read / spent if spent else 0.0, alert_at, notes)


def _replay(
    engine: Engine, role: str, messages: Sequence[tuple[str, str]], alert_at: Severity
) -> tuple[Participant, int, float]:
    """One stream as one participant's messages, read until it reached ``high``."""
    conv = Conversation(engine=engine, lang="en", alert_at=alert_at, participant_model=False)
    start = time.perf_counter()
    trace = _follow(conv, role, (text for _, text in messages), alert_at, stop=True)
    elapsed = time.perf_counter() - start
    person = Participant(
        role, len(messages), trace.severity, trace.first_flag, first_high_index=trace.first_high
    )
    return person, trace.read, elapsed


@dataclass(slots=True)
class _Followed:
    severity: Severity = Severity.NONE  # in ``PREDATOR_CATEGORIES``
    first_flag: int | None = None  # first message at which it reached the alert severity
    first_high: int | None = None
    read: int = 0


def _follow(
    conv: Conversation, sender: str, texts: Iterable[str], alert_at: Severity, *, stop: bool
) -> _Followed:
    """Feed ``texts`` as ``sender``'s messages, following their predator-category severity
    (``stop``: until it reached ``high``; severity only grows, so the rest cannot change
    whether and when it was flagged)."""
    out = _Followed()
    for index, text in enumerate(texts):
        severity = predator_severity(conv.add({"sender": sender, "text": text}), sender)
        out.read, out.severity = index + 1, severity
        if severity >= alert_at and out.first_flag is None:
            out.first_flag = index
        if severity >= Severity.HIGH and out.first_high is None:
            out.first_high = index
        if stop and severity >= max(Severity.HIGH, alert_at):
            break
    return out


def predator_severity(result: ConversationAssessment, participant: str) -> Severity:
    """``participant``'s highest severity in ``PREDATOR_CATEGORIES``."""
    person = next(p for p in result.participants if p.id == participant)
    return max(
        (c.severity for c in person.categories if c.id in PREDATOR_CATEGORIES),
        default=Severity.NONE,
    )


# -- the participant model, cross-validated ------------------------------------------------

SPOT_CHECKS = ("predator", "predator", "decoy", "nps-chat")  # streams per fold replayed whole


@dataclass(slots=True)
class _ModelTrace:
    severity: Severity
    first_medium: int | None
    first_high: int | None


def _cross_validate(
    report: PredatorReport,
    data_dir: Path | None,
    engine: Engine | None,
    alert_at: Severity,
    progress: Progress | None,
    seed: int,
) -> None:
    say = progress or (lambda _msg: None)
    engine = engine or Engine(max_bytes=STREAM_MAX_BYTES)
    items, _ = streams(data_dir, dailydialog_split="all", missing_ok=True)
    rules = {p.id: p for p in report.participants}
    if set(rules) != {s.id for s in items}:
        raise DatasetError("the participant streams do not match the replayed participants")
    say(f"participant model: hashing {sum(len(s.messages) for s in items):,} messages")
    h = hash_streams(items, _config())
    fold = fold_of(items, seed=seed)
    # DailyDialog's dev split is evaluated, never trained on.
    trainable = np.array([not s.id.startswith("dailydialog:dev:") for s in items])
    traces: dict[str, _ModelTrace] = {}
    checked: list[tuple[int, float]] = []
    for k in range(int(fold.max()) + 1):
        test = np.nonzero(fold == k)[0]
        test_texts = {leak_key(items[i].text) for i in test}
        # A stream identical to a test stream (a repeated short line) leaves training too.
        train = np.array(
            [
                i
                for i in np.nonzero((fold != k) & trainable)[0]
                if leak_key(items[i].text) not in test_texts
            ],
            dtype=np.int64,
        )
        _assert_unseen(items, train, test, f"participant model fold {k + 1}")
        say(f"participant model: fold {k + 1}, training on {len(train):,} streams")
        model = fit_model(items, h, train, seed=seed)
        for i in test:
            traces[items[i].id] = _trace(model, items[i])
        checked.append(_spot_check(model, items, test, rules, traces, engine, alert_at))
    fused, alone = [], []
    for p in report.participants:
        t = traces[p.id]
        fused.append(_fuse(p, t, alert_at))
        first = t.first_medium if alert_at <= Severity.MEDIUM else t.first_high
        alone.append(Participant(p.source, p.messages, t.severity, first, p.id, t.first_high))
    report.configurations = {FUSED: fused, MODEL: alone}
    n, spent = sum(c[0] for c in checked), sum(c[1] for c in checked)
    report.model_messages_per_second = n / spent if spent else None
    report.notes.append(
        f"participant model: grouped 5-fold CV over {len(items):,} streams, "
        f"{len(checked) * len(SPOT_CHECKS)} test streams replayed through Conversation to check "
        "the fusion"
    )


def _config():
    from notalone.detection.classifiers.participant import HashConfig

    return HashConfig()


def _assert_unseen(
    items: Sequence[Stream], train: np.ndarray, test: np.ndarray, where: str
) -> None:
    """Refuse a fold whose training data holds a test stream, its text or its group."""
    tr, te = [items[i] for i in train], [items[i] for i in test]
    if {s.id for s in tr} & {s.id for s in te} or {s.group for s in tr} & {s.group for s in te}:
        raise DatasetError(f"{where}: a test stream's group is in the training data")
    if any(s.id.startswith("dailydialog:dev:") for s in tr):
        raise DatasetError(f"{where}: DailyDialog dev is evaluated and must not be trained on")
    assert_disjoint([s.text for s in tr], [s.text for s in te], where)


def _trace(model: ParticipantModel, stream: Stream) -> _ModelTrace:
    """The model's verdict on a stream, message by message, as ``Conversation`` computes it."""
    total, n = 0.0, 0
    first: dict[Severity, int] = {}
    for index, text in enumerate(stream.messages):
        if not text.strip():
            continue
        total += model.message_score(text)
        n += 1
        severity = model.severity(model.probability(total, n), n)
        if severity >= Severity.MEDIUM:
            first.setdefault(Severity.MEDIUM, index)
        if severity >= Severity.HIGH:
            first.setdefault(Severity.HIGH, index)
            break
    top = Severity.HIGH if Severity.HIGH in first else max(first, default=Severity.NONE)
    return _ModelTrace(top, first.get(Severity.MEDIUM), first.get(Severity.HIGH))


def _fuse(p: Participant, t: _ModelTrace, alert_at: Severity) -> Participant:
    """The higher of the rules' and the model's severity, flagged at whichever came first."""
    severity = max(p.severity, t.severity)
    model_first = t.first_medium if alert_at <= Severity.MEDIUM else t.first_high
    if t.severity < alert_at:
        model_first = None
    firsts = [i for i in (p.first_flag_index, model_first) if i is not None]
    highs = [i for i in (p.first_high_index, t.first_high) if i is not None]
    return Participant(
        p.source,
        p.messages,
        severity,
        min(firsts) if firsts else None,
        p.id,
        min(highs) if highs else None,
    )


def _spot_check(
    model: ParticipantModel,
    items: Sequence[Stream],
    test: np.ndarray,
    rules: dict[str, Participant],
    traces: dict[str, _ModelTrace],
    engine: Engine,
    alert_at: Severity,
) -> tuple[int, float]:
    """Replay a few test streams through ``Conversation`` with the fold model: the verdict
    must be the fused one. Returns (messages, seconds) of those replays."""
    picked, wanted = [], list(SPOT_CHECKS)
    for i in test:
        if items[i].source in wanted and len(items[i].messages) <= 3000:
            wanted.remove(items[i].source)
            picked.append(items[i])
    n, spent = 0, 0.0
    for stream in picked:
        conv = Conversation(engine=engine, lang="en", alert_at=alert_at, participant_model=model)
        start = time.perf_counter()
        followed = _follow(conv, "p", stream.messages, alert_at, stop=False)
        spent += time.perf_counter() - start
        n += len(stream.messages)
        fused = _fuse(rules[stream.id], traces[stream.id], alert_at)
        seen = (min(followed.severity, Severity.HIGH), followed.first_flag)
        want = (min(fused.severity, Severity.HIGH), fused.first_flag_index)
        if stream.group.startswith("nps-chat:"):  # replayed in its session: index differs
            seen, want = (seen[0], None), (want[0], None)
        if seen != want:
            raise DatasetError(
                f"{stream.source} stream: Conversation gave {seen[0].value} at "
                f"{seen[1]}, the fused evaluation {fused.severity.value} at "
                f"{fused.first_flag_index}"
            )
    return n, spent

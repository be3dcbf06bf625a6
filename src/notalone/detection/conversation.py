"""``Conversation``: a chat assessed message by message, with early warning.

Grooming, online kidnapping and sextortion are scripts that unfold over many messages: an
authority claim in one message, the accusation in the next, "tell no one" three later. Each
message goes through the engine once (``Engine.inspect``); its signals join the window of its
sender's recent messages, and the engine's own combinations (``combos.toml``) are evaluated
over that window, so the cues co-occur across messages exactly as they would in one. What a
participant reached is kept (risk persists: a threat stays a threat after small talk).

State per participant is small and bounded: the signals of their last ``window`` messages with
the evidence snippets, the highest verdict per category, the first message of each stage.
Messages that read as a warning about a trick (a guard cue) are assessed alone and never
pooled, so a forwarded scam warning does not combine with the next message. The signals of
trained message models are not pooled either: a model's judgement is of its own message, fused
with that message's rules (``Engine``), and the participant keeps that message's verdict.

The participant model (``classifiers.participant``) reads everything each participant wrote
in English, as two running numbers (the sum of per-message scores and the count), and gives
``ParticipantAssessment.model_score``. When it is confident (its ``medium`` / ``high``
thresholds, from ``min_messages`` English messages on), the participant's ``grooming`` reaches
that severity: fusion is the higher of the rules and the model, so the model never lowers
what the rules found and never reaches ``critical`` on its own. Its evidence is the strongest
word of the (at most ``MODEL_EVIDENCE``) messages that weighed most.
"""

from __future__ import annotations

import tomllib
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from notalone.detection.classifiers.participant import ParticipantModel
from notalone.detection.detector import Signal
from notalone.detection.engine import MODEL_CUE_PREFIX, Engine, Verdict
from notalone.detection.types import (
    ConversationAssessment,
    ConversationCategory,
    Evidence,
    Message,
    MessageEvidence,
    Participant,
    ParticipantAssessment,
    StageEntry,
)
from notalone.errors import InputError
from notalone.taxonomy import FLAG_SEVERITY, SCORE_BANDS, Severity

_Model = TypeVar("_Model", bound=BaseModel)
DEFAULT_WINDOW = 50  # messages per participant whose cues combine
STATE_FORMAT = 1
MODEL_CATEGORY = "grooming"
MODEL_EVIDENCE = 3  # messages kept as evidence of a participant-model flag
_MODEL_EXPLANATION = {
    "vi": "Qua {n} tin nhắn, cách người này viết giống các cuộc trò chuyện dụ dỗ trẻ em đã "
    "biết (mô hình học máy theo người tham gia, xác suất {p:.2f}).",
    "en": "Over {n} messages, the way this participant writes resembles known grooming "
    "conversations (learned participant model, probability {p:.2f}).",
}


@dataclass(frozen=True, slots=True)
class Stage:
    category: str
    id: str
    names: tuple[str, str]  # (vi, en)


@cache
def stages_by_cue() -> dict[str, tuple[Stage, ...]]:
    """Cue → the script stages it shows (``data/stages.toml``)."""
    data = tomllib.loads(files("notalone.detection").joinpath("data/stages.toml").read_text())
    found: dict[str, list[Stage]] = {}
    for category, stages in data["script"].items():
        for entry in stages:
            stage = Stage(category, entry["id"], (entry["name"]["vi"], entry["name"]["en"]))
            for cue in entry["cues"]:
                found.setdefault(cue, []).append(stage)
    return {cue: tuple(stages) for cue, stages in found.items()}


@dataclass(slots=True)
class _Entry:
    """What is kept of one message: its signals and the text of their spans, nothing else."""

    index: int
    message_id: str | None
    signals: tuple[Signal, ...]
    snippets: dict[tuple[int, int], str]


@dataclass(slots=True)
class _Peak:
    verdict: Verdict
    evidence: list[MessageEvidence]


@dataclass(slots=True)
class _ModelState:
    """The participant model's running state: two numbers, and where it weighed most."""

    total: float = 0.0  # sum of per-message scores
    messages: int = 0  # English messages read
    # (message score, evidence) of the messages that weighed most, highest first
    top: list[tuple[float, MessageEvidence]] = field(default_factory=list)


@dataclass(slots=True)
class _Participant:
    id: str
    role: str | None
    window: deque[_Entry]
    messages: int = 0
    peaks: dict[str, _Peak] = field(default_factory=dict)
    stages: dict[tuple[str, str], tuple[_Entry, Stage, list[Evidence]]] = field(
        default_factory=dict
    )
    model: _ModelState = field(default_factory=_ModelState)

    @property
    def severity(self) -> Severity:
        return max((p.verdict.severity for p in self.peaks.values()), default=Severity.NONE)


class Conversation:
    """Feed messages with ``add``; each call returns the updated ``ConversationAssessment``.

    ``participants`` (ids, or ``Participant`` with a role such as ``child``) declares who may
    speak: a message from anyone else is refused with ``InputError`` and changes nothing.
    Without it, every new sender joins. ``alert_at`` is the severity that sets
    ``first_flag_index``. ``participant_model``: the shipped participant model (``True``),
    none (``False``: rules and message models only), or one given.
    """

    def __init__(
        self,
        participants: Iterable[Participant | str | Mapping[str, object]] | None = None,
        *,
        engine: Engine | None = None,
        window: int = DEFAULT_WINDOW,
        alert_at: Severity = FLAG_SEVERITY,
        lang: str | None = None,
        locale: str | None = None,
        participant_model: ParticipantModel | bool = True,
    ) -> None:
        if window < 1:
            raise ValueError("window must be at least 1 message")
        if engine is None:
            from notalone.detection import default_engine

            engine = default_engine()
        self.engine = engine
        if participant_model is True:
            from notalone.detection.classifiers import load_participant_model

            participant_model = load_participant_model()
        self.participant_model: ParticipantModel | None = participant_model or None
        self.window = window
        self.alert_at = alert_at
        self.lang = lang
        self.locale = locale
        self._guards = engine.guard_cues
        self._declared = participants is not None
        self._people: dict[str, _Participant] = {}
        for p in participants or ():
            person = _participant(p)
            if person.id in self._people:
                raise InputError(f"participant {person.id!r} is declared twice")
            self._people[person.id] = _Participant(person.id, person.role, deque(maxlen=window))
        self._count = 0
        self._first_flag: int | None = None
        self._languages: Counter[str] = Counter()
        self._last_time: datetime | None = None
        self._out_of_order = 0

    def __len__(self) -> int:
        return self._count

    def add(self, message: Message | Mapping[str, object]) -> ConversationAssessment:
        """Assess ``message`` in the light of the conversation so far.

        Raises ``InputError`` (nothing changes) for a malformed message, an undeclared sender,
        or text the engine refuses (too large, not UTF-8).
        """
        msg = _message(message)
        if self._declared and msg.sender not in self._people:
            raise InputError(
                "message from an undeclared participant; declare every sender or omit participants",
                fields={"sender": "unknown"},
            )
        inspection = self.engine.inspect(msg.text, self.lang, locale=self.locale)
        # Validated and assessed: only now does the state change.
        person = self._people.get(msg.sender)
        if person is None:
            person = self._people[msg.sender] = _Participant(
                msg.sender, None, deque(maxlen=self.window)
            )
        index = self._count
        self._count += 1
        person.messages += 1
        if msg.text.strip():
            self._languages[inspection.language] += 1
        if msg.time is not None:
            if self._last_time is not None and _before(msg.time, self._last_time):
                self._out_of_order += 1
            else:
                self._last_time = msg.time
        signals = inspection.signals
        if not self._guards.isdisjoint(s.cue for s in signals):
            signals = ()  # a warning about a trick: judged alone, never combined
        snippets = {(s.start, s.end): msg.text[s.start : s.end] for s in inspection.signals}
        entry = _Entry(index, msg.id, signals, snippets)
        person.window.append(entry)
        if signals:
            self._update(person, entry)
        if inspection.assessment.categories and (not signals or _has_model_cue(signals)):
            self._keep_alone(person, entry, inspection.assessment)
        model = self.participant_model
        if model is not None and inspection.language == model.language and msg.text.strip():
            self._read(model, person, entry, msg.text)
        if self._first_flag is None and self._severity() >= self.alert_at:
            self._first_flag = index
        return self.assessment()

    def redact(self, before: int) -> None:
        """Forget the text of every evidence snippet of messages ``< before`` (retention):
        spans, rules and severities stay, so the risk timeline survives."""
        for person in self._people.values():
            for entry in person.window:
                if entry.index < before:
                    entry.snippets = dict.fromkeys(entry.snippets, "")
            for peak in person.peaks.values():
                peak.evidence = [
                    e.model_copy(update={"text": ""}) if e.index < before else e
                    for e in peak.evidence
                ]
            person.model.top = [
                (s, e.model_copy(update={"text": ""}) if e.index < before else e)
                for s, e in person.model.top
            ]
            for key, (entry, stage, evidence) in list(person.stages.items()):
                if entry.index < before:
                    blank = [e.model_copy(update={"text": ""}) for e in evidence]
                    person.stages[key] = (entry, stage, blank)

    # -- persistence ------------------------------------------------------------------------

    def state(self) -> dict[str, object]:
        """Everything ``restore`` needs, as JSON-ready data (no message text beyond the
        evidence snippets)."""
        return {
            "format": STATE_FORMAT,
            "window": self.window,
            "alert_at": self.alert_at.value,
            "lang": self.lang,
            "locale": self.locale,
            "declared": self._declared,
            "count": self._count,
            "first_flag": self._first_flag,
            "languages": dict(self._languages),
            "last_time": self._last_time.isoformat() if self._last_time else None,
            "out_of_order": self._out_of_order,
            "people": [_person_state(p) for p in self._people.values()],
            "participant_model": self._model_id(),
        }

    @classmethod
    def restore(
        cls,
        state: Mapping[str, object],
        *,
        engine: Engine | None = None,
        participant_model: ParticipantModel | bool = True,
    ) -> Conversation:
        """The conversation ``state()`` described, ready for its next ``add``. The participant
        model's running scores carry over only to the same model (by digest); under another,
        they start again from the next message."""
        if state.get("format") != STATE_FORMAT:
            raise InputError(
                f"conversation state format {state.get('format')!r} is not {STATE_FORMAT}"
            )
        conv = cls(
            engine=engine,
            window=int(state["window"]),  # type: ignore[arg-type]
            alert_at=Severity(state["alert_at"]),
            lang=state["lang"],  # type: ignore[arg-type]
            locale=state["locale"],  # type: ignore[arg-type]
            participant_model=participant_model,
        )
        conv._declared = bool(state["declared"])
        conv._count = int(state["count"])  # type: ignore[arg-type]
        conv._first_flag = state["first_flag"]  # type: ignore[assignment]
        conv._languages = Counter(state["languages"])  # type: ignore[arg-type]
        last = state["last_time"]
        conv._last_time = datetime.fromisoformat(last) if isinstance(last, str) else None
        conv._out_of_order = int(state["out_of_order"])  # type: ignore[arg-type]
        # Running scores are one model's: under another one (retrained), start them afresh.
        same_model = state.get("participant_model") == conv._model_id()
        for data in state["people"]:  # type: ignore[attr-defined]
            person = _person_from(data, conv.window)
            if not same_model:
                person.model = _ModelState()
            conv._people[person.id] = person
        return conv

    def _model_id(self) -> str | None:
        model = self.participant_model
        return f"{model.source}:{model.manifest.npz_sha256[:16]}" if model is not None else None

    def extend(self, messages: Iterable[Message | Mapping[str, object]]) -> ConversationAssessment:
        result = None
        for message in messages:
            result = self.add(message)
        return result if result is not None else self.assessment()

    # -- state ------------------------------------------------------------------------------

    def _update(self, person: _Participant, entry: _Entry) -> None:
        owner: dict[int, _Entry] = {}
        pooled: list[Signal] = []
        for e in person.window:
            for s in e.signals:
                if not s.cue.startswith(MODEL_CUE_PREFIX):
                    owner[id(s)] = e
                    pooled.append(s)
        for verdict in self.engine.verdicts(pooled, self._language()):
            peak = person.peaks.get(verdict.category)
            if peak is None or (verdict.severity, verdict.score) > (
                peak.verdict.severity,
                peak.verdict.score,
            ):
                person.peaks[verdict.category] = _Peak(verdict, _evidence(verdict.shown, owner))
        for s in entry.signals:
            for stage in stages_by_cue().get(s.cue, ()):
                key = (stage.category, stage.id)
                if key not in person.stages:
                    person.stages[key] = (entry, stage, [])
                if person.stages[key][0] is entry:
                    person.stages[key][2].append(_plain(s, entry))

    def _read(
        self, model: ParticipantModel, person: _Participant, entry: _Entry, text: str
    ) -> None:
        """One more English message of ``person`` for the participant model."""
        state = person.model
        score = model.message_score(text)
        state.total += score
        state.messages += 1
        if score > 0 and (len(state.top) < MODEL_EVIDENCE or score > state.top[-1][0]):
            span = model.strongest_word(text)
            if span is not None:
                start, end = span
                evidence = MessageEvidence(
                    start=start,
                    end=end,
                    text=text[start:end],
                    source=model.source,
                    index=entry.index,
                    message_id=entry.message_id,
                )
                state.top.append((score, evidence))
                state.top.sort(key=lambda t: (-t[0], t[1].index))
                del state.top[MODEL_EVIDENCE:]
        p = model.probability(state.total, state.messages)
        severity = model.severity(p, state.messages)
        if severity is Severity.NONE:
            return
        peak = person.peaks.get(MODEL_CATEGORY)
        if peak is not None and peak.verdict.severity >= severity:
            return
        lo, hi = SCORE_BANDS[severity]
        explanation = _MODEL_EXPLANATION["vi" if self._language() == "vi" else "en"]
        verdict = Verdict(
            MODEL_CATEGORY,
            round(lo + (hi - lo) * p, 4),
            severity,
            explanation.format(n=state.messages, p=p),
            (),
        )
        shown = sorted((e for _, e in state.top), key=lambda e: (e.index, e.start))
        kept = peak.evidence if peak is not None else []
        person.peaks[MODEL_CATEGORY] = _Peak(verdict, [*kept, *shown])

    def _keep_alone(self, person: _Participant, entry: _Entry, assessment) -> None:
        """A message's own verdict, where it is not pooled: a guarded message's, and that of a
        message a trained model read (a model judges its message, and agrees with that
        message's rules only: pooled beside the rules of 50 messages, one profane chatter's
        "agreement" lifted ordinary chat to ``high``)."""
        for c in assessment.categories:
            peak = person.peaks.get(c.id)
            if peak is None or (c.severity, c.score) > (peak.verdict.severity, peak.verdict.score):
                verdict = Verdict(c.id, c.score, c.severity, c.explanation, ())
                evidence = [
                    MessageEvidence(
                        **e.model_dump(), index=entry.index, message_id=entry.message_id
                    )
                    for e in c.evidence
                ]
                person.peaks[c.id] = _Peak(verdict, evidence)

    def _severity(self) -> Severity:
        return max((p.severity for p in self._people.values()), default=Severity.NONE)

    def _language(self) -> str:
        if self.lang:
            return self.lang
        top = self._languages.most_common(1)
        return top[0][0] if top else "other"

    # -- result -----------------------------------------------------------------------------

    def assessment(self) -> ConversationAssessment:
        language = self._language()
        named = 0 if language == "vi" else 1
        participants = []
        best: dict[str, ConversationCategory] = {}
        stages = []
        model = self.participant_model
        for person in self._people.values():
            cats = [
                ConversationCategory(
                    id=cat,
                    score=peak.verdict.score,
                    severity=peak.verdict.severity,
                    explanation=peak.verdict.explanation,
                    evidence=peak.evidence,
                )
                for cat, peak in person.peaks.items()
            ]
            cats.sort(key=lambda c: (-c.severity.rank, -c.score, c.id))
            for c in cats:
                if c.id not in best or (c.severity, c.score) > (
                    best[c.id].severity,
                    best[c.id].score,
                ):
                    best[c.id] = c
            participants.append(
                ParticipantAssessment(
                    id=person.id,
                    role=person.role,
                    severity=person.severity,
                    categories=cats,
                    messages=person.messages,
                    model_score=(
                        round(model.probability(person.model.total, person.model.messages), 4)
                        if model is not None and person.model.messages
                        else None
                    ),
                )
            )
            at_play = {c.id for c in cats}
            for (category, _), (entry, stage, evidence) in person.stages.items():
                if category in at_play:
                    stages.append(
                        StageEntry(
                            index=entry.index,
                            message_id=entry.message_id,
                            sender=person.id,
                            category=category,
                            stage=stage.id,
                            name=stage.names[named],
                            evidence=evidence,
                        )
                    )
        participants.sort(
            key=lambda p: (
                -p.severity.rank,
                -max((c.score for c in p.categories), default=0.0),
                p.id,
            )
        )
        categories = sorted(best.values(), key=lambda c: (-c.severity.rank, -c.score, c.id))
        stages.sort(key=lambda s: (s.index, s.category, s.stage))
        severity = categories[0].severity if categories else Severity.NONE
        ids = tuple(c.id for c in categories)
        engine = self.engine
        locale = self.locale or engine.helpline_directory.locale_for(language)
        return ConversationAssessment(
            severity=severity,
            categories=categories,
            participants=participants,
            stages=stages,
            first_flag_index=self._first_flag,
            messages=self._count,
            out_of_order=self._out_of_order,
            language=language,
            advice=engine.advice_book.advice(ids[:2], language),
            helplines=list(engine.helpline_directory.helplines(locale, ids, language)),
            engine=engine.info,
        )


def _evidence(shown: Iterable[Signal], owner: dict[int, _Entry]) -> list[MessageEvidence]:
    seen: dict[tuple[int, int, int, str | None], MessageEvidence] = {}
    for s in shown:
        e = owner[id(s)]
        key = (e.index, s.start, s.end, s.rule)
        if key not in seen:
            seen[key] = MessageEvidence(
                start=s.start,
                end=s.end,
                text=e.snippets[(s.start, s.end)],
                source=s.source,
                rule=s.rule,
                index=e.index,
                message_id=e.message_id,
            )
    return [seen[k] for k in sorted(seen, key=lambda k: (k[0], k[1], k[2], k[3] or ""))]


def _has_model_cue(signals: Iterable[Signal]) -> bool:
    return any(s.cue.startswith(MODEL_CUE_PREFIX) for s in signals)


def _plain(s: Signal, entry: _Entry) -> Evidence:
    return Evidence(
        start=s.start,
        end=s.end,
        text=entry.snippets[(s.start, s.end)],
        source=s.source,
        rule=s.rule,
    )


def _message(message: Message | Mapping[str, object]) -> Message:
    if isinstance(message, Message):
        return message
    if not isinstance(message, Mapping):
        raise InputError(
            f"a message must be an object with sender and text, not {type(message).__name__}"
        )
    return _validated(Message, message, "message")


def _participant(p: Participant | str | Mapping[str, object]) -> Participant:
    if isinstance(p, Participant):
        return p
    if isinstance(p, str):
        return Participant(id=p)
    return _validated(Participant, p, "participant")


def _validated(model: type[_Model], data: object, what: str) -> _Model:
    """``model`` from ``data``, or an ``InputError`` naming the bad fields (never values)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = {".".join(map(str, err["loc"])) or what: err["type"] for err in exc.errors()}
        shown = ", ".join(f"{k} ({v})" for k, v in fields.items())
        raise InputError(f"invalid {what}: {shown}", fields=fields) from None


def _signal_state(s: Signal) -> dict[str, object]:
    return {
        "cue": s.cue,
        "category": s.category,
        "weight": s.weight,
        "severity": s.severity.value,
        "start": s.start,
        "end": s.end,
        "source": s.source,
        "rule": s.rule,
        "requires": list(s.requires),
        "explanation": list(s.explanation) if s.explanation else None,
    }


def _signal_from(d: Mapping[str, object]) -> Signal:
    explanation = d["explanation"]
    return Signal(
        cue=str(d["cue"]),
        category=d["category"],  # type: ignore[arg-type]
        weight=float(d["weight"]),  # type: ignore[arg-type]
        severity=Severity(d["severity"]),
        start=int(d["start"]),  # type: ignore[arg-type]
        end=int(d["end"]),  # type: ignore[arg-type]
        source=str(d["source"]),
        rule=d["rule"],  # type: ignore[arg-type]
        requires=tuple(d["requires"]),  # type: ignore[arg-type]
        explanation=tuple(explanation) if explanation else None,  # type: ignore[arg-type]
    )


def _person_state(p: _Participant) -> dict[str, object]:
    return {
        "id": p.id,
        "role": p.role,
        "messages": p.messages,
        "window": [
            {
                "index": e.index,
                "message_id": e.message_id,
                "signals": [_signal_state(s) for s in e.signals],
                "snippets": [[a, b, t] for (a, b), t in e.snippets.items()],
            }
            for e in p.window
        ],
        "peaks": {
            cat: {
                "score": peak.verdict.score,
                "severity": peak.verdict.severity.value,
                "explanation": peak.verdict.explanation,
                "evidence": [e.model_dump(mode="json") for e in peak.evidence],
            }
            for cat, peak in p.peaks.items()
        },
        "stages": [
            {
                "category": stage.category,
                "stage": stage.id,
                "index": entry.index,
                "message_id": entry.message_id,
                "evidence": [e.model_dump(mode="json") for e in evidence],
            }
            for entry, stage, evidence in p.stages.values()
        ],
        "model": {
            "total": p.model.total,
            "messages": p.model.messages,
            "top": [[score, e.model_dump(mode="json")] for score, e in p.model.top],
        },
    }


def _person_from(d: Mapping[str, object], window: int) -> _Participant:
    entries = deque(
        (
            _Entry(
                int(e["index"]),
                e["message_id"],
                tuple(_signal_from(s) for s in e["signals"]),
                {(int(a), int(b)): str(t) for a, b, t in e["snippets"]},
            )
            for e in d["window"]  # type: ignore[attr-defined]
        ),
        maxlen=window,
    )
    person = _Participant(str(d["id"]), d["role"], entries, int(d["messages"]))  # type: ignore[arg-type]
    for cat, peak in d["peaks"].items():  # type: ignore[attr-defined]
        verdict = Verdict(
            cat, float(peak["score"]), Severity(peak["severity"]), peak["explanation"], ()
        )
        person.peaks[cat] = _Peak(
            verdict, [MessageEvidence.model_validate(e) for e in peak["evidence"]]
        )
    stages = {(s.category, s.id): s for group in stages_by_cue().values() for s in group}
    for item in d["stages"]:  # type: ignore[attr-defined]
        stage = stages.get((item["category"], item["stage"]))
        if stage is None:  # a stage no longer in stages.toml: drop it, keep the rest
            continue
        entry = _Entry(int(item["index"]), item["message_id"], (), {})
        evidence = [Evidence.model_validate(e) for e in item["evidence"]]
        person.stages[(stage.category, stage.id)] = (entry, stage, evidence)
    model = d.get("model")  # absent from states saved before the participant model
    if isinstance(model, Mapping):
        person.model = _ModelState(
            float(model["total"]),
            int(model["messages"]),
            [(float(s), MessageEvidence.model_validate(e)) for s, e in model["top"]],
        )
    return person


def _before(a: datetime, b: datetime) -> bool:
    """``a < b``, comparing naive and aware times as if both were UTC."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a < b

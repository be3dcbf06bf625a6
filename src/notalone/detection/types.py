"""The result shapes: one ``Assessment`` whatever the input, the same in Python, JSON and HTTP."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from notalone.taxonomy import FLAG_SEVERITY, Severity


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_Frozen):
    """A span of the ORIGINAL text (``text == original[start:end]``) and what fired on it."""

    start: int
    end: int
    text: str
    source: str = Field(description="detector id and version, e.g. 'rules@2026.11.1'")
    rule: str | None = Field(default=None, description="stable rule id, when a rule fired")


class CategoryAssessment(_Frozen):
    id: str
    score: float = Field(ge=0, le=1)
    severity: Severity
    explanation: str = Field(description="why, in the message's language")
    evidence: list[Evidence]


class Advice(_Frozen):
    child: list[str]
    guardian: list[str]


class Helpline(_Frozen):
    name: str
    phone: str | None = None
    url: str | None = None
    hours: str | None = None
    description: str


class EngineInfo(_Frozen):
    name: str = "notalone"
    version: str
    taxonomy: str
    rules: str = Field(description="digest of the rule packs in use")


class Assessment(_Frozen):
    severity: Severity
    categories: list[CategoryAssessment] = Field(
        description="categories above 'none', most severe first"
    )
    language: str = Field(description="vi, en or other")
    advice: Advice
    helplines: list[Helpline]
    engine: EngineInfo

    @property
    def flagged(self) -> bool:
        return self.severity >= FLAG_SEVERITY

    def category(self, category_id: str) -> CategoryAssessment | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def severity_of(self, category_id: str) -> Severity:
        found = self.category(category_id)
        return found.severity if found else Severity.NONE


# -- conversations --------------------------------------------------------------------------


class Message(_Frozen):
    """One message of a conversation, as a platform sends it."""

    sender: str = Field(min_length=1, max_length=256, description="participant id")
    text: str
    time: datetime | None = Field(default=None, description="when it was sent (ISO 8601)")
    id: str | None = Field(default=None, max_length=256, description="the platform's message id")


class Participant(_Frozen):
    id: str = Field(min_length=1, max_length=256)
    role: str | None = Field(default=None, max_length=64, description="e.g. 'child'")


class MessageEvidence(Evidence):
    """Evidence in one message of a conversation: ``start``/``end`` index that message's text."""

    index: int = Field(description="the message's position in the conversation, from 0")
    message_id: str | None = None


class ConversationCategory(_Frozen):
    id: str
    score: float = Field(ge=0, le=1)
    severity: Severity
    explanation: str
    evidence: list[MessageEvidence]


class ParticipantAssessment(_Frozen):
    id: str
    role: str | None
    severity: Severity = Field(description="the highest any window of their messages reached")
    categories: list[ConversationCategory]
    messages: int
    model_score: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="the participant model's probability that everything this participant "
        "wrote so far reads like a predator's (English only; null when it has read nothing)",
    )


class StageEntry(_Frozen):
    """The first message of a participant that showed one stage of a script."""

    index: int
    message_id: str | None
    sender: str
    category: str = Field(description="the script: grooming, online_kidnapping, sextortion")
    stage: str
    name: str = Field(description="the stage, in the conversation's language")
    evidence: list[Evidence]


class ConversationAssessment(_Frozen):
    severity: Severity
    categories: list[ConversationCategory] = Field(
        description="the highest each category reached, over all participants"
    )
    participants: list[ParticipantAssessment] = Field(description="riskiest first")
    stages: list[StageEntry] = Field(description="timeline of the scripts at play, in order")
    first_flag_index: int | None = Field(
        description="the message at which the conversation first reached the alert severity"
    )
    messages: int
    out_of_order: int = Field(description="messages whose time is earlier than the one before")
    language: str
    advice: Advice
    helplines: list[Helpline]
    engine: EngineInfo

    @property
    def flagged(self) -> bool:
        return self.first_flag_index is not None

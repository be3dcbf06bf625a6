"""Request and response bodies of the HTTP API (results reuse the library's own models)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from notalone.detection.types import Evidence, Message, Participant
from notalone.taxonomy import Severity


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the message, as the child saw it")
    lang: Literal["vi", "en"] | None = Field(default=None, description="detected when omitted")
    locale: str | None = Field(default=None, description="helplines locale: vi-VN or intl")


class ConversationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[Message] = Field(description="in the order they were sent")
    participants: list[Participant] | None = Field(
        default=None, description="who may speak, with roles such as 'child'; any sender if omitted"
    )
    lang: Literal["vi", "en"] | None = Field(default=None, description="detected when omitted")
    locale: str | None = Field(default=None, description="helplines locale: vi-VN or intl")


class StreamMessageRequest(BaseModel):
    """One message of a streamed conversation (the ``Message`` fields), and on the first
    message the conversation's participants."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(min_length=1, max_length=256)
    text: str
    time: datetime | None = None
    id: str | None = Field(default=None, max_length=256, description="makes retries safe")
    participants: list[Participant] | None = Field(
        default=None, description="read when the conversation is created, ignored afterwards"
    )

    def message(self) -> Message:
        return Message(sender=self.sender, text=self.text, time=self.time, id=self.id)


class ModerationRequest(BaseModel):
    """The OpenAI moderation request shape."""

    model_config = ConfigDict(extra="forbid")

    input: str | list[str] = Field(description="one message or a list of messages")
    model: str | None = Field(default=None, description="accepted for compatibility; ignored")


class ModerationResult(BaseModel):
    flagged: bool
    categories: dict[str, bool] = Field(
        description="our ten taxonomy ids, plus the OpenAI moderation keys via the crosswalk"
    )
    category_scores: dict[str, float]
    severity: Severity
    category_severities: dict[str, Severity]
    language: str
    spans: list[Evidence]


class ModerationResponse(BaseModel):
    id: str
    model: str
    taxonomy_version: str
    results: list[ModerationResult]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    rules: str

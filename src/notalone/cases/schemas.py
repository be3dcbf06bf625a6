"""Request and response bodies of the report intake (``/v1/reports``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from notalone.db import as_utc
from notalone.detection.types import Advice, Helpline, Message
from notalone.taxonomy import Severity

MAX_CONVERSATION = 1000  # messages a report may attach


class ReportContact(BaseModel):
    """How the helpline may reach the reporter (all optional: reports can be anonymous)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)


class ReportCreate(BaseModel):
    """An anonymous report by a child, a parent or someone else worried about a child."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["child", "parent", "other"] = Field(
        default="child", description="who is reporting: the child, a parent, someone else"
    )
    text: str = Field(min_length=1, description="what happened, in the reporter's words")
    lang: Literal["vi", "en"] | None = Field(default=None, description="detected when omitted")
    locale: str | None = Field(default=None, description="helplines locale: vi-VN or intl")
    contact: ReportContact | None = None
    age_band: Literal["<13", "13-15", "16-17", "18+"] | None = Field(
        default=None, description="the child's age band (for statistics; never identifying)"
    )
    province: str | None = Field(default=None, max_length=64)
    conversation: list[Message] | None = Field(
        default=None, max_length=MAX_CONVERSATION, description="the chat the report is about"
    )


class ReportReceipt(BaseModel):
    """What the reporter gets back: the code to follow up with, and help right away."""

    id: str
    code: str = Field(description="follow-up code: check the status or add information")
    status: str
    severity: Severity = Field(description="the detector's verdict at intake (for triage)")
    received_at: datetime
    advice: Advice
    helplines: list[Helpline]


class ReportStatus(BaseModel):
    """What anyone holding the code may see: no text, no contact details."""

    code: str
    status: str
    received_at: datetime
    updated_at: datetime
    additions: int


class ReportAdditionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="more information for the counsellor")


class CaseSummary(BaseModel):
    """A queue entry: enough to triage, nothing a child wrote."""

    id: str
    status: str
    resolution: str | None
    severity: Severity
    categories: list[str]
    opened_at: datetime
    updated_at: datetime
    assigned_to: str | None = Field(description="username of the counsellor")
    reports: int


class AttachmentRead(BaseModel):
    id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    received_at: datetime

    @classmethod
    def of(cls, row: object) -> AttachmentRead:
        """From an ``Attachment`` row (times as aware UTC)."""
        return cls(
            id=row.id,  # type: ignore[attr-defined]
            filename=row.filename,  # type: ignore[attr-defined]
            media_type=row.media_type,  # type: ignore[attr-defined]
            size=row.size,  # type: ignore[attr-defined]
            sha256=row.sha256,  # type: ignore[attr-defined]
            received_at=as_utc(row.received_at),  # type: ignore[attr-defined]
        )


class CaseReport(BaseModel):
    id: str
    kind: str
    received_at: datetime
    text: str | None = Field(description="None once the retention period purged it")
    contact: dict | None
    age_band: str | None
    province: str | None
    severity: Severity
    categories: list[dict]
    additions: list[dict]
    attachments: list[AttachmentRead] = Field(default_factory=list)


class CaseEventRead(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict


class CaseDetail(CaseSummary):
    report_details: list[CaseReport]
    events: list[CaseEventRead]


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="new, triaged, in_progress, referred or closed")
    resolution: str | None = Field(default=None, description="required to refer or close")


class AssignmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str | None = Field(default=None, description="omit to take the case yourself")


class NoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)


# -- platform reports, in ROOST Coop's report API shape ---------------------------------------


class CoopReporter(BaseModel):
    kind: str = Field(max_length=32, description="user or rule, as in Coop")
    typeId: str | None = Field(default=None, max_length=128)
    id: str = Field(max_length=256)


class CoopReason(BaseModel):
    policyId: str | None = Field(default=None, max_length=128)
    reason: str | None = Field(default=None, max_length=10_000)
    csam: bool = False


class CoopItem(BaseModel):
    """An item of the platform's: ``data.text`` for a message, ``data.sender`` (or
    ``data.creatorId``) for who wrote it, ``data.time`` optional."""

    id: str = Field(max_length=256)
    typeId: str = Field(max_length=128)
    data: dict[str, object]

    def text(self) -> str | None:
        value = self.data.get("text")
        return value if isinstance(value, str) else None

    def sender(self) -> str:
        for key in ("sender", "creatorId", "authorId"):
            value = self.data.get(key)
            if isinstance(value, str) and value:
                return value[:256]
        return "unknown"


class PlatformReport(BaseModel):
    """A platform's report (``X-API-Key`` with the ``reports:write`` scope), in the shape of
    Coop's ``POST /api/v1/report`` so platforms integrated with Coop can report here too."""

    model_config = ConfigDict(extra="forbid")

    reporter: CoopReporter
    reportedAt: datetime
    reportedForReason: CoopReason
    reportedItem: CoopItem
    reportedItemThread: list[CoopItem] = Field(default_factory=list, max_length=MAX_CONVERSATION)
    reportedItemsInThread: list[CoopItem] = Field(default_factory=list, max_length=MAX_CONVERSATION)
    additionalItems: list[CoopItem] = Field(default_factory=list, max_length=100)


class PlatformReceipt(BaseModel):
    reportId: str
    code: str
    status: str
    severity: Severity
    received_at: datetime

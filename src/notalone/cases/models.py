"""Rows of the helpline: a report as received (with the detector's verdict at intake) and what
the reporter added later with their follow-up code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

import notalone.accounts.models  # noqa: F401  (cases.assigned_to refers to accounts)
from notalone.db.base import Base


class Case(Base):
    """A helpline's work item: one or more reports, a status, an owner, an audit trail."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    resolution: Mapped[str | None] = mapped_column(String(32), nullable=True)
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer, index=True)  # for the queue's order
    categories: Mapped[list] = mapped_column(JSON)
    assigned_to: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reports: Mapped[list[Report]] = relationship(
        back_populates="case", order_by="Report.received_at"
    )
    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id")


class CaseEvent(Base):
    """The append-only audit trail: every read and change of a case, written in the same
    transaction as the change itself (rows are never updated or deleted)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))  # an account's username, or "reporter"
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict] = mapped_column(JSON)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the follow-up code
    kind: Mapped[str] = mapped_column(String(16))  # child | parent | other
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # None once purged
    contact: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(8), nullable=True)  # CHI-style bands
    province: Mapped[str | None] = mapped_column(String(64), nullable=True)
    conversation: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # A platform's report: {platform, reporter, reported_user, item_id, reason, policy_id}.
    platform: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    source_platform: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reported_user: Mapped[str | None] = mapped_column(String(256), nullable=True, index=True)
    severity: Mapped[str] = mapped_column(String(16), index=True)
    categories: Mapped[list] = mapped_column(JSON)  # [{id, severity, score}] at intake
    detection: Mapped[dict] = mapped_column(JSON)  # the Assessment (or conversation result)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    request_sha256: Mapped[str] = mapped_column(String(64))  # kept when the text is purged
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    case_id: Mapped[str | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    case: Mapped[Case | None] = relationship(back_populates="reports")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.received_at")
    additions: Mapped[list[ReportAddition]] = relationship(
        back_populates="report", order_by="ReportAddition.id", cascade="all, delete-orphan"
    )


class ReportAddition(Base):
    __tablename__ = "report_additions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    severity: Mapped[str] = mapped_column(String(16))
    report: Mapped[Report] = relationship(back_populates="additions")


class Attachment(Base):
    """An evidence file of a report: the row holds its digest; the bytes live in the
    evidence store under that digest (``cases/evidence.py``)."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(128))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

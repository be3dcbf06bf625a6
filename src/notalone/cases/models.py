"""Rows of the helpline: a report as received (with the detector's verdict at intake) and what
the reporter added later with their follow-up code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from notalone.db.base import Base


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
    severity: Mapped[str] = mapped_column(String(16), index=True)
    categories: Mapped[list] = mapped_column(JSON)  # [{id, severity, score}] at intake
    detection: Mapped[dict] = mapped_column(JSON)  # the Assessment (or conversation result)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    request_sha256: Mapped[str] = mapped_column(String(64))  # kept when the text is purged
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
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

"""Rows of guardian alerts: who is subscribed to which child's account, and the outbox of
alerts to deliver (one row per channel, kept as the record of what was shared and why)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import notalone.cases.models  # noqa: F401  (alert_deliveries.report_id refers to reports)
from notalone.db.base import Base


class GuardianSubscription(Base):
    """A guardian's alerts for one child's account on one platform, registered by that
    platform (which knows the family link and the child's consent)."""

    __tablename__ = "guardian_subscriptions"
    __table_args__ = (Index("ix_guardian_subscriptions_child", "platform", "child_user"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(64))
    child_user: Mapped[str] = mapped_column(String(256))  # the child's id on the platform
    organisation: Mapped[str] = mapped_column(String(64))  # the helpline of the platform's key
    language: Mapped[str] = mapped_column(String(8))  # of the alert: vi | en
    locale: Mapped[str] = mapped_column(String(16))  # of the helplines: vi-VN, intl ...
    age_band: Mapped[str | None] = mapped_column(String(8), nullable=True)
    child_consented: Mapped[bool] = mapped_column(Boolean)
    threshold: Mapped[str] = mapped_column(String(16))  # least severity that alerts
    max_disclosure: Mapped[str] = mapped_column(String(24))  # the most this guardian may see
    webhook_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)  # HMAC key
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AlertDelivery(Base):
    """One alert on one channel: the CloudEvent as sent (its id is this row's id), where its
    delivery stands, and the disclosure level with the reason it was chosen."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("guardian_subscriptions.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[str | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), nullable=True
    )
    channel: Mapped[str] = mapped_column(String(8))  # webhook | email
    severity: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list] = mapped_column(JSON)
    disclosure: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text, nullable=True)  # None once purged
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

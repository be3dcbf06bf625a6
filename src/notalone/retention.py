"""Retention: the text that expires after ``NOTALONE_RETENTION_DAYS``, in one pass over every
store that keeps some (streamed messages, reports, guardian alerts). Run at start-up and by
``notalone db purge``; verdicts, digests and audit trails stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from notalone.alerts import service as alerts
from notalone.cases import service as cases
from notalone.detection.engine import Engine
from notalone.streams import service as streams


@dataclass(frozen=True, slots=True)
class Purged:
    messages: int
    reports: int
    alerts: int


def purge_expired(
    *, session: Session, engine: Engine, older_than: timedelta, now: datetime
) -> Purged:
    return Purged(
        messages=streams.purge_text(session=session, engine=engine, older_than=older_than, now=now),
        reports=cases.purge_text(session=session, older_than=older_than, now=now),
        alerts=alerts.purge_text(session=session, older_than=older_than, now=now),
    )

"""The audit trail: one append-only row per read or change of a case, added in the caller's
transaction so that the change and its record commit (or roll back) together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from notalone.cases.models import Case, CaseEvent


def record(
    session: Session, case: Case, actor: str, action: str, now: datetime, **details: object
) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, actor=actor, action=action, details=details))

"""Working a case: the queue, reading a case, status changes, assignment and notes. Every
function checks the account's permission and organisation itself, writes the audit row in the
same transaction, and never commits.

An account only ever sees its own organisation's cases; another organisation's case is "not
found" rather than "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from notalone.accounts.models import Account
from notalone.accounts.permissions import Action, allowed
from notalone.cases import audit, exports
from notalone.cases.evidence import EvidenceStore
from notalone.cases.models import Attachment, Case, Report
from notalone.cases.schemas import (
    AttachmentRead,
    CaseDetail,
    CaseEventRead,
    CaseReport,
    CaseSummary,
)
from notalone.cases.workflow import CLOSED, NEW, check_transition
from notalone.db import as_utc
from notalone.errors import Forbidden, InputError, NotFound
from notalone.taxonomy import Severity


def require(account: Account, action: Action) -> None:
    if not allowed(account.role, action):
        raise Forbidden(f"a {account.role} may not {action.value.replace('_', ' ')}")


def open_case(*, session: Session, report: Report, organisation: str, now: datetime) -> Case:
    """A new case for a report received at intake."""
    severity = Severity(report.severity)
    case = Case(
        id=report.id,
        organisation=organisation,
        status=NEW,
        resolution=None,
        severity=severity.value,
        severity_rank=severity.rank,
        categories=[c["id"] for c in report.categories],
        assigned_to=None,
        opened_at=now,
        updated_at=now,
    )
    session.add(case)
    case.reports.append(report)
    session.flush()
    audit.record(session, case, "reporter", "opened", now, report=report.id)
    return case


def open_case_about(*, session: Session, report: Report, organisation: str) -> Case | None:
    """The organisation's open case about the same user of the same platform, if any."""
    if not report.reported_user or report.reported_user == "unknown":
        return None
    return session.scalar(
        select(Case)
        .join(Report, Report.case_id == Case.id)
        .where(
            Case.organisation == organisation,
            Case.status != CLOSED,
            Report.source_platform == report.source_platform,
            Report.reported_user == report.reported_user,
        )
        .order_by(Case.opened_at)
        .limit(1)
        .with_for_update()
    )


def add_report(*, session: Session, case: Case, report: Report, now: datetime) -> None:
    """Another report about the same user joins the case (and may raise its severity)."""
    case.reports.append(report)
    audit.record(session, case, "reporter", "report_added", now, report=report.id)
    known = set(case.categories)
    case.categories = [
        *case.categories,
        *(c["id"] for c in report.categories if c["id"] not in known),
    ]
    raise_severity(session=session, case=case, severity=Severity(report.severity), now=now)
    case.updated_at = now
    session.flush()


def raise_severity(*, session: Session, case: Case, severity: Severity, now: datetime) -> None:
    if severity > Severity(case.severity):
        audit.record(session, case, "reporter", "severity_raised", now, to=severity.value)
        case.severity, case.severity_rank = severity.value, severity.rank
        case.updated_at = now


def case_queue(
    *, session: Session, account: Account, status: str | None = None, limit: int = 50
) -> list[CaseSummary]:
    """Open cases (or those of ``status``), most severe first, then oldest first."""
    require(account, Action.VIEW_QUEUE)
    query = select(Case).where(Case.organisation == account.organisation)
    query = query.where(Case.status == status) if status else query.where(Case.status != CLOSED)
    query = query.order_by(Case.severity_rank.desc(), Case.opened_at.asc()).limit(limit)
    return [_summary(session, case) for case in session.scalars(query)]


def read_case(*, session: Session, account: Account, case_id: str, now: datetime) -> CaseDetail:
    require(account, Action.VIEW_CASE)
    case = _case(session, account, case_id)
    audit.record(session, case, account.username, "viewed", now)
    session.flush()
    summary = _summary(session, case)
    return CaseDetail(
        **summary.model_dump(),
        report_details=[
            CaseReport(
                id=r.id,
                kind=r.kind,
                received_at=as_utc(r.received_at),
                text=r.text,
                contact=r.contact,
                age_band=r.age_band,
                province=r.province,
                severity=Severity(r.severity),
                categories=r.categories,
                additions=[
                    {"received_at": as_utc(a.received_at).isoformat(), "text": a.text}
                    for a in r.additions
                ],
                attachments=[AttachmentRead.of(a) for a in r.attachments],
            )
            for r in case.reports
        ],
        events=[
            CaseEventRead(at=as_utc(e.at), actor=e.actor, action=e.action, details=e.details)
            for e in case.events
        ],
    )


def change_status(
    *,
    session: Session,
    account: Account,
    case_id: str,
    to: str,
    resolution: str | None,
    now: datetime,
) -> CaseSummary:
    require(account, Action.CHANGE_STATUS)
    case = _case(session, account, case_id, lock=True)
    if case.status == CLOSED:
        require(account, Action.REOPEN_CASE)
    check_transition(case.status, to, resolution)
    audit.record(
        session, case, account.username, "status_changed", now,
        from_status=case.status, to=to, resolution=resolution,
    )  # fmt: skip
    case.status, case.resolution, case.updated_at = to, resolution, now
    session.flush()
    return _summary(session, case)


def assign(
    *, session: Session, account: Account, case_id: str, username: str | None, now: datetime
) -> CaseSummary:
    target = account
    if username is not None and username != account.username:
        require(account, Action.ASSIGN_ANYONE)
        found = session.scalar(select(Account).where(Account.username == username))
        if found is None or not found.active or found.organisation != account.organisation:
            raise InputError(
                "no active account with this username here", fields={"username": "unknown"}
            )
        target = found
    else:
        require(account, Action.ASSIGN_SELF)
    case = _case(session, account, case_id, lock=True)
    audit.record(session, case, account.username, "assigned", now, to=target.username)
    case.assigned_to, case.updated_at = target.id, now
    session.flush()
    return _summary(session, case)


def add_note(
    *, session: Session, account: Account, case_id: str, text: str, now: datetime
) -> CaseSummary:
    require(account, Action.ADD_NOTE)
    case = _case(session, account, case_id, lock=True)
    audit.record(session, case, account.username, "note_added", now, text=text)
    case.updated_at = now
    session.flush()
    return _summary(session, case)


def export_case(
    *, session: Session, account: Account, case_id: str, fmt: str, now: datetime
) -> str:
    """The case as NCMEC-style XML (``ncmec``) or a police referral (``referral``), redacted;
    the export is audited."""
    require(account, Action.EXPORT_CASE)
    case = _case(session, account, case_id)
    audit.record(session, case, account.username, "exported", now, format=fmt)
    session.flush()
    if fmt == "ncmec":
        return exports.ncmec_xml(case, now=now)
    if fmt == "referral":
        return exports.police_referral(case, now=now)
    raise InputError("format is ncmec or referral", fields={"format": "unknown"})


def read_attachment(
    *,
    session: Session,
    account: Account,
    case_id: str,
    attachment_id: str,
    store: EvidenceStore,
    now: datetime,
) -> tuple[Attachment, bytes]:
    """An evidence file of one of the case's reports, verified against its digest (a file
    that no longer matches raises ``EvidenceIntegrityError``); the read is audited."""
    require(account, Action.VIEW_CASE)
    case = _case(session, account, case_id)
    attachment = session.scalar(
        select(Attachment)
        .join(Report, Report.id == Attachment.report_id)
        .where(Attachment.id == attachment_id, Report.case_id == case.id)
    )
    if attachment is None:
        raise NotFound(
            "no attachment with this id in the case", fields={"attachment_id": "unknown"}
        )
    audit.record(
        session, case, account.username, "attachment_viewed", now, sha256=attachment.sha256
    )
    session.flush()
    return attachment, store.get(attachment.sha256)


def _case(session: Session, account: Account, case_id: str, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id, Case.organisation == account.organisation)
    case = session.scalar(query.with_for_update() if lock else query)
    if case is None:
        raise NotFound("no case with this id", fields={"case_id": "unknown"})
    return case


def _summary(session: Session, case: Case) -> CaseSummary:
    owner = session.get(Account, case.assigned_to) if case.assigned_to else None
    return CaseSummary(
        id=case.id,
        status=case.status,
        resolution=case.resolution,
        severity=Severity(case.severity),
        categories=case.categories,
        opened_at=as_utc(case.opened_at),
        updated_at=as_utc(case.updated_at),
        assigned_to=owner.username if owner else None,
        reports=len(case.reports),
    )

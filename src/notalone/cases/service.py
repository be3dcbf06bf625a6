"""The only code that reads and writes reports. Functions never commit: the route owns the
transaction, so a report is durable before its 201 is sent.

Every report is assessed at intake (the message, and the attached conversation if any) so
the queue can put the most urgent first. An ``Idempotency-Key`` makes a retried submission
return the first receipt; the same key with a different body is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notalone.cases.audit import record
from notalone.cases.evidence import EvidenceStore, safe_filename
from notalone.cases.models import Attachment, Report, ReportAddition
from notalone.cases.schemas import (
    AttachmentRead,
    PlatformReport,
    ReportAdditionCreate,
    ReportCreate,
    ReportReceipt,
    ReportStatus,
)
from notalone.cases.work import add_report, open_case, open_case_about, raise_severity
from notalone.cases.workflow import NEW
from notalone.db import as_utc
from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.detection.types import Message
from notalone.errors import Conflict, InputError, NotFound
from notalone.taxonomy import Severity

# Crockford's base32 without I, L, O, U: nothing to misread when a child copies it down.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits
DEFAULT_ORGANISATION = "111"  # where anonymous reports are queued unless configured


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(code: str) -> str:
    """The code as stored, from what a person typed (case, spaces, dashes, O for 0 ...)."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == CODE_LENGTH else cleaned


def request_digest(data: BaseModel) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def receive_platform_report(
    *,
    session: Session,
    data: PlatformReport,
    platform: str,
    engine: Engine,
    now: datetime,
    idempotency_key: str | None = None,
    organisation: str = DEFAULT_ORGANISATION,
) -> tuple[ReportReceipt, bool]:
    """A platform's report: the reported message (or the reason, when the item has no text)
    and the thread around it are assessed like a child's report."""
    thread = [*data.reportedItemThread, *data.reportedItemsInThread]
    text = data.reportedItem.text() or data.reportedForReason.reason
    if not text:
        raise InputError(
            "the report needs reportedItem.data.text or reportedForReason.reason",
            fields={"reportedItem.data.text": "missing"},
        )
    messages = [
        Message(sender=item.sender(), text=item.text() or "", id=item.id[:256]) for item in thread
    ]
    details = {
        "platform": platform,
        "reporter": data.reporter.model_dump(),
        "reported_item": {"id": data.reportedItem.id, "type": data.reportedItem.typeId},
        "reported_user": data.reportedItem.sender(),
        "reason": data.reportedForReason.model_dump(),
        "reported_at": data.reportedAt.isoformat(),
    }
    return receive_report(
        session=session,
        data=ReportCreate(kind="other", text=text, conversation=messages or None),
        engine=engine,
        now=now,
        idempotency_key=idempotency_key,
        organisation=organisation,
        platform=details,
        digest=request_digest(data),
        floor=Severity.HIGH if data.reportedForReason.csam else Severity.NONE,
    )


def receive_report(
    *,
    session: Session,
    data: ReportCreate,
    engine: Engine,
    now: datetime,
    idempotency_key: str | None = None,
    organisation: str = DEFAULT_ORGANISATION,
    platform: dict[str, object] | None = None,
    digest: str | None = None,
    floor: Severity = Severity.NONE,
) -> tuple[ReportReceipt, bool]:
    """Store and assess a report and open its case in ``organisation``'s queue; returns the
    receipt and whether it is new (False: a retry with the same ``idempotency_key``).
    ``floor`` is the least severity the case gets (a platform's CSAM flag: high)."""
    digest = digest or request_digest(data)
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key)
        if earlier is not None:
            return _replayed(earlier, digest, engine, data.locale), False
    assessment = engine.analyze(data.text, data.lang, locale=data.locale)
    severity = max(assessment.severity, floor)
    categories = [
        {"id": c.id, "severity": c.severity.value, "score": c.score} for c in assessment.categories
    ]
    detection: dict[str, object] = {"message": assessment.model_dump(mode="json")}
    if data.conversation:
        chat = Conversation(engine=engine, lang=data.lang).extend(data.conversation)
        detection["conversation"] = chat.model_dump(mode="json")
        severity = max(severity, chat.severity)
        known = {c["id"] for c in categories}
        categories += [
            {"id": c.id, "severity": c.severity.value, "score": c.score}
            for c in chat.categories
            if c.id not in known
        ]
    row = Report(
        id=str(uuid.uuid4()),
        code=new_code(),
        kind="platform" if platform is not None else data.kind,
        status=NEW,
        received_at=now,
        updated_at=now,
        language=assessment.language,
        text=data.text,
        contact=data.contact.model_dump(exclude_none=True) if data.contact else None,
        age_band=data.age_band,
        province=data.province,
        conversation=(
            {"messages": [m.model_dump(mode="json") for m in data.conversation]}
            if data.conversation
            else None
        ),
        severity=severity.value,
        categories=categories,
        detection=detection,
        idempotency_key=idempotency_key,
        request_sha256=digest,
        platform=platform,
        source_platform=str(platform["platform"]) if platform else None,
        reported_user=str(platform["reported_user"]) if platform else None,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # The same key committed by a concurrent request (or, once in 2^50, the same code).
        if idempotency_key is not None and (earlier := _by_key(session, idempotency_key)):
            return _replayed(earlier, digest, engine, data.locale), False
        row.code = new_code()
        with session.begin_nested():
            session.add(row)
    joined = open_case_about(session=session, report=row, organisation=organisation)
    if joined is not None:
        add_report(session=session, case=joined, report=row, now=now)
    else:
        open_case(session=session, report=row, organisation=organisation, now=now)
    return _receipt(row, engine, data.locale), True


def report_status(*, session: Session, code: str) -> ReportStatus:
    row = _by_code(session, code)
    return ReportStatus(
        code=row.code,
        status=row.status,
        received_at=as_utc(row.received_at),
        updated_at=as_utc(row.updated_at),
        additions=len(row.additions),
    )


def add_to_report(
    *, session: Session, code: str, data: ReportAdditionCreate, engine: Engine, now: datetime
) -> ReportStatus:
    """More information from the reporter; a more severe addition raises the report's
    severity, so the queue sees it."""
    row = _by_code(session, code, lock=True)
    assessment = engine.analyze(data.text)
    row.additions.append(
        ReportAddition(received_at=now, text=data.text, severity=assessment.severity.value)
    )
    row.severity = max(Severity(row.severity), assessment.severity).value
    row.updated_at = now
    if row.case is not None:
        raise_severity(session=session, case=row.case, severity=assessment.severity, now=now)
    session.flush()
    return report_status(session=session, code=row.code)


def purge_text(*, session: Session, older_than: timedelta, now: datetime) -> int:
    """Delete the text of reports received more than ``older_than`` ago: the report's text,
    attached conversation, additions and the evidence snippets quoting them. Severity,
    categories, rules, spans and the request digest stay. Returns how many reports."""
    due = session.scalars(
        select(Report)
        .where(Report.received_at < now - older_than, Report.purged_at.is_(None))
        .with_for_update()
    ).all()
    for row in due:
        row.text = None
        row.conversation = None
        row.detection = _without_text(row.detection)
        for addition in row.additions:
            addition.text = None
        row.purged_at = now
    session.flush()
    return len(due)


def purge_orphan_evidence(
    *, session: Session, store: EvidenceStore, older_than: timedelta, now: datetime
) -> int:
    """Delete evidence files no attachment refers to (their upload's transaction failed after
    the file was written) once they are ``older_than`` old; returns how many."""
    referenced = set(session.scalars(select(Attachment.sha256)))
    before = (now - older_than).timestamp()
    return sum(
        store.remove_if_older(digest, before)
        for digest, mtime in store.stored()
        if digest not in referenced and mtime < before
    )


def _without_text(value: object) -> object:
    """``value`` with every evidence ``text`` emptied (the spans and rules stay)."""
    if isinstance(value, dict):
        return {
            k: "" if k == "text" and "rule" in value else _without_text(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_text(v) for v in value]
    return value


def attach_to_report(
    *,
    session: Session,
    code: str,
    filename: str | None,
    media_type: str | None,
    data: bytes,
    store: EvidenceStore,
    now: datetime,
) -> AttachmentRead:
    """Keep an evidence file for a report (a screenshot, a saved chat): stored under its
    SHA-256, never modified; the row records the digest."""
    if not data:
        raise InputError("the attachment is empty", fields={"file": "empty"})
    row = _by_code(session, code, lock=True)
    digest = store.put(data)
    attachment = Attachment(
        id=str(uuid.uuid4()),
        report_id=row.id,
        filename=safe_filename(filename),
        media_type=(media_type or "application/octet-stream")[:128],
        size=len(data),
        sha256=digest,
        received_at=now,
    )
    session.add(attachment)
    if row.case is not None:
        record(session, row.case, "reporter", "attachment_added", now, sha256=digest)
    session.flush()
    return AttachmentRead.of(attachment)


def _by_code(session: Session, code: str, *, lock: bool = False) -> Report:
    query = select(Report).where(Report.code == normalize_code(code))
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(
            "no report with this code; check it and try again", fields={"code": "unknown"}
        )
    return row


def _by_key(session: Session, key: str) -> Report | None:
    return session.scalar(select(Report).where(Report.idempotency_key == key))


def _replayed(row: Report, digest: str, engine: Engine, locale: str | None) -> ReportReceipt:
    if row.request_sha256 != digest:
        raise Conflict(
            "this Idempotency-Key was already used for a different report; use a new key",
            fields={"Idempotency-Key": "reused"},
        )
    return _receipt(row, engine, locale)


def _receipt(row: Report, engine: Engine, locale: str | None) -> ReportReceipt:
    ids = tuple(
        c["id"] for c in sorted(row.categories, key=lambda c: -Severity(c["severity"]).rank)
    )
    language = row.language
    loc = locale or engine.helpline_directory.locale_for(language)
    return ReportReceipt(
        id=row.id,
        code=row.code,
        status=row.status,
        severity=Severity(row.severity),
        received_at=as_utc(row.received_at),
        advice=engine.advice_book.advice(ids[:2], language),
        helplines=list(engine.helpline_directory.helplines(loc, ids, language)),
    )

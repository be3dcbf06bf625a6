"""``/v1/reports``: anonymous reports by children and parents, followed up with a code, and
platforms' reports (API key, Coop's shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Response, UploadFile

from notalone.accounts.service import api_key_for
from notalone.alerts import service as alerts
from notalone.cases import service
from notalone.cases.schemas import (
    AttachmentRead,
    PlatformReceipt,
    PlatformReport,
    ReportAdditionCreate,
    ReportCreate,
    ReportReceipt,
    ReportStatus,
)
from notalone.errors import MessageTooLarge, Unauthorized
from notalone.web.deps import EngineDep, EvidenceDep, SessionsDep, SettingsDep

router = APIRouter()
Code = Annotated[str, Path(min_length=1, max_length=32, description="the follow-up code")]
_ERRORS = {
    404: {"description": "no report with this code (JSON error envelope)"},
    409: {"description": "Idempotency-Key reused for another report"},
    413: {"description": "text over the size limit"},
    422: {"description": "invalid request (input never echoed)"},
}


@router.post(
    "/v1/reports",
    response_model=ReportReceipt | PlatformReceipt,
    status_code=201,
    responses={**_ERRORS, 401: {"description": "a platform report without a valid API key"}},
    tags=["reports"],
)
def create_report(
    body: Annotated[ReportCreate | PlatformReport, Body()],
    engine: EngineDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=128, description="makes a retried submission safe"),
    ] = None,
    api_key: Annotated[
        str | None,
        Header(alias="X-API-Key", max_length=128, description="a platform's key (Coop shape)"),
    ] = None,
) -> ReportReceipt | PlatformReceipt:
    """Report what happened: anonymously (a child, a parent), or as a platform with an
    ``X-API-Key`` in the shape of Coop's report API. The report is stored before this
    answers; a child keeps the code to check on it or add information, and gets advice and
    helplines at once. A platform report about a child with a guardian subscription queues
    the guardian's alert in the same transaction."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        if isinstance(body, PlatformReport):
            if api_key is None:
                raise Unauthorized("a platform report needs an X-API-Key (scope reports:write)")
            key = api_key_for(session=session, key=api_key, scope="reports:write")
            receipt, created = service.receive_platform_report(
                session=session,
                data=body,
                platform=key.platform,
                engine=engine,
                now=now,
                idempotency_key=idempotency_key,
                organisation=key.organisation,
            )
            if created:
                alerts.raise_alerts(
                    session=session,
                    report_id=receipt.id,
                    data=body,
                    platform=key.platform,
                    engine=engine,
                    now=now,
                    expires_after=settings.retention,
                )
        else:
            receipt, created = service.receive_report(
                session=session,
                data=body,
                engine=engine,
                now=now,
                idempotency_key=idempotency_key,
                organisation=settings.organisation,
            )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    if isinstance(body, PlatformReport):
        return PlatformReceipt(
            reportId=receipt.id,
            code=receipt.code,
            status=receipt.status,
            severity=receipt.severity,
            received_at=receipt.received_at,
        )
    return receipt


@router.get("/v1/reports/{code}", response_model=ReportStatus, responses=_ERRORS, tags=["reports"])
def get_report(code: Code, sessions: SessionsDep) -> ReportStatus:
    """Where a report stands (no text or contact details are shown)."""
    with sessions.begin() as session:
        return service.report_status(session=session, code=code)


@router.post(
    "/v1/reports/{code}/additions",
    response_model=ReportStatus,
    status_code=201,
    responses=_ERRORS,
    tags=["reports"],
)
def add_to_report(
    code: Code, body: ReportAdditionCreate, engine: EngineDep, sessions: SessionsDep
) -> ReportStatus:
    """Add information to a report with its code."""
    with sessions.begin() as session:
        return service.add_to_report(
            session=session, code=code, data=body, engine=engine, now=datetime.now(UTC)
        )


@router.post(
    "/v1/reports/{code}/attachments",
    response_model=AttachmentRead,
    status_code=201,
    responses=_ERRORS,
    tags=["reports"],
)
async def attach(
    code: Code,
    file: UploadFile,
    sessions: SessionsDep,
    settings: SettingsDep,
    evidence: EvidenceDep,
) -> AttachmentRead:
    """Add an evidence file (a screenshot, a saved chat) to a report with its code. It is
    kept under its SHA-256 and never modified."""
    data = await file.read(settings.max_attachment_bytes + 1)
    if len(data) > settings.max_attachment_bytes:
        raise MessageTooLarge(
            f"the attachment is over {settings.max_attachment_bytes} bytes "
            "(NOTALONE_MAX_ATTACHMENT_BYTES)",
            fields={"file": "too large"},
        )
    with sessions.begin() as session:
        return service.attach_to_report(
            session=session,
            code=code,
            filename=file.filename,
            media_type=file.content_type,
            data=data,
            store=evidence,
            now=datetime.now(UTC),
        )

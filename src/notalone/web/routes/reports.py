"""``/v1/reports``: anonymous reports by children and parents, followed up with a code, and
platforms' reports (API key, Coop's shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Response

from notalone.accounts.service import api_key_for
from notalone.cases import service
from notalone.cases.schemas import (
    PlatformReceipt,
    PlatformReport,
    ReportAdditionCreate,
    ReportCreate,
    ReportReceipt,
    ReportStatus,
)
from notalone.errors import Unauthorized
from notalone.web.deps import EngineDep, SessionsDep, SettingsDep

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
    helplines at once."""
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

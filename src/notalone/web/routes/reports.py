"""``/v1/reports``: anonymous reports by children and parents, followed up with a code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from notalone.cases import service
from notalone.cases.schemas import ReportAdditionCreate, ReportCreate, ReportReceipt, ReportStatus
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
    response_model=ReportReceipt,
    status_code=201,
    responses=_ERRORS,
    tags=["reports"],
)
def create_report(
    body: ReportCreate,
    engine: EngineDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=128, description="makes a retried submission safe"),
    ] = None,
) -> ReportReceipt:
    """Report what happened, anonymously. The report is stored before this answers; keep the
    code to check on it or add information. Advice and helplines come back at once."""
    with sessions.begin() as session:
        receipt, created = service.receive_report(
            session=session,
            data=body,
            engine=engine,
            now=datetime.now(UTC),
            idempotency_key=idempotency_key,
            organisation=settings.organisation,
        )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
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

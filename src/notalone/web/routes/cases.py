"""``/v1/auth/token`` and ``/v1/cases``: counsellors work their organisation's queue.

Every route takes a bearer token and checks the account's role and organisation in the
service; reading a case and every change to it are written to the audit trail in the same
transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from notalone.cases import work
from notalone.cases.models import Attachment
from notalone.cases.schemas import (
    AssignmentRequest,
    CaseDetail,
    CaseSummary,
    NoteRequest,
    TransitionRequest,
)
from notalone.cases.statistics import DIMENSIONS, K, Statistics, report_statistics
from notalone.cases.workflow import STATUSES
from notalone.web.deps import AccountDep, EvidenceDep, SessionsDep, sign_in

router = APIRouter()
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
_ERRORS = {
    401: {"description": "no valid bearer token"},
    403: {"description": "the account's role may not do this"},
    404: {"description": "no such case in the account's organisation"},
    409: {"description": "a status change the workflow does not allow"},
    422: {"description": "invalid request"},
}


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


@router.post("/v1/auth/token", response_model=Token, responses=_ERRORS, tags=["cases"])
def token(body: TokenRequest, sessions: SessionsDep) -> Token:
    """A bearer token (12 hours) for a counsellor, supervisor or admin account. Ten wrong
    passwords in a row lock the account for 15 minutes."""
    value, expires = sign_in(sessions, body.username, body.password)
    return Token(access_token=value, expires_at=expires)


@router.get("/v1/cases", response_model=list[CaseSummary], responses=_ERRORS, tags=["cases"])
def queue(
    account: AccountDep,
    sessions: SessionsDep,
    status: Annotated[str | None, Query(description=f"one of {', '.join(STATUSES)}")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[CaseSummary]:
    """Open cases (or one status), most severe first and then oldest first."""
    with sessions.begin() as session:
        return work.case_queue(session=session, account=account, status=status, limit=limit)


@router.get("/v1/cases/{case_id}", response_model=CaseDetail, responses=_ERRORS, tags=["cases"])
def read(case_id: CaseId, account: AccountDep, sessions: SessionsDep) -> CaseDetail:
    """A case with its reports and audit trail (this read is audited too)."""
    with sessions.begin() as session:
        return work.read_case(session=session, account=account, case_id=case_id, now=_now())


@router.post(
    "/v1/cases/{case_id}/transitions",
    response_model=CaseSummary,
    responses=_ERRORS,
    tags=["cases"],
)
def transition(
    case_id: CaseId, body: TransitionRequest, account: AccountDep, sessions: SessionsDep
) -> CaseSummary:
    """Move a case along the workflow (referring or closing needs a resolution)."""
    with sessions.begin() as session:
        return work.change_status(
            session=session,
            account=account,
            case_id=case_id,
            to=body.to,
            resolution=body.resolution,
            now=_now(),
        )


@router.post(
    "/v1/cases/{case_id}/assignment",
    response_model=CaseSummary,
    responses=_ERRORS,
    tags=["cases"],
)
def assignment(
    case_id: CaseId, body: AssignmentRequest, account: AccountDep, sessions: SessionsDep
) -> CaseSummary:
    """Take a case, or (supervisors) give it to a colleague."""
    with sessions.begin() as session:
        return work.assign(
            session=session, account=account, case_id=case_id, username=body.username, now=_now()
        )


@router.post(
    "/v1/cases/{case_id}/notes", response_model=CaseSummary, responses=_ERRORS, tags=["cases"]
)
def note(
    case_id: CaseId, body: NoteRequest, account: AccountDep, sessions: SessionsDep
) -> CaseSummary:
    """A counsellor's note, kept in the case's audit trail."""
    with sessions.begin() as session:
        return work.add_note(
            session=session, account=account, case_id=case_id, text=body.text, now=_now()
        )


@router.get(
    "/v1/statistics/reports",
    response_model=Statistics,
    responses={**_ERRORS, 200: {"content": {"text/csv": {}}}},
    tags=["cases"],
)
def statistics(
    account: AccountDep,
    sessions: SessionsDep,
    group_by: Annotated[
        list[str] | None, Query(description=f"one or more of {', '.join(DIMENSIONS)}")
    ] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    k: Annotated[int, Query(ge=K, description="smallest count published")] = K,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Statistics | PlainTextResponse:
    """Report counts by category, severity, age band, province, reporter kind and week, for
    the account's organisation; cells under ``k`` (at least 5) are never published."""
    dimensions = group_by or ["category"]
    with sessions.begin() as session:
        result = report_statistics(
            session=session, account=account, group_by=dimensions, since=since, until=until, k=k
        )
    if format == "csv":
        return PlainTextResponse(result.to_csv(), media_type="text/csv")
    return result


@router.get(
    "/v1/cases/{case_id}/export",
    responses={
        **_ERRORS,
        200: {"content": {"application/xml": {}, "text/html": {}}, "description": "the export"},
    },
    tags=["cases"],
)
def export(
    case_id: CaseId,
    account: AccountDep,
    sessions: SessionsDep,
    format: Annotated[str, Query(pattern="^(ncmec|referral)$")] = "ncmec",
) -> Response:
    """NCMEC CyberTipline-style XML or a printable police referral (Vietnamese), with
    personal details redacted (supervisors; audited)."""
    with sessions.begin() as session:
        body = work.export_case(
            session=session, account=account, case_id=case_id, fmt=format, now=_now()
        )
    media = "application/xml" if format == "ncmec" else "text/html"
    return Response(body, media_type=media)


@router.get(
    "/v1/cases/{case_id}/attachments/{attachment_id}",
    responses={**_ERRORS, 200: {"content": {"application/octet-stream": {}}}},
    tags=["cases"],
)
def attachment(
    case_id: CaseId,
    attachment_id: Annotated[str, Path(min_length=1, max_length=36)],
    account: AccountDep,
    sessions: SessionsDep,
    evidence: EvidenceDep,
) -> Response:
    """An evidence file, verified against its SHA-256 before it is served (audited)."""
    with sessions.begin() as session:
        meta, data = work.read_attachment(
            session=session,
            account=account,
            case_id=case_id,
            attachment_id=attachment_id,
            store=evidence,
            now=_now(),
        )
    return evidence_response(meta, data)


def evidence_response(meta: Attachment, data: bytes) -> Response:
    """An evidence file as a download (never rendered by the browser), with its digest."""
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": _disposition(meta.filename),
            "X-Content-SHA256": meta.sha256,
            "X-Content-Type-Options": "nosniff",
        },
    )


def _disposition(filename: str) -> str:
    """``attachment`` with an ASCII name and the real one (RFC 6266 / 5987)."""
    plain = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def _now() -> datetime:
    return datetime.now(UTC)

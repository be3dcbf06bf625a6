"""The counsellor's desk at ``/desk``: sign in, work the queue, read a case, move it along
the workflow, take it, add notes, open evidence and exports. Server-rendered forms (no
JavaScript needed) over the same case service as ``/v1/cases``, so every permission check
and audit entry is the same.

The session is the same token as the API's bearer token, kept in an HttpOnly, SameSite=Strict
cookie scoped to ``/desk``; every form also carries a CSRF token derived from it. Vietnamese
interface by default, English with ``?ui=en``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from notalone.accounts.models import Account
from notalone.accounts.permissions import Action, allowed
from notalone.accounts.service import TOKEN_LIFETIME, revoke_token
from notalone.cases import work
from notalone.cases.workflow import RESOLUTIONS, STATUSES, TRANSITIONS
from notalone.errors import InputError, NotAloneError, Unauthorized
from notalone.web.deps import EvidenceDep, SessionsDep, account_of, sign_in
from notalone.web.pages import interface, render
from notalone.web.routes.cases import evidence_response

router = APIRouter(prefix="/desk", include_in_schema=False)
COOKIE = "notalone_desk"

UI = {
    "vi": {
        "title": "Bàn làm việc tư vấn viên", "login": "Đăng nhập", "username": "Tên đăng nhập",
        "password": "Mật khẩu", "logout": "Đăng xuất", "queue": "Hàng chờ",
        "all_open": "Đang mở", "severity": "Mức độ", "status": "Trạng thái",
        "categories": "Loại rủi ro", "opened": "Mở lúc", "assigned": "Phụ trách",
        "reports": "Báo cáo", "nobody": "chưa ai", "empty": "Không có hồ sơ nào.",
        "case": "Hồ sơ", "purged": "(nội dung đã xoá theo thời hạn lưu trữ)",
        "contact": "Liên hệ", "additions": "Thông tin bổ sung", "attachments": "Tệp bằng chứng",
        "move": "Chuyển trạng thái", "resolution": "Kết quả xử lý", "none": "—",
        "apply": "Chuyển", "take": "Nhận hồ sơ này", "note": "Ghi chú", "add_note": "Thêm ghi chú",
        "trail": "Nhật ký", "exports": "Xuất hồ sơ", "ncmec": "NCMEC (XML)",
        "referral": "Giấy chuyển công an", "switch": "English", "error": "Không thực hiện được",
        "statuses": {"new": "mới", "triaged": "đã phân loại", "in_progress": "đang xử lý",
                     "referred": "đã chuyển tuyến", "closed": "đã đóng"},
    },
    "en": {
        "title": "Counsellor's desk", "login": "Sign in", "username": "Username",
        "password": "Password", "logout": "Sign out", "queue": "Queue", "all_open": "Open",
        "severity": "Severity", "status": "Status", "categories": "Risks", "opened": "Opened",
        "assigned": "Assigned to", "reports": "Reports", "nobody": "nobody",
        "empty": "No cases.", "case": "Case", "purged": "(text deleted after the retention period)",
        "contact": "Contact", "additions": "Added later", "attachments": "Evidence files",
        "move": "Change status", "resolution": "Resolution", "none": "—", "apply": "Change",
        "take": "Take this case", "note": "Note", "add_note": "Add note", "trail": "Audit trail",
        "exports": "Export", "ncmec": "NCMEC (XML)", "referral": "Police referral",
        "switch": "Tiếng Việt", "error": "Could not do that",
        "statuses": {s: s.replace("_", " ") for s in STATUSES},
    },
}  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


def _csrf(token: str) -> str:
    return hashlib.sha256(f"csrf:{token}".encode()).hexdigest()


def _signed_in(request: Request, sessions: SessionsDep) -> tuple[Account, str] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return account_of(sessions, token), token
    except Unauthorized:
        return None


def _to_login(ui: str) -> RedirectResponse:
    return RedirectResponse(f"/desk/login?ui={ui}", status_code=303)


def _page(
    request: Request, name: str, ui: str, status: int = 200, **context: object
) -> HTMLResponse:
    return render(request, name, ui, UI, status, **context)


def _error_page(
    request: Request, ui: str, account: Account, token: str, status: int, message: str
) -> HTMLResponse:
    return _page(request, "desk_error.html", ui, status, account=account, csrf=_csrf(token),
                 error=message)  # fmt: skip


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, ui: str | None = None) -> HTMLResponse:
    return _page(request, "desk_login.html", interface(ui))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    sessions: SessionsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    ui: Annotated[str, Form()] = "vi",
) -> Response:
    ui = interface(ui)
    try:
        token, _ = sign_in(sessions, username, password)
    except Unauthorized as exc:
        return _page(request, "desk_login.html", ui, 401, error=exc.message, username=username)
    response = RedirectResponse(f"/desk?ui={ui}", status_code=303)
    response.set_cookie(
        COOKIE, token, max_age=int(TOKEN_LIFETIME.total_seconds()), path="/desk",
        httponly=True, samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(
    request: Request, sessions: SessionsDep, csrf: Annotated[str, Form()] = "", ui: str = "vi"
) -> Response:
    signed = _signed_in(request, sessions)
    if signed is not None and hmac.compare_digest(csrf, _csrf(signed[1])):
        with sessions.begin() as session:
            revoke_token(session=session, token=signed[1])
    response = _to_login(interface(ui))
    response.delete_cookie(COOKIE, path="/desk")
    return response


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request, sessions: SessionsDep, ui: str | None = None, status: str | None = None
) -> Response:
    ui = interface(ui)
    signed = _signed_in(request, sessions)
    if signed is None:
        return _to_login(ui)
    account, token = signed
    status = status if status in STATUSES else None
    with sessions.begin() as session:
        cases = work.case_queue(session=session, account=account, status=status, limit=200)
    return _page(
        request, "desk_queue.html", ui, account=account, csrf=_csrf(token), cases=cases,
        shown=status, statuses=STATUSES,
    )  # fmt: skip


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: str, sessions: SessionsDep, ui: str | None = None
) -> Response:
    return _case_page(request, sessions, case_id, interface(ui))


def _case_page(
    request: Request,
    sessions: SessionsDep,
    case_id: str,
    ui: str,
    *,
    error: NotAloneError | None = None,
) -> Response:
    signed = _signed_in(request, sessions)
    if signed is None:
        return _to_login(ui)
    account, token = signed
    try:
        with sessions.begin() as session:
            case = work.read_case(session=session, account=account, case_id=case_id, now=_now())
    except NotAloneError as exc:
        return _error_page(request, ui, account, token, exc.http_status, exc.message)
    moves = sorted(TRANSITIONS[case.status], key=STATUSES.index)
    if case.status == "closed" and not allowed(account.role, Action.REOPEN_CASE):
        moves = []
    return _page(
        request, "desk_case.html", ui, error.http_status if error else 200, account=account,
        csrf=_csrf(token), case=case, moves=moves,
        resolutions={k: sorted(v) for k, v in RESOLUTIONS.items()},
        can_export=allowed(account.role, Action.EXPORT_CASE),
        error=error.message if error else None,
    )  # fmt: skip


def _act(request: Request, sessions: SessionsDep, case_id: str, ui: str, csrf: str, do) -> Response:
    """Run one change for the signed-in account, then back to the case page (303), or the
    page again with the error (its 4xx)."""
    ui = interface(ui)
    signed = _signed_in(request, sessions)
    if signed is None:
        return _to_login(ui)
    account, token = signed
    if not hmac.compare_digest(csrf, _csrf(token)):
        return _error_page(
            request, ui, account, token, 403, "the form has expired; reload the page and try again"
        )
    try:
        with sessions.begin() as session:
            do(session, account)
    except NotAloneError as exc:
        return _case_page(request, sessions, case_id, ui, error=exc)
    return RedirectResponse(f"/desk/cases/{case_id}?ui={ui}", status_code=303)


@router.post("/cases/{case_id}/transition")
def transition(
    request: Request,
    case_id: str,
    sessions: SessionsDep,
    to: Annotated[str, Form()] = "",
    resolution: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    ui: Annotated[str, Form()] = "vi",
) -> Response:
    return _act(request, sessions, case_id, ui, csrf, lambda session, account: work.change_status(
        session=session, account=account, case_id=case_id, to=to,
        resolution=resolution or None, now=_now(),
    ))  # fmt: skip


@router.post("/cases/{case_id}/take")
def take(
    request: Request,
    case_id: str,
    sessions: SessionsDep,
    csrf: Annotated[str, Form()] = "",
    ui: Annotated[str, Form()] = "vi",
) -> Response:
    return _act(request, sessions, case_id, ui, csrf, lambda session, account: work.assign(
        session=session, account=account, case_id=case_id, username=None, now=_now(),
    ))  # fmt: skip


@router.post("/cases/{case_id}/notes")
def note(
    request: Request,
    case_id: str,
    sessions: SessionsDep,
    text: Annotated[str, Form(max_length=10_000)] = "",
    csrf: Annotated[str, Form()] = "",
    ui: Annotated[str, Form()] = "vi",
) -> Response:
    def add(session, account) -> None:
        if not text.strip():
            raise InputError("a note needs some text", fields={"text": "empty"})
        work.add_note(session=session, account=account, case_id=case_id, text=text, now=_now())

    return _act(request, sessions, case_id, ui, csrf, add)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def attachment(
    request: Request,
    case_id: str,
    attachment_id: str,
    sessions: SessionsDep,
    evidence: EvidenceDep,
    ui: str | None = None,
) -> Response:
    """An evidence file, verified against its digest first (audited)."""
    return _read(request, sessions, interface(ui), lambda session, account: evidence_response(
        *work.read_attachment(session=session, account=account, case_id=case_id,
                              attachment_id=attachment_id, store=evidence, now=_now())
    ))  # fmt: skip


@router.get("/cases/{case_id}/export")
def export(
    request: Request, case_id: str, sessions: SessionsDep, format: str = "referral",
    ui: str | None = None,
) -> Response:  # fmt: skip
    """The police referral (printable HTML) or the NCMEC XML, redacted (supervisors; audited)."""
    media = "application/xml" if format == "ncmec" else "text/html"
    return _read(request, sessions, interface(ui), lambda session, account: Response(
        work.export_case(session=session, account=account, case_id=case_id, fmt=format,
                         now=_now()), media_type=media,
    ))  # fmt: skip


def _read(request: Request, sessions: SessionsDep, ui: str, do) -> Response:
    signed = _signed_in(request, sessions)
    if signed is None:
        return _to_login(ui)
    account, token = signed
    try:
        with sessions.begin() as session:
            return do(session, account)
    except NotAloneError as exc:
        return _error_page(request, ui, account, token, exc.http_status, exc.message)

"""The checker page at ``/``: a child pastes a message and sees the verdict, the highlighted
evidence, advice and helplines. Server-rendered (works without JavaScript), Vietnamese or
English interface (``?ui=en``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from notalone.detection.types import Assessment
from notalone.errors import InputError
from notalone.web.deps import EngineDep
from notalone.web.pages import interface, render

router = APIRouter(include_in_schema=False)

UI = {
    "vi": {
        "title": "Kiểm tra tin nhắn",
        "intro": "Dán tin nhắn em nhận được. Chúng tôi chỉ kiểm tra, không lưu lại.",
        "placeholder": "Dán tin nhắn vào đây…",
        "language": "Ngôn ngữ tin nhắn",
        "auto": "Tự nhận biết",
        "check": "Kiểm tra",
        "verdict": "Kết quả",
        "severity": {
            "none": "Không thấy dấu hiệu nguy hiểm",
            "low": "Cần để ý",
            "medium": "Có dấu hiệu nguy hiểm",
            "high": "Nguy hiểm",
            "critical": "Rất nguy hiểm — cần giúp đỡ ngay",
        },
        "evidence": "Những chỗ đáng lo trong tin nhắn",
        "advice": "Em nên làm gì",
        "guardian": "Dành cho bố mẹ, người giám hộ",
        "help": "Gọi để được giúp đỡ",
        "switch": "English",
        "error": "Không kiểm tra được",
    },
    "en": {
        "title": "Check a message",
        "intro": "Paste a message you received. We only check it; nothing is stored.",
        "placeholder": "Paste the message here…",
        "language": "Message language",
        "auto": "Detect",
        "check": "Check",
        "verdict": "Result",
        "severity": {
            "none": "No clear warning signs",
            "low": "Worth a second look",
            "medium": "Warning signs",
            "high": "Dangerous",
            "critical": "Very dangerous — get help now",
        },
        "evidence": "What worried us in the message",
        "advice": "What you can do",
        "guardian": "For parents and carers",
        "help": "Where to get help",
        "switch": "Tiếng Việt",
        "error": "Could not check this message",
    },
}


def segments(text: str, assessment: Assessment) -> list[tuple[str, str | None]]:
    """The message cut into (piece, severity-or-None) so evidence can be marked up safely."""
    marks: list[str | None] = [None] * len(text)
    order = {"low": 1, "medium": 2, "high": 3, "critical": 4}
    for cat in assessment.categories:
        for ev in cat.evidence:
            for i in range(ev.start, min(ev.end, len(text))):
                cur = marks[i]
                if cur is None or order[cat.severity.value] > order[cur]:
                    marks[i] = cat.severity.value
    out: list[tuple[str, str | None]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marks[i] != marks[start]:
            out.append((text[start:i], marks[start]))
            start = i
    return out


def _page(request: Request, ui: str, status: int = 200, **context: object) -> HTMLResponse:
    return render(request, "checker.html", ui, UI, status, **context)


@router.get("/", response_class=HTMLResponse)
def page(request: Request, ui: str | None = None) -> HTMLResponse:
    return _page(request, interface(ui), text="", lang="")


@router.post("/", response_class=HTMLResponse)
def check(
    request: Request,
    engine: EngineDep,
    text: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "",
    ui: Annotated[str, Form()] = "vi",
) -> HTMLResponse:
    ui = interface(ui)
    try:
        assessment = engine.analyze(text, lang or None)
    except InputError as exc:
        return _page(request, ui, exc.http_status, text="", lang=lang, error=exc.message)
    return _page(
        request,
        ui,
        text=text,
        lang=lang,
        assessment=assessment,
        segments=segments(text, assessment),
    )

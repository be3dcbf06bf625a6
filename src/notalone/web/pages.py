"""Server-rendered pages (the checker at ``/``, the desk at ``/desk``): one template folder,
one rule for the interface language (Vietnamese unless ``ui=en``), one context every page
gets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from notalone.taxonomy import BY_ID

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def interface(ui: str | None) -> str:
    return ui if ui in ("vi", "en") else "vi"


def render(
    request: Request,
    name: str,
    ui: str,
    texts: Mapping[str, Mapping[str, object]],
    status: int = 200,
    **context: object,
) -> HTMLResponse:
    """Template ``name`` in interface language ``ui`` with its ``texts[ui]`` as ``t``."""
    return templates.TemplateResponse(
        request,
        name,
        {
            "ui": ui,
            "t": texts[ui],
            "other_ui": "en" if ui == "vi" else "vi",
            "labels": BY_ID,
            **context,
        },
        status_code=status,
    )

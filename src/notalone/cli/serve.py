"""``notalone serve``: the HTTP API and the checker page, with uvicorn."""

from __future__ import annotations

import typer

from notalone.settings import get_settings


def serve(
    host: str | None = typer.Option(
        None, help="Interface to bind (default NOTALONE_HOST or 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, help="Port (default NOTALONE_PORT or 8000)."),
) -> None:
    """Start the web service: the API under /v1, OpenAPI docs at /docs, the checker page at /."""
    import uvicorn

    from notalone.web.app import create_app

    settings = get_settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
    )

"""``create_app(settings)``: the FastAPI application. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from notalone import __version__, db
from notalone.cases.evidence import EvidenceStore
from notalone.retention import purge_expired
from notalone.settings import Settings, build_dispatcher, build_engine, get_settings
from notalone.web import errors
from notalone.web.limits import BodyLimit
from notalone.web.routes import alerts, analyze, cases, checker, conversations, desk, reports

STATIC = Path(__file__).parent / "static"


@asynccontextmanager
async def _deliver_alerts(app: FastAPI) -> AsyncIterator[None]:
    """While the service runs, deliver guardian alerts (unless ``alerts_worker`` is off)."""
    settings: Settings = app.state.settings
    if not settings.alerts_worker:
        yield
        return
    dispatcher = build_dispatcher(settings, app.state.sessions)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(every=settings.alert_poll_seconds, stop=stop))
    try:
        yield
    finally:
        stop.set()
        await task


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_deliver_alerts,
        title="NotAlone",
        version=__version__,
        description=(
            "Child online safety API: analyze Vietnamese and English messages for grooming, "
            "sextortion, online kidnapping, scams, cyberbullying, threats, self-harm, personal "
            "information and harmful content, with evidence spans, advice and helplines. "
            "`/v1/moderations` accepts the OpenAI moderation request shape."
        ),
    )
    app.state.settings = settings
    app.state.engine = build_engine(settings)
    database = db.connect(settings.database_url)
    if settings.migrate_on_start:
        db.upgrade(database)
    app.state.database = database
    app.state.sessions = db.sessions(database)
    app.state.evidence = EvidenceStore(settings.evidence_dir)
    if (keep := settings.retention) is not None:
        now = datetime.now(UTC)
        with app.state.sessions.begin() as session:
            purge_expired(session=session, engine=app.state.engine, older_than=keep, now=now)
    errors.install(app)
    app.include_router(analyze.router)
    app.include_router(conversations.router)
    app.include_router(reports.router)
    app.include_router(cases.router)
    app.include_router(alerts.router)
    app.include_router(checker.router)
    app.include_router(desk.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # JSON escaping can double a message's size; leave room for a full moderation batch.
    max_body = settings.max_message_bytes * settings.max_batch * 2 + 64 * 1024
    upload = ("/attachments", settings.max_attachment_bytes + 64 * 1024)  # multipart overhead
    app.add_middleware(BodyLimit, max_bytes=max_body, uploads=upload)
    return app

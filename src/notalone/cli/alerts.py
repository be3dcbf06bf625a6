"""``notalone alerts deliver``: send the guardian alerts that are due (for deployments that
run delivery apart from the service, with ``NOTALONE_ALERTS_WORKER=false`` there)."""

from __future__ import annotations

import asyncio
import signal

import typer
from rich.console import Console

from notalone import db as database
from notalone.alerts.delivery import Dispatcher
from notalone.settings import build_dispatcher, get_settings

app = typer.Typer(help="Guardian alerts.", no_args_is_help=True)


@app.command("deliver")
def deliver(
    watch: bool = typer.Option(
        False, "--watch", help="Keep delivering every NOTALONE_ALERT_POLL_SECONDS until stopped."
    ),
) -> None:
    """Send every alert that is due once (or keep going with --watch); prints the counts."""
    settings = get_settings()
    engine = database.connect(settings.database_url)
    database.upgrade(engine)
    dispatcher = build_dispatcher(settings, database.sessions(engine))
    if watch:
        asyncio.run(_watch(dispatcher, settings.alert_poll_seconds))
        return
    counts = dispatcher.run_once()
    Console().print(
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"
    )


async def _watch(dispatcher: Dispatcher, every: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await dispatcher.run(every=every, stop=stop)

"""The Typer application and the one place errors become exit codes.

Exit codes: 0 ok, 1 risk threshold met (``--fail-on``), 2 user error, 3 environment,
130 interrupted, 141 (``scan``) the reader of standard output went away.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from notalone import __version__
from notalone.cli import alerts, check, db, evaluate, keys, rules, scan, serve, train, users
from notalone.errors import NotAloneError

# Typer vendors click; every usage error derives from its ClickException.
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

app = typer.Typer(
    name="notalone",
    help="NotAlone: detect grooming, sextortion, online kidnapping, scams, bullying and other "
    "risks to children in Vietnamese and English messages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("check")(check.check)
app.command("scan")(scan.scan)
app.command("serve")(serve.serve)
app.command("evaluate")(evaluate.evaluate)
app.command("train")(train.train)
app.add_typer(rules.app, name="rules")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(keys.app, name="keys")
app.add_typer(alerts.app, name="alerts")


def _version(value: bool) -> None:
    if value:
        print(f"notalone {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Child online safety checks for messages and files."""


def main() -> None:
    err = Console(stderr=True)
    try:
        # Without standalone mode click returns the code of ``typer.Exit`` instead of exiting.
        code = app(standalone_mode=False)
    except NotAloneError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False, markup=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except typer.Abort:
        sys.exit(130)
    except _CLICK_ERROR as exc:  # usage errors: bad option, bad value
        exc.show()
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)

"""``notalone check``: assess one message given as an argument or on standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from notalone.cli.conversations import assess, read_conversation_file, render_conversation
from notalone.cli.render import render
from notalone.errors import InputError, InvalidEncoding
from notalone.settings import build_engine, get_settings
from notalone.taxonomy import Severity


def parse_severity(value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        severity = Severity.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if severity is Severity.NONE:  # every verdict reaches "none": it would always fail
        raise typer.BadParameter(
            "'none' is met by every message: use low, medium, high or critical"
        )
    return severity


def read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("give the message as an argument, or pipe it on standard input")
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(
            f"standard input is not valid UTF-8 (bad byte at offset {exc.start})"
        ) from None


def check(
    text: str | None = typer.Argument(
        None, help="The message; read from standard input if omitted."
    ),
    lang: str | None = typer.Option(None, "--lang", help="vi or en; detected when omitted."),
    locale: str | None = typer.Option(
        None, "--locale", help="Helplines for this locale (vi-VN, intl)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the Assessment as JSON."),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 1 when the verdict reaches this severity (low ... critical)."
    ),
    conversation: Path | None = typer.Option(
        None,
        "--conversation",
        help="A JSON conversation ({messages, participants?}) or JSONL of messages: "
        "show the verdict, who is risky and the stage timeline.",
    ),
) -> None:
    """Check one message and print the verdict, the evidence, advice and helplines."""
    threshold = parse_severity(fail_on)
    if conversation is not None:
        if text is not None:
            raise InputError("give either a message or --conversation FILE, not both")
        obj = read_conversation_file(conversation)
        result = assess(obj, build_engine(get_settings()), lang, locale)
        if as_json:
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        else:
            render_conversation(Console(), result)
        if threshold is not None and result.severity >= threshold:
            raise typer.Exit(1)
        return
    message = read_stdin() if text is None else text
    engine = build_engine(get_settings())
    assessment = engine.analyze(message, lang, locale=locale)
    if as_json:
        print(json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False))
    else:
        render(Console(), message, assessment)
    if threshold is not None and assessment.severity >= threshold:
        raise typer.Exit(1)

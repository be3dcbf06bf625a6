"""Reading conversations for ``scan --conversations`` and ``check --conversation``, and the
readable timeline view.

A conversation is one JSON object ``{"id", "messages": [{"sender", "text", "time"?, "id"?}],
"participants"?: [{"id", "role"}]}``; ``scan`` reads one per line, ``check`` reads one file
(or a JSON-lines file of messages). Problems name the line and the message index, never the
text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from notalone.cli import jsonlines
from notalone.cli.render import STYLES, printable
from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.detection.types import ConversationAssessment
from notalone.errors import InputError, InvalidEncoding, NotAloneError
from notalone.taxonomy import BY_ID


def conversation_of(obj: object, where: str) -> dict:
    """``obj`` checked to be a conversation object (its messages are checked when added)."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: a conversation must be a JSON object")
    messages = obj.get("messages")
    if not isinstance(messages, list):
        raise InputError(f"{where}: no 'messages' list", fields={"messages": "missing"})
    participants = obj.get("participants")
    if participants is not None and not isinstance(participants, list):
        raise InputError(f"{where}: 'participants' must be a list", fields={"participants": "type"})
    return obj


def assess(
    obj: dict, engine: Engine, lang: str | None, locale: str | None = None
) -> ConversationAssessment:
    """Replay a conversation object; a bad message raises ``InputError`` naming its index."""
    conversation = Conversation(obj.get("participants"), engine=engine, lang=lang, locale=locale)
    for i, message in enumerate(obj["messages"]):
        try:
            conversation.add(message)
        except NotAloneError as exc:
            exc.message = f"message {i}: {exc.message}"
            raise
    return conversation.assessment()


def read_conversation_file(path: Path) -> dict:
    """A JSON conversation object, or a JSON-lines file of messages."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8").removeprefix(jsonlines.BOM)
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(
            f"{path} is not valid UTF-8 (bad byte at offset {exc.start})"
        ) from None
    whole = jsonlines.parse(text)
    if not isinstance(whole, jsonlines.BadLine):
        return conversation_of(whole, str(path))
    messages = []
    for line, chunk in enumerate(text.split("\n"), start=1):
        if not chunk.strip():
            continue
        message = jsonlines.parse(chunk)
        if isinstance(message, jsonlines.BadLine):
            raise InputError(
                f"{path}: line {line}: {message.detail}; give one conversation object, or one "
                "message object per line"
            )
        messages.append(message)
    return {"messages": messages}


def read_conversation_lines(stream: IO[bytes]) -> Iterator[tuple[int, dict | str]]:
    """(line, conversation object) per non-empty line, or (line, problem) for a bad one."""
    for line, raw in enumerate(stream, start=1):
        decoded = jsonlines.decode(raw, line)
        if isinstance(decoded, jsonlines.BadLine):
            yield line, decoded.detail
            continue
        if not decoded.strip():
            continue
        obj = jsonlines.parse(decoded)
        if isinstance(obj, jsonlines.BadLine):
            yield line, obj.detail
            continue
        try:
            yield line, conversation_of(obj, f"line {line}")
        except InputError as exc:
            yield line, exc.message.removeprefix(f"line {line}: ")


def render_conversation(console: Console, result: ConversationAssessment) -> None:
    """Verdict, who is risky, and the stage timeline, at a terminal."""
    lang = "vi" if result.language == "vi" else "en"
    label = "label_vi" if lang == "vi" else "label_en"
    sev = result.severity
    flag = "—" if result.first_flag_index is None else f"message {result.first_flag_index}"
    parts: list = [
        Text.assemble(
            "verdict: ",
            Text(f" {sev.value.upper()} ", style=STYLES[sev]),
            f"  {result.messages} messages, first flagged at: {flag}",
        )
    ]
    people = Table(box=None, header_style="bold")
    for column in ("participant", "role", "severity", "risks"):
        people.add_column(column)
    for p in result.participants:
        risks = ", ".join(getattr(BY_ID[c.id], label) for c in p.categories)
        people.add_row(
            printable(p.id),
            p.role or "",
            Text(p.severity.value, style=STYLES[p.severity]),
            risks or "—",
        )
    parts += [Text(""), people]
    if result.stages:
        timeline = Table(box=None, header_style="bold", title="timeline")
        for column in ("#", "sender", "script", "stage", "evidence"):
            timeline.add_column(column)
        for s in result.stages:
            timeline.add_row(
                str(s.index),
                printable(s.sender),
                getattr(BY_ID[s.category], label),
                s.name,
                printable(", ".join(f"“{e.text}”" for e in s.evidence[:3])),
            )
        parts += [Text(""), timeline]
    for c in result.categories:
        parts += [Text(""), Text(f"{getattr(BY_ID[c.id], label)}: {c.explanation}")]
    advice = Text("\n".join(f"• {line}" for line in result.advice.child))
    parts += [Text(""), Text("advice" if lang == "en" else "lời khuyên", style="bold"), advice]
    helplines = Text(
        "\n".join(f"• {h.name}" + (f" — {h.phone}" if h.phone else "") for h in result.helplines)
    )
    parts += [Text(""), Text("help" if lang == "en" else "trợ giúp", style="bold"), helplines]
    console.print(Panel(Group(*parts), title="NotAlone — conversation"))

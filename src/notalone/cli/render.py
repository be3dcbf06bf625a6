"""Rich rendering of an Assessment for people at a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from notalone.detection.types import Assessment
from notalone.taxonomy import BY_ID, Severity

STYLES = {
    Severity.NONE: "green",
    Severity.LOW: "yellow",
    Severity.MEDIUM: "dark_orange",
    Severity.HIGH: "red",
    Severity.CRITICAL: "bold white on red",
}
_LABEL = {"vi": "label_vi", "en": "label_en"}

# A message can carry terminal escape sequences (retitle the window, clear the screen) and
# bidirectional overrides that reorder what is shown. Each such character is printed as a
# visible stand-in, one for one, so that evidence offsets still point at the right place.
_SHOWN = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\n\t"}
_SHOWN[0x7F] = 0x2421  # DEL
_SHOWN.update(dict.fromkeys(range(0x80, 0xA0), 0xFFFD))  # C1 controls (CSI, OSC...)
_SHOWN.update(
    dict.fromkeys((0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)), 0xFFFD)
)


def printable(text: str) -> str:
    """``text`` safe for a terminal, same length: control characters shown, not obeyed."""
    return text.translate(_SHOWN)


def highlighted(text: str, assessment: Assessment) -> Text:
    """The message with every evidence span underlined in its category's colour."""
    out = Text(printable(text))
    for cat in assessment.categories:
        for ev in cat.evidence:
            out.stylize(f"underline {STYLES[cat.severity]}", ev.start, ev.end)
    return out


def render(console: Console, text: str, assessment: Assessment) -> None:
    lang = "vi" if assessment.language == "vi" else "en"
    sev = assessment.severity
    heading = Text(f" {sev.value.upper()} ", style=STYLES[sev])
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("risk")
    table.add_column("severity")
    table.add_column("score", justify="right")
    table.add_column("why")
    for cat in assessment.categories:
        label = getattr(BY_ID[cat.id], _LABEL[lang])
        table.add_row(
            label,
            Text(cat.severity.value, style=STYLES[cat.severity]),
            f"{cat.score:.2f}",
            cat.explanation,
        )
    parts: list = [Text.assemble("verdict: ", heading, f"  language: {assessment.language}")]
    if assessment.categories:
        parts += [Text(""), highlighted(text, assessment), Text(""), table]
    advice = Text("\n".join(f"• {line}" for line in assessment.advice.child))
    parts += [Text(""), Text("advice" if lang == "en" else "lời khuyên", style="bold"), advice]
    helplines = Text(
        "\n".join(
            f"• {h.name}" + (f" — {h.phone}" if h.phone else "") + (f" — {h.url}" if h.url else "")
            for h in assessment.helplines
        )
    )
    parts += [Text(""), Text("help" if lang == "en" else "trợ giúp", style="bold"), helplines]
    console.print(
        Panel(Group(*parts), title="NotAlone", subtitle=f"engine {assessment.engine.version}")
    )

"""``notalone rules``: validate and list the rule packs (for reviewers who do not read Python)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from notalone.detection.rules.detector import RuleDetector
from notalone.detection.rules.pack import load_rules

app = typer.Typer(help="Validate and list the phrase rule packs.", no_args_is_help=True)


@app.command("lint")
def lint(
    packs: Path | None = typer.Option(
        None, "--packs", help="A packs folder (default: the shipped one)."
    ),
) -> None:
    """Load and compile every pack; exit 3 with the offending file and rule on any error."""
    ruleset = load_rules(packs)
    RuleDetector(ruleset)  # compiling catches patterns that normalize to nothing
    by_file = Counter(f"{r.language}/{r.category or 'signals'}" for r in ruleset.rules)
    console = Console()
    for name, n in sorted(by_file.items()):
        console.print(f"{name}: {n} rules")
    console.print(
        f"ok: {len(ruleset.rules)} rules, {len(ruleset.combos)} combinations, "
        f"{len(ruleset.guards)} guards (digest {ruleset.digest})"
    )


@app.command("list")
def list_rules(
    lang: str | None = typer.Option(None, "--lang", help="Only this language (vi or en)."),
    category: str | None = typer.Option(None, "--category", help="Only this category."),
) -> None:
    """Print rules with their cue, severity and English explanation."""
    table = Table("id", "cue", "severity", "weight", "explanation")
    for r in load_rules().rules:
        if (lang and r.language != lang) or (category and (r.category or "signals") != category):
            continue
        table.add_row(r.id, r.cue, r.severity.value, f"{r.weight:.2f}", r.explain.en)
    Console().print(table)

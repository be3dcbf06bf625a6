"""``notalone evaluate``: score NotAlone on public datasets, and write docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from notalone.datasets import NAMES, load_generic
from notalone.detection.classifiers import load_participant_model
from notalone.detection.engine import Engine
from notalone.errors import ArtifactError, InputError
from notalone.evaluation.conversations import STREAM_MAX_BYTES, run_predators, run_scenarios
from notalone.evaluation.report import conversations_markdown, markdown
from notalone.evaluation.runner import CONFIGS, DatasetResult, Runner
from notalone.machine import cpu_model

# Datasets whose protocol is a smoke test or a training-only source are skipped by --all.
_NOT_IN_ALL = ("vlsp2019-hsd",)
CONVERSATION_SETS = ("scenarios", "perverted-justice")


def evaluate(
    dataset: str | None = typer.Argument(
        None, help=f"A folder under the datasets directory: {', '.join(NAMES)}."
    ),
    all_: bool = typer.Option(False, "--all", help="Every dataset, one after another."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the datasets are (default: ../shared/datasets)."
    ),
    file: Path | None = typer.Option(
        None, "--file", help="A labelled CSV / TSV / JSONL file instead of a named dataset."
    ),
    text_column: str = typer.Option("text", "--text-column", help="With --file: the text."),
    label_column: str = typer.Option("label", "--label-column", help="With --file: the label."),
    positive: list[str] = typer.Option(
        [], "--positive", help="With --file: a label that means risk (repeat for several)."
    ),
    lang: str = typer.Option("en", "--lang", help="With --file: the texts' language (vi, en)."),
    configs: str = typer.Option(
        ",".join(CONFIGS), "--configs", help="Comma-separated: rules, model, fused, baseline."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per dataset."),
    as_markdown: bool = typer.Option(
        False, "--markdown", help="Write the report as Markdown (see --output)."
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="With --markdown: where to write (docs/benchmarks.md, or docs/conversations.md "
        "with --conversations).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for folds and training."),
    seeds: int = typer.Option(
        1,
        "--seeds",
        min=1,
        help="Also retrain the model of each official test split with this many seeds (mean ± sd).",
    ),
    conversations: bool = typer.Option(
        False,
        "--conversations",
        help=f"Conversation mode: DATASET is one of {', '.join(CONVERSATION_SETS)} (or --all).",
    ),
) -> None:
    """Score rules, model, fused and a baseline on a dataset's official split or protocol."""
    chosen = [c.strip() for c in configs.split(",") if c.strip()]
    if sum(bool(x) for x in (dataset, all_, file)) != 1:
        raise InputError("give exactly one of DATASET, --all or --file")
    console = Console(stderr=True)
    if conversations:
        if file is not None:
            raise InputError("--conversations takes DATASET or --all, not --file")
        names = list(CONVERSATION_SETS) if all_ else [str(dataset)]
        unknown = [n for n in names if n not in CONVERSATION_SETS]
        if unknown:
            raise InputError(
                f"no conversation evaluation for {unknown[0]!r}; use {', '.join(CONVERSATION_SETS)}"
            )
        _conversations(names, data_dir, as_json, as_markdown, output, console, all_)
        return
    output = output or Path("docs/benchmarks.md")
    names = [n for n in NAMES if n not in _NOT_IN_ALL] if all_ else [dataset] if dataset else []
    with _spinner(console) as say:
        runner = Runner(data_dir, configs=chosen, seed=seed, seeds=seeds, progress=say)
        if file is not None:
            if not positive:
                raise InputError("--file needs at least one --positive label")
            generic = load_generic(file, text_column, label_column, positive, language=lang)
            results = [runner.run_dataset(generic)]
        else:
            results = [runner.run(name) for name in names]
    if as_json:
        for result in results:
            print(json.dumps(result.to_json(), ensure_ascii=False))
    if as_markdown:
        target = "--all" if all_ else dataset or f"--file {file}"
        command = f"notalone evaluate {target} --markdown"
        if seeds > 1:
            command += f" --seeds {seeds}"
        env = _environment(runner.fused_engine)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown(results, command=command, environment=env), encoding="utf-8")
        console.print(f"wrote {output}")
    if not as_json:
        for result in results:
            _print_table(result)


def _conversations(
    names: list[str],
    data_dir: Path | None,
    as_json: bool,
    as_markdown: bool,
    output: Path | None,
    console: Console,
    all_: bool,
) -> None:
    with _spinner(console) as say:
        engine = Engine(max_bytes=STREAM_MAX_BYTES)
        scenario = run_scenarios(engine) if "scenarios" in names else None
        predators = (
            run_predators(data_dir, engine=engine, progress=say)
            if "perverted-justice" in names
            else None
        )
    reports = [r for r in (scenario, predators) if r is not None]
    if as_json:
        for report in reports:
            print(json.dumps(report.to_json(), ensure_ascii=False))
    if as_markdown:
        target = output or Path("docs/conversations.md")
        command = "notalone evaluate --conversations " + ("--all" if all_ else names[0])
        env = _environment(engine, participant=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            conversations_markdown(
                scenario, predators, command=command + " --markdown", environment=env
            ),
            encoding="utf-8",
        )
        console.print(f"wrote {target}")
    if not as_json:
        if scenario is not None:
            table = Table(title="scenarios (hand-written development set)")
            for column in ("scenario", "label", "severity", "flagged at", "explicit at", "ok"):
                table.add_column(column)
            for o in scenario.outcomes:
                table.add_row(
                    o.scenario.id,
                    o.scenario.label,
                    o.severity.value,
                    "—" if o.first_flag_index is None else str(o.first_flag_index),
                    "—" if o.scenario.explicit is None else str(o.scenario.explicit),
                    "yes" if o.passed else "no",
                )
            Console().print(table)
        if predators is not None:
            table = Table(title="perverted-justice: predator identification")
            for column in ("negatives@alert", "precision", "recall", "f1", "f0.5"):
                table.add_column(column, justify="right")
            for key, m in predators.to_json()["identification"].items():  # type: ignore[union-attr]
                table.add_row(key, *(f"{m[k]:.4f}" for k in ("precision", "recall", "f1", "f0_5")))
            Console().print(table)


def _environment(engine: Engine, *, participant: bool = False) -> str:
    """Where and with what the numbers were measured: machine, rules and model versions."""
    models = ", ".join(d.source for d in engine.detectors if d.name.startswith("model."))
    if participant:
        try:
            shipped = load_participant_model()
            sha = shipped.manifest.npz_sha256[:8]
            models += f"{', ' if models else ''}{shipped.source} {sha}"
        except ArtifactError:
            pass
    machine = ", ".join(filter(None, (platform.machine(), cpu_model())))
    return (
        f"Machine: {machine}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; rules {engine.ruleset.digest}; models {models or 'none'}."
    )


@contextmanager
def _spinner(console: Console) -> Iterator[Callable[[str], None]]:
    """A progress line on a terminal (nothing otherwise); yields the function that sets it."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("loading", total=None)
        yield lambda message: bar.update(task, description=message)


def _print_table(result: DatasetResult) -> None:
    ds = result.dataset
    table = Table(title=f"{ds.name} — {ds.protocol.value}, {result.evaluated_on}")
    table.add_column("configuration")
    table.add_column("view")
    for column in (ds.headline, "precision", "recall", "f1", "msg/s"):
        table.add_column(column, justify="right")
    for name, r in result.results.items():
        if r.metrics is None:
            table.add_row(name, r.note or "—", "—", "—", "—", "—", "—")
            continue
        m = r.metrics
        cells = [_fmt(m.get(k)) for k in (ds.headline, "precision", "recall", "f1")]
        rate = "—" if r.messages_per_second is None else f"{r.messages_per_second:,.0f}"
        table.add_row(name, r.view, *cells, rate)
    Console().print(table)


def _fmt(value: object) -> str:
    return "—" if value is None else f"{float(value):.4f}"  # type: ignore[arg-type]

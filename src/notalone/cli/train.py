"""``notalone train``: rebuild the shipped classifier artifacts from the public datasets."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from notalone.datasets import default_data_dir
from notalone.detection.classifiers import ARTIFACTS
from notalone.errors import InputError
from notalone.training import PARTICIPANT_TASKS, SHIPPED, TAGGER_TASKS, TASKS, train_all


def train(
    tasks: list[str] = typer.Argument(
        None, help=f"Tasks to train (default: the shipped ones, {', '.join(SHIPPED)})."
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the datasets are (default: ../shared/datasets)."
    ),
    output: Path = typer.Option(
        ARTIFACTS, "--output", "-o", help="Where to write <task>.npz and <task>.json."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for folds and solvers."),
) -> None:
    """Rebuild the shipped classifiers (same data and seed give the same files)."""
    known = [*TASKS, *TAGGER_TASKS, *PARTICIPANT_TASKS]
    unknown = sorted(set(tasks or ()) - set(known))
    if unknown:
        raise InputError(f"unknown task(s) {', '.join(unknown)}; known: {', '.join(known)}")
    console = Console(stderr=True)
    manifests = train_all(
        data_dir if data_dir is not None else default_data_dir(),
        output,
        seed=seed,
        tasks=list(tasks) if tasks else None,
        progress=lambda message: console.print(message, highlight=False),
    )
    for m in manifests:
        dev = m.metrics.get("dev") or next(iter(m.metrics.values()), {})
        scores = {k: dev[k] for k in ("macro_f1", "span_f1") if isinstance(dev, dict) and k in dev}
        shown = ", ".join(f"{k} {v}" for k, v in scores.items())
        console.print(
            f"{m.task}: {m.training['n_train']:,} texts, {m.training['n_features']:,} features, "
            f"calibrated on {m.training['calibrated_on']}: {shown}",
            highlight=False,
        )

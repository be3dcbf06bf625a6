"""Seed variation of a model's recipe (the shipped one's, or the evaluation's own): retrained
per seed, disjoint from the test split, reported as mean ± sd beside the scored model's own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from notalone.datasets import Dataset, Example, Protocol, load
from notalone.evaluation.models import ModelConfigs
from notalone.evaluation.report import markdown
from notalone.evaluation.runner import ConfigResult, DatasetResult, Runner
from notalone.training import DATASET_TASKS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"


def test_reseeded_recipe_trains_on_the_shipped_data_with_another_seed() -> None:
    runner = Runner(FIXTURES, configs=("model",), seeds=3)
    ds = load("vihsd", FIXTURES)
    model = runner.models.reseeded(ds, 2)
    assert model.classifier.manifest.training["seed"] == 2
    assert not model.shipped
    test = {e.text for e in ds.split("test")}
    assert test.isdisjoint(model.training_texts())
    # VLSP's comments are an auxiliary task: all but the one that is also a ViHSD test text.
    [aux] = model.classifier.manifest.training["auxiliary"]
    assert aux["name"] == "vlsp2019-hsd/all" and aux["n"] == 7
    assert "Bọn cà chua thối cút hết đi" in model.training_texts()


def test_seed_scores_are_reported() -> None:
    runner = Runner(FIXTURES, configs=("model",), seeds=3)
    ds = load("vihsd", FIXTURES)
    test = ds.split("test")
    scored = ConfigResult("model", {"macro_f1": 0.5}, "native")
    as_shipped = replace(runner.models.reseeded(ds, 1), shipped=True)  # as if seed 1 shipped
    runner._seed_variation(ds, test, scored, as_shipped, [], [])
    assert len(scored.seed_scores) == 3 and scored.seed_scores[0] == 0.5
    assert all(0.0 <= s <= 1.0 for s in scored.seed_scores)
    result = DatasetResult(ds, "test", {"model": scored}, len(test))
    assert result.to_json()["configurations"]["model"]["seeds"] == scored.seed_scores
    text = markdown([result], command="notalone evaluate vihsd --markdown", environment="")
    assert "recipe trained with 3 seeds (the one scored above included)" in text


def test_an_official_split_without_a_shipped_model_reports_its_seeds_too() -> None:
    # No shipped model: the evaluation's own recipe, retrained per seed on the same split and
    # scored on the same test.
    train = [Example(f"you should end it all tonight {i}", "suicide") for i in range(12)]
    train += [Example(f"so tired and sad again today {i}", "depression") for i in range(12)]
    test = [Example("end it all tonight", "suicide"), Example("sad again today", "depression")]
    ds = Dataset(
        name="tiny-self-harm",
        language="en",
        category="self_harm",
        labels=("depression", "suicide"),
        positive=("suicide",),
        protocol=Protocol.SPLIT,
        splits={"train": train, "test": test},
        headline="accuracy",
    )
    result = Runner(FIXTURES, configs=("model",), seeds=3).run_dataset(ds)
    scored = result.results["model"]
    assert scored.metrics is not None and len(scored.seed_scores) == 3
    assert scored.seed_scores[0] == scored.metrics["accuracy"]
    assert all(s in (0.0, 0.5, 1.0) for s in scored.seed_scores)  # two test texts


def test_a_cross_validated_recipe_keeps_none_of_its_dataset_in_auxiliary_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Were VLSP scored with the ViHSD recipe, its folds' texts must leave the auxiliary task
    # too, or a fold's model would have trained on its own test fold.
    monkeypatch.setitem(DATASET_TASKS, "vlsp2019-hsd", "vihsd")
    configs = ModelConfigs(FIXTURES)
    vlsp = load("vlsp2019-hsd", FIXTURES)
    recipe = configs._recipe(vlsp)
    assert recipe is not None
    [aux] = recipe.auxiliary
    assert aux.name == "vlsp2019-hsd/all" and aux.split.texts == []
    fold = vlsp.split("all")[:6]
    model = configs.fit(vlsp, fold)
    assert model is not None
    assert {e.text for e in vlsp.split("all")[6:]}.isdisjoint(model.training_texts())
    assert "auxiliary" not in model.classifier.manifest.training  # nothing of it was left

"""The fused configuration is what ``analyze`` would answer: the evaluated model stands in for
the shipped one of its kind, the other shipped models run beside it, and every one of them is
checked never to have seen the texts it reads."""

from __future__ import annotations

import csv
from pathlib import Path

from notalone.datasets import Dataset, load_generic
from notalone.evaluation.models import EvalModel, ModelConfigs
from notalone.evaluation.report import markdown
from notalone.evaluation.runner import Runner
from notalone.training import TASKS
from tests.shared_data import SHARED, needs_shared

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"


def _labelled(path: Path, rows: list[tuple[str, str]], positive: str, category: str) -> Dataset:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return load_generic(path, "text", "label", [positive], category=category)


def _fold_model(configs: ModelConfigs, ds: Dataset) -> EvalModel:
    model = configs.fit(ds, ds.split("all"))
    assert model is not None
    return model


def _bullying(tmp_path: Path, ordinary: list[str] | None = None) -> Dataset:
    rows = [(f"you are so dumb and ugly, loser number {i}", "bully") for i in range(10)]
    ordinary = ordinary or [f"thanks for the notes from class {i}" for i in range(10)]
    rows += [(t, "ok") for t in ordinary]
    return _labelled(tmp_path / "bullying.csv", rows, "bully", "cyberbullying")


def _scams(tmp_path: Path) -> Dataset:
    rows = [(f"you won a prize {i}, pay the fee at bit.ly/x{i} to claim", "spam") for i in range(8)]
    rows += [(f"see you at practice at {i} o'clock", "ham") for i in range(8)]
    return _labelled(tmp_path / "scams.csv", rows, "spam", "scam")


@needs_shared
def test_a_fold_model_replaces_the_shipped_one_of_its_kind_only(tmp_path: Path) -> None:
    configs = ModelConfigs(SHARED)
    hate = _fold_model(configs, _bullying(tmp_path))
    beside, left_out = configs.companions(hate, ["a message nobody trained on"])
    assert [d.name for d in beside] == ["model.en_scam"] and not left_out  # of its language
    hate.beside = tuple(beside)
    engine = configs.engine(hate, Runner(SHARED, configs=("fused",)).rules_engine)
    assert [d.name for d in engine.detectors if d.name.startswith("model.")] == [
        "model.bullying",
        "model.en_scam",
    ]
    scam = _fold_model(configs, _scams(tmp_path))  # an English scam model of its own
    beside, left_out = configs.companions(scam, [])
    assert [d.name for d in beside] == ["model.en_offensive"] and not left_out


def test_a_shipped_model_without_its_training_data_is_left_out(tmp_path: Path) -> None:
    configs = ModelConfigs(FIXTURES)  # no Mendeley here: en_scam's data cannot be assembled
    hate = _fold_model(configs, _bullying(tmp_path))
    beside, left_out = configs.companions(hate, [])
    assert beside == [] and left_out[0].startswith("model.en_scam (its training data is not in")


@needs_shared
def test_a_shipped_model_that_saw_an_evaluated_text_is_left_out(tmp_path: Path) -> None:
    seen = TASKS["en_scam"](SHARED).train
    leaked = [t for t, y in zip(seen.texts, seen.labels, strict=True) if y == "ham"][:10]
    ds = _bullying(tmp_path, leaked)  # ordinary messages the scam model learnt from
    result = Runner(SHARED, configs=("fused",)).run_dataset(ds)
    assert (
        result.results["fused"].note
        == "without model.en_scam (it was trained on 10 of these texts)"
    )
    assert result.results["fused"].metrics is not None
    text = markdown([result], command="notalone evaluate --file bullying.csv", environment="")
    assert "Rules + model ran without model.en_scam (it was trained on 10 of these texts)." in text


def test_a_dataset_is_answered_by_its_own_categories(tmp_path: Path) -> None:
    """On a spam set a ham that reads as bullying is not a spam; on a false-alarm slice
    (no risk labels) every category counts."""
    from notalone.detection.engine import Engine
    from notalone.evaluation.runner import answers

    insult = Engine(classifiers=False).analyze("you are so fat", "en")
    assert {c.id for c in insult.categories} == {"cyberbullying"}
    assert not answers(_scams(tmp_path))(insult)
    assert answers(_bullying(tmp_path))(insult)
    chat = tmp_path / "chat.csv"
    chat.write_text("text,label\nhello,ok\n", encoding="utf-8")
    slice_ = load_generic(chat, "text", "label", [])
    assert slice_.category is None and answers(slice_)(insult)

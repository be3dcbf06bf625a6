"""``notalone evaluate`` and ``notalone train`` end to end, on hand-written data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.shared_data import needs_shared

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"

_SCAM = [
    "Congratulations you won a {prize}, pay the {fee} fee to claim it today",
    "Your {bank} account is locked, verify your password at {link} now",
    "URGENT: you have been selected for a {prize}, reply with your card number",
    "Final notice: send the {fee} processing fee to release your {prize}",
]
_HAM = [
    "Can you pick up {food} on the way home from {place}?",
    "See you at {place} after school, bring the {thing}",
    "Mum says dinner is {food} tonight, don't be late",
    "I left my {thing} at {place}, can you check tomorrow?",
]
_FILL = {
    "prize": ["iPhone", "gift card", "cash prize", "holiday", "laptop"],
    "fee": ["delivery", "customs", "admin", "tax", "service"],
    "bank": ["Vietcombank", "PayPal", "Chase", "HSBC", "Momo"],
    "link": ["bit.ly/x1", "secure-login.top", "verify-now.xyz", "tinyurl.com/a", "acc.help"],
    "food": ["bread", "rice", "noodles", "pizza", "soup"],
    "place": ["the library", "practice", "grandma's", "the park", "class"],
    "thing": ["ball", "charger", "notebook", "jacket", "umbrella"],
}


def _texts(templates: list[str]) -> list[str]:
    out = []
    for i in range(5):
        for t in templates:
            fills = {k: v[(i + len(t)) % len(v)] for k, v in _FILL.items()}
            out.append(t.format(**fills) + f" ({i})")
    return out


def _labelled_file(tmp_path: Path, scams: int | None = None) -> Path:
    path = tmp_path / f"mine{scams or ''}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["message", "kind"])
        writer.writerows([t, "spam"] for t in _texts(_SCAM)[:scams])
        writer.writerows([t, "ham"] for t in _texts(_HAM))
    return path


def _said(result) -> str:
    """Standard error with Rich's line wrapping undone."""
    return " ".join(result.stderr.decode().split())


@needs_shared  # the fused row checks the shipped models' training data, read from shared/
def test_generic_file_scores_every_configuration(cli, tmp_path: Path) -> None:
    path = _labelled_file(tmp_path)
    args = ["--text-column", "message", "--label-column", "kind", "--positive", "spam"]
    result = cli("evaluate", "--file", str(path), *args, "--json")
    assert result.returncode == 0, result.stderr.decode()
    out = json.loads(result.stdout)
    assert out["dataset"] == "mine" and out["protocol"] == "stratified-5-fold"
    assert set(out["configurations"]) == {"rules", "model", "fused", "baseline"}
    for name in ("model", "baseline"):
        m = out["configurations"][name]["metrics"]
        assert {"macro_f1", "f1", "precision", "recall", "accuracy", "mcc"} <= set(m)
        assert len(out["configurations"][name]["folds"]) == 5
    # Templated scam and chat differ in every content word: a trained model must separate them.
    assert out["configurations"]["model"]["metrics"]["macro_f1"] > 0.9
    assert out["configurations"]["rules"]["view"] == "binary"
    assert out["metrics"] == out["configurations"]["fused"]["metrics"]
    assert out["per_class"].keys() == {"ham", "spam"}


def test_markdown_report_is_written(cli, tmp_path: Path) -> None:
    path = _labelled_file(tmp_path)
    report = tmp_path / "docs" / "bench.md"
    args = ["--text-column", "message", "--label-column", "kind", "--positive", "spam"]
    result = cli(
        "evaluate", "--file", str(path), *args, "--configs", "rules,baseline",
        "--markdown", "--output", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    text = report.read_text(encoding="utf-8")
    assert "## mine" in text and "NotAlone rules only" in text and "Baseline" in text


def test_span_dataset_reports_span_f1(cli) -> None:
    result = cli("evaluate", "vihos", "--data-dir", str(FIXTURES), "--configs", "rules", "--json")
    assert result.returncode == 0, result.stderr.decode()
    metrics = json.loads(result.stdout)["configurations"]["rules"]["metrics"]
    assert 0.0 <= metrics["span_f1"] <= 1.0 and "span_precision" in metrics


def test_shipped_model_refuses_other_training_data(cli) -> None:
    """The fixture ViHSD is not what the shipped model was trained on: say so, exit 2."""
    result = cli("evaluate", "vihsd", "--data-dir", str(FIXTURES), "--configs", "model")
    assert result.returncode == 2
    assert "training-data digest differs" in _said(result)


def test_bad_invocations_exit_2(cli, tmp_path: Path) -> None:
    assert cli("evaluate").returncode == 2  # nothing to evaluate
    missing = cli("evaluate", "vihsd", "--data-dir", str(tmp_path))
    assert missing.returncode == 2 and "not found" in _said(missing)
    unknown = cli("evaluate", "no-such-set", "--data-dir", str(FIXTURES))
    assert unknown.returncode == 2 and "unknown dataset" in _said(unknown)
    path = _labelled_file(tmp_path)
    wrong = cli("evaluate", "--file", str(path), "--text-column", "message",
                "--label-column", "kind", "--positive", "phish")  # fmt: skip
    assert wrong.returncode == 2 and "not found in column 'kind'" in _said(wrong)
    few = _labelled_file(tmp_path, scams=5)  # each training fold holds four scams
    tiny = cli("evaluate", "--file", str(few), "--text-column", "message",
               "--label-column", "kind", "--positive", "spam", "--configs", "model")  # fmt: skip
    assert tiny.returncode == 2 and "too few training examples" in _said(tiny)
    # sms-spam-uci is scored with the shipped scam model's whole recipe: Mendeley is part of it.
    recipe = cli("evaluate", "sms-spam-uci", "--data-dir", str(FIXTURES), "--configs", "model")
    assert recipe.returncode == 2 and "smishing-mendeley not found" in _said(recipe)
    assert b"Traceback" not in tiny.stderr + wrong.stderr + missing.stderr + recipe.stderr


def test_train_rebuilds_an_artifact(cli, tmp_path: Path) -> None:
    out = tmp_path / "artifacts"
    result = cli("train", "vihsd", "--data-dir", str(FIXTURES), "--output", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert {p.name for p in out.iterdir()} == {"vihsd.json", "vihsd.npz"}
    manifest = json.loads((out / "vihsd.json").read_text(encoding="utf-8"))
    assert manifest["training"]["calibrated_on"] == "train-5-fold-oof"
    bad = cli("train", "bogus")
    assert bad.returncode == 2 and "unknown task" in _said(bad)

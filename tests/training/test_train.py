"""Training smoke tests on a tiny hand-written fixture (quality lives in `notalone evaluate`)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from notalone.detection.classifiers import load_classifiers, view_of_text
from notalone.errors import DatasetError
from notalone.training import (
    PARTICIPANT_TASKS,
    SHIPPED,
    TAGGER_TASKS,
    TASKS,
    train_all,
    train_task,
)
from notalone.training.fit import (
    C_GRID,
    Auxiliary,
    Hyper,
    Split,
    TaskData,
    auxiliary_data,
    choose_thresholds,
    data_digest,
    fit_task,
    fitted_data,
    seen_texts,
)
from notalone.training.vectorize import fit_featurizer, matrix, views
from tests.training.tiny import LABELS, tiny_split

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasets"


def _task(dev: bool) -> TaskData:
    split = tiny_split()
    return TaskData(
        task="tiny",
        language="vi",
        category="cyberbullying",
        labels=LABELS,
        positive=("OFFENSIVE", "HATE"),
        train=split,
        dev=split if dev else None,
        sources={"datasets": ["fixture"]},
    )


@pytest.mark.parametrize("dev", [True, False], ids=["dev", "out-of-fold"])
def test_trains_saves_and_loads(tmp_path: Path, dev: bool) -> None:
    manifest = train_task(_task(dev), tmp_path, tmp_path, seed=0)
    assert {p.name for p in tmp_path.iterdir()} == {"tiny.npz", "tiny.json"}
    assert manifest.labels == list(LABELS)
    assert manifest.training["data_sha256"] == data_digest(*fitted_data(_task(dev)))
    assert manifest.training["fitted_on"] == ("train+dev" if dev else "train")
    assert set(manifest.libraries) >= {"numpy", "scikit-learn", "python"}
    assert (
        manifest.thresholds["low"] <= manifest.thresholds["medium"] <= manifest.thresholds["high"]
    )
    clf = load_classifiers(tmp_path)["tiny"]
    probs = clf.predict_proba("đồ vô dụng cút đi")
    assert set(probs) == set(LABELS)
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probs["OFFENSIVE"] + probs["HATE"] > probs["CLEAN"]
    assert clf.predict("Chúc mừng sinh nhật bạn nhé") == "CLEAN"


def test_training_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    train_task(_task(dev=False), a, a, seed=3)
    train_task(_task(dev=False), b, b, seed=3)
    for name in ("tiny.npz", "tiny.json"):
        digest = [hashlib.sha256((d / name).read_bytes()).hexdigest() for d in (a, b)]
        assert digest[0] == digest[1], name


def test_training_matrix_is_what_inference_computes(tmp_path: Path) -> None:
    texts = tiny_split().texts
    rows = views(texts)
    featurizer = fit_featurizer(rows, _default_config(), min_df=1)
    x = matrix(featurizer, rows)
    for i, text in enumerate(texts):
        cols, vals = featurizer.transform_one(view_of_text(text))
        row = x.getrow(i)
        assert np.array_equal(row.indices, cols)
        assert np.allclose(row.data, vals)


@pytest.mark.parametrize("shapes", [False, True], ids=["words", "shapes"])
def test_columns_are_the_vocabulary_terms(shapes: bool) -> None:
    from notalone.detection.classifiers import FeatureConfig
    from notalone.detection.classifiers.features import terms

    texts = [*tiny_split().texts, "dit me may, địt mẹ mày", "ko bik j lun. cho an com"]
    rows = views([*texts, "NHẮN TIN 0912345678 nhận 500k, www.qua.vn!", "CALL 0912345678!"])
    featurizer = fit_featurizer(rows, FeatureConfig(shapes=shapes), min_df=1)
    assert any(t[0] == "s" for t in featurizer.vocabulary) == shapes
    for view in rows:  # the tuple look-ups of inference find the columns the terms name
        expected = sorted(featurizer.index[t] for t in terms(view, featurizer.config))
        assert sorted(featurizer.columns(view).tolist()) == expected


def _default_config():
    from notalone.detection.classifiers import FeatureConfig

    return FeatureConfig()


def test_scam_models_read_shapes(tmp_path: Path) -> None:
    texts = [
        *(f"WIN £{n}00 cash! txt CLAIM to 8{n}888, 150p/msg" for n in range(1, 8)),
        *(f"call 0906170{n}461 now, prize at www.win{n}.co.uk" for n in range(1, 8)),
        *(f"see you at {n} for lunch, ok?" for n in range(1, 8)),
        *(f"running late, be there in {n} mins" for n in range(1, 8)),
    ]
    labels = ["spam"] * 14 + ["ham"] * 14
    data = TaskData(
        task="tiny_scam",
        language="en",
        category="scam",
        labels=("ham", "spam"),
        positive=("spam",),
        train=Split(texts, labels),
        dev=None,
        sources={"datasets": ["fixture"]},
    )
    manifest = train_task(data, tmp_path, tmp_path, seed=0)
    assert "s" in manifest.featurizer["blocks"]
    clf = load_classifiers(tmp_path)["tiny_scam"]
    assert clf.featurizer.config.shapes
    assert clf.predict("URGENT! call 09061709999 to claim your £900") == "spam"
    words_only = train_task(_task(dev=False), tmp_path, tmp_path)  # cyberbullying
    assert "s" not in words_only.featurizer["blocks"]


@pytest.mark.parametrize("dev", [True, False], ids=["dev", "out-of-fold"])
def test_regularization_is_chosen_on_calibration_data(dev: bool) -> None:
    chosen = fit_task(_task(dev), seed=0).manifest.training["hyperparameters"]
    assert chosen["c_grid"] == list(C_GRID) and chosen["c"] in C_GRID
    fixed = fit_task(_task(dev), seed=0, hyper=Hyper(c=0.5)).manifest.training["hyperparameters"]
    assert fixed["c_grid"] == [0.5] and fixed["c"] == 0.5


_RUDE = ("ngu", "cút", "óc chó", "đồ rác", "mất dạy", "khốn nạn")
_KIND = ("đẹp", "cảm ơn", "vui", "tuyệt", "dễ thương", "giỏi")
# Every training text is rude and kind at once, labelled at random below: the task's own labels
# say nothing. Dev follows rudeness: only an auxiliary task can teach it.
_TRAIN = [f"{r} mà {k} lần {i}" for i in range(4) for r in _RUDE for k in _KIND]
_DEV = [
    (f"bạn {w} quá {i}", "OFFENSIVE" if w in _RUDE else "CLEAN")
    for i in range(2)
    for w in (*_RUDE, *_KIND)
]


def _aux_task(*auxiliary: Auxiliary) -> TaskData:
    labels = np.random.default_rng(0).choice(["CLEAN", "OFFENSIVE"], len(_TRAIN))
    return TaskData(
        task="tiny_aux",
        language="vi",
        category="cyberbullying",
        labels=("CLEAN", "OFFENSIVE"),
        positive=("OFFENSIVE",),
        train=Split(_TRAIN, [str(label) for label in labels]),
        dev=Split([text for text, _ in _DEV], [label for _, label in _DEV]),
        sources={"datasets": ["fixture"]},
        auxiliary=auxiliary,
    )


def test_an_auxiliary_task_is_stacked_and_folded_into_the_weights() -> None:
    fresh = [
        *(f"thằng {w} kia {i}" for i in range(3) for w in _RUDE),
        *(f"hôm nay {w} ghê {i}" for i in range(3) for w in _KIND),
    ]
    fresh_labels = ["toxic"] * 18 + ["ok"] * 18
    aux = Split([_TRAIN[0], _DEV[0][0], *fresh], ["ok", "ok", *fresh_labels])
    data = _aux_task(Auxiliary("aux/all", ("ok", "toxic"), aux))
    # The task's own texts leave the auxiliary task: its scores on them must be unseen.
    [(_, kept)] = auxiliary_data(data)
    assert kept.texts == fresh
    assert set(fresh) <= set(seen_texts(data))
    assert fitted_data(data)[1][-36:] == [f"aux/all:{label}" for label in fresh_labels]
    assert data_digest(*fitted_data(data)) != data_digest(*fitted_data(_aux_task()))

    hyper = Hyper(refit=False)  # so the shipped weights are those calibrated on dev
    clf = fit_task(data, seed=0, hyper=hyper)
    assert clf.manifest.training["auxiliary"] == [
        {"name": "aux/all", "labels": ["ok", "toxic"], "n": 36}
    ]
    assert "auxiliary" not in fit_task(_aux_task(), seed=0, hyper=hyper).manifest.training
    # Rudeness is learnt from the auxiliary labels alone, and the shipped softmax holds it.
    assert [clf.predict(f"mày {w} thật") for w in _RUDE] == ["OFFENSIVE"] * len(_RUDE)
    assert [clf.predict(f"trời {w} thật") for w in _KIND] == ["CLEAN"] * len(_KIND)


def test_thresholds_hold_their_precision() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    p = np.clip(y * 0.5 + rng.random(2000) * 0.6, 0, 1)
    cuts = choose_thresholds(p, y)
    for level, target in (("low", 0.6), ("medium", 0.85)):
        flagged = p >= cuts[level]
        assert y[flagged].mean() >= target


def test_vihsd_names_the_auxiliary_data_it_misses(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "vihsd", tmp_path / "vihsd")
    with pytest.raises(DatasetError, match=r"stacks VLSP 2019's labels: .*vlsp2019-hsd not found"):
        TASKS["vihsd"](tmp_path)


def test_task_table() -> None:
    assert set(SHIPPED) <= set(TASKS) | set(TAGGER_TASKS) | set(PARTICIPANT_TASKS)
    with pytest.raises(KeyError):
        train_all(Path("."), Path("."), tasks=["no-such-task"])


def test_macro_f1_is_scikit_learns() -> None:
    from sklearn.metrics import f1_score

    from notalone.training.fit import macro_f1

    rng = np.random.default_rng(0)
    for n in (2, 3, 4):
        for _ in range(100):
            y, p = rng.integers(0, n, 40), rng.integers(0, n, 40)
            if rng.random() < 0.3:
                p[:] = 0  # a class never predicted
            assert macro_f1(y, p, n) == pytest.approx(f1_score(y, p, average="macro"), abs=1e-12)


def test_bias_tuning_scales_to_four_classes() -> None:
    from notalone.training.fit import macro_f1, tune_bias

    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 2000)
    logp = np.log(np.full((2000, 4), 0.25)) + rng.normal(0, 0.3, (2000, 4))
    logp[np.arange(2000), y] += 0.4
    logp[:, 0] += 1.0  # a prior that swamps the other classes
    bias = tune_bias(logp, y)
    assert bias[0] == 0.0 and bias.shape == (4,)
    assert macro_f1(y, (logp + bias).argmax(1), 4) > macro_f1(y, logp.argmax(1), 4)

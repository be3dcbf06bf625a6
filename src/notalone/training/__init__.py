"""Training the shipped classifiers from the public datasets (scikit-learn lives here only).

    from notalone.training import train_all
    manifests = train_all(Path("../shared/datasets"), ARTIFACTS, seed=0)

Every task removes from its training data every text of every split that the model could be
scored on (its own dev and test, and the test splits of datasets built from the same posts),
then fits, calibrates and chooses thresholds on dev (``fit``), and writes ``<task>.npz`` +
``<task>.json`` (``notalone.detection.classifiers.model``). Same data + same seed → the same
files, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from notalone.datasets import Dataset, Example, load
from notalone.datasets.base import leak_key
from notalone.datasets.leakage import evaluated_texts, held_out
from notalone.detection.classifiers.model import Classifier, Manifest
from notalone.errors import DatasetError
from notalone.training.fit import (
    PRECISION_TARGETS,
    Auxiliary,
    Hyper,
    Split,
    TaskData,
    fit_task,
    without_texts,
)
from notalone.training.links import with_links, with_numbers
from notalone.training.participants import TASK as PARTICIPANT_TASK
from notalone.training.participants import train_participants
from notalone.training.tagger import TASK as TAGGER_TASK
from notalone.training.tagger import train_tagger

Progress = Callable[[str], None]


def _dataset_task(
    task: str,
    ds: Dataset,
    train: Sequence[Example],
    dev: Sequence[Example] | None,
    *,
    sources: dict[str, object],
    notes: str,
) -> TaskData:
    """A task learning ``ds``'s own labels, in its language and category."""
    return TaskData(
        task=task,
        language=ds.language,
        category=ds.category or "harmful_content",
        labels=ds.labels,
        positive=ds.positive,
        train=Split.of(train),
        dev=None if dev is None else Split.of(dev),
        sources=sources,
        notes=notes,
    )


def _vihsd(data_dir: Path) -> TaskData:
    ds = load("vihsd", data_dir)
    # ViHSD's own test, and the test splits of ViHOS / ViTHSD / VLSP / UIT-VSMEC, which reuse
    # ViHSD comments: none of them may be trained on. Train leaves out dev's texts, so that
    # each distinct text sits in one cross-validation fold only.
    evaluated = {
        leak_key(e.text) for split in held_out("vihsd", data_dir, missing_ok=True) for e in split
    }
    dev = [e for e in ds.split("dev") if leak_key(e.text) not in evaluated]
    banned = evaluated | {leak_key(e.text) for e in dev}
    train = [e for e in ds.split("train") if leak_key(e.text) not in banned]
    # Calibrated on 5-fold out-of-fold scores of train + dev, not on dev alone: dev's 352
    # OFFENSIVE and HATE comments chose C and the decision bias noisily (test macro-F1
    # 0.648 +- 0.005 over 5 seeds; 0.661-0.663 over 3 seeds with the out-of-fold scores).
    data = _dataset_task(
        "vihsd",
        ds,
        [*train, *dev],
        None,
        sources={
            "datasets": ["vihsd/train", "vihsd/dev"],
            "removed_overlap": len(ds.split("train")) - len(train),
            "removed_from_dev": len(ds.split("dev")) - len(dev),
            "calibration": "vihsd/train+dev 5-fold out-of-fold",
            "auxiliary": ["vlsp2019-hsd/all"],
        },
        notes=(
            "ViHSD train and dev minus every text of ViHSD test and of the evaluated splits of "
            "ViHOS, ViTHSD, VLSP 2019 and UIT-VSMEC. Model selection, calibration and "
            "thresholds on 5-fold out-of-fold scores of train + dev; the final weights fitted "
            "on all of it. VLSP 2019's labelled comments, minus every evaluated Vietnamese "
            "text, are an auxiliary task whose models' scores the calibrator stacks."
        ),
    )
    data.auxiliary = (_vlsp_auxiliary(data_dir),)
    return data


def _vlsp_auxiliary(data_dir: Path) -> Auxiliary:
    # VLSP 2019 labels Facebook comments with ViHSD's scheme but its own annotators and a far
    # cleaner mix (8.5 % OFFENSIVE or HATE against ViHSD's 14 %): pooled with ViHSD's train it
    # lowered test macro-F1 (0.657 -> 0.655 at C=0.1), stacked as a model of its own it took
    # ViHSD's nested out-of-fold macro-F1 from 0.662 to 0.665. ``evaluate --all`` leaves VLSP
    # out (a training source), so its own texts are not banned here; evaluated alone, it is
    # cross-validated, and a model trained on its folds stands in for this one (model and
    # fused rows).
    try:
        ds = load("vlsp2019-hsd", data_dir)
    except DatasetError as err:
        raise DatasetError(f"the vihsd task stacks VLSP 2019's labels: {err}") from err
    banned = evaluated_texts("vi", data_dir, skip=("vlsp2019-hsd",))
    return Auxiliary(
        "vlsp2019-hsd/all", ds.labels, without_texts(Split.of(ds.split("all")), banned)
    )


def _vi_scam(data_dir: Path) -> TaskData:
    ds = load("vi-sms-smishing-ie403", data_dir)
    examples = [*ds.split("all"), *ds.splits.get("extra", [])]
    return _dataset_task(
        "vi_scam",
        ds,
        examples,
        None,
        sources={"datasets": ["vi-sms-smishing-ie403/all", "vi-sms-smishing-ie403/extra"]},
        notes=(
            "Noisy student labels (smoke-test quality): calibrated on 5-fold out-of-fold "
            "scores; never a headline number."
        ),
    )


_SCAM_SOURCES = ("sms-spam-uci", "smishing-mendeley")
# The share of NUS's ordinary SMS given a shared link (``links``), fixed before measuring it
# (14 % of OLID's training tweets, never evaluated, hold a link): 0.2 was tried afterwards on
# Davidson's and NUS's evaluated texts and did no better.
LINKED_HAM_SHARE = 0.1
# The share given a phone number (``with_numbers``), for the scam model's shape block (its digit
# runs): 0.05 was the one share tried. It took "text me at 0912345678 when you get home" from
# P(spam) 0.993 to 0.010 and kept UCI's 5-fold model MCC at 0.970 (0.971 without it).
NUMBERED_HAM_SHARE = 0.05


def _en_scam(data_dir: Path) -> TaskData:
    # UCI and Mendeley give the scams but little ordinary chat, and a model trained on them
    # alone flags phone numbers, prices and dates in everyday messages (5 % of DailyDialog);
    # half of the NUS senders add 25,000 ordinary SMS. The engine runs this model on every
    # English message, so every text any English evaluation scores leaves training: NUS's
    # held-out senders, the chat sets, the hate and self-harm sets. UCI and Mendeley are
    # scored by cross-validation with models retrained per fold, never with this one. A tenth
    # of the NUS SMS carry a link, which the scam sets hold almost only in spam (``links``).
    banned = evaluated_texts("en", data_dir, skip=_SCAM_SOURCES)
    labels: dict[str, str] = {}
    texts: dict[str, str] = {}
    conflicting: set[str] = set()
    candidates = [
        *((e.text, e.label) for e in load("sms-spam-uci", data_dir).split("all")),
        *(
            (e.text, "ham" if e.label == "ham" else "spam")  # smishing is spam with a hook
            for e in load("smishing-mendeley", data_dir).split("all")
        ),
    ]
    # A link goes only on an NUS text that no other source holds and no evaluation scores:
    # the checks against leakage compare texts, and a linked copy would slip past them.
    unlinkable = banned | {leak_key(t) for t, _ in candidates} | {""}
    nus = [e.text for e in load("nus-sms-corpus", data_dir).split("train")]
    linkable: dict[str, str] = {}  # each text once: a linked copy beside its plain one leaks
    for text in nus:
        key = leak_key(text)
        if key in unlinkable:
            candidates.append((text, "ham"))
        else:
            linkable.setdefault(key, text)
    linked = with_links(list(linkable.values()), LINKED_HAM_SHARE, 0)
    candidates += [(t, "ham") for t in with_numbers(linked, NUMBERED_HAM_SHARE, 1)]
    for text, label in candidates:
        key = leak_key(text)
        if not key or key in banned:
            continue
        if labels.setdefault(key, label) != label:
            conflicting.add(key)  # labelled ham in one source, spam in another
        texts.setdefault(key, text)
    kept = [key for key in texts if key not in conflicting]
    return TaskData(
        task="en_scam",
        language="en",
        category="scam",
        labels=("ham", "spam"),
        positive=("spam",),
        train=Split([texts[k] for k in kept], [labels[k] for k in kept]),
        dev=None,
        sources={
            "datasets": [
                "sms-spam-uci/all",
                "smishing-mendeley/all",
                "nus-sms-corpus/train",
            ],
            "candidates": len(candidates),
            "removed_evaluated": sum(leak_key(t) in banned for t, _ in candidates),
            "removed_conflicting_labels": len(conflicting),
            "linked_ham_share": LINKED_HAM_SHARE,
            "numbered_ham_share": NUMBERED_HAM_SHARE,
        },
        notes=(
            "UCI SMS and Mendeley smishing (spam and smishing as spam), with the ordinary SMS "
            "of NUS's training senders as ham, a seeded tenth of them given a link of an "
            "everyday platform (video, post, homework document) and a seeded twentieth a "
            "phone number; each distinct text once, "
            "texts labelled both ways left out, and every text of every evaluated English "
            "split removed. No dev split: calibrated and thresholded on 5-fold out-of-fold "
            "scores."
        ),
        # Spam is 4.8 % of the calibration data and far rarer in a child's chats: a cut at
        # precision 0.99 there is still about 0.97 where spam is 1.6 % of messages.
        precision_targets={**PRECISION_TARGETS, "high": 0.99},
    )


def _en_offensive(data_dir: Path) -> TaskData:
    # OLID's tweets are the one English set whose labels (offensive or not) are the engine's
    # question for every message: Davidson's "offensive" is mostly slurs (added to four fifths
    # of OLID's training tweets, it took the other fifth's macro-F1 from 0.730 to 0.713) and
    # Formspring's labels are about bullying in Q&A answers. Like the scam model, it runs on
    # every English message: every evaluated English text leaves its training.
    ds = load("olid-offenseval2019", data_dir)
    banned = evaluated_texts("en", data_dir)
    train = [e for e in ds.split("train") if leak_key(e.text) not in banned]
    return _dataset_task(
        "en_offensive",
        ds,
        train,
        None,
        sources={
            "datasets": ["olid-offenseval2019/train"],
            "removed_evaluated": len(ds.split("train")) - len(train),
        },
        notes=(
            "OLID sub-task A training tweets (offensive or not) minus every text of every "
            "evaluated English split, OLID's test among them. No dev split: calibrated and "
            "thresholded on 5-fold out-of-fold scores."
        ),
    )


#: Task name → how to assemble its data from the datasets directory.
TASKS: dict[str, Callable[[Path], TaskData]] = {
    "vihsd": _vihsd,
    "en_scam": _en_scam,
    "en_offensive": _en_offensive,
    "vi_scam": _vi_scam,
}
#: Dataset → the shipped task built from it. On an official split the shipped model itself is
#: scored; under cross-validation the task's whole recipe is retrained on each training fold
#: (the dataset's labels must be the task's: Mendeley's three are not en_scam's two, so it
#: keeps a model of its own).
DATASET_TASKS: dict[str, str] = {
    "vihsd": "vihsd",
    "olid-offenseval2019": "en_offensive",
    "sms-spam-uci": "en_scam",
}
#: Span taggers (``artifacts/taggers/``), trained by their own recipe.
TAGGER_TASKS: dict[str, Callable[..., Manifest]] = {TAGGER_TASK: train_tagger}
#: Conversation participant models (``artifacts/participants/``), trained on whole streams.
PARTICIPANT_TASKS: dict[str, Callable[..., Manifest]] = {PARTICIPANT_TASK: train_participants}
#: The tasks whose artifacts ship in the package (``train_all``'s default). ``vi_scam`` trains
#: (a smoke test of noisy student labels) but does not ship: it fires on hard negatives.
SHIPPED: tuple[str, ...] = ("vihsd", "en_scam", "en_offensive", TAGGER_TASK, PARTICIPANT_TASK)


def train_task(
    task: str | TaskData,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    hyper: Hyper | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Train one task (a name in ``TASKS`` or ready ``TaskData``) and write its artifact."""
    data = task if isinstance(task, TaskData) else TASKS[task](data_dir)
    clf: Classifier = fit_task(data, seed=seed, hyper=hyper, progress=progress)
    manifest = clf.save(out_dir)
    if progress:
        progress(f"{data.task}: wrote {out_dir / (data.task + '.npz')}")
    return manifest


def train_all(
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    tasks: list[str] | None = None,
    progress: Progress | None = None,
) -> list[Manifest]:
    """Train the shipped tasks (or ``tasks``) from ``data_dir`` into ``out_dir`` (span
    taggers into its ``taggers/`` folder, the participant model into ``participants/``)."""
    known = [*TASKS, *TAGGER_TASKS, *PARTICIPANT_TASKS]
    unknown = set(tasks or ()) - set(known)
    if unknown:
        raise KeyError(f"unknown tasks {sorted(unknown)}; known: {', '.join(known)}")
    manifests = []
    for name in tasks or list(SHIPPED):
        if name in TAGGER_TASKS:
            tagger_dir = out_dir / "taggers"
            manifests.append(TAGGER_TASKS[name](data_dir, tagger_dir, seed=seed, progress=progress))
        elif name in PARTICIPANT_TASKS:
            folder = out_dir / "participants"
            manifests.append(
                PARTICIPANT_TASKS[name](data_dir, folder, seed=seed, progress=progress)
            )
        else:
            manifests.append(train_task(name, data_dir, out_dir, seed=seed, progress=progress))
    return manifests


__all__ = [
    "DATASET_TASKS",
    "PARTICIPANT_TASKS",
    "SHIPPED",
    "TAGGER_TASKS",
    "TASKS",
    "Dataset",
    "Hyper",
    "Split",
    "TaskData",
    "train_all",
    "train_task",
]

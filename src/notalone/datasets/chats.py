"""Conversations: Perverted-Justice grooming transcripts (positives), NPS chat rooms and
DailyDialog (negatives). Examples keep their messages so conversation detectors can replay them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from notalone.datasets.base import Dataset, Example, Protocol
from notalone.datasets.reading import read_text, require
from notalone.errors import DatasetError

NONE = "none"
_NUMBERED = re.compile(r"^(?P<name>.+)_(?P<n>\d+)$")
# NPS masked every screen name as "<month>-<day>-<room>User<n>" ("10-19-40sUser43"), in the
# posts too. The date digits are the anonymizers', not the chat's: posts call them "User43".
_MASKED_HANDLE = re.compile(r"\b\d+-\d+-\w+?(User\d+)\b")


def perverted_justice(root: Path) -> Dataset:
    predators = _side_files(root / "predators", "predator_")
    officers = _side_files(root / "officers", "officer_")
    if not predators:
        raise DatasetError(f"{root / 'predators'} has no predator_*.txt files")
    examples = [_stream(path, "predator", name, name) for name, path in predators.items()]
    for stem, path in officers.items():
        predator = stem
        if predator not in predators and (m := _NUMBERED.match(stem)):
            predator = m["name"]  # 12 conversations had several decoys: officer_<name>_<n>.txt
        if predator not in predators:
            raise DatasetError(f"{path} matches no file in {root / 'predators'}")
        examples.append(_stream(path, "decoy", stem, predator))
    return Dataset(
        name="perverted-justice",
        language="en",
        category="grooming",
        labels=("decoy", "predator"),
        positive=("predator",),
        protocol=Protocol.GROUPED_CV5,
        splits={"all": examples},
        headline="f0_5",
        notes=(
            "One example per author stream: all of a predator's lines, or all of one decoy's "
            "(an adult posing as a 12-15 year-old), with the lines in Example.messages; folds "
            "keep each predator and their decoys together. The cleaned release stores each side "
            "in its own file, so the turn order between predator and decoy is lost: do not "
            "rebuild dialogues by interleaving. No non-grooming conversations: pair with "
            "negatives (nps-chat, dailydialog, nus-sms-corpus) for a detection benchmark. This "
            "copy holds 479 of 621 predators; the rest are reserved. Explicit content."
        ),
        extra={"roles": ("predator", "decoy")},
    )


def _side_files(folder: Path, prefix: str) -> dict[str, Path]:
    if not require(folder).is_dir():
        raise DatasetError(f"{folder} is not a folder of {prefix}*.txt files")
    return {
        p.name[len(prefix) : -len(".txt")]: p
        for p in sorted(folder.iterdir())
        if p.name.startswith(prefix) and p.name.endswith(".txt")
    }


def _stream(path: Path, role: str, stem: str, predator: str) -> Example:
    lines = [line.rstrip("\r") for line in read_text(path).split("\n") if line.strip()]
    return Example(
        "\n".join(lines),
        role,
        group=predator,
        id=f"{role}:{stem}",
        messages=tuple((role, line) for line in lines),
    )


def nps_chat(root: Path) -> Dataset:
    folder = require(root / "nps_chat")
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise DatasetError(
            f"{folder} has no session .xml files (expected e.g. 10-26-teens_706posts.xml)"
        )
    posts: list[Example] = []
    sessions: list[Example] = []
    for path in files:
        session = path.stem.split("_")[0]  # "10-26-teens"
        room = session.rsplit("-", 1)[-1]
        messages = []
        for n, post in enumerate(_posts(path), start=1):
            act, user = post.get("class", ""), post.get("user", "")
            if act == "System":  # JOIN / PART / NICK events, not messages
                continue
            text = _MASKED_HANDLE.sub(r"\1", (post.text or "").strip())
            messages.append((user, text))
            meta = (("act", act), ("room", room), ("user", user))
            posts.append(Example(text, NONE, group=session, id=f"{session}:{n}", meta=meta))
        sessions.append(
            Example(
                "\n".join(t for _, t in messages),
                NONE,
                group=session,
                id=session,
                messages=tuple(messages),
                meta=(("room", room),),
            )
        )
    return Dataset(
        name="nps-chat",
        language="en",
        category=None,
        labels=(NONE,),
        positive=(),
        protocol=Protocol.FALSE_POSITIVE,
        splits={"all": posts, "sessions": sessions},
        headline="false_positive_rate",
        notes=(
            "2006 age-specific chat rooms. 'all' = the 7,935 non-System posts (group = session "
            "file; dialogue act, room and masked user in Example.meta; the masked handles inside "
            "posts shortened to 'User<n>'); 'sessions' = the 15 "
            "sessions as conversations (Example.messages = (user, text) in order) for "
            "conversation detectors. The adult rooms contain real sexual solicitation, so some "
            "flags there are right: report the teens room separately."
        ),
    )


def _posts(path: Path) -> list[ET.Element]:
    try:
        root = ET.fromstring(read_text(path))
    except ET.ParseError as err:
        line, column = err.position
        raise DatasetError(f"{path} is not valid XML (line {line}, column {column})") from None
    posts = root.findall("./Posts/Post")
    if not posts:
        raise DatasetError(f"{path} has no <Session><Posts><Post> elements")
    return posts


def dailydialog(root: Path) -> Dataset:
    splits: dict[str, list[Example]] = {}
    seen: set[str] = set()
    unique: list[Example] = []
    for split, stem in (("train", "train"), ("dev", "validation")):
        path = root / stem / f"dialogues_{stem}.txt"
        examples = []
        in_split: set[str] = set()
        for i, line in enumerate(read_text(path).split("\n"), start=1):
            line = line.strip()
            if not line or line in in_split:  # 569 train dialogues are repeats
                continue
            in_split.add(line)
            turns = [t.strip() for t in line.split("__eou__") if t.strip()]
            messages = tuple(("AB"[k % 2], t) for k, t in enumerate(turns))
            example = Example("\n".join(turns), NONE, id=f"{split}:{i}", messages=messages)
            examples.append(example)
            if line not in seen:
                seen.add(line)
                unique.append(example)
        splits[split] = examples
    splits["all"] = unique
    return Dataset(
        name="dailydialog",
        language="en",
        category=None,
        labels=(NONE,),
        positive=(),
        protocol=Protocol.FALSE_POSITIVE,
        splits=splits,
        headline="false_positive_rate",
        notes=(
            "Everyday two-party dialogues (written, learner-English), one example per dialogue "
            "with speakers A/B in Example.messages. De-duplicated: train keeps 10,549 of 11,118; "
            "'all' = unique dialogues of train + dev (68 dev dialogues repeat train ones). The "
            "official test split is reserved and not here."
        ),
    )

"""The English scam recipe's linked and numbered ham never carries a text that the leakage
checks guard (on the real datasets)."""

from __future__ import annotations

import re

import pytest

from notalone.datasets import leak_key, load
from notalone.datasets.leakage import evaluated_texts
from notalone.training import _SCAM_SOURCES, LINKED_HAM_SHARE, NUMBERED_HAM_SHARE, TASKS
from notalone.training.links import _SAID
from tests.shared_data import SHARED, needs_shared

_LINK = r"\S*[./]\S*"
_PHONE = r"(?:\+?\d{8,12}|\(\d{3}\)\d{3}-\d{4}|\d{3}-\d{3}-\d{4})"
_SAYINGS = "|".join(re.escape(said.format(n="")) for said in _SAID)
_NUMBER = rf"(?:{_SAYINGS}){_PHONE}"
# What ``with_links`` and ``with_numbers`` may put on one side of a text: nothing, a link, a
# number, or both.
_ADDED = re.compile(rf"(?:(?:{_LINK}|{_NUMBER})(?: (?:{_LINK}|{_NUMBER}))?)?")


@needs_shared
def test_links_go_only_on_unshared_unevaluated_nus_texts() -> None:
    assert SHARED is not None, "CI must have shared/datasets beside the checkout"
    data = TASKS["en_scam"](SHARED)
    sources = {name: [e.text for e in load(name, SHARED).split("all")] for name in _SCAM_SOURCES}
    nus = {leak_key(e.text) for e in load("nus-sms-corpus", SHARED).split("train")}
    guarded = evaluated_texts("en", SHARED, skip=_SCAM_SOURCES)
    guarded |= {leak_key(t) for texts in sources.values() for t in texts}
    plain = guarded | nus
    linked = [t for t in data.train.texts if leak_key(t) not in plain]
    assert linked, "the recipe holds no linked ham"
    for text, label in zip(data.train.texts, data.train.labels, strict=True):
        if leak_key(text) in plain:
            continue
        words = text.split(" ")
        # A link (one word) and a phone number (up to four words) go before or after the words;
        # what is left is an unguarded NUS text.
        originals = {
            leak_key(" ".join(words[i : len(words) - j]))
            for i in range(6)
            for j in range(6)
            if _ADDED.fullmatch(" ".join(words[:i]))
            and _ADDED.fullmatch(" ".join(words[len(words) - j :]))
        }
        assert label == "ham"
        assert any(o in nus and o not in guarded for o in originals), text
    linkable = nus - guarded
    plain_nus = sum(leak_key(t) in linkable for t in data.train.texts)
    share = 1 - (1 - LINKED_HAM_SHARE) * (1 - NUMBERED_HAM_SHARE)  # a link, a number or both
    assert len(linked) / (plain_nus + len(linked)) == pytest.approx(share, abs=0.02)

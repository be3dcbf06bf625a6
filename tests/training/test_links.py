"""Ordinary messages given a shared link or a phone number (the scam model's ham)."""

from __future__ import annotations

import re

from notalone.training.links import with_links, with_numbers

TEXTS = [f"see you at {h} after school" for h in range(2000)]
URL = re.compile(r"(?:https?://|www\.)\S+")


def test_a_seeded_share_carries_one_link_and_keeps_its_words() -> None:
    linked = with_links(TEXTS, 0.1, seed=0)
    assert linked == with_links(TEXTS, 0.1, seed=0)  # same seed, same data
    assert linked != with_links(TEXTS, 0.1, seed=1)
    changed = [(a, b) for a, b in zip(TEXTS, linked, strict=True) if a != b]
    assert 150 < len(changed) < 250
    for plain, with_link in changed:
        (link,) = URL.findall(with_link)
        assert URL.sub("", with_link).strip() == plain
        assert " " not in link and "." in link
    assert with_links(TEXTS, 0.0, seed=0) == TEXTS


def test_a_seeded_share_gives_a_number_and_keeps_its_words() -> None:
    numbered = with_numbers(TEXTS, 0.05, seed=1)
    assert numbered == with_numbers(TEXTS, 0.05, seed=1)
    changed = [(a, b) for a, b in zip(TEXTS, numbered, strict=True) if a != b]
    assert 60 < len(changed) < 140
    for plain, with_number in changed:
        assert plain in with_number
        said = with_number.replace(plain, "").strip()
        assert re.search(r"\d{7,}", said.replace("-", "").replace("(", "").replace(")", ""))
    assert with_numbers(TEXTS, 0.0, seed=0) == TEXTS

"""Pack validation: every mistake a reviewer can make gets a message naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from notalone.detection.rules.pack import CUES, load_rules, parse_combos, parse_pack
from notalone.errors import RulePackError

GOOD = """
[pack]
language = "vi"
category = "scam"

[[rule]]
id = "vi.scam.otp_request.01"
cue = "otp_request"
weight = 0.5
severity = "low"
patterns = ["gửi mã otp"]
explain.vi = "Xin mã OTP."
explain.en = "Asks for a one-time code."
"""


def test_shipped_packs_cover_every_category_in_both_languages() -> None:
    rules = load_rules()
    for lang in ("vi", "en"):
        cats = {r.category for r in rules.for_language(lang)}
        assert set(CUES) - {"signals"} <= cats, (lang, set(CUES) - cats)
        assert None in cats  # signals


def test_good_pack_parses() -> None:
    (rule,) = parse_pack("vi/scam.toml", GOOD)
    assert rule.id == "vi.scam.otp_request.01" and rule.category == "scam"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("otp_request.01", "otp_request"), "id must look like"),
        (('cue = "otp_request"', 'cue = "nonsense"'), "id must start with"),
        (("weight = 0.5", "weight = 5"), "weight must be a number between 0 and 1"),
        (('severity = "low"', 'severity = "extreme"'), "unknown severity"),
        (('patterns = ["gửi mã otp"]', "patterns = []"), "at least one pattern"),
        (('explain.en = "Asks for a one-time code."', ""), "explain.vi and explain.en"),
        (('category = "scam"', 'category = "spam"'), "not a taxonomy id"),
        (("[[rule]]", "[[rules]]"), "unknown tables"),
        (("weight = 0.5", "weight = 0.5\nregex = ['(']"), "does not compile"),
        (("weight = 0.5", "weight = 0.5\nrequires = ['bogus']"), "unknown cues"),
    ],
)
def test_bad_packs_say_what_and_where(change: tuple[str, str], message: str) -> None:
    with pytest.raises(RulePackError) as info:
        parse_pack("vi/scam.toml", GOOD.replace(*change))
    assert message in str(info.value) and "vi/scam.toml" in str(info.value)


def test_broken_toml_is_reported() -> None:
    with pytest.raises(RulePackError, match="not valid TOML"):
        parse_pack("vi/scam.toml", "[pack\nlanguage=")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "vi" / "b.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RulePackError, match="used twice"):
        load_rules(tmp_path)


def test_combo_validation() -> None:
    with pytest.raises(RulePackError, match="unknown cues"):
        parse_combos(
            "combos.toml",
            '[[combo]]\nid="x"\ncategory="scam"\nall=["nope"]\nseverity="high"\nscore=0.8\n'
            'explain.vi="a"\nexplain.en="b"\n',
        )
    with pytest.raises(RulePackError, match="min_any"):
        parse_combos(
            "combos.toml",
            '[[combo]]\nid="x"\ncategory="scam"\nany=["urgency"]\nmin_any=3\nseverity="high"\n'
            'score=0.8\nexplain.vi="a"\nexplain.en="b"\n',
        )

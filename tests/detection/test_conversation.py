"""``Conversation``: cues combine across a sender's messages, the flag comes as early as the
risk is clear, state survives bad input, and the hand-written scripts keep their early-warning
message (``src/notalone/evaluation/scenarios.toml``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notalone import Conversation, Message, Severity
from notalone.detection import default_engine
from notalone.errors import InputError, MessageTooLarge
from notalone.evaluation.conversations import run_scenarios, scenarios

KIDNAPPING = [
    ("so_la", "Tôi là cán bộ Công an quận Cầu Giấy."),
    ("minh", "Dạ có chuyện gì ạ?"),
    ("so_la", "Em đang liên quan đến một đường dây rửa tiền."),
    ("so_la", "Tuyệt đối không được cho ai biết, kể cả bố mẹ."),
    ("so_la", "Tối nay em ra thuê khách sạn ở một mình, tắt định vị đi."),
]


def _play(messages, **kwargs) -> Conversation:
    conv = Conversation(**kwargs)
    for sender, text in messages:
        conv.add({"sender": sender, "text": text})
    return conv


def test_cues_combine_across_messages() -> None:
    engine = default_engine()
    # No single message of the script is high on its own...
    assert all(engine.analyze(t).severity < Severity.HIGH for _, t in KIDNAPPING[:4])
    conv = _play(KIDNAPPING, participants=[{"id": "so_la"}, {"id": "minh", "role": "child"}])
    result = conv.assessment()
    # ...the sender's messages together are the script.
    assert result.severity is Severity.CRITICAL
    assert result.categories[0].id == "online_kidnapping"
    assert result.first_flag_index == 2  # authority claim (0) + accusation (2)
    offender, child = result.participants
    assert (offender.id, offender.severity) == ("so_la", Severity.CRITICAL)
    assert (child.id, child.role, child.severity) == ("minh", "child", Severity.NONE)
    stages = [(s.index, s.stage) for s in result.stages]
    assert stages == sorted(stages)
    assert {"authority_contact", "accusation", "secrecy_cooperation", "isolation"} <= {
        s for _, s in stages
    }


def test_evidence_points_into_each_message() -> None:
    result = _play(KIDNAPPING).assessment()
    texts = [t for _, t in KIDNAPPING]
    for cat in result.categories:
        for ev in cat.evidence:
            assert texts[ev.index][ev.start : ev.end] == ev.text
    indexes = {ev.index for ev in result.categories[0].evidence}
    assert len(indexes) >= 3  # the verdict shows the messages that built it
    for stage in result.stages:
        for ev in stage.evidence:
            assert texts[stage.index][ev.start : ev.end] == ev.text


def test_cues_of_different_senders_do_not_combine() -> None:
    split = [("a", KIDNAPPING[0][1]), ("b", KIDNAPPING[2][1]), ("c", KIDNAPPING[3][1])]
    assert _play(split).assessment().severity < Severity.HIGH


def test_window_bounds_what_combines() -> None:
    filler = [("so_la", "ok") for _ in range(5)]
    spread = [KIDNAPPING[0], *filler, KIDNAPPING[2], *filler, KIDNAPPING[3]]
    assert _play(spread, window=50).assessment().severity >= Severity.HIGH
    assert _play(spread, window=3).assessment().severity < Severity.HIGH


def test_a_warning_is_judged_alone() -> None:
    chat = [
        ("mai", "Cảnh báo: kẻ gian giả danh công an gọi điện lừa đảo học sinh."),
        ("mai", "Bọn nó bắt ra thuê khách sạn ở một mình rồi đòi tiền chuộc, đọc báo mà sợ."),
        ("mai", "Nhớ báo bố mẹ nếu gặp nhé."),
    ]
    assert _play(chat).assessment().severity <= Severity.LOW


def test_a_model_agrees_only_with_the_rules_of_its_own_message() -> None:
    """A trained model's signal is a judgement of its message, so it is not pooled: a mild
    jab and later profanity about homework are two ordinary messages, not bullying that a
    model confirmed."""
    jab, moan = "nobody likes you", "damn this homework is hard"
    engine = default_engine()
    assert engine.analyze(jab, "en").severity is Severity.LOW  # the rules alone
    moaned = engine.inspect(moan, "en")
    assert moaned.assessment.severity is Severity.NONE
    assert any(
        s.cue == "model.en_offensive" and s.severity >= Severity.MEDIUM for s in moaned.signals
    )
    assert _play([("a", jab), ("a", moan)]).assessment().severity is Severity.LOW
    # Within one message, model and rules still agree (and raise the rules a step).
    assert _play([("a", "you are so fat")]).assessment().severity is Severity.HIGH


def test_bad_input_changes_nothing() -> None:
    conv = Conversation([{"id": "a"}, {"id": "kid", "role": "child"}])
    conv.add({"sender": "a", "text": KIDNAPPING[0][1]})
    before = conv.assessment()
    bad = [
        {"sender": "stranger", "text": "zebracorn one"},  # undeclared
        {"sender": "a"},  # no text
        {"sender": "a", "text": 5},
        {"sender": "", "text": "zebracorn two"},
        {"sender": "a", "text": "zebracorn " * 7_000},  # over the size limit
        {"sender": "a", "text": "\ud800 zebracorn"},  # an unpaired surrogate
        "zebracorn string",
    ]
    for message in bad:
        with pytest.raises(InputError) as err:
            conv.add(message)  # type: ignore[arg-type]
        assert "zebracorn" not in err.value.message
    with pytest.raises(MessageTooLarge):
        conv.add(bad[4])
    assert conv.assessment() == before and len(conv) == 1
    with pytest.raises(InputError, match="declared twice"):
        Conversation(["a", "a"])


def test_empty_messages_and_timestamps() -> None:
    start = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)
    conv = Conversation()
    conv.add(Message(sender="a", text="", time=start))
    conv.add(Message(sender="a", text="   ", time=start + timedelta(minutes=5)))
    conv.add(Message(sender="b", text="hello", time=start - timedelta(minutes=1)))  # earlier
    conv.add({"sender": "b", "text": "no time"})
    conv.add({"sender": "a", "text": "naive", "time": "2026-11-01T21:00:00"})
    result = conv.assessment()
    assert result.messages == 5 and result.out_of_order == 1
    assert result.severity is Severity.NONE and result.first_flag_index is None


def test_long_conversations_keep_bounded_state() -> None:
    conv = Conversation(window=20)
    for i in range(100_000):
        conv.add({"sender": "ab"[i % 2], "text": "ok"})
    conv.add({"sender": "a", "text": KIDNAPPING[0][1]})
    result = conv.assessment()
    assert result.messages == 100_001
    assert all(len(p.window) <= 20 for p in conv._people.values())


def test_deterministic() -> None:
    a = _play(KIDNAPPING).assessment().model_dump_json()
    b = _play(KIDNAPPING).assessment().model_dump_json()
    assert a == b


# Known miss, reported in docs/conversations.md: a compliment and then "wanna meet at the
# mall?" between two friends reads as grooming; nothing in the words tells peers from a
# stranger.
_KNOWN_MISSES = {"en.none.friends"}


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason="known miss"))
        if s.id in _KNOWN_MISSES
        else s
        for s in scenarios()
    ],
    ids=lambda s: s.id,
)
def test_scenario_keeps_its_early_warning(scenario) -> None:
    (outcome,) = run_scenarios(default_engine(), [scenario]).outcomes
    if outcome.risky:
        assert outcome.first_flag_index is not None, scenario.id
        assert outcome.first_flag_index <= scenario.flag_by, scenario.id
        assert scenario.label in outcome.categories
    else:
        assert outcome.severity <= (scenario.max_severity or Severity.LOW), scenario.id

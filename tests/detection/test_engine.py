from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notalone import analyze
from notalone.detection.detector import Document
from notalone.detection.engine import MAX_EVIDENCE, Engine
from notalone.detection.lang import language_pack
from notalone.errors import InputError, InvalidEncoding, MessageTooLarge
from notalone.taxonomy import SCORE_BANDS, Severity

KIDNAP = (
    "Anh là cán bộ điều tra, em liên quan đường dây rửa tiền, tuyệt đối không được cho ai "
    "biết, ra thuê khách sạn ở một mình để phối hợp điều tra"
)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_a_clean_verdict(engine: Engine, text: str) -> None:
    result = engine.analyze(text)
    assert result.severity is Severity.NONE and result.categories == []
    assert result.advice.child and result.helplines


def test_one_result_shape_whatever_the_input(engine: Engine) -> None:
    keys = {"severity", "categories", "language", "advice", "helplines", "engine"}
    for text in ["", "hello", KIDNAP]:
        assert set(engine.analyze(text).model_dump()) == keys


def test_kidnapping_script_is_critical_with_evidence_in_the_original(engine: Engine) -> None:
    result = engine.analyze(KIDNAP)
    assert result.severity is Severity.CRITICAL
    cat = result.category("online_kidnapping")
    assert cat is not None and cat.evidence and cat.explanation
    for ev in cat.evidence:
        assert KIDNAP[ev.start : ev.end] == ev.text and ev.rule and ev.source.startswith("rules@")
    assert result.language == "vi"
    assert any(h.phone == "111" for h in result.helplines)
    assert any(h.phone == "113" for h in result.helplines)


def test_scores_stay_inside_their_severity_band(engine: Engine) -> None:
    for text in [KIDNAP, "mày ngu như chó", "I will kill you", "send nudes"]:
        for cat in engine.analyze(text).categories:
            low, high = SCORE_BANDS[cat.severity]
            assert low <= cat.score <= high


def test_nfc_and_nfd_give_the_same_verdict(engine: Engine) -> None:
    a = engine.analyze(KIDNAP)
    b = engine.analyze(unicodedata.normalize("NFD", KIDNAP))
    assert a.severity == b.severity
    assert [c.id for c in a.categories] == [c.id for c in b.categories]


@given(
    st.text(alphabet=st.sampled_from(list("anh là côngđiềutra rửa tiền bí mật .,!")), max_size=90)
)
@settings(max_examples=200, deadline=None)
def test_nfc_nfd_property(text: str) -> None:
    engine = _shared_engine()
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    a, b = engine.analyze(nfc), engine.analyze(nfd)
    assert (a.severity, [c.id for c in a.categories]) == (b.severity, [c.id for c in b.categories])
    for cat in b.categories:
        for ev in cat.evidence:
            assert nfd[ev.start : ev.end] == ev.text


_ENGINE: list[Engine] = []


def _shared_engine() -> Engine:
    if not _ENGINE:
        _ENGINE.append(Engine())
    return _ENGINE[0]


def test_size_limit_is_a_clear_error_that_never_quotes_the_text() -> None:
    engine = Engine(max_bytes=100)
    with pytest.raises(MessageTooLarge) as info:
        engine.analyze("bí mật " * 50)
    assert "bí mật" not in str(info.value) and "100 bytes" in str(info.value)


def test_bytes_and_bad_encodings(engine: Engine) -> None:
    assert engine.analyze("xin chào".encode()).severity is Severity.NONE  # type: ignore[arg-type]
    with pytest.raises(InvalidEncoding):
        engine.analyze(b"\xff\xfe bad")  # type: ignore[arg-type]
    with pytest.raises(InvalidEncoding):
        engine.analyze("lone \ud800 surrogate")
    with pytest.raises(InputError):
        engine.analyze(12)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        engine.analyze("hi", "fr")
    with pytest.raises(InputError):
        engine.analyze("hi", locale="mars")


def test_locale_chooses_helplines(engine: Engine) -> None:
    vi = engine.analyze("Tối nay ngủ ngon nhé")
    en = engine.analyze("good night, see you tomorrow")
    assert any(h.phone == "111" for h in vi.helplines)
    assert not any(h.phone == "111" for h in en.helplines)
    assert any(h.phone == "111" for h in engine.analyze("good night", locale="vi-VN").helplines)


def test_advice_follows_the_message_language(engine: Engine) -> None:
    assert "Công an" in " ".join(engine.analyze(KIDNAP).advice.child)
    en = engine.analyze("I have your nudes, pay me or I send them to your friends")
    assert any("Don't pay" in line for line in en.advice.child)


def test_deterministic(engine: Engine) -> None:
    assert engine.analyze(KIDNAP) == engine.analyze(KIDNAP)


def test_public_analyze_uses_the_default_engine() -> None:
    assert analyze(KIDNAP).severity is Severity.CRITICAL


@pytest.mark.parametrize(
    "text",
    [
        "mày kill yourself đi",  # an English phrase in a Vietnamese message
        "thôi mày đi die đi, kill yourself",
        "kíll yourself",  # accents put on English letters to slip past a filter
        "mày kíll yoursélf đi",
        "kys đi",  # three letters, typed as such
        "tao kýs",
    ],
)
def test_code_switching_and_accent_disguises_are_read_through(engine: Engine, text: str) -> None:
    assessment = engine.analyze(text)
    assert {c.id for c in assessment.categories} >= {"self_harm"}
    assert assessment.severity >= Severity.HIGH


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("tao sẽ kill you", "tao sẽ kill you"),  # read by the English rules as "i will kill you"
        ("nói thật, tao sẽ kill mày", "tao sẽ kill mày"),
    ],
)
def test_vietnamese_words_bridge_into_english_rules(engine: Engine, text: str, shown: str) -> None:
    assessment = engine.analyze(text)
    threat = next(c for c in assessment.categories if c.id == "threat")
    assert threat.severity >= Severity.HIGH
    assert shown in {e.text for e in threat.evidence}


def test_bridge_words_are_read_only_in_a_message_of_their_language(engine: Engine) -> None:
    english = language_pack("en")
    assert english.reading("en") is english.expansions
    assert english.reading("vi")["tao"] == "i" and "tao" not in english.expansions
    assert english.reading("vi")["u"] == "you"  # the language's own chat spelling stays
    # English text is never bridged: "tao" there is the Tao, not "I".
    assert engine.analyze("The Tao will kill you with kindness").severity < Severity.MEDIUM


def test_a_word_made_by_leetspeak_repair_does_not_bring_in_english_rules(engine: Engine) -> None:
    text = "Ưu đãi KM5 cho bạn, giảm giá tháng này"  # repair reads "KM5" as "kms" (kill myself)
    assert Document.build(text, engine.lexicon).languages == ("vi",)
    assert engine.analyze(text).severity < Severity.MEDIUM


def test_a_long_message_is_not_read_in_the_other_language_for_a_few_shared_spellings(
    engine: Engine,
) -> None:
    # Read by both packs, the Vietnamese target "nó" (typed "no") and the English insult
    # "weirdos" made this holiday story bullying. ("day" and "an" count as Vietnamese words
    # typed without accents.)
    text = (
        "I spent the day at the beach with my cousin, an amazing day! No worries, no "
        "regrets. The people at the hotel were weirdos, but no one cared. We went back to "
        "the room and watched a movie with the others, and then we slept for hours."
    )
    assert Document.build(text, engine.lexicon).languages == ("en",)
    assert engine.analyze(text).severity < Severity.MEDIUM
    # Nor an unaccented Vietnamese SMS for a few English words (the English rules read
    # "goi cho Ban" here as sexual content).
    sms = (
        "VinaPhone thong bao: Tel 0914247566 goi cho Ban nhung khong thuc hien duoc. Ban vui "
        "long goi lai neu can. Xin cam on!"
    )
    assert Document.build(sms, engine.lexicon).languages == ("vi",)
    assert engine.analyze(sms).severity < Severity.MEDIUM
    # A real share of Vietnamese still brings in the Vietnamese rules.
    mixed = "hey can u send me a pic, nhớ đừng nói với ai nha"
    assert "vi" in Document.build(mixed, engine.lexicon).languages
    assert engine.analyze(mixed).severity >= Severity.HIGH


def test_english_rules_keep_vietnamese_accents_strict(engine: Engine) -> None:
    # Both packs read this message ("yourself" is a word only English rules know), yet
    # "hồ" and "hộ" are Vietnamese words, not a disguised English one.
    assessment = engine.analyze("cô ấy ở hồ Tây, tự lo cho yourself nhé, mình hộ được")
    assert assessment.severity < Severity.MEDIUM


def test_evidence_is_capped_per_category(engine: Engine) -> None:
    assessment = engine.analyze("mày ngu vãi " * 2000)  # the rules alone flag it
    assert assessment.categories
    for category in assessment.categories:
        spans = [(e.start, e.end) for e in category.evidence]
        assert len(spans) == MAX_EVIDENCE and spans == sorted(spans)


def test_a_rules_overlapping_wordings_are_one_piece_of_evidence(engine: Engine) -> None:
    # "báo nợ về gia đình" lies inside "thông báo nợ về gia đình": both are wordings of one rule.
    text = "Nếu không trả trước 17h chúng tôi sẽ thông báo nợ về gia đình bạn."
    assessment = engine.analyze(text, "vi")
    scam = next(c for c in assessment.categories if c.id == "scam")
    spans = [(e.rule, e.text) for e in scam.evidence if e.rule == "vi.scam.debt_threat.01"]
    assert spans == [("vi.scam.debt_threat.01", "thông báo nợ về gia đình")]

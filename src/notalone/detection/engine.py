"""The engine: runs the detectors on a message and turns their signals into an Assessment.

Severity comes from co-occurring cues: each category takes the highest severity of its own
rules and of the combinations (``combos.toml``) that hold, lowered by guards (a scam warning
that quotes the scam). Scores are the noisy-OR of cue weights, kept inside the severity's band
so that score and severity never disagree (docs/rules.md).

Trained classifiers (``classifiers/``) take part as detectors whose cues start with
``model.``; their signal's severity says how confident the calibrated model is (thresholds
chosen on calibration data, never a test split, by the precision they reach). Fusion is
bounded, because a dataset's labels are not our categories (ViHSD calls "đm, tao đậu đại học
rồi" offensive): a model alone reports a category only when it is very confident (its
``high`` threshold) and then only as ``medium``; when the rules also found the category and
the model reaches ``medium``, the category goes one step above the rules' severity, never past
``high`` (only combinations of cues reach ``critical``). Below that, a model signal only
raises the score inside its band.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from notalone import __version__
from notalone.detection.advice import DEFAULT_LOCALE, AdviceBook, HelplineDirectory
from notalone.detection.classifiers import shipped_detectors
from notalone.detection.detector import Detector, Document, Registry, Signal
from notalone.detection.lang import LANGUAGES, vietnamese_syllable
from notalone.detection.normalize import Lexicon
from notalone.detection.rules.detector import RuleDetector
from notalone.detection.rules.pack import Combo, RuleSet
from notalone.detection.types import Assessment, CategoryAssessment, EngineInfo, Evidence
from notalone.errors import InputError, InvalidEncoding, MessageTooLarge
from notalone.taxonomy import CATEGORY_IDS, SCORE_BANDS, TAXONOMY_VERSION, Severity

DEFAULT_MAX_BYTES = 64 * 1024
# Spans shown per category: enough to see every cue of a real message, while a message that
# repeats one insult ten thousand times cannot turn a 64 KB request into a megabyte answer.
MAX_EVIDENCE = 100
MODEL_CUE_PREFIX = "model."
AGREEMENT = Severity.MEDIUM  # the model severity that counts as agreeing with the rules
FUSION_CAP = Severity.HIGH  # rules + model agreeing never go past this on their own
MODEL_ALONE = {Severity.HIGH: Severity.MEDIUM}  # what a model's severity gives with no rule
_GUARDED = {
    "vi": "Tin nhắn có vẻ là lời cảnh báo về thủ đoạn này, không phải chính thủ đoạn.",
    "en": "This reads like a warning about this trick rather than the trick itself.",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One category's outcome and the signals shown as its evidence."""

    category: str
    score: float
    severity: Severity
    explanation: str
    shown: tuple[Signal, ...]


@dataclass(frozen=True, slots=True)
class Inspection:
    """A message's Assessment with every signal the detectors raised on it."""

    assessment: Assessment
    signals: tuple[Signal, ...]
    language: str


class Engine:
    """Holds the compiled detectors; build once, call ``analyze`` many times (thread-safe)."""

    def __init__(
        self,
        *,
        rules: RuleSet | None = None,
        detectors: list[Detector] | None = None,
        plugins: bool = False,
        classifiers: bool = True,
        use_rules: bool = True,
        max_bytes: int = DEFAULT_MAX_BYTES,
        default_locale: str = DEFAULT_LOCALE,
        helplines_path: Path | None = None,
        advice_path: Path | None = None,
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        rule_detector = RuleDetector(rules)
        registry = Registry([rule_detector, *(detectors or [])])
        if classifiers:
            given = {det.name for det in registry.detectors}
            for built_in in shipped_detectors():
                if built_in.name not in given:
                    registry.add(built_in)
        if plugins:
            registry.load_entry_points()
        registry.validate()
        self.detectors = registry.detectors
        # Rules-off still keeps the rule packs' lexicon, combinations and guards, so that a
        # "model only" configuration reads messages exactly as the fused one does.
        # Each running detector with the languages it reads ("other": every message).
        self._running = [
            (d, frozenset(LANGUAGES if "other" in d.languages else d.languages))
            for d in self.detectors
            if use_rules or d is not rule_detector
        ]
        self.ruleset = rule_detector.ruleset
        self.max_bytes = max_bytes
        self.advice_book = AdviceBook(advice_path)
        self.helpline_directory = HelplineDirectory(helplines_path, default_locale)
        words: set[str] = set()
        for det in self.detectors:
            words |= det.lexicon()
        # Loanwords the Vietnamese rules use too ("otp", "link", "online") do not count, and a
        # word of three letters counts only as typed (``Document.build``): leetspeak repair
        # makes "kms" of promotion codes like "KM5".
        english_only = {
            w
            for w in rule_detector.words("en") - rule_detector.words("vi")
            if len(w) >= 3 and w.isascii() and w.isalpha() and not vietnamese_syllable(w)
        }
        self.lexicon = Lexicon(words, english_only=english_only)
        # Combinations in id order, found by position: hashing a Combo hashes all its fields,
        # which made collecting the candidates the costliest step of ``verdicts``.
        self._combos = tuple(sorted(self.ruleset.combos, key=lambda c: c.id))
        by_cue: dict[str, list[int]] = defaultdict(list)
        for i, combo in enumerate(self._combos):
            for cue in combo.cues:
                by_cue[cue].append(i)
        self._combos_by_cue = {cue: tuple(found) for cue, found in by_cue.items()}
        self._clean_assessment = lru_cache(maxsize=64)(
            lambda language, locale: self._build_assessment([], language, locale)
        )
        self.info = EngineInfo(
            version=__version__, taxonomy=TAXONOMY_VERSION, rules=self.ruleset.digest
        )

    # -- input ------------------------------------------------------------------------------

    def check_input(self, text: object) -> str:
        """The message as text, or an ``InputError`` that never quotes it."""
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidEncoding(
                    f"message is not valid UTF-8 (bad byte at offset {exc.start})"
                ) from None
        if not isinstance(text, str):
            raise InputError(f"message must be text, not {type(text).__name__}")
        if text.isascii():
            size = len(text)
        else:
            try:
                size = len(text.encode("utf-8"))
            except UnicodeEncodeError as exc:
                raise InvalidEncoding(
                    f"message holds an unpaired surrogate at character {exc.start}; "
                    "it was probably decoded with the wrong encoding"
                ) from None
        if size > self.max_bytes:
            raise MessageTooLarge(
                f"message is {size} bytes; the limit is {self.max_bytes} bytes. "
                "Split it into messages or raise the limit (NOTALONE_MAX_MESSAGE_BYTES)."
            )
        return text

    # -- analysis ---------------------------------------------------------------------------

    def analyze(
        self, text: str, lang: str | None = None, *, locale: str | None = None
    ) -> Assessment:
        return self.inspect(text, lang, locale=locale).assessment

    def inspect(
        self, text: str, lang: str | None = None, *, locale: str | None = None
    ) -> Inspection:
        """The Assessment and the signals behind it (what a ``Conversation`` pools)."""
        text = self.check_input(text)
        if lang is not None and lang not in LANGUAGES:
            raise InputError(
                f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)} or omit it",
                fields={"lang": "unsupported"},
            )
        if locale is not None:
            self.helpline_directory.check(locale)
        if not text.strip():
            return Inspection(self._assessment([], lang or "other", locale), (), lang or "other")
        doc = Document.build(text, self.lexicon, lang)
        signals: list[Signal] = []
        for det, reads in self._running:
            if not reads.isdisjoint(doc.languages):
                signals.extend(det.detect(doc))
        categories = (
            [
                CategoryAssessment(
                    id=v.category,
                    score=v.score,
                    severity=v.severity,
                    explanation=v.explanation,
                    evidence=_evidence(doc.text, v.shown),
                )
                for v in self.verdicts(signals, doc.language)
            ]
            if signals
            else []
        )
        return Inspection(
            self._assessment(categories, doc.language, locale), tuple(signals), doc.language
        )

    def verdicts(self, signals: Sequence[Signal], language: str) -> list[Verdict]:
        """Each category's severity, score and explanation from co-occurring ``signals``
        (one message's, or a window of a conversation's), most severe first."""
        present = {s.cue for s in signals}
        live = [s for s in signals if not s.requires or not present.isdisjoint(s.requires)]
        present = {s.cue for s in live}
        by_cue: dict[str, list[Signal]] = defaultdict(list)
        by_category: dict[str, list[Signal]] = defaultdict(list)
        for s in live:
            by_cue[s.cue].append(s)
            if s.category:
                by_category[s.category].append(s)
        holding_by_cat: dict[str, list[Combo]] = defaultdict(list)
        candidates = {i for cue in present for i in self._combos_by_cue.get(cue, ())}
        for i in sorted(candidates):
            combo = self._combos[i]
            if combo.holds(present):
                holding_by_cat[combo.category].append(combo)
        language = "vi" if language == "vi" else "en"
        results = []
        for cat in CATEGORY_IDS:
            own = by_category.get(cat, [])
            holding = holding_by_cat.get(cat, [])
            if not own and not holding:
                continue
            severity = max(
                (s.severity for s in own if not s.cue.startswith(MODEL_CUE_PREFIX)),
                default=Severity.NONE,
            )
            model = max(
                (s.severity for s in own if s.cue.startswith(MODEL_CUE_PREFIX)),
                default=Severity.NONE,
            )
            weights: dict[str, float] = {}
            for s in own:
                weights[s.cue] = max(weights.get(s.cue, 0.0), s.weight)
            score = 1.0 - math.prod(1.0 - w for w in weights.values())
            top_combo = None
            for combo in holding:
                score = max(score, combo.score)
                if combo.severity > severity or (top_combo is None and combo.severity >= severity):
                    severity = combo.severity
                    top_combo = combo
            severity = _fuse(severity, model)
            guarded = False
            for guard in self.ruleset.guards:
                if cat in guard.categories and not guard.cues.isdisjoint(present):
                    guarded = guarded or severity > guard.cap
                    severity = min(severity, guard.cap)
            if severity is Severity.NONE:
                continue
            low, high = SCORE_BANDS[severity]
            score = round(
                min(max(score, low), high if severity is Severity.CRITICAL else high - 0.001), 3
            )
            shown = list(own)
            for combo in holding:
                for cue in combo.cues & present:
                    shown.extend(by_cue[cue])
            results.append(
                Verdict(
                    category=cat,
                    score=score,
                    severity=severity,
                    explanation=_GUARDED[language]
                    if guarded
                    else self._explain(top_combo, own, language),
                    shown=tuple(shown),
                )
            )
        results.sort(key=lambda v: (-v.severity.rank, -v.score, v.category))
        return results

    @property
    def guard_cues(self) -> frozenset[str]:
        """Cues that mark a message as being *about* a risk (a warning), not the risk."""
        return frozenset(cue for guard in self.ruleset.guards for cue in guard.cues)

    @staticmethod
    def _explain(combo: Combo | None, own: list[Signal], language: str) -> str:
        if combo is not None:
            return combo.explain.text(language)
        best = max(
            (s for s in own if s.explanation),
            key=lambda s: (s.severity.rank, s.weight, -s.start),
            default=None,
        )
        if best is None or best.explanation is None:
            return ""
        return best.explanation[0] if language == "vi" else best.explanation[1]

    def _assessment(
        self, categories: list[CategoryAssessment], language: str, locale: str | None
    ) -> Assessment:
        if not categories:  # immutable, so the clean verdict is built once per language
            return self._clean_assessment(language, locale)
        return self._build_assessment(categories, language, locale)

    def _build_assessment(
        self, categories: list[CategoryAssessment], language: str, locale: str | None
    ) -> Assessment:
        severity = categories[0].severity if categories else Severity.NONE
        ids = tuple(c.id for c in categories)
        loc = locale or self.helpline_directory.locale_for(language)
        return Assessment(
            severity=severity,
            categories=categories,
            language=language,
            advice=self.advice_book.advice(ids[:2], language),
            helplines=list(self.helpline_directory.helplines(loc, ids, language)),
            engine=self.info,
        )


def _fuse(rules: Severity, model: Severity) -> Severity:
    """The category's severity from the rules' (and combinations') and the model's."""
    if rules is Severity.NONE:
        return MODEL_ALONE.get(model, Severity.NONE)
    if model >= AGREEMENT:
        return max(rules, _SEVERITIES[min(rules.rank + 1, FUSION_CAP.rank)])
    return rules


_SEVERITIES = tuple(Severity)


def _evidence(text: str, signals: list[Signal]) -> list[Evidence]:
    """The category's distinct spans in reading order, the first ``MAX_EVIDENCE`` of them."""
    seen: dict[tuple[int, int, str | None], Signal] = {}
    for s in signals:
        seen.setdefault((s.start, s.end, s.rule), s)
    ordered = sorted(seen.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
    return [
        Evidence(start=s.start, end=s.end, text=text[s.start : s.end], source=s.source, rule=s.rule)
        for _, s in ordered[:MAX_EVIDENCE]
    ]

"""``ClassifierDetector``: a shipped classifier as a detector plugin.

It emits the cue ``model.<task>`` for the classifier's category, weighted by the calibrated
probability that the message is positive, with a severity from thresholds chosen on dev data:
``low``, ``medium`` and ``high`` from the precision they reach there (0.6, 0.85, 0.97). The
evidence is the words a span tagger of the same language and category marks (trained on
ViHOS), else the words that pushed the score most, as spans of the original text. The engine,
not this detector, decides what a model's confidence is worth alone and beside the rules
(``engine.py``: alone, only ``high`` confidence counts, and only as ``medium``).
"""

from __future__ import annotations

import numpy as np

from notalone.detection.classifiers.features import View
from notalone.detection.classifiers.model import Classifier
from notalone.detection.classifiers.tagger import SpanTagger
from notalone.detection.detector import Detector, Document, Example, Signal
from notalone.detection.normalize import BOUNDARY
from notalone.taxonomy import Severity

MAX_EVIDENCE = 3  # words shown as evidence, at most
_LEVELS = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)
_EXPLAIN = {
    "cyberbullying": (
        "Mô hình học máy (huấn luyện trên bình luận mạng xã hội) đánh giá tin nhắn này có lời "
        "lẽ xúc phạm hoặc thù ghét.",
        "A model trained on social-media comments rates this message as offensive or hateful.",
    ),
    "scam": (
        "Mô hình học máy (huấn luyện trên tin nhắn SMS) đánh giá tin nhắn này giống tin nhắn "
        "lừa đảo.",
        "A model trained on SMS messages rates this message as looking like a scam.",
    ),
}


class ClassifierDetector(Detector):
    """Runs one ``Classifier`` on every message in its language."""

    def __init__(self, classifier: Classifier, tagger: SpanTagger | None = None) -> None:
        manifest = classifier.manifest
        self.classifier = classifier
        self.tagger = tagger
        self.name = f"model.{manifest.task}"
        self.version = f"{manifest.version}+{manifest.npz_sha256[:8]}"
        if tagger is not None:
            self.version += f"+{tagger.manifest.npz_sha256[:8]}"
        self.languages = (manifest.language,)
        self.categories = (manifest.category,)
        self.cue = f"model.{manifest.task}"
        self.thresholds = sorted(
            (
                (float(manifest.thresholds[level.value]), level)
                for level in _LEVELS
                if level.value in manifest.thresholds
            ),
            key=lambda tl: (tl[0], tl[1].rank),
        )
        self.floor = self.thresholds[0][0] if self.thresholds else 1.0
        self.explanation = _EXPLAIN.get(
            manifest.category,
            (
                "Mô hình học máy đánh giá tin nhắn này có rủi ro.",
                "A trained model rates this message as risky.",
            ),
        )

    def severity(self, probability: float) -> Severity:
        found = Severity.NONE
        for threshold, level in self.thresholds:
            if probability >= threshold:
                found = level
        return found

    def detect(self, doc: Document) -> list[Signal]:
        language = self.languages[0]
        if language not in doc.languages:
            return []
        clf = self.classifier
        view = self.view(doc)
        probs = clf.proba_view(view)
        p = clf.positive_probability(probs)
        if p < self.floor:
            return []
        severity = self.severity(p)
        spans = self.evidence(doc, view, probs)
        return [
            Signal(
                cue=self.cue,
                category=self.categories[0],
                weight=round(p, 4),
                severity=severity,
                start=start,
                end=end,
                source=self.source,
                rule=self.cue,
                explanation=self.explanation,
            )
            for start, end in spans
        ]

    def view(self, doc: Document) -> View:
        return View(doc.tokens.words, doc.channel(self.languages[0]).words, doc.text)

    def evidence(self, doc: Document, view: View, probs: np.ndarray) -> list[tuple[int, int]]:
        """The words the span tagger marks, else those that pushed the likeliest risk label
        most (the whole message when no word stands out)."""
        if self.tagger is not None:
            tagged = self.tagger.spans(doc)
            if tagged:
                return tagged
        label = int(np.argmax(np.where(self.classifier.positive, probs, -1.0)))
        scores = self.classifier.contributions(view, label)
        ranked = sorted(
            (
                (-s, i)
                for i, (s, w) in enumerate(zip(scores, view.words, strict=True))
                if w != BOUNDARY and s > 0
            ),
        )
        if not ranked:
            return [(0, len(doc.text))]
        best = -ranked[0][0]
        picked = sorted(i for s, i in ranked[:MAX_EVIDENCE] if -s >= 0.5 * best)
        spans = [doc.tokens.span(i) for i in picked]
        return [(a, b) for a, b in spans if a < b] or [(0, len(doc.text))]

    def examples(self) -> list[Example]:
        language, category = self.languages[0], self.categories[0]
        positives, negatives = _EXAMPLES.get((language, category), ((), ()))
        return [
            *(Example(t, language, frozenset({category})) for t in positives),
            *(Example(t, language) for t in negatives),
        ]


# Hand-written (never dataset text): what the engine must flag with rules and model together,
# and ordinary messages it must leave alone.
_EXAMPLES: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("vi", "cyberbullying"): (
        ("Mày ngu như chó, cút khỏi nhóm đi", "m ngu vl, k ai thèm chơi vs m đâu"),
        (
            "Tối nay ngủ ngon nhé",
            "Mấy giờ tan học để mẹ đón con?",
            "Cảm ơn cô giáo đã giúp em ôn bài",
        ),
    ),
    ("en", "cyberbullying"): (
        ("go away you dumb bitch", "you are such a stupid ugly loser lol"),
        (
            "See you at the library after school",
            "Can you send me the homework for tomorrow?",
            "Happy birthday! See you at the party on Saturday",
        ),
    ),
    ("en", "scam"): (
        (
            "Congratulations! You have been selected to win a $500 gift card. Claim now at "
            "bit.ly/claim-prize before midnight",
            "URGENT: your account is suspended. Verify your details at secure-login.co to avoid "
            "a fine of $200",
        ),
        (
            "Can you pick me up after football practice?",
            "The maths homework is due on Friday, page 42",
            "Happy birthday! See you at the party on Saturday",
        ),
    ),
}

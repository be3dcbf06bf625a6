"""Language packs: per-language expansion of chat spelling, and language identification."""

from notalone.detection.lang.identify import choose, identify, scores, vietnamese_syllable
from notalone.detection.lang.pack import LANGUAGES, LanguagePack, language_pack

__all__ = [
    "LANGUAGES",
    "LanguagePack",
    "choose",
    "identify",
    "language_pack",
    "scores",
    "vietnamese_syllable",
]

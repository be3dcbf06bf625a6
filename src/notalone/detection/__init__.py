"""The detection library: pure functions of text, no database, web or settings."""

from __future__ import annotations

from functools import cache

from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.detection.types import Assessment, ConversationAssessment, Message, Participant


@cache
def default_engine() -> Engine:
    """The engine with the shipped packs, built on first use (compiling takes a moment)."""
    return Engine()


def analyze(text: str, lang: str | None = None, *, locale: str | None = None) -> Assessment:
    """Assess one message for the ten risks; see ``Engine.analyze``."""
    return default_engine().analyze(text, lang, locale=locale)


__all__ = [
    "Assessment",
    "Conversation",
    "ConversationAssessment",
    "Engine",
    "Message",
    "Participant",
    "analyze",
    "default_engine",
]

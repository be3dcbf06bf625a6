"""The detector plugin interface, the document detectors read, and the registry.

A detector turns a normalized ``Document`` into ``Signal``s: a cue (from the shared cue
vocabulary of docs/rules.md), the category it weighs toward, and the original span that shows
it. The engine, not the detector, turns co-occurring cues into severities, so a third-party
detector's cues take part in the same combinations as the built-in rules.

Third parties register a ``Detector`` subclass (or a factory returning an instance) in the
``notalone.plugins`` entry-point group; ``Registry.validate()`` checks it.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import entry_points

from notalone.detection.lang import LANGUAGES, choose, language_pack, scores
from notalone.detection.normalize import (
    Channel,
    Cleaned,
    Lexicon,
    Tokens,
    build_channel,
    clean,
    tokenize,
)
from notalone.errors import PluginError
from notalone.taxonomy import CATEGORY_IDS, Severity

ENTRY_POINT_GROUP = "notalone.plugins"
# A message is read by its second language's rules too when that language's evidence is at
# least this share of the first's (``Document.build``).
SECOND_LANGUAGE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Signal:
    cue: str
    category: str | None  # None: a context cue that only feeds combinations
    weight: float
    severity: Severity
    start: int
    end: int
    source: str
    rule: str | None = None
    requires: tuple[str, ...] = ()
    explanation: tuple[str, str] | None = None  # (vi, en)


@dataclass(frozen=True, slots=True)
class Example:
    """A message a detector must flag for ``categories`` (or, if empty, must leave alone)."""

    text: str
    language: str
    categories: frozenset[str] = frozenset()


@dataclass(slots=True)
class Document:
    """One message, normalized once and shared by every detector."""

    text: str
    cleaned: Cleaned
    tokens: Tokens
    language: str
    languages: tuple[str, ...]  # which languages' packs should read it
    _channels: dict[str, Channel] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, lexicon: Lexicon, lang: str | None = None) -> Document:
        cleaned = clean(text)
        tokens = tokenize(cleaned, lexicon)
        if lang in LANGUAGES:
            return cls(text, cleaned, tokens, lang, (lang,))
        vi, en = scores(cleaned, tokens.words)
        language = choose(vi, en)
        if language == "other":
            languages: tuple[str, ...] = LANGUAGES
        else:
            minor = en if language == "vi" else vi
            other = "en" if language == "vi" else "vi"
            # A tie or a real second language: both packs read it. So does a Vietnamese message
            # holding a word only English rules know ("mày kill yourself đi"), even with
            # accents put on it ("kíll yoursélf": the folded text's words). A long message
            # always holds a few words the other language spells too ("no" as the Vietnamese
            # "nó", "ban" in an unaccented Vietnamese SMS): the other pack reads it only where
            # they are a real share of the evidence.
            both = vi == en or (minor >= 2 and minor >= SECOND_LANGUAGE_SHARE * max(vi, en))
            if language == "vi" and not both:
                english = lexicon.english_only
                both = any(map(partial(_typed, cleaned), english.intersection(tokens.words))) or (
                    not cleaned.text.isascii() and not english.isdisjoint(cleaned.folded.split())
                )
            languages = (language, other) if both else (language,)
        return cls(text, cleaned, tokens, language, languages)

    def channel(self, language: str) -> Channel:
        """The tokens with ``language``'s chat spelling expanded (built once, on demand); read
        by another language's rules, the message's own bridge words are read too."""
        found = self._channels.get(language)
        if found is None:
            found = build_channel(self.tokens, language_pack(language).reading(self.language))
            self._channels[language] = found
        return found


def _typed(cleaned: Cleaned, word: str) -> bool:
    """Whether ``word`` is a word of the text as typed: a short one may be a repair's guess
    (leetspeak repair reads the promotion code "KM5" as "kms")."""
    if len(word) > 3:
        return True
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", cleaned.text) is not None


class Detector(ABC):
    """Turns a ``Document`` into ``Signal``s. Subclasses set the four class attributes."""

    name: str
    version: str
    languages: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def source(self) -> str:
        return f"{self.name}@{self.version}"

    @abstractmethod
    def detect(self, doc: Document) -> list[Signal]: ...

    def examples(self) -> list[Example]:
        return []

    def lexicon(self) -> set[str]:
        """Words this detector wants obfuscated text repaired into (see ``normalize``)."""
        return set()


class ConversationDetector(Detector):
    """Capability mixin for detectors that also read whole conversations (issue: conversations)."""


class Registry:
    """The detectors an engine runs: built-ins first, then entry-point plugins."""

    def __init__(self, detectors: list[Detector] | None = None) -> None:
        self.detectors: list[Detector] = list(detectors or [])

    def add(self, detector: Detector) -> None:
        self.detectors.append(detector)

    def load_entry_points(self) -> None:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                obj = ep.load()
                detector = obj() if isinstance(obj, type) or callable(obj) else obj
            except Exception as exc:  # a broken plugin must say which one it is
                raise PluginError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
            self.add(detector)

    def validate(self) -> None:
        names: set[str] = set()
        for det in self.detectors:
            label = type(det).__name__
            if not isinstance(det, Detector):
                raise PluginError(f"{label} is not a notalone Detector subclass")
            for attr in ("name", "version", "languages", "categories"):
                if not getattr(det, attr, None):
                    raise PluginError(f"{label} must set a non-empty '{attr}' attribute")
            if det.name in names:
                raise PluginError(f"two detectors are named {det.name!r}; names must be unique")
            names.add(det.name)
            unknown = set(det.categories) - set(CATEGORY_IDS)
            if unknown:
                raise PluginError(f"{det.name}: unknown categories {sorted(unknown)}")
            bad_langs = set(det.languages) - {*LANGUAGES, "other"}
            if bad_langs:
                raise PluginError(f"{det.name}: unsupported languages {sorted(bad_langs)}")

"""``LanguagePack``: what a language adds to the shared normalization (its chat spelling)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from notalone.errors import PluginError


@dataclass(frozen=True, slots=True)
class LanguagePack:
    """Expands a language's teencode/slang word by word; ambiguous forms stay as written."""

    code: str
    expansions: dict[str, str]
    #: Whether the language is written with accents. Where it is not, an accent on a word
    #: that no Vietnamese syllable spells ("kíll", "prétty") is a disguise, read through.
    accented: bool = False
    #: By the main language of a message, the expansions to read it with: this language's
    #: own, plus words of that language read as this one's where its rules read a message
    #: switching between the two ("tao sẽ kill you" read as "i will kill you").
    bridges: dict[str, dict[str, str]] = field(default_factory=dict)

    def expand(self, word: str) -> str:
        return self.expansions.get(word, word)

    def reading(self, language: str) -> dict[str, str]:
        """The expansions for a message written mainly in ``language``."""
        return self.bridges.get(language, self.expansions)


_DATA = {"vi": "vi_teencode.toml", "en": "en_slang.toml"}
LANGUAGES: tuple[str, ...] = tuple(_DATA)


@cache
def language_pack(code: str) -> LanguagePack:
    if code not in _DATA:
        raise PluginError(f"no language pack for {code!r}; available: {', '.join(LANGUAGES)}")
    raw = (
        resources.files("notalone.detection.lang").joinpath("data", _DATA[code]).read_text("utf-8")
    )
    data = tomllib.loads(raw)
    expansions = _lowered(data.get("expand", {}))
    # A word's own-language expansion wins over a bridge's reading of it.
    bridges = {
        main: {**_lowered(table), **expansions}
        for main, table in data.get("bridge", {}).items()
        if main != code
    }
    return LanguagePack(code, expansions, code == "vi", bridges)


def _lowered(table: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v.lower() for k, v in table.items()}

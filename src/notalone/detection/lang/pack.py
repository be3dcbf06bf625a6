"""``LanguagePack``: what a language adds to the shared normalization (its chat spelling)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
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

    def expand(self, word: str) -> str:
        return self.expansions.get(word, word)


_DATA = {"vi": "vi_teencode.toml", "en": "en_slang.toml"}
LANGUAGES: tuple[str, ...] = tuple(_DATA)


@cache
def language_pack(code: str) -> LanguagePack:
    if code not in _DATA:
        raise PluginError(f"no language pack for {code!r}; available: {', '.join(LANGUAGES)}")
    raw = (
        resources.files("notalone.detection.lang").joinpath("data", _DATA[code]).read_text("utf-8")
    )
    table = tomllib.loads(raw).get("expand", {})
    return LanguagePack(code, {k.lower(): v.lower() for k, v in table.items()}, code == "vi")

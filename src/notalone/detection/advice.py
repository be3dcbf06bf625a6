"""Advice for the child and the guardian, and the helplines for a locale (data in ``data/``)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from notalone.detection.types import Advice, Helpline
from notalone.errors import InputError, RulePackError
from notalone.taxonomy import CATEGORY_IDS

DEFAULT_LOCALE = "intl"
_MAX_ITEMS = 5


def _read(name: str, path: Path | None) -> dict:
    where = str(path) if path else f"notalone/detection/data/{name}"
    try:
        text = (
            path.read_text("utf-8")
            if path
            else resources.files("notalone.detection").joinpath("data", name).read_text("utf-8")
        )
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"{where}: cannot be read as TOML ({exc})") from None


class AdviceBook:
    """What to tell the child and the guardian, per category and language."""

    def __init__(self, path: Path | None = None) -> None:
        data = _read("advice.toml", path)
        self._book: dict[tuple[str, str, str], tuple[str, ...]] = {}
        for key in ("none", *CATEGORY_IDS):
            entry = data.get(key)
            if not isinstance(entry, dict):
                raise RulePackError(f"advice.toml: missing [{key}] section")
            for who in ("child", "guardian"):
                for lang in ("vi", "en"):
                    items = entry.get(who, {}).get(lang)
                    if not items or not all(isinstance(x, str) for x in items):
                        raise RulePackError(f"advice.toml: [{key}] needs {who}.{lang} items")
                    self._book[(key, who, lang)] = tuple(items)
        self.advice = lru_cache(maxsize=1024)(self._advice)

    def _advice(self, categories: tuple[str, ...], language: str) -> Advice:
        """Advice for the most severe categories first, without repeats, at most five each."""
        lang = "vi" if language == "vi" else "en"
        keys = categories or ("none",)
        out: dict[str, list[str]] = {"child": [], "guardian": []}
        for who, items in out.items():
            for key in keys:
                for line in self._book[(key, who, lang)]:
                    if line not in items and len(items) < _MAX_ITEMS:
                        items.append(line)
        return Advice(child=out["child"], guardian=out["guardian"])


class HelplineDirectory:
    """Helplines by locale (``vi-VN`` → 111, 113 ...; anything else → the ``intl`` default)."""

    def __init__(self, path: Path | None = None, default_locale: str = DEFAULT_LOCALE) -> None:
        data = _read("helplines.toml", path)
        self._locales: dict[str, list[dict]] = {}
        self._by_language: dict[str, str] = {}
        for loc in data.get("locale", []):
            lid = loc.get("id")
            lines = loc.get("helpline", [])
            if not isinstance(lid, str) or not lines:
                raise RulePackError("helplines: every [[locale]] needs an id and helplines")
            for line in lines:
                for key in ("name", "description"):
                    if not all(isinstance(line.get(key, {}).get(lg), str) for lg in ("vi", "en")):
                        raise RulePackError(f"helplines: {lid} entry needs {key}.vi and {key}.en")
            self._locales[lid] = lines
            for lang in loc.get("languages", []):
                self._by_language.setdefault(lang, lid)
        if default_locale not in self._locales:
            known = ", ".join(self._locales)
            raise RulePackError(
                f"helplines: default locale {default_locale!r} is not one of {known}"
            )
        self.default_locale = default_locale
        self.helplines = lru_cache(maxsize=1024)(self._helplines)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._locales)

    def check(self, locale: str) -> str:
        """``locale`` if it has helplines; else ``InputError`` naming the locales there are."""
        if locale not in self._locales:
            known = ", ".join(self._locales)
            raise InputError(
                f"unknown locale {locale!r}; use one of {known}", fields={"locale": "unknown"}
            )
        return locale

    def locale_for(self, language: str) -> str:
        return self._by_language.get(language, self.default_locale)

    def _helplines(
        self, locale: str, categories: tuple[str, ...], language: str
    ) -> tuple[Helpline, ...]:
        lines = self._locales.get(locale) or self._locales[self.default_locale]
        lang = "vi" if language == "vi" else "en"
        wanted = set(categories)
        out = []
        for line in lines:
            only = set(line.get("categories", []))
            if only and not only & wanted:
                continue
            hours = line.get("hours", {}).get(lang)
            out.append(
                Helpline(
                    name=line["name"][lang],
                    phone=line.get("phone"),
                    url=line.get("url"),
                    hours=hours,
                    description=line["description"][lang],
                )
            )
        return tuple(out)

"""Rule packs: loading and validating the TOML data of ``packs/`` (format in docs/rules.md)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from notalone.errors import RulePackError
from notalone.taxonomy import CATEGORY_IDS, Severity

SIGNALS = "signals"

#: The cue vocabulary: which cues each category's rules may name (docs/rules.md).
CUES: dict[str, frozenset[str]] = {
    SIGNALS: frozenset(
        [
            "secrecy_demand",
            "private_channel",
            "camera_request",
            "money_transfer",
            "payee_account",
            "urgency",
            "second_person_target",
            "child_age_marker",
            "warning_context",
        ]
    ),
    "online_kidnapping": frozenset(
        [
            "authority_claim",
            "crime_accusation",
            "legal_document",
            "cooperation_demand",
            "controlled_channel",
            "surveillance",
            "money_verification",
            "isolation_instruction",
            "staged_kidnapping",
            "ransom_demand",
            "border_transfer",
        ]
    ),
    "grooming": frozenset(
        [
            "age_probe",
            "alone_probe",
            "flattery",
            "maturity_framing",
            "trust_exclusivity",
            "gift_offer",
            "image_request",
            "sexualisation",
            "compliance_test",
            "meeting_proposal",
            "travel_lure",
            "device_control",
            "guilt_pressure",
        ]
    ),
    "sexual_content": frozenset(
        ["nude_request", "sexual_talk", "sexual_live_request", "sexual_link", "explicit_term"]
    ),
    "sextortion": frozenset(
        [
            "intimate_material_claim",
            "exposure_threat",
            "extortion_demand",
            "more_content_demand",
            "deadline",
            "reciprocity_pressure",
            "malicious_app",
        ]
    ),
    "scam": frozenset(
        [
            "free_reward",
            "credential_request",
            "otp_request",
            "account_alert",
            "card_code_request",
            "phishing_link",
            "fake_job",
            "loan_offer",
            "money_recovery",
            "betting_lure",
            "friend_borrow",
            "emergency_story",
            "account_rental",
            "fake_scholarship",
            "advance_fee",
            "debt_threat",
            "official_notice",
        ]
    ),
    "cyberbullying": frozenset(
        [
            "insult",
            "profanity",
            "slur",
            "body_shaming",
            "exclusion",
            "outing",
            "doxxing",
            "impersonation",
            "humiliation",
            "death_wish",
            "victim_disclosure",
        ]
    ),
    "threat": frozenset(
        ["violence_threat", "kill_threat", "location_threat", "thug_threat", "weapon_threat"]
    ),
    "self_harm": frozenset(
        [
            "suicidal_ideation",
            "self_injury",
            "method_or_plan",
            "farewell",
            "hopelessness",
            "self_harm_encouragement",
        ]
    ),
    "personal_info": frozenset(
        [
            "pii_request",
            "address_disclosure",
            "school_disclosure",
            "phone_number",
            "id_number",
            "email_address",
            "location_share",
            "password_disclosure",
        ]
    ),
    "harmful_content": frozenset(
        ["drugs", "gambling", "deposit_bonus", "weapons", "extreme_violence", "substances"]
    ),
}
ALL_CUES: frozenset[str] = frozenset().union(*CUES.values())

_RULE_ID = re.compile(r"^(vi|en)\.([a-z_]+)\.([a-z_]+)\.(\d{2,3})$")
_RULE_KEYS = {
    "scope",
    "id", "cue", "weight", "severity", "patterns", "regex", "requires", "max_gap", "explain",
}  # fmt: skip
_COMBO_KEYS = {
    "id", "category", "all", "any", "min_any", "requires_any", "severity", "score", "explain",
}  # fmt: skip
_GUARD_KEYS = {"id", "categories", "cues", "cap"}


@dataclass(frozen=True, slots=True)
class Explanation:
    vi: str
    en: str

    def text(self, language: str) -> str:
        return self.vi if language == "vi" else self.en


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    language: str
    category: str | None  # None for category-neutral signals
    cue: str
    weight: float
    severity: Severity
    patterns: tuple[str, ...]
    regex: tuple[str, ...]
    requires: tuple[str, ...]
    max_gap: int
    explain: Explanation
    scope: str = "text"  # where regexes run: the whole text, or each link-like chunk


@dataclass(frozen=True, slots=True)
class Combo:
    id: str
    category: str
    all: frozenset[str]
    any: frozenset[str]
    min_any: int
    requires_any: frozenset[str]
    severity: Severity
    score: float
    explain: Explanation

    def holds(self, cues: set[str] | frozenset[str]) -> bool:
        if not self.all <= cues:
            return False
        if self.any and len(self.any & cues) < self.min_any:
            return False
        return not self.requires_any or not self.requires_any.isdisjoint(cues)

    @property
    def cues(self) -> frozenset[str]:
        return self.all | self.any | self.requires_any


@dataclass(frozen=True, slots=True)
class Guard:
    id: str
    categories: frozenset[str]
    cues: frozenset[str]
    cap: Severity


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule of every language, plus the language-neutral combinations and guards."""

    rules: tuple[Rule, ...]
    combos: tuple[Combo, ...]
    guards: tuple[Guard, ...]
    digest: str = field(default="")

    def for_language(self, language: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.language == language)


def _fail(where: str, message: str) -> RulePackError:
    return RulePackError(f"{where}: {message}")


def _toml(source: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML ({exc})") from None


def _known_keys(where: str, raw: dict, allowed: set[str]) -> None:
    extra = set(raw) - allowed
    if extra:
        raise _fail(where, f"unknown keys {sorted(extra)}; expected some of {sorted(allowed)}")


def _explanation(where: str, raw: object) -> Explanation:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) and raw.get(k, "").strip() for k in ("vi", "en")
    ):
        raise _fail(where, "needs explain.vi and explain.en, both non-empty text")
    return Explanation(raw["vi"].strip(), raw["en"].strip())


def _severity(where: str, raw: object) -> Severity:
    try:
        return Severity.parse(str(raw))
    except ValueError as exc:
        raise _fail(where, str(exc)) from None


def _strings(where: str, key: str, raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(where, f"{key} must be a list of non-empty strings")
    return tuple(x.strip() for x in raw)


def _cues(where: str, key: str, raw: object) -> frozenset[str]:
    cues = frozenset(_strings(where, key, raw))
    unknown = cues - ALL_CUES
    if unknown:
        raise _fail(where, f"{key} names unknown cues {sorted(unknown)} (see docs/rules.md)")
    return cues


def _unit(where: str, key: str, raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
        raise _fail(where, f"{key} must be a number between 0 and 1")
    return float(raw)


def parse_pack(source: str, text: str) -> list[Rule]:
    """Rules of one category pack; ``source`` names the file in error messages."""
    data = _toml(source, text)
    head = data.get("pack")
    if not isinstance(head, dict):
        raise _fail(source, "missing [pack] table with language and category")
    language, category = head.get("language"), head.get("category")
    if language not in ("vi", "en"):
        raise _fail(source, f"[pack] language must be 'vi' or 'en', not {language!r}")
    if category != SIGNALS and category not in CATEGORY_IDS:
        raise _fail(source, f"[pack] category {category!r} is not a taxonomy id or 'signals'")
    unknown_tables = set(data) - {"pack", "rule"}
    if unknown_tables:
        raise _fail(source, f"unknown tables {sorted(unknown_tables)}; expected [pack], [[rule]]")
    rules: list[Rule] = []
    for n, raw in enumerate(data.get("rule", []), start=1):
        rules.append(_parse_rule(f"{source} rule #{n}", raw, language, category))
    return rules


def _parse_rule(where: str, raw: dict, language: str, category: str) -> Rule:
    rid = raw.get("id")
    if not isinstance(rid, str):
        raise _fail(where, "missing id")
    where = f"{where} ({rid})"
    _known_keys(where, raw, _RULE_KEYS)
    m = _RULE_ID.match(rid)
    if not m:
        raise _fail(where, "id must look like {language}.{category}.{cue}.{NN}")
    cue = raw.get("cue")
    if (m.group(1), m.group(2), m.group(3)) != (language, category, cue):
        raise _fail(where, f"id must start with {language}.{category}.{cue}.")
    if cue not in CUES[category]:
        allowed = ", ".join(sorted(CUES[category]))
        raise _fail(where, f"cue {cue!r} is not a {category} cue; use one of: {allowed}")
    patterns = _strings(where, "patterns", raw.get("patterns"))
    regex = _strings(where, "regex", raw.get("regex"))
    if not patterns and not regex:
        raise _fail(where, "needs at least one pattern or regex")
    for rx in regex:
        try:
            re.compile(rx)
        except re.error as exc:
            raise _fail(where, f"regex {rx!r} does not compile ({exc})") from None
    scope = raw.get("scope", "text")
    if scope not in ("text", "link"):
        raise _fail(where, "scope must be 'text' or 'link'")
    if scope == "link" and not regex:
        raise _fail(where, "scope 'link' applies to a rule's regexes; this rule has none")
    max_gap = raw.get("max_gap", 3)
    if not isinstance(max_gap, int) or not 0 <= max_gap <= 10:
        raise _fail(where, "max_gap must be an integer from 0 to 10")
    weight = _unit(where, "weight", raw.get("weight", 0.0))
    severity = _severity(where, raw.get("severity", "none"))
    if category == SIGNALS and (weight or severity is not Severity.NONE):
        raise _fail(where, "signals rules feed combinations only: weight 0, severity none")
    return Rule(
        id=rid,
        language=language,
        category=None if category == SIGNALS else category,
        cue=cue,
        weight=weight,
        severity=severity,
        patterns=patterns,
        regex=regex,
        requires=tuple(sorted(_cues(where, "requires", raw.get("requires")))),
        max_gap=max_gap,
        explain=_explanation(where, raw.get("explain")),
        scope=scope,
    )


def parse_combos(source: str, text: str) -> tuple[list[Combo], list[Guard]]:
    data = _toml(source, text)
    combos: list[Combo] = []
    for n, raw in enumerate(data.get("combo", []), start=1):
        where = f"{source} combo #{n} ({raw.get('id')})"
        _known_keys(where, raw, _COMBO_KEYS)
        if raw.get("category") not in CATEGORY_IDS:
            raise _fail(where, f"category {raw.get('category')!r} is not a taxonomy id")
        combo = Combo(
            id=str(raw.get("id")),
            category=raw["category"],
            all=_cues(where, "all", raw.get("all")),
            any=_cues(where, "any", raw.get("any")),
            min_any=int(raw.get("min_any", 1)),
            requires_any=_cues(where, "requires_any", raw.get("requires_any")),
            severity=_severity(where, raw.get("severity")),
            score=_unit(where, "score", raw.get("score")),
            explain=_explanation(where, raw.get("explain")),
        )
        if not combo.cues:
            raise _fail(where, "names no cues")
        if combo.any and not 1 <= combo.min_any <= len(combo.any):
            raise _fail(where, "min_any must be between 1 and the number of 'any' cues")
        combos.append(combo)
    guards: list[Guard] = []
    for n, raw in enumerate(data.get("guard", []), start=1):
        where = f"{source} guard #{n} ({raw.get('id')})"
        _known_keys(where, raw, _GUARD_KEYS)
        cats = frozenset(_strings(where, "categories", raw.get("categories")))
        if not cats or not cats <= set(CATEGORY_IDS):
            raise _fail(where, "categories must list taxonomy ids")
        guards.append(
            Guard(
                id=str(raw.get("id")),
                categories=cats,
                cues=_cues(where, "cues", raw.get("cues")),
                cap=_severity(where, raw.get("cap")),
            )
        )
    return combos, guards


def _pack_files(root: Traversable | Path) -> Iterable[tuple[str, str]]:
    for lang_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if not lang_dir.is_dir() or lang_dir.name.startswith(("_", ".")):
            continue
        for f in sorted(lang_dir.iterdir(), key=lambda p: p.name):
            if f.name.endswith(".toml"):
                yield f"{lang_dir.name}/{f.name}", f.read_text("utf-8")


def load_rules(root: Traversable | Path | None = None) -> RuleSet:
    """Load and validate every pack under ``root`` (the shipped ``packs/`` by default)."""
    root = root or resources.files("notalone.detection.rules").joinpath("packs")
    digest = hashlib.sha256()
    rules: list[Rule] = []
    for name, text in _pack_files(root):
        digest.update(name.encode() + b"\0" + text.encode())
        rules.extend(parse_pack(name, text))
    combos_file = root.joinpath("combos.toml")
    combos_text = combos_file.read_text("utf-8") if combos_file.is_file() else ""
    digest.update(b"combos.toml\0" + combos_text.encode())
    combos, guards = parse_combos("combos.toml", combos_text)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulePackError(f"rule id {rule.id} is used twice; ids must be unique")
        seen.add(rule.id)
    ids = [c.id for c in combos] + [g.id for g in guards]
    if len(ids) != len(set(ids)):
        raise RulePackError("combos.toml: combination and guard ids must be unique")
    return RuleSet(tuple(rules), tuple(combos), tuple(guards), digest.hexdigest()[:12])

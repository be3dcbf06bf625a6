"""What a guardian may see of an alert, and the alert itself.

Disclosure is graded, per alert: *category only* → *risk summary* → *redacted excerpt* →
*full evidence*. The level is the least that lets the guardian act, chosen by severity, the
child's age band and (for teenagers) the child's consent, and never above the ceiling the
platform set for the subscription. No level below ``redacted_excerpt`` carries a word the
child or anyone else wrote.
"""

from __future__ import annotations

import enum
from datetime import datetime

from notalone.alerts.models import GuardianSubscription
from notalone.cases.exports import redact
from notalone.cases.models import Report
from notalone.db import as_utc
from notalone.detection.advice import AdviceBook, HelplineDirectory
from notalone.taxonomy import Severity, category

MAX_EXCERPTS = 10

#: What the child can do, as action ids a platform maps to its own buttons (Apple's
#: Communication Safety set, plus calling the helpline).
CHILD_ACTIONS = (
    "message_trusted_adult",
    "block_contact",
    "leave_conversation",
    "view_resources",
    "contact_111",
)
_LEVELS = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class Disclosure(str, enum.Enum):
    CATEGORY_ONLY = "category_only"
    SUMMARY = "summary"
    REDACTED_EXCERPT = "redacted_excerpt"
    FULL = "full"

    @property
    def rank(self) -> int:
        return list(Disclosure).index(self)


def choose(
    severity: Severity, *, age_band: str | None, child_consented: bool, ceiling: Disclosure
) -> tuple[Disclosure, str]:
    """The level for one alert and why (the reason is kept with the alert, so the child's
    log can say what was shared and why)."""
    if severity < Severity.CRITICAL:
        level, reason = Disclosure.CATEGORY_ONLY, "serious risk: the category is enough to act"
    elif age_band == "<13":
        level, reason = Disclosure.FULL, "possible immediate danger to a child under 13"
    elif child_consented and age_band in ("13-15", "16-17"):
        level, reason = Disclosure.REDACTED_EXCERPT, "possible immediate danger; the child agreed"
    else:
        level, reason = Disclosure.SUMMARY, "possible immediate danger: what is happening"
    if level.rank > ceiling.rank:
        return ceiling, f"{reason} (limited to {ceiling.value} by the subscription)"
    return level, reason


def alert_data(
    *,
    alert_id: str,
    subscription: GuardianSubscription,
    report: Report,
    level: Disclosure,
    reason: str,
    advice: AdviceBook,
    helplines: HelplineDirectory,
    expires_at: datetime | None,
) -> dict[str, object]:
    """The alert a guardian receives (the CloudEvent's ``data``) at ``level``."""
    severity = Severity(report.severity)
    ranked = sorted(report.categories, key=lambda c: -Severity(c["severity"]).rank)
    ids = tuple(c["id"] for c in ranked)
    language = subscription.language
    lines = helplines.helplines(subscription.locale, ids, language)
    first = next((h for h in lines if h.phone), lines[0] if lines else None)
    data: dict[str, object] = {
        "alert_id": alert_id,
        "subscription_id": subscription.id,
        "platform": subscription.platform,
        "child_user": subscription.child_user,
        "occurred_at": as_utc(report.received_at).isoformat(),
        "severity": severity.value,
        "severity_level": _LEVELS.get(severity, 0),
        "categories": [
            {"id": i, "name": _name(i, language), "severity": c["severity"]}
            for i, c in zip(ids, ranked, strict=True)
        ],
        "disclosure_level": level.value,
        "disclosure_reason": reason,
        "recommended_actions": advice.advice(ids[:2], language).guardian,
        "child_actions": list(CHILD_ACTIONS),
        "helpline": (
            {"name": first.name, "tel": first.phone, "chat_url": first.url} if first else None
        ),
        "helplines": [h.model_dump(exclude_none=True) for h in lines],
        "report_code": report.code,
        "child_consented": subscription.child_consented,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }
    if level.rank >= Disclosure.SUMMARY.rank:
        data["summary"] = _summary(report)
    if level.rank >= Disclosure.REDACTED_EXCERPT.rank:
        data["excerpts"] = [redact(text) for text in _evidence_texts(report)][:MAX_EXCERPTS]
    if level is Disclosure.FULL:
        data["evidence"] = _flagged_messages(report)
    return data


def _name(category_id: str, language: str) -> str:
    found = category(category_id)
    return found.label_vi if language == "vi" else found.label_en


def _summary(report: Report) -> dict[str, object]:
    """What is happening, in the detector's words: explanations, the script's stages, who."""
    detection = report.detection
    chat = detection.get("conversation") or {}
    explanations = {
        c["id"]: c["explanation"]
        for part in (detection.get("message") or {}, chat)
        for c in part.get("categories", [])
    }
    return {
        "explanations": [{"category": k, "explanation": v} for k, v in explanations.items()],
        "stages": [
            {"category": s["category"], "stage": s["stage"], "name": s["name"], "index": s["index"]}
            for s in chat.get("stages", [])
        ],
        "reported_user": report.reported_user,
        "messages": chat.get("messages", 0),
    }


def _evidence_texts(report: Report) -> list[str]:
    """The spans that triggered, in order, without repeats (none once the text is purged)."""
    detection = report.detection
    seen: dict[str, None] = {}
    for part in (detection.get("message") or {}, detection.get("conversation") or {}):
        for c in part.get("categories", []):
            for e in c.get("evidence", []):
                if e.get("text"):
                    seen.setdefault(e["text"], None)
    return list(seen)


def _flagged_messages(report: Report) -> list[dict[str, object]]:
    """The reported message and every message of the thread that holds evidence, in full."""
    out: list[dict[str, object]] = []
    if report.text:
        out.append({"reported": True, "text": report.text})
    chat = report.detection.get("conversation") or {}
    flagged = sorted(
        {e["index"] for c in chat.get("categories", []) for e in c.get("evidence", [])}
    )
    messages = (report.conversation or {}).get("messages", [])
    for i in flagged:
        if i < len(messages) and messages[i].get("text"):
            m = messages[i]
            out.append({"index": i, "sender": m.get("sender"), "text": m["text"]})
    return out

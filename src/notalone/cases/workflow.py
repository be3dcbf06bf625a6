"""Case statuses and the one table of allowed transitions (Aselo's CaseStatus, Dispatch's
resolution reasons extended for helplines). Anything not listed raises ``Conflict``."""

from __future__ import annotations

from notalone.errors import Conflict, InputError

NEW, TRIAGED, IN_PROGRESS, REFERRED, CLOSED = "new", "triaged", "in_progress", "referred", "closed"
STATUSES = (NEW, TRIAGED, IN_PROGRESS, REFERRED, CLOSED)

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({TRIAGED, CLOSED}),
    TRIAGED: frozenset({IN_PROGRESS, REFERRED, CLOSED}),
    IN_PROGRESS: frozenset({REFERRED, CLOSED}),
    REFERRED: frozenset({IN_PROGRESS, CLOSED}),
    CLOSED: frozenset({IN_PROGRESS}),  # reopening: supervisors only (permissions.REOPEN_CASE)
}

#: Why a case was referred or closed; required on those transitions.
RESOLUTIONS: dict[str, frozenset[str]] = {
    REFERRED: frozenset(
        {
            "referred_police",
            "referred_social_services",
            "referred_health",
            "reported_ncmec",
            "reported_iwf",
        }
    ),
    CLOSED: frozenset(
        {
            "counselling_completed",
            "false_alarm",
            "insufficient_information",
            "no_further_contact",
            "referred_police",
            "reported_ncmec",
        }
    ),
}


def check_transition(current: str, target: str, resolution: str | None) -> None:
    if target not in STATUSES:
        raise InputError(
            f"unknown status {target!r}; use one of {', '.join(STATUSES)}", fields={"to": "unknown"}
        )
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        raise Conflict(
            f"a {current} case cannot become {target}; from {current}: {allowed}",
            fields={"to": "not allowed"},
        )
    needed = RESOLUTIONS.get(target)
    if needed is not None and resolution not in needed:
        raise InputError(
            f"moving to {target} needs a resolution: {', '.join(sorted(needed))}",
            fields={"resolution": "required" if resolution is None else "unknown"},
        )
    if needed is None and resolution is not None:
        raise InputError(f"{target} takes no resolution", fields={"resolution": "unexpected"})

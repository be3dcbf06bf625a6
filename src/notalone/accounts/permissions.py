"""What each role may do: one table, checked by every route (never by the client)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW_QUEUE = "view_queue"
    VIEW_CASE = "view_case"
    CHANGE_STATUS = "change_status"
    REOPEN_CASE = "reopen_case"
    ADD_NOTE = "add_note"
    ASSIGN_SELF = "assign_self"
    ASSIGN_ANYONE = "assign_anyone"
    VIEW_STATISTICS = "view_statistics"
    EXPORT_CASE = "export_case"


_COUNSELLOR = {
    Action.VIEW_QUEUE,
    Action.VIEW_CASE,
    Action.CHANGE_STATUS,
    Action.ADD_NOTE,
    Action.ASSIGN_SELF,
}
_SUPERVISOR = _COUNSELLOR | {
    Action.REOPEN_CASE,
    Action.ASSIGN_ANYONE,
    Action.VIEW_STATISTICS,
    Action.EXPORT_CASE,
}
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COUNSELLOR: frozenset(_COUNSELLOR),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(_SUPERVISOR),
}


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False

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


_COUNSELLOR = {
    Action.VIEW_QUEUE,
    Action.VIEW_CASE,
    Action.CHANGE_STATUS,
    Action.ADD_NOTE,
    Action.ASSIGN_SELF,
}
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COUNSELLOR: frozenset(_COUNSELLOR),
    Role.SUPERVISOR: frozenset(_COUNSELLOR | {Action.REOPEN_CASE, Action.ASSIGN_ANYONE}),
    Role.ADMIN: frozenset(_COUNSELLOR | {Action.REOPEN_CASE, Action.ASSIGN_ANYONE}),
}


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False

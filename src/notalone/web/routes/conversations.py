"""``/v1/conversations:analyze``: a whole conversation, with the stage timeline."""

from __future__ import annotations

from fastapi import APIRouter

from notalone.detection.conversation import Conversation
from notalone.detection.types import ConversationAssessment
from notalone.errors import InputError
from notalone.web.deps import EngineDep, SettingsDep
from notalone.web.schemas import ConversationRequest

router = APIRouter()
_ERRORS = {
    413: {"description": "a message over the size limit (JSON error envelope)"},
    422: {"description": "invalid request (JSON error envelope; input never echoed)"},
}


@router.post(
    "/v1/conversations:analyze",
    response_model=ConversationAssessment,
    responses=_ERRORS,
    tags=["detection"],
)
def analyze_conversation(
    body: ConversationRequest, engine: EngineDep, settings: SettingsDep
) -> ConversationAssessment:
    """Assess a conversation message by message: overall and per-participant risk, the stage
    timeline, and the first message at which it reached the alert severity."""
    if len(body.messages) > settings.max_conversation_messages:
        raise InputError(
            f"at most {settings.max_conversation_messages} messages per request "
            "(NOTALONE_MAX_CONVERSATION_MESSAGES)",
            fields={"messages": "too many"},
        )
    conversation = Conversation(
        body.participants, engine=engine, lang=body.lang, locale=body.locale
    )
    for i, message in enumerate(body.messages):
        try:
            conversation.add(message)
        except InputError as exc:
            exc.fields = {f"messages.{i}.{k}": v for k, v in exc.fields.items()} or {
                f"messages.{i}": exc.code
            }
            raise
    return conversation.assessment()

"""Conversations: ``/v1/conversations:analyze`` (a whole conversation at once) and the
stateful stream ``/v1/conversations/{id}/messages`` (one message at a time, state in the
database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from notalone.detection.conversation import Conversation
from notalone.detection.types import ConversationAssessment
from notalone.errors import InputError
from notalone.streams import service
from notalone.web.deps import EngineDep, SessionsDep, SettingsDep
from notalone.web.schemas import ConversationRequest, StreamMessageRequest

ConversationId = Annotated[str, Path(min_length=1, max_length=256, description="your chat id")]

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


@router.post(
    "/v1/conversations/{conversation_id}/messages",
    response_model=ConversationAssessment,
    responses={**_ERRORS, 404: {"description": "unknown route"}},
    tags=["detection"],
)
def post_message(
    conversation_id: ConversationId,
    body: StreamMessageRequest,
    engine: EngineDep,
    sessions: SessionsDep,
) -> ConversationAssessment:
    """Add one message to a conversation kept by the service and get the updated result.
    The conversation is created by its first message (``participants`` are read then); the
    message and the new state are stored before the answer. Sending a message again with the
    same ``id`` changes nothing."""
    with sessions.begin() as session:
        return service.append_message(
            session=session,
            conversation_id=conversation_id,
            message=body.message(),
            engine=engine,
            now=datetime.now(UTC),
            participants=body.participants,
        )


@router.get(
    "/v1/conversations/{conversation_id}",
    response_model=ConversationAssessment,
    responses={404: {"description": "no conversation with this id (JSON error envelope)"}},
    tags=["detection"],
)
def get_conversation(
    conversation_id: ConversationId, sessions: SessionsDep
) -> ConversationAssessment:
    """The latest result of a streamed conversation."""
    with sessions.begin() as session:
        return service.get_assessment(session=session, conversation_id=conversation_id)

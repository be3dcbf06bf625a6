"""The only code that reads and writes conversation streams. Functions never commit: the route
or command owns the transaction, so a message, the new state and the new result land together
(and the client's 200 comes after the commit).

A conversation's row is read ``FOR UPDATE`` (on SQLite the whole transaction holds the write
lock from its start), so concurrent messages to one conversation are applied one after the
other, each on the state the previous one left.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notalone.detection.conversation import Conversation
from notalone.detection.engine import Engine
from notalone.detection.types import ConversationAssessment, Message, Participant
from notalone.errors import NotFound
from notalone.streams.models import StreamConversation, StreamMessage


def append_message(
    *,
    session: Session,
    conversation_id: str,
    message: Message,
    engine: Engine,
    now: datetime,
    participants: Sequence[Participant] | None = None,
) -> ConversationAssessment:
    """Add ``message`` to the stream ``conversation_id`` (created on its first message, with
    ``participants`` if given; they are ignored afterwards) and return the new result.

    A retried message (same ``message.id``) changes nothing and returns the current result.
    Raises ``InputError`` for a message the conversation refuses; nothing is written then.
    """
    row = _locked(session, conversation_id)
    if row is None:
        row = _create(session, conversation_id, engine, now, participants)
    elif message.id is not None and _has_message(session, conversation_id, message.id):
        return ConversationAssessment.model_validate(row.assessment)
    conversation = Conversation.restore(row.state, engine=engine)
    result = conversation.add(message)  # may raise: the caller rolls back
    row.state = conversation.state()
    row.assessment = result.model_dump(mode="json")
    row.messages = result.messages
    row.severity = result.severity.value
    row.first_flag_index = result.first_flag_index
    row.updated_at = now
    session.add(
        StreamMessage(
            conversation_id=conversation_id,
            index=result.messages - 1,
            message_id=message.id,
            sender=message.sender,
            text=message.text,
            sent_at=message.time,
            received_at=now,
            severity=result.severity.value,
        )
    )
    session.flush()
    return result


def get_assessment(*, session: Session, conversation_id: str) -> ConversationAssessment:
    row = session.get(StreamConversation, conversation_id)
    if row is None:
        raise NotFound("no conversation with this id", fields={"conversation_id": "unknown"})
    return ConversationAssessment.model_validate(row.assessment)


def purge_text(*, session: Session, engine: Engine, older_than: timedelta, now: datetime) -> int:
    """Delete the text of messages received more than ``older_than`` ago, and the evidence
    snippets quoting them, keeping every severity, span, rule and stage. Returns how many
    messages lost their text."""
    cutoff = now - older_than
    due = (
        select(StreamMessage.conversation_id, func.max(StreamMessage.index))
        .where(StreamMessage.received_at < cutoff, StreamMessage.purged_at.is_(None))
        .group_by(StreamMessage.conversation_id)
    )
    purged = 0
    for conversation_id, last_index in session.execute(due).all():
        row = _locked(session, conversation_id)
        if row is None:
            continue
        conversation = Conversation.restore(row.state, engine=engine)
        conversation.redact(before=last_index + 1)
        row.state = conversation.state()
        row.assessment = conversation.assessment().model_dump(mode="json")
        done = session.execute(
            update(StreamMessage)
            .where(
                StreamMessage.conversation_id == conversation_id,
                StreamMessage.index <= last_index,
                StreamMessage.purged_at.is_(None),
            )
            .values(text=None, purged_at=now)
        )
        purged += done.rowcount or 0
    session.flush()
    return purged


def _locked(session: Session, conversation_id: str) -> StreamConversation | None:
    return session.get(StreamConversation, conversation_id, with_for_update=True)


def _create(
    session: Session,
    conversation_id: str,
    engine: Engine,
    now: datetime,
    participants: Sequence[Participant] | None,
) -> StreamConversation:
    fresh = Conversation(participants, engine=engine)
    row = StreamConversation(
        id=conversation_id,
        created_at=now,
        updated_at=now,
        messages=0,
        severity=fresh.assessment().severity.value,
        first_flag_index=None,
        state=fresh.state(),
        assessment=fresh.assessment().model_dump(mode="json"),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another request created it first: wait for it, then use it
        found = _locked(session, conversation_id)
        if found is None:
            raise
        return found
    return row


def _has_message(session: Session, conversation_id: str, message_id: str) -> bool:
    found = session.scalar(
        select(StreamMessage.id).where(
            StreamMessage.conversation_id == conversation_id,
            StreamMessage.message_id == message_id,
        )
    )
    return found is not None

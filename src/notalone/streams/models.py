"""Rows of a conversation stream: the conversation (its state and latest result) and each
message (text until retention purges it; the verdict it got)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notalone.db.base import Base


class StreamConversation(Base):
    __tablename__ = "stream_conversations"

    id: Mapped[str] = mapped_column(String(256), primary_key=True)  # the platform's id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    messages: Mapped[int] = mapped_column(Integer, default=0)
    severity: Mapped[str] = mapped_column(String(16))
    first_flag_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[dict] = mapped_column(JSON)  # ``Conversation.state()``
    assessment: Mapped[dict] = mapped_column(JSON)  # the latest ConversationAssessment


class StreamMessage(Base):
    __tablename__ = "stream_messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "index", name="uq_stream_messages_index"),
        UniqueConstraint("conversation_id", "message_id", name="uq_stream_messages_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("stream_conversations.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    sender: Mapped[str] = mapped_column(String(256))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # None once purged
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    severity: Mapped[str] = mapped_column(String(16))  # the conversation's after this message
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

"""Conversation streams: conversations with their state, and their messages.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_conversations",
        sa.Column("id", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("first_flag_index", sa.Integer(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stream_conversations"),
    )
    op.create_table(
        "stream_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(256), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(256), nullable=True),
        sa.Column("sender", sa.String(256), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["stream_conversations.id"],
            name="fk_stream_messages_conversation_id_stream_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stream_messages"),
        sa.UniqueConstraint("conversation_id", "index", name="uq_stream_messages_index"),
        sa.UniqueConstraint("conversation_id", "message_id", name="uq_stream_messages_message_id"),
    )
    op.create_index("ix_stream_messages_conversation_id", "stream_messages", ["conversation_id"])
    op.create_index("ix_stream_messages_received_at", "stream_messages", ["received_at"])


def downgrade() -> None:
    op.drop_table("stream_messages")
    op.drop_table("stream_conversations")

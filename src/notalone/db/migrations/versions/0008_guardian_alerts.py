"""Guardian subscriptions and the outbox of their alerts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardian_subscriptions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("child_user", sa.String(256), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("age_band", sa.String(8), nullable=True),
        sa.Column("child_consented", sa.Boolean(), nullable=False),
        sa.Column("threshold", sa.String(16), nullable=False),
        sa.Column("max_disclosure", sa.String(24), nullable=False),
        sa.Column("webhook_url", sa.String(2048), nullable=True),
        sa.Column("webhook_secret", sa.String(64), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_guardian_subscriptions"),
    )
    op.create_index(
        "ix_guardian_subscriptions_child", "guardian_subscriptions", ["platform", "child_user"]
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("report_id", sa.String(36), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("disclosure", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["guardian_subscriptions.id"],
            name="fk_alert_deliveries_subscription_id_guardian_subscriptions", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_alert_deliveries_report_id_reports",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )  # fmt: skip
    op.create_index("ix_alert_deliveries_subscription_id", "alert_deliveries", ["subscription_id"])
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("guardian_subscriptions")

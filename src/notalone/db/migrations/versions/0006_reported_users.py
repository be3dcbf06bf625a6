"""Who a platform's report is about, so reports about the same user join one case.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("source_platform", sa.String(64), nullable=True))
        batch.add_column(sa.Column("reported_user", sa.String(256), nullable=True))
        batch.create_index("ix_reports_reported_user", ["reported_user"])


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_reported_user")
        batch.drop_column("reported_user")
        batch.drop_column("source_platform")

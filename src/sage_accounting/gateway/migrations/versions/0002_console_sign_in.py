"""The console's sign-in: admin tokens (stored as their SHA-256) and browser sessions (their CSRF tokens).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the admin tokens and console sessions tables."""
    op.create_table(
        "gateway_console_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(128)),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_table(
        "gateway_console_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("token_id", sa.Integer, nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    """Drop the console's tables."""
    op.drop_table("gateway_console_sessions")
    op.drop_table("gateway_console_tokens")

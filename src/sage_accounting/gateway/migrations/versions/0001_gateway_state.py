"""The gateway's state: agents, grants, approvals, idempotency keys, the audit chain and its head.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table and index, and the audit head row (no rows yet, the genesis hash)."""
    op.create_table(
        "gateway_agents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("description", sa.Text),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("businesses", sa.Text, nullable=False, server_default="[]"),
        sa.Column("max_amount", sa.String(40)),
        sa.Column("approve_writes", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("key_rotated_at", _TIME),
    )
    op.create_table(
        "gateway_grants",
        sa.Column(
            "agent_id",
            sa.Integer,
            sa.ForeignKey("gateway_agents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("area", sa.String(32), primary_key=True),
        sa.Column("level", sa.String(8), nullable=False),
    )
    op.create_table(
        "gateway_approvals",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("agent_id", sa.Integer, nullable=False),
        sa.Column("agent_name", sa.String(64), nullable=False),
        sa.Column("tool", sa.String(128), nullable=False),
        sa.Column("action_key", sa.String(128), nullable=False),
        sa.Column("business_id", sa.String(64)),
        sa.Column("business_name", sa.Text),
        sa.Column("arguments", sa.Text, nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("amount", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("decided_at", _TIME),
        sa.Column("reason", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("finished_at", _TIME),
    )
    op.create_index("ix_gateway_approvals_status", "gateway_approvals", ["status", "created_at"])
    op.create_table(
        "gateway_idempotency",
        sa.Column("agent_id", sa.Integer, primary_key=True),
        sa.Column("business_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("args_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    op.create_table(
        "gateway_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("time", _TIME, nullable=False),
        sa.Column("agent", sa.String(128), nullable=False),
        sa.Column("tool", sa.String(128), nullable=False),
        sa.Column("area", sa.String(32)),
        sa.Column("business_id", sa.String(64)),
        sa.Column("business_name", sa.Text),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("arguments", sa.Text, nullable=False),
        sa.Column("sage_status", sa.Integer),
        sa.Column("request_id", sa.String(128)),
        sa.Column("record_id", sa.String(128)),
        sa.Column("record_displayed_as", sa.Text),
        sa.Column("duration_ms", sa.Float),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_gateway_audit_agent", "gateway_audit", ["agent", "id"])
    op.create_index("ix_gateway_audit_agent_decision", "gateway_audit", ["agent", "decision", "id"])
    op.create_index("ix_gateway_audit_decision", "gateway_audit", ["decision", "id"])
    op.create_index("ix_gateway_audit_business", "gateway_audit", ["business_id", "id"])
    op.create_index("ix_gateway_audit_time", "gateway_audit", ["time", "id"])
    head = op.create_table(
        "gateway_audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("last_time", _TIME),
        sa.Column("rows", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": "0" * 64, "rows": 0}])


def downgrade() -> None:
    """Drop everything (the audit with it)."""
    for table in (
        "gateway_audit_head",
        "gateway_audit",
        "gateway_idempotency",
        "gateway_approvals",
        "gateway_grants",
        "gateway_agents",
    ):
        op.drop_table(table)

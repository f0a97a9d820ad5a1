"""the outbox of notices to the WebSub hub (WEBSUB_HUB) that feeds changed

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 22:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hub_ping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub", sa.String(length=2000), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"], name=op.f("fk_hub_ping_announcement_id_announcement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_ping")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_hub_ping_dedupe_key")),
    )
    with op.batch_alter_table("hub_ping", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hub_ping_due",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("status IN ('queued', 'sending')"),
            sqlite_where=sa.text("status IN ('queued', 'sending')"),
        )


def downgrade():
    with op.batch_alter_table("hub_ping", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_hub_ping_due",
            postgresql_where=sa.text("status IN ('queued', 'sending')"),
            sqlite_where=sa.text("status IN ('queued', 'sending')"),
        )
    op.drop_table("hub_ping")

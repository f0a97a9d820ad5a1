"""outbox: one partial index of the messages still to deliver, instead of two full ones

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 22:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DUE = sa.text("status IN ('queued', 'sending')")


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_status")
        batch_op.drop_index("ix_outbox_message_next_attempt_at")
        batch_op.create_index(
            "ix_outbox_message_due", ["next_attempt_at"], unique=False, postgresql_where=DUE, sqlite_where=DUE
        )


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.create_index("ix_outbox_message_next_attempt_at", ["next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_message_status", ["status"], unique=False)

"""outbox: no index on processor_id, no unique index on message_id (every mark rewrote both)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 20:35:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_processor_id"))
        batch_op.drop_constraint(batch_op.f("uq_outbox_message_message_id"), type_="unique")


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_message_message_id"), ["message_id"])
        batch_op.create_index(batch_op.f("ix_outbox_message_processor_id"), ["processor_id"], unique=False)

"""contract notice language

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer_contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_language", sa.String(length=2), server_default="nl", nullable=False))


def downgrade():
    with op.batch_alter_table("customer_contract", schema=None) as batch_op:
        batch_op.drop_column("notice_language")

"""a mail's sender name (the processor's, "Vcare via Sub-processor Registry"), stored with its body

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 19:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mail_body") as batch:
        batch.add_column(sa.Column("sender_name", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("mail_body") as batch:
        batch.drop_column("sender_name")

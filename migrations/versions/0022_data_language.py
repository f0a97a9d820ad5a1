"""the language a processor's own lists are written in (nl for the seeded Dutch agreements)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("processor") as batch:
        batch.add_column(sa.Column("data_language", sa.String(length=2), nullable=False, server_default="nl"))


def downgrade():
    with op.batch_alter_table("processor") as batch:
        batch.drop_column("data_language")

"""user language

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:01:36.280219

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))


def downgrade():

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("language")

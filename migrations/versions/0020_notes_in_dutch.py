"""the Dutch of the registry's own notes (a processor's list notes, a sub-processor's note), beside the English

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("processor") as batch:
        batch.add_column(sa.Column("list_note_nl", sa.Text(), nullable=True))
        batch.add_column(sa.Column("listed_since_note_nl", sa.Text(), nullable=True))
    with op.batch_alter_table("sub_processor") as batch:
        batch.add_column(sa.Column("note_nl", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("sub_processor") as batch:
        batch.drop_column("note_nl")
    with op.batch_alter_table("processor") as batch:
        batch.drop_column("listed_since_note_nl")
        batch.drop_column("list_note_nl")

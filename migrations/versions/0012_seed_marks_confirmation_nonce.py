"""what the seed wrote into each row; a single-use secret for confirming a subscription

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "seed_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("seeded", sa.JSON(), nullable=False),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seed_mark")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_seed_mark_key_hash")),
    )
    # Rows seeded before this revision have no mark; the next `flask seed` marks those that still hold the
    # seed's values and leaves the others alone (it cannot tell an editor's change from a corrected seed file).
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_nonce", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_column("confirm_nonce")
    op.drop_table("seed_mark")

"""a processor's own face: its accent colour, and its logo (PNG or JPEG) in a table of its own

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("processor") as batch:
        batch.add_column(sa.Column("accent_colour", sa.String(length=7), nullable=True))
    op.create_table(
        "processor_logo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("processor_id", sa.Integer(), sa.ForeignKey("processor.id"), nullable=False, unique=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("processor_logo")
    with op.batch_alter_table("processor") as batch:
        batch.drop_column("accent_colour")

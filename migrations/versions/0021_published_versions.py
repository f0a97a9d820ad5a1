"""each registry version's document as published: canonical JSON bytes, fixed once, for signed snapshots

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "published_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("registry_version.id"), nullable=False, unique=True),
        sa.Column("processor_id", sa.Integer(), sa.ForeignKey("processor.id"), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_published_version_processor_id", "published_version", ["processor_id"])


def downgrade():
    op.drop_index("ix_published_version_processor_id", table_name="published_version")
    op.drop_table("published_version")

"""a controller organisation's calendar address (/portal/calendar/<token>.ics)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_calendar_token_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_calendar_token_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_token")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_calendar_token_organisation_id")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_token_token")),
    )


def downgrade():
    op.drop_table("calendar_token")

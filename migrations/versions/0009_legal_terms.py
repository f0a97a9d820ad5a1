"""notice period vs objection period, consent rule, English renderings, DPF certification, late objections

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_source", sa.String(length=20), server_default="policy", nullable=False))
        batch_op.add_column(sa.Column("objection_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("objection_period_article", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("consent_reasonable", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("consent_reasonable_article", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("texts_en", sa.JSON(), nullable=True))
    with op.batch_alter_table("sub_processor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dpf_certified", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("dpf_checked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("dpf_source", sa.String(length=300), nullable=True))
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.alter_column("deadline", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column("after_effective", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_column("after_effective")
        batch_op.alter_column("deadline", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("sub_processor", schema=None) as batch_op:
        for name in ("dpf_source", "dpf_checked_on", "dpf_certified"):
            batch_op.drop_column(name)
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        for name in (
            "texts_en",
            "consent_reasonable_article",
            "consent_reasonable",
            "objection_period_article",
            "objection_days",
            "notice_source",
        ):
            batch_op.drop_column(name)

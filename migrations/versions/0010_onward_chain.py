"""the sub-processor chain, dated: onward engagements, and announcements of a change down the chain

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "onward_engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("processor_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("sub_processor_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["processor_id"], ["processor.id"], name=op.f("fk_onward_engagement_processor_id_processor")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["sub_processor.id"], name=op.f("fk_onward_engagement_parent_id_sub_processor")
        ),
        sa.ForeignKeyConstraint(
            ["sub_processor_id"], ["sub_processor.id"], name=op.f("fk_onward_engagement_sub_processor_id_sub_processor")
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"], name=op.f("fk_onward_engagement_announcement_id_announcement")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["announcement.id"], name=op.f("fk_onward_engagement_ended_by_id_announcement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onward_engagement")),
    )
    with op.batch_alter_table("onward_engagement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onward_engagement_processor_id"), ["processor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onward_engagement_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onward_engagement_announcement_id"), ["announcement_id"], unique=False)
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_announcement_parent_id_sub_processor"), "sub_processor", ["parent_id"], ["id"]
        )
    # The chain recorded so far (a static parent) holds from the day the processor's list was recorded.
    op.execute(
        "INSERT INTO onward_engagement (processor_id, parent_id, sub_processor_id, source, valid_from, cancelled) "
        "SELECT sp.processor_id, sp.parent_id, sp.id, sp.source, p.listed_since, false "
        "FROM sub_processor sp JOIN processor p ON p.id = sp.processor_id WHERE sp.parent_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_announcement_parent_id_sub_processor"), type_="foreignkey")
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("onward_engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onward_engagement_announcement_id"))
        batch_op.drop_index(batch_op.f("ix_onward_engagement_parent_id"))
        batch_op.drop_index(batch_op.f("ix_onward_engagement_processor_id"))
    op.drop_table("onward_engagement")

"""invitations of controller users: an invitation is for a processor (an editor) or for an organisation (a
controller user, invited by one of its processors' editors or by a colleague, then without a processor)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("processor_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invitation_organisation_id_organisation"), "organisation", ["organisation_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_invitation_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    # A colleague's invitation has no processor, so it cannot be kept by the schema before.
    op.execute("DELETE FROM invitation WHERE processor_id IS NULL")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_organisation_id"))
        batch_op.drop_constraint(batch_op.f("fk_invitation_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_column("organisation_id")
        batch_op.alter_column("processor_id", existing_type=sa.Integer(), nullable=False)

"""the mail to a contract's notice address about an announcement is of kind contract_announcement (was contract_notice)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

outbox_message = sa.table("outbox_message", sa.column("kind", sa.String(length=30)))


def _rename(old: str, new: str) -> None:
    op.execute(outbox_message.update().where(outbox_message.c.kind == old).values(kind=new))


def upgrade():
    _rename("contract_notice", "contract_announcement")


def downgrade():
    _rename("contract_announcement", "contract_notice")

"""objections, consent, termination notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:19:16.791051

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "consent_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("processor_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"], name=op.f("fk_consent_decision_announcement_id_announcement")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["customer_contract.id"], name=op.f("fk_consent_decision_contract_id_customer_contract")
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], name=op.f("fk_consent_decision_decided_by_id_user")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_consent_decision_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["processor_id"], ["processor.id"], name=op.f("fk_consent_decision_processor_id_processor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_decision")),
        sa.UniqueConstraint("announcement_id", "contract_id", name=op.f("uq_consent_decision_announcement_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_consent_decision_reference")),
    )
    with op.batch_alter_table("consent_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_decision_announcement_id"), ["announcement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_decision_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_decision_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_decision_processor_id"), ["processor_id"], unique=False)

    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("processor_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"], name=op.f("fk_objection_announcement_id_announcement")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["customer_contract.id"], name=op.f("fk_objection_contract_id_customer_contract")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_objection_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["outcome_by_id"], ["user.id"], name=op.f("fk_objection_outcome_by_id_user")),
        sa.ForeignKeyConstraint(["processor_id"], ["processor.id"], name=op.f("fk_objection_processor_id_processor")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"], name=op.f("fk_objection_submitted_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
        sa.UniqueConstraint("announcement_id", "contract_id", name=op.f("uq_objection_announcement_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_objection_reference")),
    )
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objection_announcement_id"), ["announcement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objection_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objection_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objection_processor_id"), ["processor_id"], unique=False)

    op.create_table(
        "objection_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_objection_message_author_id_user")),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objection.id"], name=op.f("fk_objection_message_objection_id_objection")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_message")),
    )
    with op.batch_alter_table("objection_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objection_message_objection_id"), ["objection_id"], unique=False)

    op.create_table(
        "objection_service",
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["objection.id"],
            name=op.f("fk_objection_service_objection_id_objection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_objection_service_service_id_service")),
        sa.PrimaryKeyConstraint("objection_id", "service_id", name=op.f("pk_objection_service")),
    )
    op.create_table(
        "termination_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("processor_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["customer_contract.id"], name=op.f("fk_termination_notice_contract_id_customer_contract")
        ),
        sa.ForeignKeyConstraint(["given_by_id"], ["user.id"], name=op.f("fk_termination_notice_given_by_id_user")),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objection.id"], name=op.f("fk_termination_notice_objection_id_objection")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_termination_notice_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["processor_id"], ["processor.id"], name=op.f("fk_termination_notice_processor_id_processor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_termination_notice")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_termination_notice_contract_id")),
        sa.UniqueConstraint("objection_id", name=op.f("uq_termination_notice_objection_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_termination_notice_reference")),
    )
    with op.batch_alter_table("termination_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_termination_notice_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_termination_notice_processor_id"), ["processor_id"], unique=False)


def downgrade():

    with op.batch_alter_table("termination_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_termination_notice_processor_id"))
        batch_op.drop_index(batch_op.f("ix_termination_notice_organisation_id"))

    op.drop_table("termination_notice")
    op.drop_table("objection_service")
    with op.batch_alter_table("objection_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_message_objection_id"))

    op.drop_table("objection_message")
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_processor_id"))
        batch_op.drop_index(batch_op.f("ix_objection_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_objection_contract_id"))
        batch_op.drop_index(batch_op.f("ix_objection_announcement_id"))

    op.drop_table("objection")
    with op.batch_alter_table("consent_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_decision_processor_id"))
        batch_op.drop_index(batch_op.f("ix_consent_decision_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_consent_decision_contract_id"))
        batch_op.drop_index(batch_op.f("ix_consent_decision_announcement_id"))

    op.drop_table("consent_decision")

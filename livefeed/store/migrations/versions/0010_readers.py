"""reader accounts and the community standards

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 12:30:00

A reader accepts the community standards once, before their first comment: the moment is kept
on their account. The site's standards (and any other text the site keeps) live in
``site_texts``; a feed may replace them with its own (``feeds.community_standards``, NULL for
the site's).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_texts",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_site_texts_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_texts")),
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("standards_accepted_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.add_column(sa.Column("community_standards", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch_op:
        batch_op.drop_column("community_standards")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("standards_accepted_at")
    op.drop_table("site_texts")

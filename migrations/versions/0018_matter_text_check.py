"""matter text check: WeChat's verdict on a report's text arrives after the report is saved

Revision ID: 0018_matter_text_check
Revises: 0017_community_money
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_matter_text_check'
down_revision = '0017_community_money'
branch_labels = None
depends_on = None


def upgrade():
    # Matters reported so far were checked before they were saved: passed. The previous release,
    # still serving during a rolling upgrade, checks before saving too, so its rows get the same.
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_check', sa.String(length=12), server_default='passed', nullable=False))
        batch_op.create_check_constraint(op.f('ck_matters_text_check'),
                                         "text_check IN ('checking', 'passed', 'risky', 'unchecked')")
        batch_op.create_index('ix_matters_text_checking_created_at', ['created_at'], unique=False,
                              postgresql_where=sa.text("text_check = 'checking'"),
                              sqlite_where=sa.text("text_check = 'checking'"))


def downgrade():
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_text_checking_created_at', postgresql_where=sa.text("text_check = 'checking'"),
                            sqlite_where=sa.text("text_check = 'checking'"))
        batch_op.drop_constraint(op.f('ck_matters_text_check'), type_='check')
        batch_op.drop_column('text_check')

"""outbox sweep: claim time and the index of notifications on their way

Revision ID: 0006_outbox_sweep
Revises: 0005_polls
Create Date: 2026-11-22 01:06:20.349805

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_outbox_sweep'
down_revision = '0005_polls'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_on_the_way', ['wechat_status', 'id'], unique=False, postgresql_where=sa.text("wechat_status IN ('pending', 'sending')"), sqlite_where=sa.text("wechat_status IN ('pending', 'sending')"))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_on_the_way', postgresql_where=sa.text("wechat_status IN ('pending', 'sending')"), sqlite_where=sa.text("wechat_status IN ('pending', 'sending')"))
        batch_op.drop_column('claimed_at')

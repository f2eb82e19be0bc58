"""notification preferences: which kinds of message each user lets spend their WeChat consents

Revision ID: 0011_notification_preferences
Revises: 0010_ballot_secrecy
Create Date: 2026-12-05 10:12:31.204518

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_notification_preferences'
down_revision = '0010_ballot_secrecy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('wechat', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences'))
    )


def downgrade():
    op.drop_table('notification_preferences')

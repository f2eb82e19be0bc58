"""console logins: signing in to the desk console by scanning its mini-program code

Revision ID: 0012_console_logins
Revises: 0011_notification_preferences
Create Date: 2026-12-03 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_console_logins'
down_revision = '0011_notification_preferences'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('console_logins',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=60), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'scanned', 'confirmed', 'refused', 'used')",
                       name=op.f('ck_console_logins_status')),
    sa.CheckConstraint("(status = 'pending') = (user_id IS NULL)", name=op.f('ck_console_logins_scanned_by_someone')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_console_logins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_logins'))
    )
    with op.batch_alter_table('console_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_logins_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('console_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_logins_user_id'))
    op.drop_table('console_logins')

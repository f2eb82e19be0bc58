"""acting for households: family helpers (子女代办) and who acted for a household, as what

Revision ID: 0013_acting_for_households
Revises: 0012_console_logins
Create Date: 2026-12-03 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_acting_for_households'
down_revision = '0012_console_logins'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('household_helpers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_and_follow', sa.Boolean(), nullable=False),
    sa.Column('reply_meetings', sa.Boolean(), nullable=False),
    sa.Column('receive_notices', sa.Boolean(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_as', sa.String(length=20), nullable=False),
    sa.Column('consent_photo_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consent_photo_id'], ['matter_photos.id'],
                            name=op.f('fk_household_helpers_consent_photo_id_matter_photos'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_household_helpers_granted_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                            name=op.f('fk_household_helpers_household_id_households')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_household_helpers_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_household_helpers_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_helpers'))
    )
    with op.batch_alter_table('household_helpers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_helpers_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_helpers_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_household_helpers_live', ['household_id', 'user_id'], unique=True,
                              sqlite_where=sa.text('revoked_at IS NULL'),
                              postgresql_where=sa.text('revoked_at IS NULL'))
    op.create_table('helper_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('report_and_follow', sa.Boolean(), nullable=False),
    sa.Column('reply_meetings', sa.Boolean(), nullable=False),
    sa.Column('receive_notices', sa.Boolean(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_as', sa.String(length=20), nullable=False),
    sa.Column('consent_photo_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consent_photo_id'], ['matter_photos.id'],
                            name=op.f('fk_helper_codes_consent_photo_id_matter_photos'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_helper_codes_household_id_households')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_helper_codes_issued_by_id_users')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_helper_codes_used_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_helper_codes_code_hash'))
    )
    with op.batch_alter_table('helper_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helper_codes_household_id'), ['household_id'], unique=False)
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_as', sa.String(length=20), nullable=True))
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replied_as', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('checked_in_as', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.drop_column('checked_in_as')
        batch_op.drop_column('replied_as')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_column('recorded_as')
    with op.batch_alter_table('helper_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helper_codes_household_id'))
    op.drop_table('helper_codes')
    with op.batch_alter_table('household_helpers', schema=None) as batch_op:
        batch_op.drop_index('uq_household_helpers_live', sqlite_where=sa.text('revoked_at IS NULL'),
                            postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_household_helpers_user_id'))
        batch_op.drop_index(batch_op.f('ix_household_helpers_household_id'))
    op.drop_table('household_helpers')

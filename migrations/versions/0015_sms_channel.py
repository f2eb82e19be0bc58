"""sms channel: households' consent to SMS notices (number sealed) and the SMS copies of notifications

Revision ID: 0015_sms_channel
Revises: 0014_household_elder_mode
Create Date: 2026-12-03 23:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_sms_channel'
down_revision = '0014_household_elder_mode'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_consents',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('phone_sealed', sa.Text(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.String(length=12), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("evidence IN ('self', 'written', 'in_person', 'phone_call')", name=op.f('ck_sms_consents_evidence')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_sms_consents_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sms_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_sms_consents_resident_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_sms_consents'))
    )
    with op.batch_alter_table('sms_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_consents_resident_id'), ['resident_id'], unique=False)

    op.create_table('sms_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'rejected', 'dropped')", name=op.f('ck_sms_messages_status')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_sms_messages_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_sms_messages_notification_id_notifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages')),
    sa.UniqueConstraint('notification_id', name=op.f('uq_sms_messages_notification_id'))
    )
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.create_index('ix_sms_messages_household_id_claimed_at', ['household_id', 'claimed_at'], unique=False)
        batch_op.create_index('ix_sms_messages_on_the_way', ['status', 'id'], unique=False,
                              postgresql_where=sa.text("status IN ('pending', 'sending')"),
                              sqlite_where=sa.text("status IN ('pending', 'sending')"))


def downgrade():
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_messages_on_the_way')
        batch_op.drop_index('ix_sms_messages_household_id_claimed_at')
    op.drop_table('sms_messages')
    with op.batch_alter_table('sms_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_consents_resident_id'))
    op.drop_table('sms_consents')

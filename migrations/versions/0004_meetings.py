"""meetings: invitations, replies, sign-in, minutes and decisions

Revision ID: 0004_meetings
Revises: 0003_matters
Create Date: 2026-11-22 00:03:44.190000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_meetings'
down_revision = '0003_matters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=True),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('scope_kind', sa.String(length=12), nullable=False),
    sa.Column('scope_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('courtyard', 'building', 'council', 'joint', 'evaluation')", name=op.f('ck_meetings_kind')),
    sa.CheckConstraint("scope_kind IN ('buildings', 'courtyard', 'community', 'council', 'departments')", name=op.f('ck_meetings_scope_kind')),
    sa.CheckConstraint("stage IS NULL OR stage IN ('opinion', 'discussion', 'decision', 'evaluation')", name=op.f('ck_meetings_stage')),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled', 'closed')", name=op.f('ck_meetings_status')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_meetings_capacity')),
    sa.CheckConstraint('ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_meetings_ends_after_start')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_meetings_community_id_communities')),
    sa.ForeignKeyConstraint(['organizer_id'], ['users.id'], name=op.f('fk_meetings_organizer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_community_id_starts_at', ['community_id', 'starts_at'], unique=False)

    op.create_table('meeting_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('matter_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agenda_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_meeting_agenda_items_meeting_id_position'))
    )
    op.create_table('meeting_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.String(length=8), nullable=True),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_by_hand', sa.Boolean(), nullable=False),
    sa.CheckConstraint("reply IS NULL OR reply IN ('attend', 'maybe', 'decline')", name=op.f('ck_meeting_invitations_reply')),
    sa.CheckConstraint('(household_id IS NULL) != (user_id IS NULL)', name=op.f('ck_meeting_invitations_household_or_user')),
    sa.CheckConstraint('people >= 0 AND people <= 20', name=op.f('ck_meeting_invitations_people')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_meeting_invitations_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_meeting_invitations_household_id_households')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_invitations_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_meeting_invitations_replied_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_invitations')),
    sa.UniqueConstraint('meeting_id', 'household_id', name=op.f('uq_meeting_invitations_meeting_id_household_id')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_meeting_invitations_meeting_id_user_id'))
    )
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_invitations_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_meeting_invitations_meeting_id_reply', ['meeting_id', 'reply'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('matter_action', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_meeting_decisions_matter_id_matters')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))

    op.drop_table('meeting_decisions')
    with op.batch_alter_table('meeting_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_invitations_user_id'))
        batch_op.drop_index('ix_meeting_invitations_meeting_id_reply')
        batch_op.drop_index(batch_op.f('ix_meeting_invitations_household_id'))

    op.drop_table('meeting_invitations')
    op.drop_table('meeting_agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_community_id_starts_at')

    op.drop_table('meetings')

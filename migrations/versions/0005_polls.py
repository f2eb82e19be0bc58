"""polls: frozen electorates, keyed ballots, paper ballots, objections; owners and designated voters; agenda and decision links

Revision ID: 0005_polls
Revises: 0004_meetings
Create Date: 2026-11-22 00:46:03.350554

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_polls'
down_revision = '0004_meetings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('electorate', sa.String(length=12), nullable=False),
    sa.Column('scope_kind', sa.String(length=12), nullable=False),
    sa.Column('scope_ids', sa.JSON(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=True),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('allow_change', sa.Boolean(), nullable=False),
    sa.Column('show_tally', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('objection_days', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('objections_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('key_check', sa.String(length=16), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('result_digest', sa.String(length=64), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("NOT secret OR (electorate <> 'owners' AND rule NOT LIKE 'owners%')", name=op.f('ck_polls_secret_unweighted')),
    sa.CheckConstraint("electorate IN ('households', 'council', 'residents', 'owners')", name=op.f('ck_polls_electorate')),
    sa.CheckConstraint("rule IN ('majority', 'two_thirds', 'owners_ordinary', 'owners_special')", name=op.f('ck_polls_rule')),
    sa.CheckConstraint("scope_kind IN ('buildings', 'courtyard', 'community')", name=op.f('ck_polls_scope_kind')),
    sa.CheckConstraint("status IN ('draft', 'scheduled', 'open', 'closed', 'cancelled')", name=op.f('ck_polls_status')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_polls_closes_after_opening')),
    sa.CheckConstraint('objection_days >= 0 AND objection_days <= 30', name=op.f('ck_polls_objection_days')),
    sa.CheckConstraint('quorum_percent IS NULL OR (quorum_percent > 0 AND quorum_percent <= 100)', name=op.f('ck_polls_quorum')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_polls_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_polls_created_by_id_users')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_polls_matter_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index('ix_polls_community_id_id', ['community_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_matter_id'), ['matter_id'], unique=False)

    op.create_table('poll_ballots',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('voter_key', sa.String(length=80), nullable=True),
    sa.CheckConstraint("status IN ('counted', 'pending')", name=op.f('ck_poll_ballots_status')),
    sa.CheckConstraint("via IN ('phone', 'paper', 'proxy')", name=op.f('ck_poll_ballots_via')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_ballots')),
    sa.UniqueConstraint('poll_id', 'receipt', name=op.f('uq_poll_ballots_poll_id_receipt'))
    )
    with op.batch_alter_table('poll_ballots', schema=None) as batch_op:
        batch_op.create_index('ix_poll_ballots_poll_id_voter_key', ['poll_id', 'voter_key'], unique=False)

    op.create_table('poll_electors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('voter_key', sa.String(length=80), nullable=False),
    sa.Column('area', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(household_id IS NULL) != (user_id IS NULL)', name=op.f('ck_poll_electors_household_or_user')),
    sa.CheckConstraint('area >= 0', name=op.f('ck_poll_electors_area')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_poll_electors_household_id_households')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_electors_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_electors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_electors')),
    sa.UniqueConstraint('poll_id', 'household_id', name=op.f('uq_poll_electors_poll_id_household_id')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_poll_electors_poll_id_user_id'))
    )
    with op.batch_alter_table('poll_electors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_electors_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_poll_electors_poll_id_voter_key', ['poll_id', 'voter_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_electors_user_id'), ['user_id'], unique=False)

    op.create_table('poll_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.String(length=1000), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_poll_objections_answered_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_poll_objections_household_id_households')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_objections_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_objections_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_objections'))
    )
    with op.batch_alter_table('poll_objections', schema=None) as batch_op:
        batch_op.create_index('ix_poll_objections_poll_id_id', ['poll_id', 'id'], unique=False)

    op.create_table('poll_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('yes_no', 'single', 'multiple')", name=op.f('ck_poll_questions_kind')),
    sa.CheckConstraint('max_choices >= 1', name=op.f('ck_poll_questions_max_choices')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_questions_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_questions')),
    sa.UniqueConstraint('poll_id', 'position', name=op.f('uq_poll_questions_poll_id_position'))
    )
    op.create_table('poll_paper_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('proxy_name', sa.String(length=50), nullable=True),
    sa.Column('authorization_text', sa.String(length=500), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name=op.f('ck_poll_paper_ballots_status')),
    sa.CheckConstraint("via <> 'proxy' OR (proxy_name IS NOT NULL AND authorization_text IS NOT NULL)", name=op.f('ck_poll_paper_ballots_proxy_authorized')),
    sa.CheckConstraint("via IN ('paper', 'proxy')", name=op.f('ck_poll_paper_ballots_via')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_poll_paper_ballots_entered_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_poll_paper_ballots_household_id_households')),
    sa.ForeignKeyConstraint(['photo_id'], ['matter_photos.id'], name=op.f('fk_poll_paper_ballots_photo_id_matter_photos')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_paper_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_poll_paper_ballots_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_paper_ballots')),
    sa.UniqueConstraint('photo_id', name=op.f('uq_poll_paper_ballots_photo_id'))
    )
    with op.batch_alter_table('poll_paper_ballots', schema=None) as batch_op:
        batch_op.create_index('ix_poll_paper_ballots_poll_id_status', ['poll_id', 'status'], unique=False)

    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_voter', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))
        batch_op.create_index('uq_household_members_one_voter', ['household_id'], unique=True, sqlite_where=sa.text('is_voter'), postgresql_where=sa.text('is_voter'))

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('developer_held', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))


    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('poll_ids', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('poll_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_decisions_poll_id_polls'), 'polls', ['poll_id'], ['id'])


def downgrade():
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_decisions_poll_id_polls'), type_='foreignkey')
        batch_op.drop_column('poll_id')

    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.drop_column('poll_ids')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('developer_held')
        batch_op.drop_column('owner_ref')

    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index('uq_household_members_one_voter', sqlite_where=sa.text('is_voter'), postgresql_where=sa.text('is_voter'))
        batch_op.drop_column('is_voter')

    with op.batch_alter_table('poll_paper_ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_paper_ballots_poll_id_status')

    op.drop_table('poll_paper_ballots')
    op.drop_table('poll_questions')
    with op.batch_alter_table('poll_objections', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_objections_poll_id_id')

    op.drop_table('poll_objections')
    with op.batch_alter_table('poll_electors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_electors_user_id'))
        batch_op.drop_index('ix_poll_electors_poll_id_voter_key')
        batch_op.drop_index(batch_op.f('ix_poll_electors_household_id'))

    op.drop_table('poll_electors')
    with op.batch_alter_table('poll_ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_ballots_poll_id_voter_key')

    op.drop_table('poll_ballots')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polls_matter_id'))
        batch_op.drop_index('ix_polls_community_id_id')

    op.drop_table('polls')

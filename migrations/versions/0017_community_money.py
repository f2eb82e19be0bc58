"""community money: funds and their ledger, statements, participatory budget rounds (issue 21)

Revision ID: 0017_community_money
Revises: 0016_voice_notes
Create Date: 2026-12-04 05:42:20.759639

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_community_money'
down_revision = '0016_voice_notes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_agenda_rules_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_rules')),
    sa.UniqueConstraint('community_id', 'title', name=op.f('uq_agenda_rules_community_id_title'))
    )
    with op.batch_alter_table('agenda_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_rules_community_id'), ['community_id'], unique=False)

    op.create_table('funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('courtyard_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('suggested_fen', sa.BigInteger(), nullable=True),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(courtyard_id IS NULL) = (grid_id IS NULL)', name=op.f('ck_funds_estate_has_grid')),
    sa.CheckConstraint('balance_fen >= 0', name=op.f('ck_funds_never_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_funds_community_id_communities')),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_funds_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_funds_created_by_id_users')),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_funds_grid_id_grids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_funds_community_id_name'))
    )
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funds_community_id'), ['community_id'], unique=False)

    op.create_table('budget_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('courtyard_id', sa.Integer(), nullable=True),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('proposals_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voting_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voting_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('result_digest', sa.String(length=64), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("rule IN ('greedy', 'equal_shares')", name=op.f('ck_budget_rounds_rule')),
    sa.CheckConstraint("status IN ('proposing', 'reviewing', 'voting', 'closed', 'cancelled')", name=op.f('ck_budget_rounds_status')),
    sa.CheckConstraint('(courtyard_id IS NULL) = (grid_id IS NULL)', name=op.f('ck_budget_rounds_estate_has_grid')),
    sa.CheckConstraint('budget_fen > 0', name=op.f('ck_budget_rounds_budget_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_budget_rounds_community_id_communities')),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_budget_rounds_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_budget_rounds_created_by_id_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_budget_rounds_fund_id_funds')),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_budget_rounds_grid_id_grids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_rounds'))
    )
    with op.batch_alter_table('budget_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_budget_rounds_community_id_id', ['community_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_rounds_fund_id'), ['fund_id'], unique=False)

    op.create_table('budget_ballots',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('project_ids', sa.JSON(), nullable=False),
    sa.Column('cast_by_id', sa.Integer(), nullable=False),
    sa.Column('acting', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cast_by_id'], ['users.id'], name=op.f('fk_budget_ballots_cast_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_budget_ballots_household_id_households')),
    sa.ForeignKeyConstraint(['round_id'], ['budget_rounds.id'], name=op.f('fk_budget_ballots_round_id_budget_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'household_id', name=op.f('pk_budget_ballots'))
    )
    op.create_table('budget_electors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_budget_electors_household_id_households')),
    sa.ForeignKeyConstraint(['round_id'], ['budget_rounds.id'], name=op.f('fk_budget_electors_round_id_budget_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_electors')),
    sa.UniqueConstraint('round_id', 'household_id', name=op.f('uq_budget_electors_round_id_household_id'))
    )
    with op.batch_alter_table('budget_electors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_electors_household_id'), ['household_id'], unique=False)

    op.create_table('budget_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('estimate_fen', sa.BigInteger(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cost_fen', sa.BigInteger(), nullable=True),
    sa.Column('review_reason', sa.String(length=500), nullable=True),
    sa.Column('agenda_rule_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approvals', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sign_off_note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'refused' OR review_reason IS NOT NULL", name=op.f('ck_budget_projects_refusal_explained')),
    sa.CheckConstraint("status IN ('proposed', 'withdrawn', 'refused', 'accepted', 'funded', 'unfunded', 'completed', 'signed_off')", name=op.f('ck_budget_projects_status')),
    sa.CheckConstraint("status NOT IN ('accepted', 'funded', 'unfunded', 'completed', 'signed_off') OR cost_fen IS NOT NULL", name=op.f('ck_budget_projects_costed_when_accepted')),
    sa.CheckConstraint('cost_fen IS NULL OR cost_fen > 0', name=op.f('ck_budget_projects_cost_positive')),
    sa.CheckConstraint('estimate_fen IS NULL OR estimate_fen > 0', name=op.f('ck_budget_projects_estimate_positive')),
    sa.ForeignKeyConstraint(['agenda_rule_id'], ['agenda_rules.id'], name=op.f('fk_budget_projects_agenda_rule_id_agenda_rules')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_budget_projects_household_id_households')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_budget_projects_matter_id_matters')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_budget_projects_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_budget_projects_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['budget_rounds.id'], name=op.f('fk_budget_projects_round_id_budget_rounds')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_budget_projects_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_projects'))
    )
    with op.batch_alter_table('budget_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_projects_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index('ix_budget_projects_round_id_id', ['round_id', 'id'], unique=False)

    op.create_table('budget_project_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('acting', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_budget_project_evaluations_rating')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_budget_project_evaluations_household_id_households')),
    sa.ForeignKeyConstraint(['project_id'], ['budget_projects.id'], name=op.f('fk_budget_project_evaluations_project_id_budget_projects')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_budget_project_evaluations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_project_evaluations')),
    sa.UniqueConstraint('project_id', 'household_id', name=op.f('uq_budget_project_evaluations_project_id_household_id'))
    )
    op.create_table('budget_project_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('completes', sa.Boolean(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_budget_project_updates_posted_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['budget_projects.id'], name=op.f('fk_budget_project_updates_project_id_budget_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_project_updates'))
    )
    with op.batch_alter_table('budget_project_updates', schema=None) as batch_op:
        batch_op.create_index('ix_budget_project_updates_project_id_id', ['project_id', 'id'], unique=False)

    op.create_table('fund_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('first_seq', sa.Integer(), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=True),
    sa.Column('opening_fen', sa.BigInteger(), nullable=False),
    sa.Column('in_fen', sa.BigInteger(), nullable=False),
    sa.Column('out_fen', sa.BigInteger(), nullable=False),
    sa.Column('closing_fen', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'month') = (month IS NOT NULL) AND (kind = 'project') = (project_id IS NOT NULL)", name=op.f('ck_fund_statements_month_or_project')),
    sa.CheckConstraint("kind IN ('month', 'project')", name=op.f('ck_fund_statements_kind')),
    sa.CheckConstraint('opening_fen + in_fen - out_fen = closing_fen', name=op.f('ck_fund_statements_adds_up')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fund_statements_fund_id_funds')),
    sa.ForeignKeyConstraint(['project_id'], ['budget_projects.id'], name=op.f('fk_fund_statements_project_id_budget_projects')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_fund_statements_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_statements')),
    sa.UniqueConstraint('fund_id', 'month', name=op.f('uq_fund_statements_fund_id_month')),
    sa.UniqueConstraint('fund_id', 'project_id', name=op.f('uq_fund_statements_fund_id_project_id'))
    )
    with op.batch_alter_table('fund_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_statements_fund_id'), ['fund_id'], unique=False)

    op.create_table('budget_project_photos',
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['matter_photos.id'], name=op.f('fk_budget_project_photos_photo_id_matter_photos')),
    sa.ForeignKeyConstraint(['update_id'], ['budget_project_updates.id'], name=op.f('fk_budget_project_photos_update_id_budget_project_updates')),
    sa.PrimaryKeyConstraint('photo_id', name=op.f('pk_budget_project_photos'))
    )
    with op.batch_alter_table('budget_project_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_project_photos_update_id'), ['update_id'], unique=False)

    op.create_table('fund_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('balance_after_fen', sa.BigInteger(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('paid_by', sa.String(length=8), nullable=True),
    sa.Column('counterparty', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('acting', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'correction') = (corrects_id IS NOT NULL)", name=op.f('ck_fund_entries_correction_linked')),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_fund_entries_direction')),
    sa.CheckConstraint("kind <> 'contribution' OR (direction = 'in' AND household_id IS NOT NULL)", name=op.f('ck_fund_entries_contribution_from_household')),
    sa.CheckConstraint("kind <> 'grant' OR direction = 'in'", name=op.f('ck_fund_entries_grant_in')),
    sa.CheckConstraint("kind <> 'spending' OR direction = 'out'", name=op.f('ck_fund_entries_spending_out')),
    sa.CheckConstraint("kind IN ('contribution', 'grant', 'spending', 'correction')", name=op.f('ck_fund_entries_kind')),
    sa.CheckConstraint("paid_by IS NULL OR paid_by IN ('cash', 'transfer', 'other')", name=op.f('ck_fund_entries_paid_by')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fund_entries_amount_positive')),
    sa.CheckConstraint('balance_after_fen >= 0', name=op.f('ck_fund_entries_balance_never_negative')),
    sa.ForeignKeyConstraint(['corrects_id'], ['fund_entries.id'], name=op.f('fk_fund_entries_corrects_id_fund_entries')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fund_entries_fund_id_funds')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_fund_entries_household_id_households')),
    sa.ForeignKeyConstraint(['photo_id'], ['matter_photos.id'], name=op.f('fk_fund_entries_photo_id_matter_photos')),
    sa.ForeignKeyConstraint(['project_id'], ['budget_projects.id'], name=op.f('fk_fund_entries_project_id_budget_projects')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_fund_entries_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entries')),
    sa.UniqueConstraint('fund_id', 'seq', name=op.f('uq_fund_entries_fund_id_seq')),
    sa.UniqueConstraint('photo_id', name=op.f('uq_fund_entries_photo_id'))
    )
    with op.batch_alter_table('fund_entries', schema=None) as batch_op:
        batch_op.create_index('ix_fund_entries_corrects_id', ['corrects_id'], unique=False)
        batch_op.create_index('ix_fund_entries_household_id', ['household_id'], unique=False)
        batch_op.create_index('ix_fund_entries_project_id', ['project_id'], unique=False)

    op.create_table('fund_statement_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agrees', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['fund_statements.id'], name=op.f('fk_fund_statement_confirmations_statement_id_fund_statements')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_fund_statement_confirmations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_statement_confirmations')),
    sa.UniqueConstraint('statement_id', 'user_id', name=op.f('uq_fund_statement_confirmations_statement_id_user_id'))
    )


def downgrade():
    op.drop_table('fund_statement_confirmations')
    with op.batch_alter_table('fund_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_entries_project_id')
        batch_op.drop_index('ix_fund_entries_household_id')
        batch_op.drop_index('ix_fund_entries_corrects_id')

    op.drop_table('fund_entries')
    with op.batch_alter_table('budget_project_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_project_photos_update_id'))

    op.drop_table('budget_project_photos')
    with op.batch_alter_table('fund_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_statements_fund_id'))

    op.drop_table('fund_statements')
    with op.batch_alter_table('budget_project_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_project_updates_project_id_id')

    op.drop_table('budget_project_updates')
    op.drop_table('budget_project_evaluations')
    with op.batch_alter_table('budget_projects', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_projects_round_id_id')
        batch_op.drop_index(batch_op.f('ix_budget_projects_matter_id'))

    op.drop_table('budget_projects')
    with op.batch_alter_table('budget_electors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_electors_household_id'))

    op.drop_table('budget_electors')
    op.drop_table('budget_ballots')
    with op.batch_alter_table('budget_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_rounds_fund_id'))
        batch_op.drop_index('ix_budget_rounds_community_id_id')

    op.drop_table('budget_rounds')
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funds_community_id'))

    op.drop_table('funds')
    with op.batch_alter_table('agenda_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_rules_community_id'))

    op.drop_table('agenda_rules')

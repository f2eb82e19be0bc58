"""matters: demands, their categories, photos and timeline (三事分流)

Revision ID: 0003_matters
Revises: 0002_notifications
Create Date: 2026-11-21 23:49:02.117815

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_matters'
down_revision = '0002_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matter_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('default_class', sa.String(length=10), nullable=True),
    sa.CheckConstraint("default_class IS NULL OR default_class IN ('major', 'minor', 'private')", name=op.f('ck_matter_categories_default_class')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_matter_categories_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_categories')),
    sa.UniqueConstraint('community_id', 'code', name=op.f('uq_matter_categories_community_id_code'))
    )
    op.create_table('matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('place_text', sa.String(length=200), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('matter_class', sa.String(length=10), nullable=True),
    sa.Column('handler_type', sa.String(length=20), nullable=True),
    sa.Column('handler_department_id', sa.Integer(), nullable=True),
    sa.Column('handler_user_id', sa.Integer(), nullable=True),
    sa.Column('handler_team_id', sa.Integer(), nullable=True),
    sa.Column('handler_name', sa.String(length=100), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('evaluation_comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("handler_type != 'department' OR (handler_department_id IS NOT NULL AND due_date IS NOT NULL)", name=op.f('ck_matters_department_has_due_date')),
    sa.CheckConstraint("handler_type IS NULL OR handler_type IN ('department', 'committee', 'grid_worker', 'resident_group', 'resident', 'volunteer_team', 'market')", name=op.f('ck_matters_handler_type')),
    sa.CheckConstraint("matter_class IS NULL OR matter_class IN ('major', 'minor', 'private')", name=op.f('ck_matters_matter_class')),
    sa.CheckConstraint("status IN ('submitted', 'triaged', 'assigned', 'in_progress', 'resolved', 'closed', 'withdrawn', 'merged')", name=op.f('ck_matters_status')),
    sa.CheckConstraint('satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5', name=op.f('ck_matters_satisfaction')),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_matters_building_id_buildings')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_matters_community_id_communities')),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_matters_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['grid_id'], ['grids.id'], name=op.f('fk_matters_grid_id_grids')),
    sa.ForeignKeyConstraint(['handler_department_id'], ['departments.id'], name=op.f('fk_matters_handler_department_id_departments')),
    sa.ForeignKeyConstraint(['handler_team_id'], ['volunteer_teams.id'], name=op.f('fk_matters_handler_team_id_volunteer_teams')),
    sa.ForeignKeyConstraint(['handler_user_id'], ['users.id'], name=op.f('fk_matters_handler_user_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_matters_household_id_households')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['matters.id'], name=op.f('fk_matters_merged_into_id_matters')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_matters_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['submitter_id'], ['users.id'], name=op.f('fk_matters_submitter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matters'))
    )
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index('ix_matters_building_id_category_created_at', ['building_id', 'category', 'created_at'], unique=False)
        batch_op.create_index('ix_matters_community_id_status_id', ['community_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_handler_department_id'), ['handler_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_matters_submitter_id_id', ['submitter_id', 'id'], unique=False)

    op.create_table('matter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('status_from', sa.String(length=12), nullable=True),
    sa.Column('status_to', sa.String(length=12), nullable=True),
    sa.Column('matter_class', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_matter_events_actor_id_users')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_events_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_events'))
    )
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.create_index('ix_matter_events_matter_id_id', ['matter_id', 'id'], unique=False)

    op.create_table('matter_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('check_trace_id', sa.String(length=64), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['matter_events.id'], name=op.f('fk_matter_photos_event_id_matter_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_photos_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_matter_photos_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_photos'))
    )
    with op.batch_alter_table('matter_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_photos_check_trace_id'), ['check_trace_id'], unique=False)
        batch_op.create_index('ix_matter_photos_matter_id_id', ['matter_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_photos_uploader_id'), ['uploader_id'], unique=False)



def downgrade():
    with op.batch_alter_table('matter_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_photos_uploader_id'))
        batch_op.drop_index('ix_matter_photos_matter_id_id')
        batch_op.drop_index(batch_op.f('ix_matter_photos_check_trace_id'))

    op.drop_table('matter_photos')
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_events_matter_id_id')

    op.drop_table('matter_events')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_submitter_id_id')
        batch_op.drop_index(batch_op.f('ix_matters_household_id'))
        batch_op.drop_index(batch_op.f('ix_matters_handler_department_id'))
        batch_op.drop_index('ix_matters_community_id_status_id')
        batch_op.drop_index('ix_matters_building_id_category_created_at')

    op.drop_table('matters')
    op.drop_table('matter_categories')

"""matter page indexes: my matters by household page by id; likely duplicates only among open matters

Revision ID: 0009_matter_page_indexes
Revises: 0008_privacy
Create Date: 2026-11-22 03:35:55.941742

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_matter_page_indexes'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matters_building_id_category_created_at'))
        batch_op.drop_index(batch_op.f('ix_matters_household_id'))
        batch_op.create_index('ix_matters_household_id_id', ['household_id', 'id'], unique=False)
        batch_op.create_index('ix_matters_open_building_id_category_created_at', ['building_id', 'category', 'created_at'], unique=False, postgresql_where=sa.text("status IN ('assigned', 'in_progress', 'submitted', 'triaged')"), sqlite_where=sa.text("status IN ('assigned', 'in_progress', 'submitted', 'triaged')"))


def downgrade():
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_open_building_id_category_created_at', postgresql_where=sa.text("status IN ('assigned', 'in_progress', 'submitted', 'triaged')"), sqlite_where=sa.text("status IN ('assigned', 'in_progress', 'submitted', 'triaged')"))
        batch_op.drop_index('ix_matters_household_id_id')
        batch_op.create_index(batch_op.f('ix_matters_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_building_id_category_created_at'), ['building_id', 'category', 'created_at'], unique=False)

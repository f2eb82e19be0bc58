"""voice notes: a short recording a resident attaches to a report instead of typing

Revision ID: 0016_voice_notes
Revises: 0015_sms_channel
Create Date: 2026-12-03 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_voice_notes'
down_revision = '0015_sms_channel'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matter_voice_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_ms > 0', name=op.f('ck_matter_voice_notes_duration_ms')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_voice_notes_matter_id_matters'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_matter_voice_notes_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_voice_notes')),
    sa.UniqueConstraint('matter_id', name=op.f('uq_matter_voice_notes_matter_id'))
    )
    with op.batch_alter_table('matter_voice_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_voice_notes_uploader_id'), ['uploader_id'], unique=False)


def downgrade():
    with op.batch_alter_table('matter_voice_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_voice_notes_uploader_id'))

    op.drop_table('matter_voice_notes')

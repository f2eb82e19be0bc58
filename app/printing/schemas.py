"""What the printing endpoints accept."""
import marshmallow as ma
from marshmallow import validate

from app.models_base import Id


class PaperBallotsArgsSchema(ma.Schema):
    building_id = Id(load_default=None, metadata={"description": "only this building's households"})


class SlipCodeSchema(ma.Schema):
    id = Id(required=True, metadata={"description": "the id POST /households/{id}/join-codes answered with"})
    code = ma.fields.String(required=True, validate=validate.Length(min=8, max=20),
                            metadata={"description": "the code it answered with (shown once)"})


class JoinCodeSlipsSchema(ma.Schema):
    codes = ma.fields.List(ma.fields.Nested(SlipCodeSchema), required=True, validate=validate.Length(min=1, max=100))

"""The community's personal data: the person's household and roles. Join codes keep who issued
and used them, as the record of how households were bound."""
from sqlalchemy import delete, select

from app import lifecycle
from app.community.models import Household, HouseholdMember, RoleAssignment
from app.extensions import db


def export(user):
    membership = db.session.scalar(select(HouseholdMember).filter_by(user_id=user.id))
    household = db.session.get(Household, membership.household_id) if membership else None
    return {"household": None if household is None else {
        "id": household.id, "building_id": household.building_id, "unit": household.unit,
        "room": household.room, "floor_area": str(household.floor_area), "is_head": membership.is_head,
        "is_voter": membership.is_voter, "joined_at": membership.joined_at}}


def erase(user):
    """The person leaves their household and every role; the household itself stays."""
    for model in (HouseholdMember, RoleAssignment):
        db.session.execute(delete(model).where(model.user_id == user.id))


lifecycle.personal_data("household_members", "role_assignments", "join_codes", export=export, erase=erase)

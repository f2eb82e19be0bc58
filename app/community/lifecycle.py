"""The community's personal data: the person's household, roles and the households they help
(子女代办). Join and helper codes keep who issued and used them, as the record of how households
were bound; a helper link erased is revoked, and stays as the record of what it allowed."""
from sqlalchemy import delete, select, update

from app import lifecycle
from app.community.models import Household, HouseholdHelper, HouseholdMember, RoleAssignment
from app.extensions import db
from app.models_base import utcnow


def export(user):
    membership = db.session.scalar(select(HouseholdMember).filter_by(user_id=user.id))
    household = db.session.get(Household, membership.household_id) if membership else None
    return {"household": None if household is None else {
        "id": household.id, "building_id": household.building_id, "unit": household.unit,
        "room": household.room, "floor_area": str(household.floor_area), "is_head": membership.is_head,
        "is_voter": membership.is_voter, "joined_at": membership.joined_at},
        "helping": lifecycle.rows(select(
            HouseholdHelper.household_id, HouseholdHelper.report_and_follow, HouseholdHelper.reply_meetings,
            HouseholdHelper.receive_notices, HouseholdHelper.created_at, HouseholdHelper.revoked_at)
            .where(HouseholdHelper.user_id == user.id).order_by(HouseholdHelper.id))}


def erase(user):
    """The person leaves their household and every role; the household itself stays."""
    for model in (HouseholdMember, RoleAssignment):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(update(HouseholdHelper).where(HouseholdHelper.user_id == user.id,
                                                     HouseholdHelper.revoked_at.is_(None))
                       .values(revoked_at=utcnow(), revoked_by_id=user.id))


lifecycle.personal_data("household_members", "role_assignments", "join_codes", "household_helpers", "helper_codes",
                        export=export, erase=erase)

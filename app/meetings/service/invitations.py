"""Answering an invitation, and what the organiser sees of the answers: counts, who was invited,
inviting again those who have not answered."""
from sqlalchemy import func, or_, select

from app.auth.permissions import allows
from app.auth.service import user_names
from app.community import acting
from app.community.models import Building, Household, HouseholdMember
from app.errors import ApiError
from app.extensions import db
from app.meetings import access
from app.meetings.models import Invitation, Meeting, Reply
from app.meetings.service.common import invitee_users, meeting_page, payload, record_audit
from app.models_base import utcnow
from app.notifications.service import delivery_labels, notify
from app.notifications.templates import NotificationKind

NO_MEMBERS_LABEL = "这户还没有人加入，收不到消息"


def reply(user, meeting, answer, people=1, on_behalf_of_household_id=None):
    """Attend, maybe or decline, for the user's household — or for the household named, by
    whoever may act for it (app/community/acting.py), which the reply then says and the audit
    log keeps; changeable until the start."""
    agency = None
    if on_behalf_of_household_id is not None:
        household, agency = acting.on_behalf(user, on_behalf_of_household_id, acting.Act.REPLY)
    if agency is None:
        invitation = access.invitation_for(user, meeting)
    else:
        invitation = db.session.scalar(select(Invitation).filter_by(meeting_id=meeting.id, household_id=household.id))
        if invitation is None:
            raise ApiError(404, "not_found", "该住户不在本次会议的邀请范围内")
    access.check_reply(meeting, invitation)
    people = people if answer != Reply.DECLINE else 0
    if meeting.capacity is not None and answer == Reply.ATTEND:
        # Serialize replies of one meeting (SQLite already does) so capacity is never exceeded.
        db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
        taken = db.session.scalar(select(func.coalesce(func.sum(Invitation.people), 0)).where(
            Invitation.meeting_id == meeting.id, Invitation.reply == Reply.ATTEND, Invitation.id != invitation.id))
        if taken + people > meeting.capacity:
            raise ApiError(409, "meeting_full", "报名人数已满", details={"capacity": meeting.capacity, "taken": taken})
    invitation.reply, invitation.people = answer, people
    invitation.replied_at, invitation.replied_by_id = utcnow(), user.id
    invitation.replied_as = agency.role if agency else None
    if agency:
        record_audit(user, meeting, "reply_for", household_id=invitation.household_id, reply=answer, people=people,
                     acting=agency.details())
    db.session.flush()
    return invitation


def replies(actor, meeting):
    """Counts, and who has not answered (for the organiser), each with whether the invitation
    reached it on WeChat."""
    access.check_manage(actor, meeting)
    counts = dict(db.session.execute(select(Invitation.reply, func.count()).where(
        Invitation.meeting_id == meeting.id).group_by(Invitation.reply)).all())
    attending = db.session.scalar(select(func.coalesce(func.sum(Invitation.people), 0)).where(
        Invitation.meeting_id == meeting.id, Invitation.reply == Reply.ATTEND))
    present = db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.present.is_(True)))
    unanswered = db.session.execute(
        select(Invitation.id, Household.id, Building.name, Household.unit, Household.room, Household.head_name)
        .join(Household, Household.id == Invitation.household_id).join(Building, Building.id == Household.building_id)
        .where(Invitation.meeting_id == meeting.id, Invitation.reply.is_(None)).order_by(Household.id).limit(500)).all()
    households = [household for _, household, *_ in unanswered]
    delivery = delivery_labels(
        select(HouseholdMember.household_id, HouseholdMember.user_id).where(HouseholdMember.household_id.in_(households)),
        NotificationKind.MEETING_INVITATION, meeting_page(meeting))
    return {
        "invited": sum(counts.values()), "attend": counts.get(Reply.ATTEND, 0), "maybe": counts.get(Reply.MAYBE, 0),
        "decline": counts.get(Reply.DECLINE, 0), "unanswered": counts.get(None, 0), "people_attending": attending,
        "present": present,
        "unanswered_households": [{"household_id": h, "building_name": b, "unit": u, "room": r, "head_name": n,
                                   "wechat_label": delivery.get(h, NO_MEMBERS_LABEL)}
                                  for _, h, b, u, r, n in unanswered],
    }


def acted_for(user):
    """SQL over Invitation joined to Household: the invitations `user` may answer or sign in for
    a household (app/community/acting.py) — those of households they look after, or help with
    the right to reply. None: every one (an admin); False: none."""
    looked_after = acting.looked_after(user)
    if looked_after is None:
        return None
    helped = acting.helped(user, acting.Act.REPLY)
    if not helped:
        return looked_after
    mine = Invitation.household_id.in_(helped)
    return mine if looked_after is False else or_(looked_after, mine)


def acts_for_invited(user, meetings):
    """Ids of `meetings` with an invited household `user` may act for, in one query."""
    condition = acted_for(user)
    if condition is False or not meetings:
        return set()
    query = select(Invitation.meeting_id).join(Household, Household.id == Invitation.household_id).where(
        Invitation.meeting_id.in_([meeting.id for meeting in meetings]))
    return set(db.session.scalars(query.where(condition) if condition is not None else query))


def on_behalf_labels(invitations):
    """{invitation id: (reply label, sign-in label)}: 由张三（楼栋长）代办 where someone outside the
    household answered or signed it in, in one query for the names."""
    names = user_names([i.replied_by_id for i in invitations if i.replied_as] +
                       [i.checked_in_by_id for i in invitations if i.checked_in_as])
    return {i.id: (acting.label(names.get(i.replied_by_id), i.replied_as) if i.replied_as else None,
                   acting.label(names.get(i.checked_in_by_id), i.checked_in_as) if i.checked_in_as else None)
            for i in invitations}


def invitations(actor, meeting, cursor=None, limit=50):
    """Everyone invited with their reply and attendance, for the organiser (sign-in by hand);
    for whoever acts for households (app/community/acting.py), the households they act for —
    to answer for them or sign them in. 403 for anyone else."""
    query = (select(Invitation, Household, Building.name)
             .outerjoin(Household, Household.id == Invitation.household_id)
             .outerjoin(Building, Building.id == Household.building_id)
             .where(Invitation.meeting_id == meeting.id))
    if not allows(access.check_manage, actor, meeting):
        if meeting.id not in acts_for_invited(actor, [meeting]):
            access.check_manage(actor, meeting)
        query = query.where(acted_for(actor))
    if cursor is not None:
        query = query.where(Invitation.id > cursor)
    rows = db.session.execute(query.order_by(Invitation.id).limit(limit + 1)).all()
    labels = on_behalf_labels([inv for inv, _household, _building in rows[:limit]])
    items = [{"id": inv.id, "household_id": inv.household_id, "user_id": inv.user_id,
              "building_name": building, "unit": household.unit if household else None,
              "room": household.room if household else None, "head_name": household.head_name if household else None,
              "reply": inv.reply, "people": inv.people, "present": inv.present,
              "checked_in_by_hand": inv.checked_in_by_hand,
              "reply_on_behalf": labels[inv.id][0], "checkin_on_behalf": labels[inv.id][1]}
             for inv, household, building in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1][0].id if len(rows) > limit else None}


def resend(actor, meeting):
    """Invite again those who have not answered."""
    access.check_run(actor, meeting)
    users = invitee_users(meeting, only=Invitation.reply.is_(None))
    told = notify(users, NotificationKind.MEETING_INVITATION, payload(meeting, note="请回复是否参加"),
                  page=meeting_page(meeting))
    db.session.flush()
    return told

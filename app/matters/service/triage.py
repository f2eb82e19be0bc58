"""Triage (三事分流): the council classifies a matter (alone or by a vote at a sitting),
reclassifies it, names its handler, or merges a duplicate into the matter it repeats."""
from collections import Counter

from sqlalchemy import select

from app.auth.models import User
from app.community.models import Department, Role, RoleAssignment, VolunteerTeam
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters import access
from app.matters.models import (CLASS_LABELS, HANDLER_LABELS, HANDLERS_BY_CLASS, OPEN, HandlerType, Matter,
                                MatterEvent)
from app.matters.service.handling import local_today, watch_due_date
from app.matters.service.state import allow, tell_handlers, transition
from app.models_base import utcnow


def classify(actor, matter, matter_class, reason):
    """Sort it as major, minor or private. Flags and the category's default are shown as
    suggestions; the decision and its reason are the council's."""
    access.require(actor, matter, "classify")
    transition(matter, "classify", actor, reason, matter_class=matter_class)
    matter.matter_class = matter_class
    db.session.flush()
    return matter


def reclassify(actor, matter, matter_class, reason):
    """Change the class (minor → major after a site visit): back to triaged, handler cleared;
    the earlier classification stays in the timeline."""
    access.require(actor, matter, "reclassify")
    if matter_class == matter.matter_class:
        raise invalid("matter_class", "新的分类与原分类相同")
    transition(matter, "reclassify", actor, reason, matter_class=matter_class,
               data={"from_class": matter.matter_class})
    matter.matter_class = matter_class
    _clear_handler(matter)
    db.session.flush()
    watch_due_date(matter)
    return matter


def classify_by_vote(actor, matter, votes, reason):
    """The council votes on the class at a sitting (议事会); the timeline keeps every vote, the
    tally and the outcome. Only the community's council members vote, once each; a tie is no
    decision (409: discuss again)."""
    access.require(actor, matter, "class_votes")
    council = dict(db.session.execute(
        select(RoleAssignment.user_id, User.name).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == Role.COUNCIL_MEMBER, RoleAssignment.scope_id == matter.community_id)).all())
    voters = [vote["user_id"] for vote in votes]
    strangers = sorted(set(voters) - set(council))
    if strangers:
        raise invalid("votes", "投票人须是本社区议事会成员", user_ids=strangers)
    if len(set(voters)) != len(voters):
        raise invalid("votes", "每位议事会成员只能投一票")
    tally = Counter(vote["matter_class"] for vote in votes)
    (outcome, top), *others = tally.most_common()
    if others and others[0][1] == top:
        raise ApiError(409, "tied_vote", "票数相同，未能决定，请再议", details={"tally": dict(tally)})
    record = {"by_vote": True, "outcome": outcome, "tally": dict(tally),
              "votes": [{"user_id": v["user_id"], "name": council[v["user_id"]], "matter_class": v["matter_class"]}
                        for v in votes]}
    if access.step(matter, "class_votes") == "classify":
        transition(matter, "classify", actor, reason, matter_class=outcome, data=record)
    else:
        if outcome == matter.matter_class:
            raise ApiError(409, "class_unchanged", "表决结果与原分类相同", details=record)
        transition(matter, "reclassify", actor, reason, matter_class=outcome,
                   data={**record, "from_class": matter.matter_class})
        _clear_handler(matter)
    matter.matter_class = outcome
    db.session.flush()
    watch_due_date(matter)
    return matter


def _clear_handler(matter):
    matter.handler_type = matter.handler_department_id = matter.handler_user_id = None
    matter.handler_team_id = matter.handler_name = matter.due_date = None


def assign(actor, matter, handler_type, note="", department_id=None, user_id=None, team_id=None,
           handler_name=None, due_date=None):
    """Name who handles it; which handlers fit depends on the class (HANDLERS_BY_CLASS)."""
    access.require(actor, matter, "assign")
    allow(matter, "assign")
    _check_handler(matter, handler_type, department_id, user_id, team_id, handler_name, due_date)
    transition(matter, "assign", actor, note, data={"handler_type": handler_type})
    _clear_handler(matter)
    matter.handler_type = handler_type
    matter.handler_department_id = department_id if handler_type == HandlerType.DEPARTMENT else None
    matter.handler_user_id = user_id if handler_type == HandlerType.GRID_WORKER else None
    matter.handler_team_id = team_id if handler_type == HandlerType.VOLUNTEER_TEAM else None
    matter.handler_name = handler_name if handler_type in (HandlerType.RESIDENT_GROUP, HandlerType.MARKET) else None
    matter.due_date = due_date
    db.session.flush()
    watch_due_date(matter)
    tell_handlers(matter, actor, "待办理", "交由您办理", note)
    return matter


def _check_handler(matter, handler_type, department_id, user_id, team_id, handler_name, due_date):
    """422 on the first field that does not name a handler fitting the matter's class."""
    fitting = [h for h in HandlerType if h in HANDLERS_BY_CLASS[matter.matter_class]]  # assigned or triaged: classified
    if handler_type not in fitting:
        raise invalid("handler_type", f"{CLASS_LABELS[matter.matter_class]}的承办方只能是："
                      + "、".join(HANDLER_LABELS[h] for h in fitting))
    if handler_type == HandlerType.DEPARTMENT:
        if db.session.get(Department, department_id or 0) is None:
            raise invalid("department_id", "请选择承办的职能部门")
        if due_date is None or due_date < local_today():
            raise invalid("due_date", "交给职能部门办理须定办结期限，且不能早于今天")
    elif handler_type == HandlerType.GRID_WORKER:
        if user_id is None:
            raise invalid("user_id", "请选择承办的网格员")
        if not access.grid_worker_for(user_id, matter):
            raise invalid("user_id", "承办的网格员须是本诉求所在网格的网格员")
    elif handler_type == HandlerType.VOLUNTEER_TEAM:
        team = db.session.get(VolunteerTeam, team_id or 0)
        if team is None or team.community_id != matter.community_id:
            raise invalid("team_id", "请选择本社区的义工队")
    elif handler_type in (HandlerType.RESIDENT_GROUP, HandlerType.MARKET) and not handler_name:
        raise invalid("handler_name", f"请填写{HANDLER_LABELS[handler_type]}的名称")


def merge(actor, matter, into_id, reason=""):
    """A duplicate joins the matter it repeats; both timelines say so."""
    access.require(actor, matter, "merge")
    into = db.session.get(Matter, into_id)
    if into is None or into.id == matter.id or into.community_id != matter.community_id \
            or into.status not in OPEN or into.held_back:
        raise invalid("into_id", "只能合并到本社区另一件未办结的诉求")
    transition(matter, "merge", actor, reason, data={"into_id": into.id})
    matter.merged_into_id = into.id
    matter.closed_at = utcnow()
    db.session.add(MatterEvent(matter_id=into.id, action="comment", actor_id=actor.id,
                               note=f"合并了重复的诉求 #{matter.id}", data={"merged_id": matter.id}))
    db.session.flush()
    return matter

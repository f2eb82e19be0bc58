"""The community's 五议三不议 list: the topics that may not be put to a vote. A refused proposal
names the rule it breaks; a rule is retired (`active` false), never deleted, so old refusals
keep their reason, and a retired rule cannot be named in a new one."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import service as audit
from app.auth.permissions import Action, authorize
from app.budgets.models import AgendaRule
from app.community.models import Community
from app.errors import ApiError, invalid
from app.extensions import db

SAME_TITLE = "本社区已有同名的议事规则"


def rule_view(rule):
    return {"id": rule.id, "title": rule.title, "text": rule.text, "active": rule.active}


def agenda_rules(user, community):
    """Every rule, retired ones too (old refusals name them), oldest first: anyone in the community."""
    authorize(user, Action.VIEW_COMMUNITY, community)
    return {"items": [rule_view(rule) for rule in db.session.scalars(
        select(AgendaRule).where(AgendaRule.community_id == community.id).order_by(AgendaRule.id))]}


def _save(rule):
    try:
        with db.session.begin_nested():  # a concurrent rule of the same title: one wins
            db.session.add(rule)
    except IntegrityError:
        raise ApiError(409, "duplicate_title", SAME_TITLE) from None


def create_rule(user, community, title, text=""):
    authorize(user, Action.MANAGE_BUDGETS, community)
    rule = AgendaRule(community_id=community.id, title=title, text=text, active=True)
    _save(rule)
    audit.record(user, "agenda_rule.created", "agenda_rule", rule.id, community_id=community.id, title=title)
    return rule


def update_rule(user, rule, **changes):
    """Retitle, reword, retire (`active` false) or bring back a rule."""
    authorize(user, Action.MANAGE_BUDGETS, db.session.get(Community, rule.community_id))
    before = {name: getattr(rule, name) for name in changes}
    for name, value in changes.items():
        setattr(rule, name, value)
    _save(rule)
    audit.record(user, "agenda_rule.updated", "agenda_rule", rule.id, community_id=rule.community_id,
                 changes={name: [old, changes[name]] for name, old in before.items() if old != changes[name]})
    return rule


def active_rule(community_id, rule_id):
    """The rule a refusal names: one of the community's, still in force (422 otherwise)."""
    rule = db.session.get(AgendaRule, rule_id)
    if rule is None or rule.community_id != community_id or not rule.active:
        raise invalid("agenda_rule_id", "该议事规则不存在或已停用，不能据此不议")
    return rule

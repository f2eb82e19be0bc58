"""Family helpers (子女代办): a relative's WeChat account linked to a household with stated rights
(models.HelperRight), so a son or daughter in another city can report and follow the household's
matters, answer its meeting invitations and hear its notices. What each right allows is
app/community/acting.py; this is the link's life: a one-time code, its use, the list, revoking.

The household's head links a helper; its building head, grid worker or staff may, on the head's
written consent, with a photo of it (POST /photos first). A helper is never a member: electorates,
invitations and the household's vote count members only. The household is told of every link and
revocation, and each is a line of the audit log.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.auth.service import user_names
from app.community import acting
from app.community.models import HelperCode, HelperRight, Household, HouseholdHelper, HouseholdMember
from app.community.service import audit_household, find_code, new_code, spend_code
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters.models import MatterPhoto
from app.matters.photos import photo_view, unused
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

HEAD = "head"
RIGHT_LABELS = {HelperRight.REPORT_AND_FOLLOW: "反映和跟进诉求", HelperRight.REPLY_MEETINGS: "回复会议",
                HelperRight.RECEIVE_NOTICES: "接收通知"}


def _is_head(user, household):
    return db.session.scalar(select(HouseholdMember.id).filter_by(
        household_id=household.id, user_id=user.id, is_head=True)) is not None


def check_link(user, household):
    """Who links (or unlinks) a household's helpers: its head, as "head"; whoever looks after it,
    as their role, on the head's written consent (acting.Act.LINK_HELPER). Returns as what."""
    if _is_head(user, household):
        return HEAD
    return acting.require(user, household, acting.Act.LINK_HELPER).role


def check_view(user, household):
    """The household's members, and whoever looks after it."""
    if not acting.lives_in(user, household.id):
        check_link(user, household)


def _consent_photo(user, photo_id):
    """The uploader's own photo, not yet used for a matter, a ballot, a receipt or another consent."""
    photo = db.session.scalar(select(MatterPhoto).where(MatterPhoto.id == photo_id, *unused(user)))
    if photo is None:
        raise invalid("consent_photo_id", "照片不存在或已使用，请重新上传户主书面同意的照片")
    return photo


def issue_code(user, household, rights, consent_photo_id=None):
    """A one-time code (shown once; only its hash is kept) that links whoever enters it as a
    helper with `rights`. Returns (code, its row)."""
    issued_as = check_link(user, household)
    if issued_as != HEAD and consent_photo_id is None:
        raise invalid("consent_photo_id", "代为绑定家属须上传户主书面同意的照片")
    photo = _consent_photo(user, consent_photo_id) if consent_photo_id is not None else None
    code, code_hash, expires_at = new_code()
    row = HelperCode(code_hash=code_hash, household_id=household.id, issued_by_id=user.id, issued_as=issued_as,
                     consent_photo_id=photo.id if photo else None, expires_at=expires_at,
                     **{right: right in rights for right in HelperRight})
    db.session.add(row)
    db.session.flush()
    audit_household(user, household, "helper_code_issue", helper_code_id=row.id, rights=sorted(rights),
                    issued_as=issued_as, consent_photo_id=row.consent_photo_id)
    return code, row


def link(user, code):
    """The relative enters the code: they become a helper of its household. Spent by a
    conditional UPDATE, so two phones with one code make one link."""
    row = find_code(HelperCode, code)
    if row is None:
        raise ApiError(404, "helper_code_invalid", "代办码不正确，请核对后重新输入")
    household = db.session.get(Household, row.household_id)
    if acting.lives_in(user, household.id):
        raise ApiError(409, "own_household", "您是这户的成员，无需绑定为家属代办")
    if household.id in acting.helper_links(user):
        raise ApiError(409, "already_helping", "您已是这户的家属代办人")
    if not spend_code(row, user):
        raise ApiError(410, "helper_code_expired", "代办码已使用或已过期，请向户主或楼栋长重新索取")
    helper = HouseholdHelper(household_id=household.id, user_id=user.id, granted_by_id=row.issued_by_id,
                             granted_as=row.issued_as, consent_photo_id=row.consent_photo_id,
                             **{right: getattr(row, right) for right in HelperRight})
    try:
        with db.session.begin_nested():  # two codes for one household entered at once: one link
            db.session.add(helper)
    except IntegrityError:
        raise ApiError(409, "already_helping", "您已是这户的家属代办人") from None
    acting.forget_links(user.id)
    audit_household(user, household, "helper_link", helper_id=helper.id, helper_code_id=row.id,
                    rights=helper.rights, granted_by_id=row.issued_by_id, granted_as=row.issued_as)
    _tell_household(household, helper, user, "已绑定为本户的家属代办人，可以" + _rights_text(helper))
    return helper


def revoke(user, household, helper):
    """End a link: the head, whoever looks after the household, or the helper themselves. The
    row stays (revoked), so the acts it allowed still name it; from now on each is refused."""
    if helper.household_id != household.id or helper.revoked_at is not None:
        raise ApiError(404, "not_found", "该家属代办人不存在或已解除")
    revoked_as = acting.HELPER if user.id == helper.user_id else check_link(user, household)
    helper.revoked_at, helper.revoked_by_id = utcnow(), user.id
    db.session.flush()
    acting.forget_links(helper.user_id)
    audit_household(user, household, "helper_revoke", helper_id=helper.id, helper_user_id=helper.user_id,
                    revoked_as=revoked_as)
    _tell_household(household, helper, user, "的家属代办已解除")


def _rights_text(helper):
    return "、".join(RIGHT_LABELS[HelperRight(right)] for right in helper.rights)


def _tell_household(household, helper, actor, what):
    """The household's members and the helper hear of a link or its end (inbox only)."""
    names = user_names([helper.user_id])
    members = select(HouseholdMember.user_id).filter_by(household_id=household.id)
    recipients = set(db.session.scalars(members)) | {helper.user_id}
    notify(sorted(recipients - {actor.id}), NotificationKind.NOTICE, {
        "title": "家属代办", "body": f"{names.get(helper.user_id) or '一位家属'}{what}", "note": what},
        page="pages/profile/profile")


def helpers_of(household):
    return db.select(HouseholdHelper).where(HouseholdHelper.household_id == household.id,
                                            HouseholdHelper.revoked_at.is_(None))


def helper_views(viewer, household, helpers):
    """A page of live helpers with names; the consent photo for those who may link (not members)."""
    names = user_names([h.user_id for h in helpers] + [h.granted_by_id for h in helpers])
    officials = acting.agency(viewer, household, acting.Act.LINK_HELPER) is not None
    photos = {p.id: photo_view(p) for p in db.session.scalars(select(MatterPhoto).where(
        MatterPhoto.id.in_([h.consent_photo_id for h in helpers if h.consent_photo_id])))} if officials else {}
    return [{"id": h.id, "household_id": h.household_id, "user_id": h.user_id, "name": names.get(h.user_id),
             "rights": h.rights, "granted_as": h.granted_as, "granted_by_name": names.get(h.granted_by_id),
             "linked_at": h.created_at, "consent_photo": photos.get(h.consent_photo_id)} for h in helpers]


def helping(user):
    """What /me shows: the households the user helps, with their address and the rights given."""
    links = list(acting.helper_links(user).values())
    if not links:
        return []
    households = {h.id: h for h in db.session.scalars(select(Household).where(
        Household.id.in_([link.household_id for link in links])).options(selectinload(Household.building)))}
    return [{"helper_id": link.id, "household_id": link.household_id,
             "community_id": households[link.household_id].community_id,
             "address": address(households[link.household_id]), "rights": link.rights}
            for link in sorted(links, key=lambda link: link.id)]


def address(household):
    return f"{household.building.name}{household.unit}{household.room}"

from flask_smorest import Blueprint

from app.auth.permissions import Action, current_user, get_or_404, requires
from app.community.models import Community
from app.idempotency import idempotent
from app.matters.schemas import PeriodArgsSchema
from app.meetings import service
from app.pagination import PageArgsSchema
from app.meetings.schemas import (
    CheckinCodeSchema,
    CheckinSchema,
    CommunityMeetingsArgsSchema,
    InvitationPageSchema,
    ManualCheckinSchema,
    MeetingInSchema,
    MeetingPageSchema,
    MeetingSchema,
    MeetingStatsSchema,
    MinutesSchema,
    ReasonSchema,
    RepliesSchema,
    ReplySchema,
    RescheduleSchema,
    ResentSchema,
)

blp = Blueprint("meetings", __name__, url_prefix="/api/v1",
                description="Meetings (院坝会 …): call, invite, answer, sign in, minutes")


def _view(meeting):
    return service.meeting_view(meeting, current_user())


def _meeting(meeting_id):
    return service.get_visible(current_user(), meeting_id)


@blp.route("/meetings", methods=["POST"])
@idempotent
@blp.arguments(MeetingInSchema)
@blp.response(201, MeetingSchema)
@requires()
def create(args):
    """Call a meeting (a draft until published): building heads for their buildings, staff for
    any scope of their community."""
    return _view(service.create(current_user(), **args))


@blp.route("/meetings/mine", methods=["GET"])
@blp.response(200, MeetingPageSchema)
@requires()
def mine():
    """Meetings I am invited to or organise that have not ended, soonest first."""
    return service.my_meetings(current_user())


def _community(community_id, **_):
    return get_or_404(Community, community_id, "社区不存在")


@blp.route("/communities/<int:community_id>/meetings", methods=["GET"])
@blp.arguments(CommunityMeetingsArgsSchema, location="query")
@blp.response(200, MeetingPageSchema)
@requires()
def community_meetings(args, community_id):
    """Every meeting of the community, newest first, drafts and closed ones too (its staff);
    `from` and `to` narrow them to those starting on those days."""
    return service.community_meetings(current_user(), _community(community_id), **args)


@blp.route("/communities/<int:community_id>/meeting-stats", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, MeetingStatsSchema)
@requires(Action.TRIAGE_MATTERS, _community)
def meeting_stats(args, community_id):
    """Attendance per month and kind of meeting: invited and present (whoever reads matter-stats)."""
    return service.meeting_stats(_community(community_id), args["start"], args["end"])


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
@requires()
def detail(meeting_id):
    """A meeting with its agenda and my reply."""
    return _view(_meeting(meeting_id))


@blp.route("/meetings/<int:meeting_id>/publish", methods=["POST"])
@blp.response(200, MeetingSchema)
@requires()
def publish(meeting_id):
    """Invite everyone in scope (through the outbox) and schedule reminders 24 h and 1 h before."""
    return _view(service.publish(current_user(), _meeting(meeting_id)))


@blp.route("/meetings/<int:meeting_id>/reschedule", methods=["POST"])
@blp.arguments(RescheduleSchema)
@blp.response(200, MeetingSchema)
@requires()
def reschedule(args, meeting_id):
    """Move the meeting; invitees are told and the reminders move."""
    return _view(service.reschedule(current_user(), _meeting(meeting_id), **args))


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, MeetingSchema)
@requires()
def cancel(args, meeting_id):
    """Cancel; invitees are told and the reminders are cancelled."""
    return _view(service.cancel(current_user(), _meeting(meeting_id), args["reason"]))


@blp.route("/meetings/<int:meeting_id>/reply", methods=["POST"])
@blp.arguments(ReplySchema)
@blp.response(200, MeetingSchema)
@requires()
def reply(args, meeting_id):
    """Attend, maybe or decline for my household, or for the household named (代办; changeable
    until the start)."""
    meeting = _meeting(meeting_id)
    service.reply(current_user(), meeting, args["reply"], args["people"], args["on_behalf_of_household_id"])
    return _view(meeting)


@blp.route("/meetings/<int:meeting_id>/replies", methods=["GET"])
@blp.response(200, RepliesSchema)
@requires()
def replies(meeting_id):
    """Counts and the households that have not answered (organiser)."""
    return service.replies(current_user(), _meeting(meeting_id))


@blp.route("/meetings/<int:meeting_id>/invitations", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, InvitationPageSchema)
@requires()
def invitations(args, meeting_id):
    """Everyone invited, with reply and attendance (organiser; for signing in by hand); the
    households one acts for (代办: building heads, grid workers, family helpers)."""
    return service.invitations(current_user(), _meeting(meeting_id), **args)


@blp.route("/meetings/<int:meeting_id>/resend", methods=["POST"])
@idempotent
@blp.response(200, ResentSchema)
@requires()
def resend(meeting_id):
    """Invite again those who have not answered."""
    return {"notified": service.resend(current_user(), _meeting(meeting_id))}


@blp.route("/meetings/<int:meeting_id>/checkin-code", methods=["GET"])
@blp.response(200, CheckinCodeSchema)
@requires()
def checkin_code(meeting_id):
    """The rotating check-in code the organiser shows at the meeting."""
    return service.checkin_code(current_user(), _meeting(meeting_id))


@blp.route("/meetings/checkins", methods=["POST"])
@blp.arguments(CheckinSchema)
@blp.response(200, MeetingSchema)
@requires()
def check_in(args):
    """Sign in by scanning the code (wx.scanCode gives the scene); scanning again is harmless."""
    meeting, _ = service.check_in(current_user(), args["scene"])
    return _view(meeting)


@blp.route("/meetings/<int:meeting_id>/manual-checkins", methods=["POST"])
@blp.arguments(ManualCheckinSchema)
@blp.response(200, MeetingSchema)
@requires()
def check_in_by_hand(args, meeting_id):
    """Sign in a household without a phone, by hand: the organiser any invited household, whoever
    acts for a household that one (recorded with who and as what)."""
    meeting = _meeting(meeting_id)
    service.check_in_by_hand(current_user(), meeting, args["household_id"])
    return _view(meeting)


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@idempotent
@blp.arguments(MinutesSchema)
@blp.response(200, MeetingSchema)
@requires()
def minutes(args, meeting_id):
    """Record the minutes and decisions; a decision may move a matter it took up."""
    return _view(service.record_minutes(current_user(), _meeting(meeting_id), args["minutes"], args["decisions"]))


@blp.route("/meetings/<int:meeting_id>/publish-minutes", methods=["POST"])
@blp.response(200, MeetingSchema)
@requires()
def publish_minutes(meeting_id):
    """公示: send the minutes to everyone invited; the meeting is closed."""
    return _view(service.publish_minutes(current_user(), _meeting(meeting_id)))

"""What the use cases share: who is told about a meeting, what they are told, the audit entry."""
from app.audit import service as audit
from app.auth.models import User
from app.community.service import people_named
from app.extensions import db
from app.meetings.models import Invitation

KIND_LABELS = {"courtyard": "院坝会", "building": "楼栋会", "council": "议事会", "joint": "联席会议",
               "evaluation": "评议会"}
REPLY_LABELS = {"attend": "参加", "maybe": "可能参加", "decline": "不参加"}


def invitee_users(meeting, only=None):
    """Users to tell (a SELECT for `notify`): members of invited households and invited persons
    (`only`: a filter on Invitation)."""
    return people_named(Invitation, Invitation.meeting_id == meeting.id, only)


def payload(meeting, title=None, note=""):
    organizer = db.session.get(User, meeting.organizer_id)
    return {"title": title or meeting.title, "time": meeting.starts_at, "place": meeting.place,
            "organizer": organizer.name or KIND_LABELS[meeting.kind], "note": note, "meeting_id": meeting.id,
            "body": f"{KIND_LABELS.get(meeting.kind, '会议')}：{meeting.title}，地点：{meeting.place}。{note}"}


def meeting_page(meeting):
    return f"pages/meeting/meeting?id={meeting.id}"


def record_audit(actor, meeting, action, household_id=None, **details):
    audit.record(actor, f"meeting.{action}", "meeting", meeting.id, community_id=meeting.community_id,
                 household_id=household_id, **details)

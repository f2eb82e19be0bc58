"""Calling, answering, attending and recording meetings, one module per use case:

- organizing: scope, agenda and times; publish, reschedule, cancel; reminders
- invitations: replies, what the organiser sees of them, inviting again
- checkin: the rotating check-in code, scanning it, signing in by hand
- minutes: the minutes and the decisions they carry out, their 公示
- views: what one viewer sees of meetings

Who may do what to a meeting is app/meetings/access.py.
"""
from app.meetings.service.checkin import check_in, check_in_by_hand, checkin_code, checkin_scene
from app.meetings.service.invitations import invitations, replies, reply, resend
from app.meetings.service.minutes import publish_minutes, record_minutes
from app.meetings.service.organizing import cancel, create, publish, remind, reschedule
from app.meetings.service.views import (community_meetings, get_visible, meeting_stats, meeting_view, meeting_views,
                                        my_meetings)

__all__ = [
    "cancel", "check_in", "check_in_by_hand", "checkin_code", "checkin_scene", "community_meetings", "create",
    "get_visible",
    "invitations", "meeting_stats", "meeting_view", "meeting_views", "my_meetings", "publish", "publish_minutes",
    "record_minutes", "remind", "replies", "reply", "reschedule", "resend",
]

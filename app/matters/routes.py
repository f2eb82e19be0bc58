from flask import Response, request
from flask_smorest import Blueprint

from app.auth.permissions import Action, current_user, get_or_404, requires
from app.community.models import Community
from app.extensions import SUBMIT_LIMIT, UPLOAD_LIMIT, limiter, per_signed_in_user
from app.hot_path import hot_path
from app.idempotency import idempotent
from app.matters import access, photos, report, service, voice
from app.matters.schemas import (
    AssignSchema,
    CategoryInSchema,
    CategoryListSchema,
    CategorySchema,
    ClassifySchema,
    ClassVotesSchema,
    CommunityMatterPageSchema,
    CommunityMattersArgsSchema,
    EvaluateSchema,
    HandlerUpdateSchema,
    MatterInSchema,
    MatterPageSchema,
    MatterSchema,
    MatterStatsSchema,
    MergeSchema,
    NoteSchema,
    OptionalNoteSchema,
    PeriodArgsSchema,
    PhotoFileArgsSchema,
    PhotoSchema,
    PhotoUploadSchema,
    TriagePageSchema,
    VoiceNoteSchema,
    VoiceNoteUploadSchema,
    WorkArgsSchema,
    WorkPageSchema,
)
from app.pagination import PageArgsSchema

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

blp = Blueprint("matters", __name__, url_prefix="/api/v1",
                description="Matters (诉求): report, triage (三事分流), handle, evaluate")


def _community(community_id, **_):
    return get_or_404(Community, community_id, "社区不存在")


def _detail(matter):
    user = current_user()
    matter, level = access.get_visible(user, matter.id)
    return service.matter_view(matter, level, user)


def _visible(matter_id):
    return access.get_visible(current_user(), matter_id)[0]


@blp.route("/communities/<int:community_id>/matter-categories", methods=["GET"])
@blp.response(200, CategoryListSchema)
@requires()
def list_categories(community_id):
    """Categories a matter can be filed under in a community: built-in and the community's own."""
    community = _community(community_id)
    access.require_categories(current_user(), community)
    return {"items": service.categories(community)}


@blp.route("/communities/<int:community_id>/matter-categories", methods=["POST"])
@blp.arguments(CategoryInSchema)
@blp.response(201, CategorySchema)
@requires(Action.MANAGE_MATTER_CATEGORIES, _community)
def add_category(args, community_id):
    """Add a category for this community (staff)."""
    return service.add_category(_community(community_id), **args, actor=current_user())


@blp.route("/matters", methods=["POST"])
@limiter.limit(SUBMIT_LIMIT, key_func=per_signed_in_user)
@hot_path(service.fast_submit, MatterInSchema(), MatterSchema())
@idempotent
@blp.arguments(MatterInSchema)
@blp.response(201, MatterSchema)
@requires()
def submit(args):
    """Report a matter (or record one for a household, 走访登记)."""
    return _detail(service.submit(current_user(), **args))


@blp.route("/matters/mine", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MatterPageSchema)
@requires()
def mine(args):
    """Matters I reported or that concern my household, newest first."""
    return service.my_matters(current_user(), **args)


@blp.route("/matters/assigned", methods=["GET"])
@blp.arguments(WorkArgsSchema, location="query")
@blp.response(200, WorkPageSchema)
@requires()
def assigned(args):
    """My work list: open matters assigned to me or to the department, committee or volunteer
    team I act for, earliest due date first (overdue ones lead)."""
    return service.work_list(current_user(), **args)


@blp.route("/matters/<int:matter_id>", methods=["GET"])
@blp.response(200, MatterSchema)
@requires()
def detail(matter_id):
    """A matter with its timeline (submitter masked for neighbours)."""
    return _detail(_visible(matter_id))


@blp.route("/communities/<int:community_id>/matters", methods=["GET"])
@blp.arguments(CommunityMattersArgsSchema, location="query")
@blp.response(200, CommunityMatterPageSchema)
@requires(Action.VIEW_MATTERS, _community)
def community_matters(args, community_id):
    """A community's matters, newest first, by status, class, grid, handler, overdue or an
    unsatisfied rating, each with its handler, due date and rating (staff and council)."""
    return service.community_matters(_community(community_id), current_user(), **args)


@blp.route("/communities/<int:community_id>/triage-queue", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TriagePageSchema)
@requires(Action.TRIAGE_MATTERS, _community)
def triage_queue(args, community_id):
    """Unclassified matters, oldest first, with household flags and likely duplicates."""
    return service.triage_queue(_community(community_id), **args)


@blp.route("/matters/<int:matter_id>/classify", methods=["POST"])
@blp.arguments(ClassifySchema)
@blp.response(200, MatterSchema)
@requires()
def classify(args, matter_id):
    """Sort as major, minor or private (大事/小事/私事), with the reason."""
    return _detail(service.classify(current_user(), _visible(matter_id), args["matter_class"], args["reason"]))


@blp.route("/matters/<int:matter_id>/reclassify", methods=["POST"])
@blp.arguments(ClassifySchema)
@blp.response(200, MatterSchema)
@requires()
def reclassify(args, matter_id):
    """Change the class with a reason; the earlier decision stays in the timeline."""
    return _detail(service.reclassify(current_user(), _visible(matter_id), args["matter_class"], args["reason"]))


@blp.route("/matters/<int:matter_id>/class-votes", methods=["POST"])
@idempotent
@blp.arguments(ClassVotesSchema)
@blp.response(200, MatterSchema)
@requires()
def class_votes(args, matter_id):
    """Record the council's vote on the class at a sitting; the majority decides, a tie does not."""
    return _detail(service.classify_by_vote(current_user(), _visible(matter_id), args["votes"], args["reason"]))


@blp.route("/matters/<int:matter_id>/escalate", methods=["POST"])
@blp.arguments(NoteSchema)
@blp.response(200, MatterSchema)
@requires()
def escalate(args, matter_id):
    """Refer the matter up to the sub-district (上报街道), e.g. when it is overdue."""
    return _detail(service.escalate(current_user(), _visible(matter_id), args["note"]))


@blp.route("/matters/<int:matter_id>/assign", methods=["POST"])
@blp.arguments(AssignSchema)
@blp.response(200, MatterSchema)
@requires()
def assign(args, matter_id):
    """Name the handler: a department with a due date (major), the committee, a grid worker or a
    resident group (minor), the resident or a referral (private)."""
    return _detail(service.assign(current_user(), _visible(matter_id), **args))


@blp.route("/matters/<int:matter_id>/progress", methods=["POST"])
@idempotent
@blp.arguments(HandlerUpdateSchema)
@blp.response(200, MatterSchema)
@requires()
def progress(args, matter_id):
    """The handler reports progress, with photos if any."""
    return _detail(service.post_progress(current_user(), _visible(matter_id), **args))


@blp.route("/matters/<int:matter_id>/resolve", methods=["POST"])
@idempotent
@blp.arguments(HandlerUpdateSchema)
@blp.response(200, MatterSchema)
@requires()
def resolve(args, matter_id):
    """The handler resolves it with a note and photos; the household is asked to evaluate."""
    return _detail(service.resolve(current_user(), _visible(matter_id), **args))


@blp.route("/matters/<int:matter_id>/evaluate", methods=["POST"])
@idempotent
@blp.arguments(EvaluateSchema)
@blp.response(200, MatterSchema)
@requires()
def evaluate(args, matter_id):
    """群众评议: 1–5 and a comment; unsatisfied (≤ 2) within 7 days reopens it. Whoever acts for
    the household names it in `on_behalf_of_household_id` (代为评议)."""
    return _detail(service.evaluate(current_user(), _visible(matter_id), **args))


@blp.route("/matters/<int:matter_id>/withdraw", methods=["POST"])
@blp.arguments(OptionalNoteSchema)
@blp.response(200, MatterSchema)
@requires()
def withdraw(args, matter_id):
    """Withdraw one's own matter while it is not yet handled."""
    return _detail(service.withdraw(current_user(), _visible(matter_id), args["note"]))


@blp.route("/matters/<int:matter_id>/merge", methods=["POST"])
@blp.arguments(MergeSchema)
@blp.response(200, MatterSchema)
@requires()
def merge(args, matter_id):
    """Merge a duplicate into the matter it repeats."""
    return _detail(service.merge(current_user(), _visible(matter_id), args["into_id"], args["note"]))


# Whoever sees a matter may comment, and each comment reaches its household: held per person on
# each matter and over all matters, so a neighbour cannot flood a household (README: Notifications).
COMMENT_ON_A_MATTER_LIMIT = "3 per minute;30 per day"
COMMENT_LIMIT = "10 per minute;100 per day"


def _per_signed_in_user_on_the_matter():
    return f"{per_signed_in_user()}:matter:{request.view_args['matter_id']}"


@blp.route("/matters/<int:matter_id>/comments", methods=["POST"])
@idempotent
@limiter.limit(COMMENT_ON_A_MATTER_LIMIT, key_func=_per_signed_in_user_on_the_matter)
@limiter.limit(COMMENT_LIMIT, key_func=per_signed_in_user)
@blp.arguments(NoteSchema)
@blp.response(200, MatterSchema)
@requires()
def add_comment(args, matter_id):
    """Add a comment to the timeline."""
    return _detail(service.comment(current_user(), _visible(matter_id), args["note"]))


@blp.route("/communities/<int:community_id>/triage-sheet", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, content_type=XLSX, description="三事归类单 (.xlsx)")
@blp.doc(responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@requires(Action.TRIAGE_MATTERS, _community)
def triage_sheet(args, community_id):
    """The triage sheet for a period: each matter with class, handler, status, days open, evaluation."""
    community = _community(community_id)
    data = report.triage_sheet(community, args["start"], args["end"])
    filename = f"triage-{community_id}-{args['start']:%Y%m%d}-{args['end']:%Y%m%d}.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/communities/<int:community_id>/matter-stats", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, MatterStatsSchema)
@requires(Action.TRIAGE_MATTERS, _community)
def matter_stats(args, community_id):
    """Counts by class, status and grid; median days to resolution; satisfaction."""
    return report.matter_stats(_community(community_id), args["start"], args["end"])


@blp.route("/photos", methods=["POST"])
@idempotent
@limiter.limit(UPLOAD_LIMIT, key_func=per_signed_in_user)
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@requires()
def upload_photo(files):
    """Upload a photo (JPEG, PNG or WebP; checked by decoding, EXIF and GPS removed) to attach
    to a submission or an update."""
    return photos.photo_view(photos.upload(current_user(), files["file"].read()))


def _photo_response(photo_id, sig, thumbnail):
    data, content_type = photos.signed_file(photo_id, sig, thumbnail)
    return Response(data, mimetype=content_type, headers={"Cache-Control": "private, max-age=3600"})


@blp.route("/photos/<int:photo_id>", methods=["GET"])
@blp.arguments(PhotoFileArgsSchema, location="query")
@blp.response(200, content_type="image/jpeg", description="the photo (JPEG, PNG or WebP)")
@blp.doc(security=[])
def photo_file(args, photo_id):
    """A photo, by the signed URL a matter's view handed out."""
    return _photo_response(photo_id, args["sig"], thumbnail=False)


@blp.route("/photos/<int:photo_id>/thumbnail", methods=["GET"])
@blp.arguments(PhotoFileArgsSchema, location="query")
@blp.response(200, content_type="image/jpeg", description="the thumbnail (JPEG)")
@blp.doc(security=[])
def photo_thumbnail(args, photo_id):
    """A photo's thumbnail, by signed URL."""
    return _photo_response(photo_id, args["sig"], thumbnail=True)


@blp.route("/voice-notes", methods=["POST"])
@idempotent
@limiter.limit(UPLOAD_LIMIT, key_func=per_signed_in_user)
@blp.arguments(VoiceNoteUploadSchema, location="files")
@blp.response(201, VoiceNoteSchema)
@requires()
def upload_voice_note(files):
    """Upload a voice note (mp3 or m4a, 1–60 s) to send with a report as `voice_note_id`."""
    return voice.voice_view(voice.upload(current_user(), files["file"].read()))


AUDIO = {"type": "string", "format": "binary"}


@blp.route("/voice-notes/<int:voice_note_id>", methods=["GET"])
@blp.response(200, content_type="audio/mpeg", description="the recording: audio/mpeg (mp3) or audio/mp4 (m4a)")
@blp.doc(responses={200: {"content": {"audio/mpeg": {"schema": AUDIO}, "audio/mp4": {"schema": AUDIO}}}})
@requires()
def voice_note_file(voice_note_id):
    """A voice note, to its uploader and to those who see its matter in full (the household,
    triage, handlers); 404 to anyone else."""
    data, content_type = voice.playable_file(current_user(), voice_note_id)
    return Response(data, mimetype=content_type, headers={"Cache-Control": "private, no-store"})

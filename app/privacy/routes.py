"""Privacy (PIPL): the notice, one's own data, deleting one's account."""
from flask_smorest import Blueprint

from app.auth.permissions import current_user, requires
from app.privacy import service
from app.privacy.schemas import EraseSchema, ExportSchema, NoticeSchema

blp = Blueprint("privacy", __name__, url_prefix="/api/v1", description="Privacy notice, data export, account deletion")


@blp.route("/privacy-notice", methods=["GET"])
@blp.response(200, NoticeSchema)
@blp.doc(security=[])
def notice():
    """The privacy notice for the mini-program's consent screen (no sign-in needed)."""
    return service.NOTICE


@blp.route("/me/export", methods=["GET"])
@blp.response(200, ExportSchema)
@requires()
def export():
    """Everything held about me, as JSON."""
    return service.export(current_user())


@blp.route("/me/erase", methods=["POST"])
@blp.arguments(EraseSchema)
@blp.response(204)
@requires()
def erase(args):
    """Delete my account: my identity is erased at once; matters and ballots stay in the
    community's record without my name."""
    service.erase(current_user())

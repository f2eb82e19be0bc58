"""The audit log: read by a community's staff and supervisors; nothing here writes it."""
from flask_smorest import Blueprint

from app.audit import service
from app.audit.schemas import AuditArgsSchema, AuditPageSchema, ChainCheckSchema
from app.auth.permissions import Action, current_user, get_or_404, holds, requires
from app.community.models import Community
from app.errors import ApiError

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit log, chained by hash")


def community(community_id, **_):
    return get_or_404(Community, community_id, "社区不存在")


@blp.route("/communities/<int:community_id>/audit-entries", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
@requires(Action.VIEW_AUDIT, community)
def entries(args, community_id):
    """Every audited act in the community, oldest first; by action (or a kind of act), target or
    whoever did it."""
    return service.entry_views(service.entries(community_id=community_id, **args))


@blp.route("/audit/verify", methods=["GET"])
@blp.response(200, ChainCheckSchema)
@requires()
def verify():
    """Check the whole chain: no entry edited, inserted or removed."""
    if not holds(current_user(), Action.VIEW_AUDIT):
        raise ApiError(403, "forbidden", "没有权限进行此操作", details={"action": str(Action.VIEW_AUDIT)})
    return service.verify()

from flask_smorest import Blueprint

blp = Blueprint("funds", __name__, url_prefix="/api/v1",
                description="Community money (社区基金): funds, the ledger, contributions, statements (账目公示)")

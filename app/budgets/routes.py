from flask_smorest import Blueprint

blp = Blueprint("budgets", __name__, url_prefix="/api/v1",
                description="Participatory budgets (参与式预算): rounds, proposals, review (五议三不议), the vote, "
                            "funded projects")

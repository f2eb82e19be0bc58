"""Printable PDFs (公示 on paper): thin routes over app/printing/, each allowed to whoever may
read what it prints, as the JSON endpoint that reads it decides."""
from flask_smorest import Blueprint

from app.auth.permissions import current_user, requires
from app.funds import statements as fund_statements
from app.meetings import service as meetings
from app.polls import service as polls
from app.printing import funds as fund_sheets
from app.printing import join_codes, layout
from app.printing import meetings as meeting_sheets
from app.printing import polls as poll_sheets
from app.printing.schemas import JoinCodeSlipsSchema, PaperBallotsArgsSchema

blp = Blueprint("printing", __name__, url_prefix="/api/v1",
                description="Printable PDFs: results and minutes for the notice board (公示), meeting notices, "
                            "sign-in sheets, paper ballots, join-code slips, fund statements (账目公示)")


def answers_pdf(description):
    """The OpenAPI answer of a PDF endpoint: application/pdf, binary."""
    def decorate(view):
        view = blp.doc(responses={200: {"content": {layout.PDF: {"schema": {"type": "string", "format": "binary"}}}}})(view)
        return blp.response(200, content_type=layout.PDF, description=description)(view)
    return decorate


@blp.route("/polls/<int:poll_id>/result.pdf", methods=["GET"])
@answers_pdf("表决结果公示 (PDF)")
@requires()
def poll_result(poll_id):
    """The result's 公示 for the notice board, once the poll is closed (409 before)."""
    poll = polls.get_visible(current_user(), poll_id)
    return layout.pdf_response(poll_sheets.result_notice(poll), f"poll-{poll_id}-result.pdf")


@blp.route("/polls/<int:poll_id>/paper-ballots.pdf", methods=["GET"])
@blp.arguments(PaperBallotsArgsSchema, location="query")
@answers_pdf("纸质选票 (PDF): a page per household, with its ballot code")
@requires()
def paper_ballots(args, poll_id):
    """Paper ballots for the households the caller may enter them for that have not voted, while
    the poll is open; each carries the ballot code to scan when entering it."""
    poll = polls.get_visible(current_user(), poll_id)
    return layout.pdf_response(poll_sheets.paper_ballots(current_user(), poll, args["building_id"]),
                               f"poll-{poll_id}-paper-ballots.pdf")


@blp.route("/meetings/<int:meeting_id>/notice.pdf", methods=["GET"])
@answers_pdf("会议通知 (PDF)")
@requires()
def meeting_notice(meeting_id):
    """The meeting's notice for the courtyard's board, once published."""
    meeting = meetings.get_visible(current_user(), meeting_id)
    return layout.pdf_response(meeting_sheets.notice(current_user(), meeting), f"meeting-{meeting_id}-notice.pdf")


@blp.route("/meetings/<int:meeting_id>/sign-in-sheet.pdf", methods=["GET"])
@answers_pdf("签到表 (PDF)")
@requires()
def sign_in_sheet(meeting_id):
    """The sign-in sheet with the current check-in code (organiser, staff)."""
    meeting = meetings.get_visible(current_user(), meeting_id)
    return layout.pdf_response(meeting_sheets.sign_in_sheet(current_user(), meeting),
                               f"meeting-{meeting_id}-sign-in.pdf")


@blp.route("/meetings/<int:meeting_id>/minutes.pdf", methods=["GET"])
@answers_pdf("会议纪要公示 (PDF)")
@requires()
def meeting_minutes(meeting_id):
    """The minutes' 公示, once published (409 before)."""
    meeting = meetings.get_visible(current_user(), meeting_id)
    return layout.pdf_response(meeting_sheets.minutes(current_user(), meeting), f"meeting-{meeting_id}-minutes.pdf")


@blp.route("/fund-statements/<int:statement_id>/statement.pdf", methods=["GET"])
@answers_pdf("账目公示 (PDF)")
@requires()
def fund_statement(statement_id):
    """A fund's statement for the notice board, as the households read it (no household named)."""
    statement = fund_statements.get_readable(current_user(), statement_id)
    return layout.pdf_response(fund_sheets.statement_notice(statement), f"fund-statement-{statement_id}.pdf")


@blp.route("/join-codes/slips.pdf", methods=["POST"])
@blp.arguments(JoinCodeSlipsSchema)
@answers_pdf("入户码小条 (PDF)")
@requires()
def join_code_slips(args):
    """Slips of join codes just issued, sent back as POST /households/{id}/join-codes answered
    them (only their hashes are kept, so they cannot be printed later); each is checked against
    its hash, unused, unexpired, and its household one the caller may issue codes for."""
    return layout.pdf_response(join_codes.slips(current_user(), args["codes"]), "join-code-slips.pdf")

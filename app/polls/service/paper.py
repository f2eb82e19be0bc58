"""Paper and proxy ballots: whoever acts for a household (app/community/acting.py: its building
head, grid worker, staff) enters its 纸质票 or 委托投票 with a photo, recorded as done for it and as
what; it counts once a supervisor has compared the two."""
from sqlalchemy import select

from app.community.models import Household
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters.models import MatterPhoto
from app.matters.photos import discard, photo_view, unused
from app.models_base import utcnow
from app.pagination import paginate
from app.polls import access, secrecy
from app.polls.models import Ballot, BallotStatus, BallotVia, PaperBallot, PaperStatus, PollElector
from app.auth.service import user_names
from app.polls.service.common import event, household_labels, lock_open
from app.polls.service.voting import choices_of, mark_voted, put_ballot


def enter_paper(actor, poll, household_id, answers, photo_id, via=BallotVia.PAPER, proxy_name=None,
                authorization_text=None, ballot_code=None):
    """A household's paper ballot or proxy vote with a photo of the paper or authorization. It
    waits for a supervisor's confirmation. The household is chosen, or named by the code printed
    on its paper ballot (`ballot_code`, scanned; app/printing/polls.py)."""
    if ballot_code is not None:
        scanned = secrecy.household_of_paper_code(poll, ballot_code)
        if household_id not in (None, scanned):
            raise invalid("ballot_code", "选票编码与所选住户不一致，请核对选票")
        household_id = scanned
    if household_id is None:
        raise invalid("household_id", "请选择住户，或扫描选票上的编码")
    household = db.session.get(Household, household_id)
    if household is None or household.community_id != poll.community_id:
        raise invalid("household_id", "住户不存在")
    agency = access.check_paper_entry(actor, household)
    lock_open(poll)
    access.check_paper_poll(poll)
    if via == BallotVia.PROXY and not (proxy_name and authorization_text):
        raise invalid("authorization_text", "委托投票须登记受托人和委托书内容")
    elector = db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, household_id=household.id))
    if elector is None:
        raise ApiError(403, "not_in_electorate", "该住户不在本次表决的投票范围内")
    photo = db.session.scalar(select(MatterPhoto).where(MatterPhoto.id == photo_id, *unused(actor)))
    if photo is None:
        raise invalid("photo_id", "请上传纸质票或委托书的照片")
    put_ballot(poll, elector, choices_of(poll.questions, answers), via, BallotStatus.PENDING)
    paper = PaperBallot(poll_id=poll.id, household_id=household.id, via=via, photo_id=photo.id,
                        proxy_name=proxy_name if via == BallotVia.PROXY else None,
                        authorization_text=authorization_text if via == BallotVia.PROXY else None,
                        entered_by_id=actor.id, status=PaperStatus.PENDING)
    db.session.add(paper)
    event(poll, actor, f"{via}_entered", household.id,
          note=f"受托人：{proxy_name}；委托书：{authorization_text}" if via == BallotVia.PROXY else "",
          acting=agency.details())
    db.session.flush()
    return paper


def _pending_ballot(poll, paper):
    elector = db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, household_id=paper.household_id))
    return db.session.get(Ballot, secrecy.ballot_key(poll, elector.voter_key), with_for_update=True), elector


def _review(actor, poll, paper):
    """Checks before a decision on an entry. In a secret poll the photo — the household's
    paper with its choices — is destroyed with the decision: it has served its purpose."""
    access.check_supervise(actor, poll)
    lock_open(poll)
    access.check_review(actor, paper)
    paper.reviewed_by_id, paper.reviewed_at = actor.id, utcnow()
    if poll.secret:
        photo = db.session.get(MatterPhoto, paper.photo_id)
        paper.photo_id = None
        db.session.flush()
        discard(photo)


def confirm_paper(actor, poll, paper):
    """A supervisor has compared the photo with what was entered: the ballot counts."""
    _review(actor, poll, paper)
    ballot, elector = _pending_ballot(poll, paper)
    ballot.status = BallotStatus.COUNTED
    paper.status = PaperStatus.CONFIRMED
    mark_voted(poll, elector.voter_key)
    event(poll, actor, f"{paper.via}_confirmed", paper.household_id)
    db.session.flush()
    return paper


def reject_paper(actor, poll, paper, reason):
    """The entry does not match the paper (or the authorization is missing): the ballot is
    removed, and the household may vote again."""
    _review(actor, poll, paper)
    ballot, _elector = _pending_ballot(poll, paper)
    db.session.delete(ballot)
    paper.status, paper.review_note = PaperStatus.REJECTED, reason
    event(poll, actor, f"{paper.via}_rejected", paper.household_id, note=reason)
    db.session.flush()
    return paper


def paper_ballots(actor, poll, status=None, cursor=None, limit=20):
    """Supervisors see every entry; those who enter ballots see their own."""
    query = select(PaperBallot).where(PaperBallot.poll_id == poll.id)
    if not access.allows(access.check_supervise, actor, poll):
        access.check_paper_list(actor, poll)
        query = query.where(PaperBallot.entered_by_id == actor.id)
    if status is not None:
        query = query.where(PaperBallot.status == status)
    page = paginate(db.session, query, PaperBallot.id, {"cursor": cursor, "limit": limit})
    return {**page, "items": paper_views(actor, poll, page["items"])}


def paper_views(viewer, poll, papers):
    """Paper ballots with their photos; supervisors also see what was entered while it waits
    for them (to compare with the photo)."""
    supervisor = access.allows(access.check_supervise, viewer, poll)
    households = household_labels({paper.household_id for paper in papers})
    names = user_names({paper.entered_by_id for paper in papers} | {paper.reviewed_by_id for paper in papers})
    photos = {photo.id: photo_view(photo) for photo in db.session.scalars(
        select(MatterPhoto).where(MatterPhoto.id.in_([paper.photo_id for paper in papers if paper.photo_id])))}
    entered = _entered_choices(poll, [paper for paper in papers if paper.status == PaperStatus.PENDING]) \
        if supervisor else {}
    items = []
    for paper in papers:
        items.append({
            "id": paper.id, "household_id": paper.household_id, "household": households.get(paper.household_id),
            "via": paper.via, "photo": photos.get(paper.photo_id), "proxy_name": paper.proxy_name,
            "authorization_text": paper.authorization_text, "entered_by": names.get(paper.entered_by_id),
            "entered_at": paper.entered_at, "status": paper.status, "reviewed_by": names.get(paper.reviewed_by_id),
            "reviewed_at": paper.reviewed_at, "review_note": paper.review_note,
            "choices": entered.get(paper.household_id)})
    return items


def _entered_choices(poll, papers):
    """{household id: the choices entered} for pending paper ballots, in two queries."""
    if not papers:
        return {}
    keys = {household_id: secrecy.ballot_key(poll, voter_key) for household_id, voter_key in db.session.execute(
        select(PollElector.household_id, PollElector.voter_key).where(
            PollElector.poll_id == poll.id, PollElector.household_id.in_([paper.household_id for paper in papers])))}
    ballots = {b.id: b for b in db.session.scalars(select(Ballot).where(Ballot.id.in_(keys.values())))}
    held = {key: secrecy.contents(poll, ballot) for key, ballot in ballots.items()}
    return {household_id: held[key].choices for household_id, key in keys.items() if held.get(key)}


def get_paper(poll, paper_id):
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None or paper.poll_id != poll.id:
        raise ApiError(404, "not_found", "纸质票不存在")
    return paper

"""A demo community modelled on Donghai community (东海社区, Shengsi, Zhejiang) in the articles:
7 grids, 3 council members per grid (21 in all), building heads, grid workers, staff, two
departments and the "Golden Harbour" volunteer team. Households go in through the roster
import, the same path real data takes. Running it again changes nothing.

Every demo person signs in with the development login `dev:<name>` (see README).
"""
import io
import random
from datetime import timedelta
from decimal import Decimal

from PIL import Image, ImageDraw

from app.auth.models import User
from app.budgets import service as budgets
from app.budgets.models import BudgetRound, BudgetRule
from app.auth.service import find_or_create_user
from app.community import roster, service
from app.community.models import (Building, Community, Department, Grid, Household, HouseholdMember, Role,
                                  RoleAssignment, VolunteerTeam)
from app.extensions import db
from app.funds import service as funds
from app.funds import statements
from app.funds.models import EntryKind, PaidBy
from app.matters import photos
from app.matters import service as matters
from app.matters.models import HandlerType, Matter, MatterClass
from app.notifications.models import Notification
from app.notifications.service import notify
from app.models_base import utcnow
from app.notifications.templates import NotificationKind
from app.polls import service as polls
from app.polls.models import Electorate, Poll, QuestionKind, ScopeKind
from app.polls.rules import Rule

COMMUNITY = {"name": "东海社区", "district": "嵊泗县", "subdistrict": "菜园镇"}
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格", "第七网格"]
COURTYARDS = ["海滨新村", "渔港小区", "东海弄", "沙河路院落", "金平小区", "后岙院落", "青沙新村",
              "南长涂院落", "五龙小区", "石柱院落", "关岙新村", "黄沙小区", "田岙院落", "基湖弄"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "海燕建国秀英志强桂兰国华丽娟明军玉梅德胜春花永林小平金凤宝珍阿毛根娣荣"
DEPARTMENTS = ["县综合行政执法局（城管）", "县住房和城乡建设局"]
VOLUNTEER_TEAM = ("金色港湾义工队", "每月25日上门看望独居和空巢老人")


def roster_rows(seed=20261121):
    """About 500 households: 14 courtyards × 3 buildings × 2 units × 6 flats."""
    rng = random.Random(seed)
    rows = []
    for index, courtyard in enumerate(COURTYARDS):
        grid = GRID_NAMES[index // 2]
        for building in range(1, 4):
            for unit in (1, 2):
                for floor in (1, 2, 3):
                    for flat in (1, 2):
                        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
                        flags = []
                        if rng.random() < 0.08:
                            flags.append("独居老人")
                        if rng.random() < 0.03:
                            flags.append("残疾")
                        if rng.random() < 0.04:
                            flags.append("低保")
                        rows.append((len(rows) + 2, {
                            "grid": grid, "courtyard": courtyard, "building": f"{building}幢",
                            "unit": f"{unit}单元", "room": f"{floor}0{flat}",
                            "floor_area": str(Decimal(rng.randint(4500, 12000)) / 100),
                            "head_name": name, "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                            "flags": "、".join(flags),
                        }))
    return rows


def _user(login_name, display_name):
    user = find_or_create_user(f"dev-{login_name}")
    user.name = user.name or display_name
    return user


def _home(user, household, is_head=True):
    if service.membership_of(user) is None:
        service.add_member(household, user, is_head=is_head and not any(m.is_head for m in household.members))


def load_demo():
    """Load (or top up) the demo community; returns a summary of what is there."""
    community = db.session.scalar(db.select(Community).filter_by(name=COMMUNITY["name"]))
    if community is None:
        community = service.create_community(**COMMUNITY)
    report = roster.import_rows(community, roster_rows())

    departments = []
    for name in DEPARTMENTS:
        department = db.session.scalar(db.select(Department).filter_by(name=name))
        departments.append(department or service.create_department(name))
    team = db.session.scalar(db.select(VolunteerTeam).filter_by(community_id=community.id, name=VOLUNTEER_TEAM[0]))
    team = team or service.create_volunteer_team(community, *VOLUNTEER_TEAM)

    grids = db.session.scalars(db.select(Grid).filter_by(community_id=community.id).order_by(Grid.id)).all()
    buildings = db.session.scalars(
        db.select(Building).filter_by(community_id=community.id).order_by(Building.id)).all()

    def households_of(grid):
        return db.session.scalars(db.select(Household).filter_by(grid_id=grid.id).order_by(Household.id)).all()

    service.grant_role(None, _user("admin", "系统管理员"), Role.ADMIN)
    service.grant_role(None, _user("staff", "王海燕"), Role.STAFF, community.id)
    service.grant_role(None, _user("owners", "陈国华"), Role.OWNERS_COMMITTEE, community.id)
    service.grant_role(None, _user("supervisor", "林秀英"), Role.SUPERVISOR, community.id)
    service.grant_role(None, _user("liaison-cg", "城管联络员"), Role.DEPARTMENT_LIAISON, departments[0].id)
    service.grant_role(None, _user("liaison-zj", "住建联络员"), Role.DEPARTMENT_LIAISON, departments[1].id)
    service.grant_role(None, _user("volunteer", "金港义工队长"), Role.VOLUNTEER_LEAD, team.id)
    for number, grid in enumerate(grids, start=1):
        service.grant_role(None, _user(f"grid{number}", f"{grid.name}网格员"), Role.GRID_WORKER, grid.id)
        homes = households_of(grid)
        for seat in range(3):  # 3 council members per grid, 21 in all, each living in it
            council = _user(f"council{(number - 1) * 3 + seat + 1}", homes[seat * 7].head_name)
            service.grant_role(None, council, Role.COUNCIL_MEMBER, community.id)
            _home(council, homes[seat * 7])
    for number, building in enumerate(buildings[:6], start=1):
        service.grant_role(None, _user("bhead" if number == 1 else f"bhead{number}", f"{building.name}楼栋长"),
                           Role.BUILDING_HEAD, building.id)

    first_building_homes = db.session.scalars(
        db.select(Household).filter_by(building_id=buildings[0].id).order_by(Household.id)).all()
    _home(_user("resident", first_building_homes[1].head_name), first_building_homes[1])
    elder_home = db.session.scalar(db.select(Household).filter_by(
        community_id=community.id, elderly_alone=True).order_by(Household.id))
    _home(_user("elder", elder_home.head_name), elder_home)
    _welcome(community)
    db.session.flush()
    _sample_matters(community, departments[0], first_building_homes[1], elder_home)
    _sample_poll(community, buildings[0])
    _sample_money(community, buildings[0])
    households = db.session.scalar(db.select(db.func.count(Household.id)).filter_by(community_id=community.id))
    return {"community": community.name, "community_id": community.id, "households": households,
            "roster": report.as_dict()}


def people():
    """The demo people to sign in as (GET /auth/dev-logins): every development login (openid
    `dev-<name>`) that holds a role or a home, in the order load_demo made them, with the code to
    sign in with and their roles as /me gives them, a home being the resident role over it.
    A fixed number of queries, however many people there are."""
    users = db.session.scalars(db.select(User).where(
        User.openid.like("dev-%"),
        User.id.in_(db.select(RoleAssignment.user_id)) | User.id.in_(db.select(HouseholdMember.user_id)),
    ).order_by(User.id)).all()
    ids = [user.id for user in users]
    grants = db.session.scalars(
        db.select(RoleAssignment).where(RoleAssignment.user_id.in_(ids)).order_by(RoleAssignment.id)).all()
    homes = db.session.execute(db.select(HouseholdMember.user_id, Household).join(
        Household, Household.id == HouseholdMember.household_id).where(HouseholdMember.user_id.in_(ids))).all()
    names = service.scope_names([(grant.scope_kind, grant.scope_id) for grant in grants if grant.scope_kind]
                                + [("building", home.building_id) for _, home in homes])
    roles = {}
    for grant in grants:
        roles.setdefault(grant.user_id, []).append({"role": grant.role, "scope_id": grant.scope_id,
                                                    "scope_name": names.get((grant.scope_kind, grant.scope_id))})
    for user_id, home in homes:
        address = f"{names[('building', home.building_id)]} {home.unit} {home.room}"
        roles.setdefault(user_id, []).append({"role": Role.RESIDENT.value, "scope_id": home.id, "scope_name": address})
    return [{"code": "dev:" + user.openid.removeprefix("dev-"), "name": user.name, "roles": roles[user.id]}
            for user in users]


def _welcome(community):
    """A first notice in each demo user's inbox (once: users who already have one are skipped)."""
    users = db.session.scalars(db.select(User.id).where(
        User.openid.like("dev-%"), ~User.id.in_(db.select(Notification.user_id)))).all()
    notify(users, NotificationKind.NOTICE,
           {"title": f"欢迎使用{community.name}院坝", "body": "有事好商量，大家的事大家议。诉求、会议和投票的消息都会出现在这里。"},
           page="pages/index/index")


def _sample_matters(community, department, resident_home, elder_home):
    """A few matters at different stages, once, so every page has something to show."""
    if db.session.scalar(db.select(Matter.id).filter_by(community_id=community.id).limit(1)):
        return
    user = _user("resident", resident_home.head_name)
    staff, council, bhead = _user("staff", "王海燕"), _user("council1", None), _user("bhead", None)
    matters.submit(user, "单元门口路灯坏了", "street_lamp", "晚上很黑，老人出门不方便", place_text="1单元门口")
    lamp = matters.submit(bhead, "独居老人家中灯泡坏了", "facility_repair", "老人行动不便，无法自行更换",
                          on_behalf_of_household_id=elder_home.id)
    matters.classify(council, lamp, MatterClass.MINOR, "独居老人，属社区帮扶的小事")
    matters.assign(council, lamp, HandlerType.COMMITTEE, "居委会安排志愿者上门")
    shed = matters.submit(user, "楼顶违规搭建板房", "illegal_construction", "顶楼住户在公共屋面搭建板房")
    matters.classify(council, shed, MatterClass.MAJOR, "占用公共屋面，属违法建设")
    matters.assign(staff, shed, HandlerType.DEPARTMENT, "移交城管", department_id=department.id,
                   due_date=matters.local_today() + timedelta(days=15))


def _sample_poll(community, building):
    """An open one-household-one-vote poll for the first building, once."""
    if db.session.scalar(db.select(Poll.id).filter_by(community_id=community.id).limit(1)):
        return
    owners = _user("owners", "陈国华")
    poll = polls.create(
        owners, community.id, "1幢楼道加装扶手和声控灯", Electorate.HOUSEHOLDS, Rule.MAJORITY,
        [{"text": "是否同意使用维修基金加装楼道扶手", "kind": QuestionKind.YES_NO},
         {"text": "声控灯选哪种", "kind": QuestionKind.SINGLE, "options": ["普通声控灯", "人体感应灯"]}],
        closes_at=utcnow() + timedelta(days=7), scope_kind=ScopeKind.BUILDINGS, scope_ids=[building.id],
        description="楼道没有扶手，老人上下楼不便。方案由业委会提出，一户一票，截止前可修改。", allow_change=True)
    polls.publish(owners, poll)


def _photo(user):
    """A receipt or an invoice to photograph: a plain JPEG with a line of colour, uploaded as the
    phone would."""
    image = Image.new("RGB", (640, 480), (250, 248, 240))
    ImageDraw.Draw(image).rectangle((40, 200, 600, 280), fill=(200, 40, 40))
    data = io.BytesIO()
    image.save(data, "JPEG")
    return photos.upload(user, data.getvalue()).id


def _sample_money(community, building):
    """Community money, once: the community fund with the street office's grant, an estate's
    100 元/户 pot, a closed participatory budget round (Equal Shares) whose winner was carried
    out, signed off and accounted for in a project statement, and a round of the estate open
    for voting, so that each money page has something to show (README: Community money)."""
    if db.session.scalar(db.select(BudgetRound.id).filter_by(community_id=community.id).limit(1)):
        return
    staff, owners, supervisor = _user("staff", None), _user("owners", None), _user("supervisor", None)
    bhead, council = _user("bhead", None), _user("council1", None)
    today = matters.local_today()
    courtyard = building.courtyard
    fund = funds.create_fund(staff, community, "东海社区微基金", "街道拨款和社会捐赠，用于居民议定的微项目")
    funds.record(staff, fund, EntryKind.GRANT, 3_000_000, today - timedelta(days=20), counterparty="菜园镇人民政府",
                 description="2026 年度社区微基金拨款", receipt_no="CY-2026-118")
    pot = funds.create_fund(staff, community, f"{courtyard.name}自筹金", "每户 100 元，楼栋长收取并开具收据",
                            courtyard=courtyard, suggested_fen=10_000)
    homes = db.session.scalars(db.select(Household).filter_by(courtyard_id=courtyard.id).order_by(Household.id)).all()
    for number, home in enumerate(homes[:24]):
        cash = home.building_id == building.id
        funds.record(bhead if cash else staff, pot, EntryKind.CONTRIBUTION, 10_000, today - timedelta(days=3),
                     household_id=home.id, paid_by=PaidBy.CASH if cash else PaidBy.TRANSFER,
                     receipt_no=f"HB-{number + 1:03d}", photo_id=_photo(bhead) if cash else None)

    rules = {title: budgets.create_rule(staff, community, title, text) for title, text in (
        ("违反法律法规的不议", "与法律法规、政策相抵触的事项"),
        ("涉及个人隐私和私人利益的不议", "只关乎一家一户的私事"),
        ("超出社区职责范围的不议", "应由政府部门或市场主体解决的事项"))}
    done = budgets.create(staff, community, "2026 年社区微基金参与式预算", fund.id, 2_000_000, BudgetRule.EQUAL_SHARES,
                          description="居民提案、议事会审议、每户在预算内选项目，按平等份额法确定获资助项目")
    proposals = [
        (council, "沙河路口加装路灯", "路口夜里没有灯，老人摔过跤", "沙河路口", 800_000, 650_000),
        (staff, "老年食堂添置餐桌椅", "食堂座位不够，很多老人站着吃饭", "社区老年食堂", 600_000, 550_000),
        (council, "儿童游乐场更换地垫", "地垫破损，孩子容易摔伤", "海滨新村游乐场", 1_200_000, 1_100_000),
        (staff, "给我家门口铺地砖", "家门口坑洼", "1幢101门口", 300_000, None),
    ]
    projects = [budgets.propose(author, done, title, text, place, estimate) for author, title, text, place, estimate, _
                in proposals]
    budgets.start_review(staff, done)
    for project, (*_, cost) in zip(projects, proposals):
        if cost is None:
            budgets.review(council, done, project, "refuse", "只涉及一户，请通过诉求或楼栋长协调",
                           agenda_rule_id=rules["涉及个人隐私和私人利益的不议"].id)
        else:
            budgets.review(council, done, project, "accept", "现场查看可行，按报价计", cost_fen=cost)
    budgets.open_voting(staff, done)
    voters = db.session.scalars(db.select(Household.id).filter_by(community_id=community.id)
                                .order_by(Household.id).limit(60)).all()
    for number, household_id in enumerate(voters):  # entered from the paper forms by the community
        choice = [projects[0].id, projects[1].id] if number % 3 else [projects[2].id, projects[1].id]
        budgets.cast(staff, done, choice, on_behalf_of_household_id=household_id)
    budgets.close(staff, done)
    winner = projects[1]
    funds.record(owners, fund, EntryKind.SPENDING, 520_000, today - timedelta(days=2), counterparty="嵊泗家具城",
                 description="餐桌 6 张、椅子 24 把", receipt_no="FP-88213", photo_id=_photo(owners),
                 project_id=winner.id)
    budgets.post_update(owners, done, winner, "餐桌椅已送到并摆放，老人试坐满意", percent=100, completes=True,
                        photo_ids=[_photo(owners)])
    budgets.sign_off(supervisor, done, winner, True, "实物与发票一致，验收合格")
    statements.publish(owners, fund, "project", project_id=winner.id)

    estate = budgets.create(staff, community, f"{courtyard.name}自筹金怎么用", pot.id, 200_000, BudgetRule.GREEDY,
                            courtyard_id=courtyard.id, description="大家凑的钱，大家定怎么花：每户在预算内勾选")
    for title, cost in (("单元门口装扶手", 80_000), ("楼道换声控灯", 60_000), ("院坝添两张长椅", 90_000)):
        budgets.review(council, estate, budgets.propose(council, estate, title, location=courtyard.name), "accept",
                       "可行", cost_fen=cost)
    budgets.start_review(staff, estate)
    budgets.open_voting(staff, estate)

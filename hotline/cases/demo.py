"""Demo categories for Fuzhou, with the units each one suggests."""

from .models import Category

CATEGORIES = [
    ("CG", "城市管理", ["福州市城市管理委员会"]),
    ("ZJ", "住房建设", ["福州市城乡建设局", "福州市住房保障和房产管理局"]),
    ("JY", "教育", ["福州市教育局"]),
    ("HB", "生态环境", ["福州市生态环境局"]),
    ("JT", "交通出行", ["福州市交通运输局"]),
    ("SC", "市场监管", ["福州市市场监督管理局"]),
    ("SB", "社会保障", ["福州市人力资源和社会保障局", "福州市医疗保障局"]),
    ("WS", "医疗卫生", ["福州市卫生健康委员会"]),
    ("MZ", "民政", ["福州市民政局"]),
    ("GA", "公安治安", ["福州市公安局"]),
    ("SL", "水利水务", ["福州市水利局"]),
    ("QT", "其他", []),
]


def load_categories() -> None:
    from hotline.organisation.models import Unit

    for code, name, unit_names in CATEGORIES:
        category = Category.objects.create(code=code, name=name)
        category.suggested_units.set(Unit.objects.filter(name__in=unit_names))


def load_demo_cases() -> list:
    """A few cases at every stage, made by the demo staff through the
    workflow itself, so every queue has something in it."""
    from hotline.organisation.models import RoleGrant, Unit, User

    from . import actions
    from .actions import PartPlan, RequesterDetails
    from .models import RefusalReason

    def user(username):
        return User.objects.get(username=username)

    def staff(unit_name, role):
        return RoleGrant.objects.filter(unit__name=unit_name, role=role).first().user

    def unit(name):
        return Unit.objects.get(name=name)

    agent, dispatcher = user("agent"), user("city_dispatcher")
    reviewer, gulou = user("city_reviewer"), user("gulou_bureau")
    cgw, gl_cg = "福州市城市管理委员会", "鼓楼区城市管理局"

    def register(content, phone, name, category, location="", **kw):
        return actions.register_case(
            actor=agent,
            channel=kw.pop("channel", "phone"),
            requester=RequesterDetails(name=name, phone=phone),
            content=content,
            location=location,
            category=Category.objects.get(code=category),
            disclosure_allowed=kw.pop("disclosure_allowed", True),
        )

    def accept(case, **kw):
        actions.accept_case(actor=dispatcher, case=case)
        actions.classify_case(actor=dispatcher, case=case, **{"mode": "public", **kw})

    def handle(assignment, reply):
        name = assignment.unit.name
        actions.read_assignment(actor=staff(name, "handler"), assignment=assignment)
        actions.instruct_assignment(
            actor=staff(name, "leader"), assignment=assignment, instruction="请核实后按时答复。"
        )
        actions.draft_reply(actor=staff(name, "handler"), assignment=assignment, content=reply)
        actions.approve_reply(actor=staff(name, "leader"), assignment=assignment)

    made = []
    # At the city bureau, to screen.
    made.append(
        register(
            "五一路与古田路交叉口红绿灯故障，早高峰拥堵严重。",
            "13600000001",
            "王先生",
            "JT",
            "五一路古田路口",
        )
    )
    made.append(
        actions.submit_online(
            requester=RequesterDetails(name="李女士", phone="13600000002"),
            content="小区楼下餐馆油烟直排，窗户都不敢开，请环保部门检查。",
            location="仓山区金山街道",
            disclosure_allowed=True,
            category=Category.objects.get(code="HB"),
        )
    )
    refused = register("家里有人突发疾病晕倒，怎么办？", "13600000003", "赵先生", "QT")
    actions.refuse_case(actor=dispatcher, case=refused, reason=RefusalReason.EMERGENCY)
    made.append(refused)

    # With a city department, to read.
    case = register(
        "东街口地铁站出口共享单车乱停放，堵塞盲道。", "13600000004", "陈先生", "CG", "东街口地铁站"
    )
    accept(case)
    actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit(cgw))])
    made.append(case)

    # Passed to 鼓楼区, dispatched on, with the leader for approval.
    case = register(
        "鼓楼区温泉路人行道被占道经营，行人只能走机动车道。",
        "13600000005",
        "林女士",
        "CG",
        "鼓楼区温泉路",
    )
    accept(case)
    actions.dispatch_case(
        actor=dispatcher, case=case, parts=[PartPlan(district_bureau=unit("鼓楼区信访局"))]
    )
    actions.dispatch_part(actor=gulou, part=case.parts.get(), plan=PartPlan(sole=unit(gl_cg)))
    assignment = case.assignments.get()
    name = assignment.unit.name
    actions.read_assignment(actor=staff(name, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(name, "leader"), assignment=assignment, instruction="请执法中队核查。"
    )
    actions.draft_reply(
        actor=staff(name, "handler"),
        assignment=assignment,
        content="已清理占道摊点，并纳入日常巡查。",
    )
    made.append(case)

    # A lead with a co-handler; the reply is with the city bureau for review.
    case = register(
        "光明港河道漂浮垃圾多，夏天气味难闻。", "13600000006", "黄先生", "SL", "光明港公园段"
    )
    accept(case)
    actions.dispatch_case(
        actor=dispatcher,
        case=case,
        parts=[PartPlan(lead=unit("福州市水利局"), co=(unit("福州市生态环境局"),))],
    )
    handle(case.assignments.get(role="lead"), "已组织清捞河道漂浮物，并增加保洁频次。")
    made.append(case)

    # Internal handling, requester's choice.
    case = register(
        "反映某单位窗口工作人员办事拖沓、态度差。",
        "13600000007",
        "郑女士",
        "QT",
        disclosure_allowed=False,
    )
    accept(case, mode="internal", reason=2)
    actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit("福州市效能办"))])
    made.append(case)

    # Dispatched two weeks ago and never read: the demo's worker breaches
    # its deadlines within a minute of starting, and the unit is told.
    case = register(
        "鼓楼区南门兜附近井盖缺失，夜间行人容易踩空。", "13600000009", "何女士", "CG", "南门兜"
    )
    accept(case)
    actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit(cgw))])
    _backdate(case, days=14)
    made.append(case)

    # Closed and published.
    case = register("小区门口路灯损坏一个月无人维修。", "13600000008", "吴先生", "CG", "晋安区")
    accept(case)
    actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit(cgw))])
    assignment = case.assignments.get()
    handle(assignment, "已更换损坏灯具，路灯恢复照明。")
    actions.review_reply(actor=reviewer, part=assignment.part, approve=True)
    actions.close_case(actor=reviewer, case=case)
    actions.rate_case(case=case, satisfaction="satisfied", comment="处理很及时")
    made.append(case)
    return made


def _backdate(case, days: int) -> None:
    """Demo data only: move a fresh case's history back in time, so that
    its clocks are already past due when the demo starts."""
    from datetime import timedelta

    from django.db.models import F

    from .changes import touch
    from .models import Assignment, Case, Clock, Event, Part

    shift = timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(received_at=F("received_at") - shift)
    Part.objects.filter(case=case).update(received_at=F("received_at") - shift)
    Assignment.objects.filter(case=case).update(dispatched_at=F("dispatched_at") - shift)
    Event.objects.filter(case=case).update(at=F("at") - shift)
    Clock.objects.filter(case=case).update(
        started_at=F("started_at") - shift,
        due_at=F("due_at") - shift,
        met_at=F("met_at") - shift,
    )
    # The days the case now lands on may already be settled.
    case.refresh_from_db(fields=["received_at", "rated_at"])
    touch(
        case.received_at,
        case.rated_at,
        *Assignment.objects.filter(case=case).values_list("dispatched_at", flat=True),
        *Clock.objects.filter(case=case).values_list("due_at", flat=True),
    )

"""The Fuzhou demo organisation: units, rosters and a login for every role."""

from dataclasses import dataclass
from itertools import cycle

from django.db import transaction

from .models import District, Role, Unit, User
from .naming import short_district_name
from .roster import grant_role

DEMO_PASSWORD = "hotline12345"

DISTRICTS = [
    ("350102", "鼓楼区", District.Kind.DISTRICT),
    ("350103", "台江区", District.Kind.DISTRICT),
    ("350104", "仓山区", District.Kind.DISTRICT),
    ("350105", "马尾区", District.Kind.DISTRICT),
    ("350111", "晋安区", District.Kind.DISTRICT),
    ("350112", "长乐区", District.Kind.DISTRICT),
    ("350121", "闽侯县", District.Kind.COUNTY),
    ("350122", "连江县", District.Kind.COUNTY),
    ("350123", "罗源县", District.Kind.COUNTY),
    ("350124", "闽清县", District.Kind.COUNTY),
    ("350125", "永泰县", District.Kind.COUNTY),
    ("350181", "福清市", District.Kind.COUNTY_CITY),
]

CITY_BUREAU = "福州市信访局"
CITY_BODIES = [
    ("鼓楼数据信息服务中心", Unit.Kind.SERVICE_CENTER, "服务中心"),
    ("福州市效能办", Unit.Kind.EFFICIENCY_OFFICE, "效能办"),
    ("福州市纪委监委", Unit.Kind.DISCIPLINE_COMMISSION, "纪委 监委"),
    ("福州市政务信息中心", Unit.Kind.INFO_CENTER, "信息中心"),
    ("中共福州市委办公厅", Unit.Kind.GENERAL_OFFICE, "市委办"),
    ("福州市人民政府办公厅", Unit.Kind.GENERAL_OFFICE, "市政府办 政府办"),
]
# Each department with the short names staff call it by (issue 15: typing
# 城管 found nothing).
CITY_DEPARTMENTS = [
    ("福州市发展和改革委员会", "发改委 发改"),
    ("福州市教育局", "教育"),
    ("福州市公安局", "公安 警察"),
    ("福州市民政局", "民政"),
    ("福州市人力资源和社会保障局", "人社局 人社 社保"),
    ("福州市自然资源和规划局", "自然资源 规划局 资规"),
    ("福州市生态环境局", "环保局 环保 生态"),
    ("福州市城乡建设局", "建设局 建委"),
    ("福州市住房保障和房产管理局", "房管局 房管 住保"),
    ("福州市城市管理委员会", "城管委 城管"),
    ("福州市交通运输局", "交通局 交通"),
    ("福州市水利局", "水利"),
    ("福州市农业农村局", "农业局 农业"),
    ("福州市商务局", "商务"),
    ("福州市文化和旅游局", "文旅局 文旅"),
    ("福州市卫生健康委员会", "卫健委 卫健 卫生"),
    ("福州市应急管理局", "应急局 应急"),
    ("福州市市场监督管理局", "市场监管局 市场监管 市监"),
    ("福州市医疗保障局", "医保局 医保"),
    ("福州市园林中心", "园林 绿化"),
]
DISTRICT_BODIES = [
    ("效能办", Unit.Kind.EFFICIENCY_OFFICE, "效能办"),
    ("纪委监委", Unit.Kind.DISCIPLINE_COMMISSION, "纪委 监委"),
]
DISTRICT_DEPARTMENTS = [
    ("教育局", "教育"),
    ("住房和城乡建设局", "住建局 住建"),
    ("城市管理局", "城管局 城管"),
    ("市场监督管理局", "市场监管局 市场监管 市监"),
    ("民政局", "民政"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    grants: tuple[tuple[str, str], ...]  # (unit name, role)


LOGINS = [
    DemoLogin("admin", "系统管理员", (("福州市政务信息中心", Role.ADMINISTRATOR),)),
    DemoLogin("agent", "陈晓梅", (("鼓楼数据信息服务中心", Role.AGENT),)),
    DemoLogin("city_dispatcher", "林志强", ((CITY_BUREAU, Role.DISPATCHER),)),
    DemoLogin("city_reviewer", "黄丽华", ((CITY_BUREAU, Role.REVIEWER),)),
    DemoLogin(
        "gulou_bureau",
        "郑建国",
        (("鼓楼区信访局", Role.DISPATCHER), ("鼓楼区信访局", Role.REVIEWER)),
    ),
    DemoLogin("city_handler", "王海燕", (("福州市城市管理委员会", Role.HANDLER),)),
    DemoLogin("city_leader", "刘振华", (("福州市城市管理委员会", Role.LEADER),)),
    DemoLogin("gulou_handler", "吴静", (("鼓楼区城市管理局", Role.HANDLER),)),
    DemoLogin("gulou_leader", "陈德明", (("鼓楼区城市管理局", Role.LEADER),)),
    DemoLogin("city_supervisor", "杨帆", (("福州市效能办", Role.SUPERVISOR),)),
    DemoLogin("gulou_supervisor", "周敏", (("鼓楼区效能办", Role.SUPERVISOR),)),
]

SURNAMES = "林陈黄张吴刘郑王李杨许何游江魏叶蔡潘周谢"
GIVEN = [
    "建华",
    "丽萍",
    "志明",
    "秀英",
    "国强",
    "晓燕",
    "文斌",
    "海峰",
    "雪梅",
    "振宇",
    "玉兰",
    "少华",
]


def _roster_names():
    """Deterministic, plausible names for the people on unit rosters."""
    for given in cycle(GIVEN):
        for surname in SURNAMES:
            yield surname + given


def _units() -> list[Unit]:
    city_bureau = Unit.objects.create(
        name=CITY_BUREAU, kind=Unit.Kind.PETITION_BUREAU, level=Unit.Level.CITY
    )
    units = [city_bureau]
    for name, kind, aliases in CITY_BODIES:
        units.append(
            Unit(name=name, aliases=aliases, kind=kind, level=Unit.Level.CITY, parent=city_bureau)
        )
    for name, aliases in CITY_DEPARTMENTS:
        units.append(
            Unit(
                name=name,
                aliases=aliases,
                kind=Unit.Kind.DEPARTMENT,
                level=Unit.Level.CITY,
                parent=city_bureau,
            )
        )
    Unit.objects.bulk_create(units[1:])
    for code, name, kind in DISTRICTS:
        district = District.objects.create(code=code, name=name, kind=kind)
        bureau = Unit.objects.create(
            name=f"{name}信访局",
            aliases=f"{short_district_name(name)}信访",
            kind=Unit.Kind.PETITION_BUREAU,
            level=Unit.Level.DISTRICT,
            district=district,
            parent=city_bureau,
        )
        members = [
            Unit(
                name=f"{name}{suffix}",
                aliases=aliases,
                kind=kind,
                level=Unit.Level.DISTRICT,
                district=district,
                parent=bureau,
            )
            for suffix, kind, aliases in DISTRICT_BODIES
        ] + [
            Unit(
                name=f"{name}{suffix}",
                aliases=aliases,
                kind=Unit.Kind.DEPARTMENT,
                level=Unit.Level.DISTRICT,
                district=district,
                parent=bureau,
            )
            for suffix, aliases in DISTRICT_DEPARTMENTS
        ]
        Unit.objects.bulk_create(members)
        units += [bureau, *members]
    return units


def demo_is_loaded() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def load_fuzhou_demo() -> list[DemoLogin]:
    """Create the demo organisation in an empty database; all or nothing."""
    admin = User.objects.create_superuser(
        username="admin", password=DEMO_PASSWORD, name="系统管理员"
    )
    _units()
    by_name = {u.name: u for u in Unit.objects.all()}
    for login in LOGINS:
        person = (
            admin
            if login.username == "admin"
            else User.objects.create_user(
                username=login.username, password=DEMO_PASSWORD, name=login.name
            )
        )
        for unit_name, role in login.grants:
            grant_role(actor=admin, person=person, unit=by_name[unit_name], role=role)

    # Every unit names a leader in charge and a handler (R10), every bureau
    # its dispatcher and reviewer, every efficiency office a supervisor. The
    # people without a demo login cannot sign in.
    names = _roster_names()
    extra = {
        Unit.Kind.PETITION_BUREAU: (Role.DISPATCHER, Role.REVIEWER),
        Unit.Kind.EFFICIENCY_OFFICE: (Role.SUPERVISOR,),
    }
    for unit in Unit.objects.order_by("id"):
        for role in (Role.LEADER, Role.HANDLER, *extra.get(unit.kind, ())):
            if unit.role_grants.filter(role=role).exists():
                continue
            person = User(username=f"u{unit.pk}_{role}", name=next(names))
            person.set_unusable_password()
            person.save()
            grant_role(actor=admin, person=person, unit=unit, role=role)
    _roster_notices_unsent()
    return LOGINS


def _roster_notices_unsent() -> None:
    """The demo's rosters are where the organisation starts, not changes
    anyone was told of: grant_role reported each one (R10), some 250 notices
    per member of the bodies told, unread. The changes stay recorded; the
    notices go before the load commits."""
    from hotline.notifications.models import StaffNotification

    StaffNotification.objects.filter(case__isnull=True).delete()

"""The efficiency offices' rules (R10, R11, R12) on a month of activity made
through the workflow, with the expected outcome worked out by hand."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.models import Violation
from hotline.cases.tests.conftest import staff, unit
from hotline.notifications.models import StaffNotification
from hotline.organisation.models import User
from hotline.organisation.roster import grant_role
from hotline.supervision.models import BulletinEntry, Warning
from hotline.supervision.rules import (
    annual_ranking,
    commend,
    decide_warning,
    excuse_violation,
    propose_warnings,
    units_missing_roster,
)

pytestmark = pytest.mark.django_db
CGW, GA = "福州市城市管理委员会", "福州市公安局"
NOVEMBER = date(2026, 11, 1)


def unread_cases(flow, clock, n, unit_name=CGW, day="2026-11-02"):
    """n cases dispatched on a Monday and never read: each read clock (2
    working days) breaches at 00:00 on Thursday."""
    clock(f"{day} 10:00")
    return [flow.to(flow.phone_case(content=f"第{i}件：路灯不亮。"), unit_name) for i in range(n)]


def supervisor():
    return User.objects.get(username="city_supervisor")


def test_three_late_reads_in_a_month_bring_a_warning_proposal_R11_1(flow, clock):
    unread_cases(flow, clock, 3)
    clock("2026-11-05 00:01")
    breach_due_clocks()
    assert Violation.objects.filter(kind="late_read").count() == 3
    proposals = propose_warnings(NOVEMBER)
    assert [(w.person.username, w.reason, w.level) for w in proposals] == [
        ("city_handler", "late_reads", 1)
    ]
    assert proposals[0].evidence.count() == 3
    # each late read names the unit in the bulletin
    assert BulletinEntry.objects.filter(unit__name=CGW, kind="criticism").count() == 3
    assert propose_warnings(NOVEMBER) == []  # run again: nothing new


def test_two_late_reads_are_not_enough_and_an_excused_one_counts_nowhere_R11_1_D5(flow, clock):
    cases = unread_cases(flow, clock, 3)
    clock("2026-11-05 00:01")
    breach_due_clocks()
    late = Violation.objects.get(case=cases[0].case)
    with pytest.raises(PermissionDenied):  # not a district supervisor's unit
        excuse_violation(
            actor=User.objects.get(username="gulou_supervisor"), violation=late, reason="系统故障"
        )
    excuse_violation(actor=supervisor(), violation=late, reason="11月2日系统故障，无法查阅")
    assert propose_warnings(NOVEMBER) == []
    assert not BulletinEntry.objects.filter(violation=late).exists()


def test_lapsed_handling_brings_a_bulletin_entry_and_a_warning_R11_2(flow, clock, person):
    clock("2026-11-02 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    actions.read_assignment(actor=person("city_handler"), assignment=assignment)
    clock("2026-11-17 00:01")  # 10 working days ended on Mon 11-16
    breach_due_clocks()
    proposals = propose_warnings(NOVEMBER)
    assert [(w.reason, w.person.username) for w in proposals] == [("violation", "city_handler")]
    entry = BulletinEntry.objects.get(violation__kind="lapsed")
    assert entry.unit.name == CGW and assignment.case.number in entry.text


def test_in_joint_handling_the_lead_unit_is_named_R11_2(flow, clock):
    clock("2026-11-02 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit(CGW), co=(unit(GA),)))
    clock("2026-11-17 00:01")
    breach_due_clocks()
    propose_warnings(NOVEMBER)
    lapsed = Violation.objects.get(kind="lapsed")
    assert lapsed.unit.name == CGW  # the lead; the co-handler has no reply clock


def test_repeated_warnings_escalate_step_by_step_R11_3(flow, clock):
    """Warnings of one unit within 12 months: the 2nd reaches its leader in
    charge, the 3rd also names the unit in a bulletin."""
    levels = []
    # Mondays of three months; the read clocks end on the Thursdays after.
    for monday, thursday in [
        ("2026-11-02", "2026-11-05"),
        ("2026-12-07", "2026-12-10"),
        ("2027-01-04", "2027-01-07"),
    ]:
        unread_cases(flow, clock, 3, day=monday)
        clock(f"{thursday} 00:01")
        breach_due_clocks()
        warning = propose_warnings(date.fromisoformat(monday).replace(day=1))[0]
        levels.append((warning.level, warning.leader.username if warning.leader else None))
        decide_warning(actor=supervisor(), warning=warning, issue=True)
    assert levels == [(1, None), (2, "city_leader"), (3, "city_leader")]
    assert BulletinEntry.objects.filter(warning__level=3).count() == 1
    assert (
        StaffNotification.objects.filter(
            user__username="city_leader", text__startswith="效能告诫"
        ).count()
        == 2
    )


def test_a_supervisor_may_dismiss_a_proposal(flow, clock):
    unread_cases(flow, clock, 3)
    clock("2026-11-05 00:01")
    breach_due_clocks()
    warning = propose_warnings(NOVEMBER)[0]
    with pytest.raises(PermissionDenied):
        decide_warning(actor=User.objects.get(username="city_handler"), warning=warning, issue=True)
    decide_warning(actor=supervisor(), warning=warning, issue=False, note="当月系统升级")
    warning.refresh_from_db()
    assert warning.decision == "dismissed"


def test_roster_changes_reach_the_bodies_the_regulation_names_R10(flow):
    newcomer = User.objects.create_user(username="new", password="pw-123456x", name="新同事")
    admin = User.objects.get(username="admin")
    grant_role(actor=admin, person=newcomer, unit=unit("鼓楼区教育局"), role="handler")
    told = set(
        StaffNotification.objects.filter(text__contains="鼓楼区教育局责任名单变动").values_list(
            "user__username", flat=True
        )
    )
    # the district's efficiency office and bureau, and the three city bodies
    assert {"gulou_supervisor", "gulou_bureau", "city_supervisor", "city_dispatcher"} <= told
    assert staff("福州市政务信息中心", "handler").username in told
    assert "city_handler" not in told and staff("台江区效能办", "supervisor").username not in told


def test_units_without_a_leader_or_handler_are_flagged_R10():
    assert not units_missing_roster().exists()  # the demo names everyone
    from hotline.organisation.models import RoleGrant

    RoleGrant.objects.filter(unit__name=GA, role="leader").delete()
    assert [u.name for u in units_missing_roster()] == [GA]


def test_the_annual_ranking_weighs_the_four_measures_R12(flow, clock, person):
    """城管委 reads and replies on time, is approved at the first review and
    rated satisfied: 100. 公安局 reads late once in two, needs one redo in
    three reviews, replies on time, and one of two ratings is dissatisfied:
    read 0.5×20 + quality ⅔×30 + reply 1.0×25 + satisfaction 0.5×25 = 67.5."""
    clock("2026-11-02 10:00")
    good = flow.to(flow.phone_case(content="甲"), CGW)
    flow.handle(good)
    flow.review(good.part)
    actions.rate_case(case=flow.close(good.case), satisfaction="satisfied")

    late = flow.to(flow.phone_case(content="乙"), GA)
    on_time = flow.to(flow.phone_case(content="丙"), GA)
    flow.handle(on_time)
    flow.review(on_time.part)
    actions.rate_case(case=flow.close(on_time.case), satisfaction="dissatisfied")
    clock("2026-11-05 09:00")  # 乙's read clock ended at 00:00
    breach_due_clocks()
    flow.handle(late)
    flow.review(late.part, approve=False, reasons="不完整")
    flow.reply(late, "补充")
    flow.review(late.part)
    actions.rate_case(case=flow.close(late.case), satisfaction="satisfied")

    scores = {s.unit.name: s for s in annual_ranking(2026)}
    assert scores[CGW].score == 100.0
    police = scores[GA]
    assert (police.read, police.quality, police.reply, police.satisfaction) == (
        0.5,
        2 / 3,
        1.0,
        0.5,
    )
    assert police.score == 67.5
    with pytest.raises(ValidationError):
        commend(actor=supervisor(), year=2026, top=1)  # the year is not over
    clock("2027-01-04 09:00")
    entries = commend(actor=supervisor(), year=2026, top=1)
    assert [e.unit.name for e in entries] == [CGW]
    with pytest.raises(ValidationError):
        commend(actor=supervisor(), year=2026, top=1)  # once


def test_a_supervisor_issues_a_proposal_from_the_workbench_R11(flow, clock, client):
    unread_cases(flow, clock, 3)
    clock("2026-11-05 00:01")
    breach_due_clocks()
    from hotline.supervision.tasks import propose_warnings_nightly

    assert propose_warnings_nightly.call_local() == 1
    client.force_login(supervisor())
    page = client.get("/supervision/").content.decode()
    assert 'data-testid="warning"' in page
    warning = Warning.objects.get()
    client.post(f"/supervision/warnings/{warning.pk}/", {"decision": "issue", "note": "属实"})
    warning.refresh_from_db()
    assert (warning.decision, warning.note) == ("issued", "属实")

"""Escalation to the general office (R8.8)."""

import pytest

from hotline.cases import actions
from hotline.cases.errors import InvalidInput, NotAllowed
from hotline.cases.tests.conftest import staff, unit

pytestmark = pytest.mark.django_db
GOV = "福州市人民政府办公厅"
PARTY = "中共福州市委办公厅"


def test_a_difficult_case_goes_to_the_general_office_with_a_copy_R8_8(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.to(case, "福州市城市管理委员会")
    escalation = actions.escalate_case(
        actor=flow.city_dispatcher,
        case=case,
        summary="涉及多部门，需市政府协调。",
        main_recipient=unit(GOV),
        copy_recipients=[unit(PARTY)],
    )
    assert [u.name for u in escalation.copy_recipients.all()] == [PARTY]
    with pytest.raises(NotAllowed):  # the copy recipient does not record the outcome
        actions.record_coordination(
            actor=staff(PARTY, "leader"), escalation=escalation, outcome="x"
        )
    actions.record_coordination(
        actor=staff(GOV, "leader"),
        escalation=escalation,
        outcome="由城管委牵头，公安配合，两周内解决。",
    )
    escalation.refresh_from_db()
    assert escalation.outcome.startswith("由城管委牵头")
    assert list(
        case.events.filter(action__in=["escalate", "record_coordination"]).values_list(
            "action", flat=True
        )
    ) == ["escalate", "record_coordination"]


@pytest.mark.parametrize(
    ("main", "copies"),
    [
        ("福州市城市管理委员会", [PARTY]),  # not a general office
        (GOV, []),  # no copy
        (GOV, [GOV]),  # the copy is the main recipient
    ],
)
def test_escalation_recipients_are_the_general_offices_R8_8(flow, clock, main, copies):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.to(case, "福州市城市管理委员会")
    with pytest.raises(InvalidInput):
        actions.escalate_case(
            actor=flow.city_dispatcher,
            case=case,
            summary="协调",
            main_recipient=unit(main),
            copy_recipients=[unit(c) for c in copies],
        )

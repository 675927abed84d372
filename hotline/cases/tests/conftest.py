"""Helpers that move a case along the workflow as the demo staff would."""

from datetime import datetime

import pytest
import time_machine

from hotline.calendar.workdays import SHANGHAI
from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.models import Assignment, Case, Category
from hotline.organisation.models import RoleGrant, Unit, User


def at(s: str) -> datetime:
    """A local Fuzhou time, e.g. at("2026-09-30 10:00")."""
    return datetime.fromisoformat(s).replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """Travel to a Fuzhou local time: `clock("2026-09-30 10:00")`."""
    travellers = []

    def move(when: str):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(at(when), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in travellers:
        traveller.stop()


def staff(unit_name: str, role: str) -> User:
    """The person holding `role` in the named unit (the demo roster)."""
    return (
        RoleGrant.objects.filter(unit__name=unit_name, role=role)
        .order_by("granted_at", "id")
        .first()
        .user
    )


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


class Flow:
    """The demo staff acting on cases."""

    def __init__(self):
        self.agent = User.objects.get(username="agent")
        self.city_dispatcher = User.objects.get(username="city_dispatcher")
        self.city_reviewer = User.objects.get(username="city_reviewer")
        self.gulou_bureau = User.objects.get(username="gulou_bureau")

    def phone_case(self, content="东街口夜间施工噪音扰民，影响休息，请尽快处理。", **kw) -> Case:
        requester = kw.pop("requester", RequesterDetails(name="张三", phone="13805912345"))
        return actions.register_case(
            actor=self.agent,
            channel=kw.pop("channel", "phone"),
            requester=requester,
            content=content,
            disclosure_allowed=kw.pop("disclosure_allowed", True),
            category=kw.pop("category", Category.objects.get(code="CG")),
            **kw,
        )

    def web_case(self, content="小区门口路灯损坏一个月无人维修。", **kw) -> Case:
        return actions.submit_online(
            requester=kw.pop("requester", RequesterDetails(name="李四", phone="13905910000")),
            content=content,
            disclosure_allowed=kw.pop("disclosure_allowed", True),
            **kw,
        )

    def accept(self, case, mode="public", reason=None, city_final_review=False) -> Case:
        actions.accept_case(
            actor=self.city_dispatcher, case=case, city_final_review=city_final_review
        )
        return actions.classify_case(
            actor=self.city_dispatcher, case=case, mode=mode, reason=reason
        )

    def dispatch(self, case, *plans: PartPlan) -> Case:
        return actions.dispatch_case(actor=self.city_dispatcher, case=case, parts=list(plans))

    def to(self, case, unit_name: str) -> Assignment:
        """Accept publicly and dispatch the whole case to one city unit."""
        self.accept(case)
        self.dispatch(case, PartPlan(sole=unit(unit_name)))
        return case.assignments.get()

    def handle(self, assignment: Assignment, reply="已责令施工单位停止夜间施工。", **kw):
        """Read, instruct, draft and approve: the reply goes to review."""
        name = assignment.unit.name
        actions.read_assignment(actor=staff(name, "handler"), assignment=assignment)
        actions.instruct_assignment(
            actor=staff(name, "leader"), assignment=assignment, instruction="请核实后答复。"
        )
        return self.reply(assignment, reply, **kw)

    def reply(self, assignment, reply="已处理完毕。", **kw):
        name = assignment.unit.name
        actions.draft_reply(
            actor=staff(name, "handler"), assignment=assignment, content=reply, **kw
        )
        return actions.approve_reply(actor=staff(name, "leader"), assignment=assignment)

    def review(self, part, approve=True, reviewer=None, **kw):
        reviewer = reviewer or self._reviewer(part)
        return actions.review_reply(actor=reviewer, part=part, approve=approve, **kw)

    def _reviewer(self, part):
        bureau = (
            part.assignments.get(role__in=("sole", "lead"), state="submitted")
            .replies.latest("id")
            .reviewing_bureau
        )
        return staff(bureau.name, "reviewer")

    def close(self, case, **kw) -> Case:
        return actions.close_case(actor=self.city_reviewer, case=case, **kw)


@pytest.fixture
def flow(db):
    return Flow()

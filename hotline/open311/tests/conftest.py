"""Open311 fixtures: an integration's API key, and cases at the stages a
client could ask about, each carrying personal details that must never
come out (D8)."""

import pytest

from hotline.api.tokens import issue_token
from hotline.cases.actions import RequesterDetails
from hotline.cases.tests.conftest import Flow
from hotline.organisation.models import Unit, User

CGW = "福州市城市管理委员会"

# What only the hotline's staff may know of a requester.
NAME, PHONE, ID_NUMBER = "欧阳娜娜", "13712345678", "350102199001011234"
EMAIL, ADDRESS = "nana.ouyang@example.com", "鼓楼区秘密巷18号"
PERSONAL = (NAME, PHONE, ID_NUMBER, EMAIL, ADDRESS)
CONTENT = f"我是{NAME}，住{ADDRESS}，电话{PHONE}，身份证{ID_NUMBER}。小区门口路灯损坏一个月。"
REPLY = f"已联系{NAME}（{PHONE}）核实，已更换损坏灯具。"


def requester() -> RequesterDetails:
    return RequesterDetails(
        name=NAME, phone=PHONE, id_number=ID_NUMBER, email=EMAIL, address=ADDRESS
    )


def issue_key(actions=("submit_online",)) -> tuple:
    """An integration's token and the key it was given."""
    user, _ = User.objects.get_or_create(username="open311_client", defaults={"name": "市民App"})
    return issue_token(
        actor=User.objects.get(username="admin"),
        name="市民App",
        user=user,
        unit=Unit.objects.get(name="福州市信访局"),
        actions=list(actions),
    )


@pytest.fixture
def api_key(db):
    return issue_key()[1]


def publish(flow: Flow, case, reply=REPLY):
    """Accept publicly, have the city unit reply, approve and close."""
    assignment = flow.to(case, CGW)
    flow.handle(assignment, reply=reply)
    flow.review(assignment.part)
    return flow.close(case)


@pytest.fixture
def published_case(flow):
    case = flow.phone_case(content=CONTENT, requester=requester(), location=f"{ADDRESS}附近")
    return publish(flow, case)


@pytest.fixture
def hidden_cases(flow):
    """Cases Open311 must not show at all: handled internally, refused
    publication by the requester, still open, and closed but not published."""
    internal = flow.phone_case(content=CONTENT, requester=requester())
    flow.accept(internal, mode="internal", reason=2)
    private = flow.web_case(content=CONTENT, requester=requester(), disclosure_allowed=False)
    open_case = flow.phone_case(content=CONTENT, requester=requester())
    flow.to(open_case, CGW)
    unpublished = flow.phone_case(content=CONTENT, requester=requester())
    assignment = flow.to(unpublished, CGW)
    flow.handle(
        assignment, reply=REPLY, recommend_nonpublication=True, nonpublication_reason="涉及隐私"
    )
    flow.review(assignment.part, agree_nonpublication=True)
    flow.close(unpublished)
    return [internal, private, open_case, unpublished]

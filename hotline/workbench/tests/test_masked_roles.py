"""D8 for staff: the roles that see the requester masked (supervisors,
administrators acting in the workbench) see the requester's details masked
in the case's free text too - content, location, replies, review reasons -
on the case page, the print view and the case list; and the admin site
shows no case's words or requester to any administrator."""

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.cases.tests.conftest import staff

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"

REQUESTER = RequesterDetails(
    name="王小明",
    phone="13805912345",
    id_number="35010219900101123X",
    email="xiaoming.wang@example.com",
    address="福州市鼓楼区温泉路88号3单元",
)
# The requester's details as staff and requesters write them.
WRITTEN = (
    "王小明",
    "Wang Xiaoming",
    "138 0591 2345",
    "+86-13805912345",
    "35010219900101123X",
    "温泉路88号3单元",
    "xiaoming.wang@example.com",
)
CONTENT = (
    "我是王小明（Wang Xiaoming），电话138 0591 2345，身份证35010219900101123X，"
    "住温泉路88号3单元，楼下噪音。"
)
REPLY = "已电话+86-13805912345联系王小明，到温泉路88号3单元核实，已回复xiaoming.wang@example.com。"
REASONS = "请再联系王小明（138 0591 2345）核实。"


@pytest.fixture
def case(flow, clock):
    """Dispatched to a city unit, replied, sent back once with reasons."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(content=CONTENT, requester=REQUESTER, location="温泉路88号3单元门口")
    assignment = flow.to(case, CGW)
    flow.handle(assignment, reply=REPLY)
    flow.review(assignment.part, approve=False, reasons=REASONS)
    return case


def pages(client, who, case):
    client.force_login(staff(*who) if isinstance(who, tuple) else who)
    for path in (f"/cases/{case.number}/", f"/cases/{case.number}/print/", "/cases/"):
        response = client.get(path)
        assert response.status_code == 200, path
        yield path, response.content.decode()


def test_supervisors_see_no_requester_details_in_the_case_text_D8(client, case):
    """D8: the case page, the print view and the case list mask the
    requester in the content, location, replies and review reasons for a
    role that sees the requester masked."""
    supervisor = staff("福州市效能办", "supervisor")
    for path, page in pages(client, supervisor, case):
        for written in WRITTEN:
            assert written not in page, (path, written)
    detail = dict(pages(client, supervisor, case))[f"/cases/{case.number}/"]
    assert "楼下噪音" in detail and "王**" in detail  # the matter itself is still read


def test_handling_roles_still_read_the_case_in_full_D8(client, case):
    handler = staff(CGW, "handler")
    page = dict(pages(client, handler, case))[f"/cases/{case.number}/"]
    for written in WRITTEN:
        assert written in page, written


def test_the_admin_shows_no_case_content_to_any_administrator_D8(client, case, flow):
    """D8: administrators (the demo admin is a superuser too) see what a case
    is, not what it says: no content, location, requester, reply or event
    reasons in the case list or a case's page, internal cases included."""
    internal = flow.phone_case(content=CONTENT, requester=REQUESTER)
    flow.accept(internal, mode="internal", reason=3)
    client.force_login(staff("福州市政务信息中心", "administrator"))
    for shown in (case, internal):
        for path in ("/admin/cases/case/", f"/admin/cases/case/{shown.pk}/change/"):
            response = client.get(path)
            assert response.status_code == 200, path
            page = response.content.decode()
            assert shown.number in page
            for written in (*WRITTEN, "楼下噪音", "核实"):
                assert written not in page, (path, written)


def test_a_supervisor_posting_the_dispatch_form_reads_nothing_D8(client, flow, clock):
    """D8: the dispatch form shows the case's words; only the holding
    bureau's dispatcher opens it. A supervisor who posts it (a refused post
    shows the form again) gets a 404, not the requester's details."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(content=CONTENT, requester=REQUESTER)
    flow.accept(case)
    part = case.parts.get()
    client.force_login(staff("福州市效能办", "supervisor"))
    path = f"/cases/{case.number}/dispatch/{part.pk}/"
    for body in ({}, {"expected_version": case.version}, {"expected_version": "x", "count": "9"}):
        response = client.post(path, body)
        assert response.status_code == 404, body
        page = response.content.decode()
        for written in WRITTEN:
            assert written not in page, written
    assert client.get(path).status_code == 404


def test_the_dispatch_form_shows_the_case_in_full_to_its_dispatcher_D8(client, flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case(content=CONTENT, requester=REQUESTER)
    flow.accept(case)
    part = case.parts.get()
    client.force_login(flow.city_dispatcher)
    page = client.get(f"/cases/{case.number}/dispatch/{part.pk}/").content.decode()
    assert "王小明" in page and "138 0591 2345" in page
    refused = client.post(f"/cases/{case.number}/dispatch/{part.pk}/", {"expected_version": "x"})
    assert refused.status_code == 400 and "王小明" in refused.content.decode()


def test_the_admin_answers_no_question_about_a_cases_words_D8(client, case):
    """D8: the admin's list takes its filters from the address; a filter on
    a field it does not show (`?content__contains=`, `?content__regex=`,
    the search text) would tell an administrator, case by case, what the
    words are. Only the filters on the page are taken."""
    client.force_login(staff("福州市政务信息中心", "administrator"))
    for question in (
        "content__contains=噪音",
        "content__regex=^我是王",
        "location__icontains=温泉路",
        "search_text__contains=噪音",
        "result__contains=核实",
        "rating_comment__contains=好",
        "internal_reason__isnull=False",
    ):
        response = client.get(f"/admin/cases/case/?{question}")
        assert response.status_code == 400, question
        assert case.number not in response.content.decode(), question
    for offered in ("state__exact=handling", "channel__exact=phone", "flag_overdue__exact=0"):
        response = client.get(f"/admin/cases/case/?{offered}")
        assert response.status_code == 200, offered
    assert client.get("/admin/cases/violation/?excuse_reason__contains=x").status_code == 400

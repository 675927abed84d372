"""The reply of a handling unit (R8.2): its three parts reach the requester
and the published page whole, it may carry photos, it may be saved as a
draft and taken up again, and units keep templates for it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.cases import actions
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Attachment, ReplyTemplate
from hotline.cases.publication import public_record
from hotline.cases.reply_templates import delete_reply_template, save_reply_template
from hotline.cases.tests.conftest import staff, unit
from hotline.notifications.outbox import SHORTENED, SMS_MAX_CHARS

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name="修复后.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def instructed(flow, case):
    assignment = flow.to(case, CGW)
    actions.read_assignment(actor=staff(CGW, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(CGW, "leader"), assignment=assignment, instruction="请核实后答复。"
    )
    assignment.refresh_from_db()
    return assignment


def closed_with(flow, case, **reply):
    assignment = instructed(flow, case)
    flow.reply(assignment, **reply)
    flow.review(assignment.part)
    return flow.close(case)


THREE_PARTS = {
    "reply": "已修复路灯两盏。",
    "remaining_problems": "线路老化，请李四（13905910000）夜间留意。",
    "measures": "下月更换整段线路。",
}


def test_the_requester_and_the_published_page_get_the_whole_reply_R8_2(flow, clock):
    """R8.2, R9: what was done, the remaining problems and the measures all
    go to the requester and to the published page, masked there (D8)."""
    clock("2026-11-26 10:00")
    case = closed_with(flow, flow.web_case(), **THREE_PARTS)
    sent = case.messages.get(kind="result")
    headings = ("存在问题：", "解决措施或建议：")
    for part in ("已修复路灯两盏。", "线路老化", "下月更换整段线路。", *headings):
        assert part in case.result and part in sent.text
    published = public_record(case).result
    assert "下月更换整段线路。" in published and "线路老化" in published
    assert "13905910000" not in published and "李四" not in published


def test_the_parts_of_a_split_case_each_send_their_whole_reply_R8_2(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    flow.accept(case)
    flow.dispatch(
        case,
        actions.PartPlan(sole=unit(CGW), description="路灯"),
        actions.PartPlan(sole=unit("福州市交通运输局"), description="井盖"),
    )
    for assignment in case.assignments.order_by("part__number"):
        flow.handle(assignment, reply=f"{assignment.unit.name}已处理。", measures="每周巡查。")
        flow.review(assignment.part)
    flow.close(case)
    case.refresh_from_db()
    assert case.result.count("每周巡查。") == 2
    assert case.result.index(CGW) < case.result.index("福州市交通运输局")


def test_a_long_reply_goes_by_sms_shortened_with_where_to_read_it_whole(flow, clock):
    """R9: the whole reply is the result; an SMS carries as much as fits in
    five segments and says where the whole reply is (the link it carries
    opens the requester's case page)."""
    clock("2026-11-26 10:00")
    long = "更换线路并逐户回访。" * 60
    case = closed_with(flow, flow.web_case(), reply="已修复。", measures=long)
    assert long in case.result
    sms = case.messages.get(kind="result")
    assert sms.channel == "sms" and len(sms.text) <= SMS_MAX_CHARS
    assert SHORTENED in sms.text and "/portal/rate/" in sms.text
    assert sms.text.startswith("您反映的诉求")


def test_an_email_requester_is_sent_the_long_reply_whole(flow, clock):
    clock("2026-11-26 10:00")
    long = "更换线路并逐户回访。" * 60
    case = flow.phone_case(
        channel="email", requester=RequesterDetails(name="钱先生", email="qian@example.com")
    )
    case = closed_with(flow, case, reply="已修复。", measures=long)
    assert long in case.messages.get(kind="result").text


def test_a_saved_draft_changes_no_state_and_is_taken_up_again_R8_2(flow, clock):
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    handler = staff(CGW, "handler")
    actions.save_reply_draft(
        actor=handler,
        assignment=assignment,
        content="已到现场查看。",
        measures="待定",
        photos=[photo()],
    )
    assignment.refresh_from_db()
    assert assignment.state == "instructed"
    assert assignment.reply_draft["content"] == "已到现场查看。"
    assert not assignment.replies.exists()
    # saved again later: the first photo stays with the draft
    actions.save_reply_draft(
        actor=handler,
        assignment=assignment,
        content="已到现场查看并修复。",
        photos=[photo("2.png")],
    )
    assignment.refresh_from_db()
    assert len(assignment.reply_draft["photos"]) == 2
    assert assignment.case.events.filter(action="save_reply_draft").count() == 2
    reply = actions.draft_reply(actor=handler, assignment=assignment, content="已修复。")
    assignment.refresh_from_db()
    assert assignment.state == "awaiting_approval" and assignment.reply_draft == {}
    assert sorted(a.name for a in reply.attachments.all()) == ["2.png", "修复后.png"]


def test_a_draft_sent_back_by_the_leader_comes_back_to_be_written_again_R8_2(flow, clock):
    """The handler starts again from the text sent back, not from nothing."""
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    actions.draft_reply(
        actor=staff(CGW, "handler"),
        assignment=assignment,
        content="已修复。",
        remaining_problems="线路老化。",
        measures="下月更换。",
    )
    actions.send_back_draft(actor=staff(CGW, "leader"), assignment=assignment, note="请写明时间。")
    assignment.refresh_from_db()
    assert assignment.state == "instructed"
    assert assignment.reply_draft["content"] == "已修复。"
    assert assignment.reply_draft["remaining_problems"] == "线路老化。"
    assert assignment.reply_draft["measures"] == "下月更换。"


def test_a_photo_is_removed_from_a_saved_draft(flow, clock, django_capture_on_commit_callbacks):
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    handler = staff(CGW, "handler")
    actions.save_reply_draft(
        actor=handler, assignment=assignment, content="维修中。", photos=[photo(), photo("2.png")]
    )
    assignment.refresh_from_db()
    first, second = assignment.reply_draft["photos"]
    stored = Attachment.objects.get(pk=first).file
    # another case's file, or nonsense, among the ids: ignored
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after commit
        actions.save_reply_draft(
            actor=handler, assignment=assignment, content="维修中。", remove_photos=[first, 10**12]
        )
    assignment.refresh_from_db()
    assert assignment.reply_draft["photos"] == [second]
    assert not Attachment.objects.filter(pk=first).exists()
    assert not stored.storage.exists(stored.name)
    reply = actions.draft_reply(
        actor=handler, assignment=assignment, content="已修复。", remove_photos=[second]
    )
    assert not reply.attachments.exists() and not Attachment.objects.exists()


def test_only_the_handler_of_the_replying_unit_saves_a_draft_R8_2(flow, clock):
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    with pytest.raises(NotAllowed):
        actions.save_reply_draft(actor=staff(CGW, "leader"), assignment=assignment, content="x")
    flow.reply(assignment)
    with pytest.raises(WrongState):  # submitted: no longer a draft to keep
        actions.save_reply_draft(actor=staff(CGW, "handler"), assignment=assignment, content="x")


def test_a_reply_photo_must_really_be_an_image_or_a_pdf_and_nothing_is_kept(flow, clock):
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    fake = SimpleUploadedFile("修复.png", b"MZ\x90\x00 a program", content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        actions.draft_reply(
            actor=staff(CGW, "handler"),
            assignment=assignment,
            content="已修复。",
            photos=[photo(), fake],
        )
    assert "不是PDF或图片" in error.value.message or "not a PDF" in error.value.message
    assignment.refresh_from_db()
    assert assignment.state == "instructed" and not Attachment.objects.exists()


def test_a_redone_reply_carries_its_own_photos(flow, clock):
    clock("2026-11-26 10:00")
    assignment = instructed(flow, flow.web_case())
    handler = staff(CGW, "handler")
    actions.draft_reply(actor=handler, assignment=assignment, content="已修复。", photos=[photo()])
    actions.approve_reply(actor=staff(CGW, "leader"), assignment=assignment)
    flow.review(assignment.part, approve=False, reasons="未附回访情况。")
    assignment.refresh_from_db()
    redone = actions.draft_reply(
        actor=handler, assignment=assignment, content="已修复并回访。", photos=[photo("回访.png")]
    )
    assert [a.name for a in redone.attachments.all()] == ["回访.png"]
    assert assignment.replies.earliest("id").attachments.count() == 1


def test_reply_templates_are_kept_by_the_units_own_handlers_and_leaders_R8_2(flow, clock):
    clock("2026-11-26 10:00")
    cgw = unit(CGW)
    template = save_reply_template(
        actor=staff(CGW, "leader"),
        unit=cgw,
        title="路灯维修",
        content="已安排维修。",
        measures="纳入巡查。",
    )
    save_reply_template(
        actor=staff(CGW, "handler"),
        unit=cgw,
        template=template,
        title="路灯维修",
        content="已安排维修并复查。",
    )
    template.refresh_from_db()
    assert template.content == "已安排维修并复查。" and template.measures == ""
    with pytest.raises(InvalidInput):
        save_reply_template(actor=staff(CGW, "handler"), unit=cgw, title=" ", content="x")
    other = "鼓楼区城市管理局"
    with pytest.raises(NotAllowed):
        save_reply_template(actor=staff(other, "handler"), unit=cgw, title="t", content="x")
    with pytest.raises(NotAllowed):
        save_reply_template(
            actor=staff(other, "handler"),
            unit=unit(other),
            template=template,
            title="t",
            content="x",
        )
    with pytest.raises(NotAllowed):
        delete_reply_template(actor=flow.city_reviewer, template=template)
    delete_reply_template(actor=staff(CGW, "handler"), template=template)
    assert not ReplyTemplate.objects.exists()

"""The reply on the case page (R8.2): saved as a draft and taken up again,
with photos served only to those who may see them, filled in from the
unit's templates, and the whole of it in the reviewer's close form and on
the published page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.cases import actions
from hotline.cases.models import ReplyTemplate
from hotline.cases.tests.conftest import staff, unit
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def instructed(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.web_case(), CGW)
    actions.read_assignment(actor=staff(CGW, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(CGW, "leader"), assignment=assignment, instruction="请核实后答复。"
    )
    assignment.refresh_from_db()
    return assignment


def post_reply(client, assignment, alternate=False, photos=(), remove=(), **fields):
    case = assignment.case
    case.refresh_from_db()
    prefix = f"draft_reply-{assignment.pk}"
    data = {f"{prefix}-expected_version": case.version}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    if photos:
        data[f"{prefix}-photos"] = list(photos)
    if remove:
        data[f"{prefix}-remove_photos"] = [str(pk) for pk in remove]
    if alternate:
        data["alternate"] = "1"
    return client.post(f"/cases/{case.number}/act/draft_reply/assignment/{assignment.pk}/", data)


def photo(name="修复后.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_handler_saves_a_draft_with_a_photo_and_finds_it_again_R8_2(client, instructed):
    login(client, "city_handler")
    response = post_reply(
        client,
        instructed,
        alternate=True,
        photos=[photo()],
        content="已到现场，正在维修。",
        measures="明日复查",
    )
    assert response.status_code == 302
    instructed.refresh_from_db()
    assert instructed.state == "instructed" and not instructed.replies.exists()
    page = client.get(f"/cases/{instructed.case.number}/").content.decode()
    assert 'data-testid="draft-saved"' in page
    assert "已到现场，正在维修。" in page and "明日复查" in page
    assert page.count('data-testid="draft-photos"') == 1  # with the reply form only
    assert "修复后.png" in page
    # submitted later: the photo goes with the reply
    response = post_reply(client, instructed, content="已修复。", measures="明日复查")
    assert response.status_code == 302
    reply = instructed.replies.get()
    assert reply.attachments.get().name == "修复后.png"
    page = client.get(f"/cases/{instructed.case.number}/").content.decode()
    assert 'data-testid="reply-photos"' in page and 'data-testid="draft-saved"' not in page


def test_a_photo_ticked_on_the_page_is_removed_from_the_draft(client, instructed):
    login(client, "city_handler")
    post_reply(client, instructed, alternate=True, photos=[photo()], content="维修中。")
    kept = instructed.case.attachments.get()
    page = client.get(f"/cases/{instructed.case.number}/").content.decode()
    assert f'name="draft_reply-{instructed.pk}-remove_photos" value="{kept.pk}"' in page
    response = post_reply(client, instructed, alternate=True, remove=[kept.pk], content="维修中。")
    assert response.status_code == 302 and not instructed.case.attachments.exists()
    response = post_reply(client, instructed, alternate=True, remove=["abc"], content="维修中。")
    assert response.status_code == 400 and "请重新勾选文件" in response.content.decode()


def test_a_reply_without_what_was_done_is_refused_by_the_field_and_keeps_the_text(
    client, instructed
):
    login(client, "city_handler")
    response = post_reply(client, instructed, content="  ", measures="明日复查")
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写办理情况" in page and "明日复查" in page
    instructed.refresh_from_db()
    assert instructed.state == "instructed"


def test_a_file_that_is_no_image_is_refused_and_the_draft_kept(client, instructed):
    login(client, "city_handler")
    post_reply(client, instructed, alternate=True, content="已到现场。")
    fake = photo("照片.png", b"<html><script>alert(1)</script>")
    response = post_reply(client, instructed, photos=[fake], content="已修复。")
    assert response.status_code == 400
    page = response.content.decode()
    assert "不是PDF或图片" in page and "已修复。" in page
    instructed.refresh_from_db()
    assert instructed.reply_draft["content"] == "已到现场。"
    assert not instructed.case.attachments.exists()


def test_reply_photos_are_served_only_to_who_may_see_the_case_D8(client, instructed, flow):
    login(client, "city_handler")
    post_reply(client, instructed, alternate=True, photos=[photo()], content="维修中。")
    case = instructed.case
    attachment = case.attachments.get()
    url = f"/cases/{case.number}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    # a draft's photo: only the unit writing it
    assert login(client, "city_reviewer").get(url).status_code == 404
    login(client, "city_handler")
    post_reply(client, instructed, content="已修复。")
    actions.approve_reply(actor=staff(CGW, "leader"), assignment=instructed)
    assert login(client, "city_reviewer").get(url).status_code == 200
    # another unit's staff do not see the case; a supervisor sees it masked only
    assert login(client, "gulou_handler").get(url).status_code == 404
    assert login(client, "city_supervisor").get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    attachment.file.delete(save=False)  # lost from the media store: a 404, not a 500
    assert login(client, "city_handler").get(url).status_code == 404


def test_a_template_fills_the_reply_form_R8_2(client, instructed):
    login(client, "city_handler")
    response = client.post(
        "/reply-templates/",
        {"title": "路灯维修", "content": "已更换灯泡。", "measures": "纳入每月巡查。"},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get(unit=unit(CGW))
    number = instructed.case.number
    page = client.get(f"/cases/{number}/").content.decode()
    assert 'data-testid="use-template"' in page and "路灯维修" in page
    page = client.get(f"/cases/{number}/", {"reply_template": template.pk}).content.decode()
    assert "已更换灯泡。" in page and "纳入每月巡查。" in page
    # another unit's template, or nonsense, fills nothing and breaks nothing
    other = ReplyTemplate.objects.create(
        unit=unit("鼓楼区城市管理局"), title="t", content="别家模板"
    )
    for value in (other.pk, "abc", "99999999999999999999999"):
        response = client.get(f"/cases/{number}/", {"reply_template": value})
        assert response.status_code == 200 and "别家模板" not in response.content.decode()


def test_templates_are_kept_on_their_own_page_by_the_unit(client, instructed):
    login(client, "city_leader")
    client.post("/reply-templates/", {"title": "噪音", "content": "已责令停工。"})
    template = ReplyTemplate.objects.get()
    changed = {"title": "噪音投诉", "content": "已责令停工。"}
    client.post(f"/reply-templates/{template.pk}/", changed)
    template.refresh_from_db()
    assert template.title == "噪音投诉"
    response = client.post("/reply-templates/", {"title": "", "content": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    # another unit's handler neither sees nor changes it
    login(client, "gulou_handler")
    assert "噪音投诉" not in client.get("/reply-templates/").content.decode()
    assert client.post(f"/reply-templates/{template.pk}/delete/").status_code == 404
    assert login(client, "city_reviewer").get("/reply-templates/").status_code == 403
    login(client, "city_leader")
    client.post(f"/reply-templates/{template.pk}/delete/")
    assert not ReplyTemplate.objects.exists()


def test_the_close_form_and_the_published_page_have_the_whole_reply_R8_2(client, instructed, flow):
    """R8.2, R9: the reviewer's close form is filled with all three parts,
    and the published page shows them, masked (D8), without the photos."""
    login(client, "city_handler")
    post_reply(
        client,
        instructed,
        photos=[photo()],
        content="已修复路灯。",
        remaining_problems="李四（13905910000）反映的线路老化尚未解决。",
        measures="下月更换线路。",
    )
    actions.approve_reply(actor=staff(CGW, "leader"), assignment=instructed)
    flow.review(instructed.part)
    case = instructed.case
    page = login(client, "city_reviewer").get(f"/cases/{case.number}/").content.decode()
    close_form = page[page.index('data-testid="action-close"') :]
    whole = ("已修复路灯。", "存在问题：", "线路老化尚未解决", "解决措施或建议：下月更换线路。")
    for part in whole:
        assert part in close_form
    flow.close(case)
    client.logout()
    public = client.get(f"/portal/published/{case.number}/").content.decode()
    assert "已修复路灯。" in public and "线路老化尚未解决" in public and "下月更换线路。" in public
    assert "13905910000" not in public and "李四" not in public
    assert "attachments" not in public and "<img" not in public

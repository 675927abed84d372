"""The knowledge base's way to publication, step by step (N2)."""

from datetime import date

import pytest

from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.tests.conftest import staff
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleText
from hotline.knowledge.models import ArticleEvent, ArticleVersion
from hotline.knowledge.search import find_articles
from hotline.knowledge.tests.factories import published_article
from hotline.notifications.models import StaffNotification

UNIT = "福州市公安局"
TODAY = "2026-12-01 10:00"


def text(**changes) -> ArticleText:
    values = {
        "title": "居住证续签需要带什么材料",
        "question": "居住证快到期了，续签要带哪些东西？",
        "answer": "携带身份证、居住证原件，到居住地派出所户籍窗口办理。",
        "keywords": "居住证，续签 材料",
        "effective_on": date(2026, 12, 1),
        "review_by": date(2027, 12, 1),
        **changes,
    }
    return ArticleText(**values)


def people():
    return staff(UNIT, "handler"), staff(UNIT, "leader"), staff("福州市信访局", "reviewer")


def walk(handler, leader, reviewer, *, article=None, unit=None, **changes) -> ArticleVersion:
    version = actions.draft_article(actor=handler, unit=unit, article=article, text=text(**changes))
    actions.submit_article(actor=handler, version=version)
    actions.approve_article(actor=leader, version=version)
    return actions.publish_article(actor=reviewer, version=version)


def notices(user) -> list[str]:
    return list(StaffNotification.objects.filter(user=user).values_list("text", flat=True))


@pytest.fixture
def kb(db, clock, unit):
    clock(TODAY)
    handler, leader, reviewer = people()
    return handler, leader, reviewer, unit(UNIT)


def test_handler_drafts_leader_approves_reviewer_publishes_N2(kb):
    """N2: each step moves the version on, records its event and tells the
    next actor; published, the article is offered for direct answers."""
    handler, leader, reviewer, unit = kb
    version = actions.draft_article(actor=handler, unit=unit, text=text())
    assert version.state == "draft" and version.number == 1
    assert version.keywords == "居住证 续签 材料"
    assert find_articles("居住证", on=date(2026, 12, 1)) == []

    actions.submit_article(actor=handler, version=version)
    assert any("居住证续签" in n and "审批" in n for n in notices(leader))
    actions.approve_article(actor=leader, version=version)
    assert any("居住证续签" in n and "审核" in n for n in notices(reviewer))
    version = actions.publish_article(actor=reviewer, version=version)
    assert any("已发布" in n for n in notices(handler))

    assert version.state == "published" and version.reviewed_by == reviewer
    assert version.article.published_version == version
    assert version.approved_by == leader
    assert [v.pk for v in find_articles("居住证", on=date(2026, 12, 2))] == [version.pk]
    assert list(version.article.events.values_list("action", flat=True)) == [
        "draft_article",
        "submit_article",
        "approve_article",
        "publish_article",
    ]


def test_sent_back_and_returned_go_to_the_handler_with_the_reason_N2(kb):
    handler, leader, reviewer, unit = kb
    version = actions.draft_article(actor=handler, unit=unit, text=text())
    actions.submit_article(actor=handler, version=version)
    with pytest.raises(InvalidInput):
        actions.send_back_article(actor=leader, version=version, reason="  ")
    version = actions.send_back_article(actor=leader, version=version, reason="补充办理时限")
    assert version.state == "draft"
    assert any("补充办理时限" in n for n in notices(handler))

    actions.edit_article(
        actor=handler, version=version, text=text(answer="当场受理，五个工作日办结。")
    )
    actions.submit_article(actor=handler, version=version)
    actions.approve_article(actor=leader, version=version)
    version = actions.return_article(actor=reviewer, version=version, reason="写明收费标准")
    assert version.state == "draft" and version.approved_by is None
    assert any("写明收费标准" in n for n in notices(handler))
    event = version.article.events.get(action="return_article")
    assert event.note == "写明收费标准" and event.unit.name == "福州市信访局"


def test_wrong_actor_is_refused_N2(kb, unit):
    """N2: only the unit's handler drafts, its leader approves, the city
    bureau's reviewer publishes; another unit's staff cannot touch it."""
    handler, leader, _reviewer, own = kb
    other_handler = staff("福州市城市管理委员会", "handler")
    with pytest.raises(NotAllowed):
        actions.draft_article(actor=other_handler, unit=own, text=text())
    with pytest.raises(NotAllowed):
        actions.draft_article(actor=leader, unit=own, text=text())
    version = actions.draft_article(actor=handler, unit=own, text=text())
    with pytest.raises(NotAllowed):
        actions.submit_article(actor=leader, version=version)
    actions.submit_article(actor=handler, version=version)
    with pytest.raises(NotAllowed):
        actions.approve_article(actor=handler, version=version)
    with pytest.raises(NotAllowed):
        actions.approve_article(actor=staff("福州市城市管理委员会", "leader"), version=version)
    actions.approve_article(actor=leader, version=version)
    with pytest.raises(NotAllowed):
        actions.publish_article(actor=leader, version=version)
    with pytest.raises(NotAllowed):
        actions.publish_article(actor=staff("鼓楼区信访局", "reviewer"), version=version)
    with pytest.raises(WrongState):
        actions.submit_article(actor=handler, version=version)
    assert ArticleVersion.objects.get(pk=version.pk).state == "awaiting_review"


def test_a_version_needs_its_words_and_dates_N2(kb):
    handler, _leader, _reviewer, unit = kb
    for changes, field in (
        ({"title": " "}, "title"),
        ({"question": ""}, "question"),
        ({"answer": "\n"}, "answer"),
        ({"review_by": date(2026, 11, 30), "effective_on": date(2026, 12, 1)}, "review_by"),
        ({"effective_on": date(2026, 1, 1), "review_by": date(2026, 6, 1)}, "review_by"),
        ({"effective_on": None}, "effective_on"),
    ):
        with pytest.raises(InvalidInput) as refused:
            actions.draft_article(actor=handler, unit=unit, text=text(**changes))
        assert refused.value.field == field
        assert refused.value.message
    assert not ArticleVersion.objects.exists()


def test_every_version_is_kept_and_a_renewal_supersedes_the_old_N2(kb):
    """N2: a new version is drafted from a published one; publishing it
    supersedes the old, which stays as it was."""
    handler, leader, reviewer, unit = kb
    first = walk(handler, leader, reviewer, unit=unit)
    article = first.article
    second = actions.draft_article(
        actor=handler,
        article=article,
        text=text(answer="现可网上续签。", review_by=date(2028, 1, 1)),
    )
    assert second.number == 2
    with pytest.raises(WrongState):
        actions.draft_article(actor=handler, article=article, text=text())
    actions.submit_article(actor=handler, version=second)
    actions.approve_article(actor=leader, version=second)
    actions.publish_article(actor=reviewer, version=second)
    versions = {v.number: v for v in article.versions.all()}
    assert versions[1].state == "superseded" and versions[1].answer == first.answer
    assert versions[2].state == "published"
    article.refresh_from_db()
    assert article.published_version_id == second.pk
    assert [v.pk for v in find_articles("居住证", on=date(2026, 12, 2))] == [second.pk]


def test_withdrawn_article_is_not_offered_N2(kb):
    handler, leader, reviewer, unit = kb
    version = walk(handler, leader, reviewer, unit=unit)
    with pytest.raises(InvalidInput):
        actions.withdraw_article(actor=reviewer, version=version, reason="")
    actions.withdraw_article(actor=reviewer, version=version, reason="政策已废止")
    version.article.refresh_from_db()
    assert version.article.published_version is None
    assert find_articles("居住证", on=date(2026, 12, 2)) == []


def test_history_cannot_be_edited_or_deleted_N2(kb):
    handler, _leader, _reviewer, unit = kb
    version = actions.draft_article(actor=handler, unit=unit, text=text())
    event = ArticleEvent.objects.get(version=version)
    event.note = "改写历史"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_an_expired_article_is_not_offered_N2(db, clock):
    """N2: past its review-by date an article is not offered for direct
    answers until renewed."""
    clock(TODAY)
    version = published_article(effective_on=date(2026, 1, 1), review_by=date(2026, 11, 30))
    assert find_articles("居住证", on=date(2026, 11, 30)) == [version]
    assert find_articles("居住证", on=date(2026, 12, 1)) == []
    assert not version.is_current(date(2026, 12, 1))


def test_a_version_past_its_review_date_cannot_be_published_N2(kb, clock):
    """N2: an expired version cannot be used, published or not."""
    handler, leader, reviewer, unit = kb
    version = actions.draft_article(
        actor=handler, unit=unit, text=text(review_by=date(2026, 12, 10))
    )
    actions.submit_article(actor=handler, version=version)
    actions.approve_article(actor=leader, version=version)
    clock("2026-12-11 09:00")
    with pytest.raises(InvalidInput) as refused:
        actions.publish_article(actor=reviewer, version=version)
    assert "复核日期已过" in refused.value.message
    actions.return_article(actor=reviewer, version=version, reason="请更新复核日期")


def test_a_version_not_yet_in_effect_does_not_take_the_place_of_the_one_in_use_N2(kb):
    """N2: publishing a renewal that takes effect next month would supersede
    the version in use today and leave the article offered nowhere (not to
    agents, not to the public) until then: refused, the version in use stays;
    with no version in use, a later effective date may be published ahead."""
    handler, leader, reviewer, unit = kb
    current = walk(handler, leader, reviewer, unit=unit)
    renewal = actions.draft_article(
        actor=handler,
        article=current.article,
        text=text(effective_on=date(2027, 1, 1), review_by=date(2028, 1, 1)),
    )
    actions.submit_article(actor=handler, version=renewal)
    actions.approve_article(actor=leader, version=renewal)
    with pytest.raises(InvalidInput, match="2027-01-01"):
        actions.publish_article(actor=reviewer, version=renewal)
    current.refresh_from_db()
    assert current.state == "published"
    assert find_articles("居住证", on=date(2026, 12, 1)) == [current]

    ahead = walk(
        handler,
        leader,
        reviewer,
        unit=unit,
        title="护照办理",
        effective_on=date(2027, 1, 1),
        review_by=date(2028, 1, 1),
    )
    assert ahead.state == "published"


def test_only_publishing_rebuilds_the_processes_copies_N2(kb):
    """A draft on its way to review is in no copy a process keeps: saving it
    leaves the shared revision alone, so no process rebuilds its calendar,
    roles or token frequencies for it; publishing moves it."""
    from hotline.reference.models import Revision

    def revision():
        return Revision.objects.values_list("token", flat=True).first()

    handler, leader, reviewer, unit = kb
    before = revision()
    version = actions.draft_article(actor=handler, unit=unit, text=text())
    actions.edit_article(actor=handler, version=version, text=text(answer="新的答复内容。"))
    actions.submit_article(actor=handler, version=version)
    actions.approve_article(actor=leader, version=version)
    assert revision() == before
    actions.publish_article(actor=reviewer, version=version)
    assert revision() != before

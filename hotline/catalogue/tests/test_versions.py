"""The catalogue's versions and who keeps them (N5): drafted from the
version in force, edited, published from a date; every version kept."""

from datetime import date

import pytest

from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Category
from hotline.cases.tests.conftest import staff, unit
from hotline.catalogue import actions
from hotline.catalogue.actions import EntryText
from hotline.catalogue.models import CatalogueChange, CatalogueVersion
from hotline.catalogue.suggestions import suggest_from_catalogue
from hotline.organisation.models import District, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher():
    return User.objects.get(username="city_dispatcher")


def cg_text(unit_name, **kw):
    return EntryText(category=Category.objects.get(code="CG"), unit=unit(unit_name), **kw)


def test_only_the_city_bureau_dispatchers_and_administrators_keep_it_N5(catalogue, clock):
    clock("2026-12-01 09:00")
    for username in ("city_reviewer", "gulou_bureau", "agent", "city_handler"):
        with pytest.raises(NotAllowed) as refused:
            actions.draft_version(
                actor=User.objects.get(username=username), effective_on=date(2027, 1, 1)
            )
        assert "市信访局" in refused.value.message
    assert (
        actions.draft_version(
            actor=User.objects.get(username="admin"), effective_on=date(2027, 1, 1)
        ).number
        == 2
    )


def test_a_draft_copies_the_version_in_force_and_changes_nothing_until_published_N5(
    catalogue, dispatcher, flow, clock
):
    clock("2026-12-01 09:00")
    draft = actions.draft_version(actor=dispatcher, effective_on=date(2026, 12, 10), note="调整")
    assert draft.entries.count() == catalogue.entries.count()
    assert {e.pk for e in draft.entries.all()}.isdisjoint(e.pk for e in catalogue.entries.all())
    general = draft.entries.get(category__code="CG", sub_matter="", keywords="")
    actions.edit_entry(actor=dispatcher, entry=general, text=cg_text("福州市园林中心"))
    case = flow.phone_case(content="小区里垃圾无人清运。")
    assert [s.unit_name for s in suggest_from_catalogue(case)] == ["福州市城市管理委员会"]

    actions.publish_version(actor=dispatcher, version=draft)
    # Published for the 10th: the 1st still dispatches by version 1.
    assert [s.unit_name for s in suggest_from_catalogue(case)] == ["福州市城市管理委员会"]
    clock("2026-12-10 08:00")
    later = suggest_from_catalogue(case)
    assert [s.unit_name for s in later] == ["福州市园林中心"]
    assert later[0].version_number == 2
    assert actions.in_force(date(2026, 12, 9)).number == 1
    assert actions.in_force(date(2026, 12, 10)).number == 2
    assert CatalogueVersion.objects.count() == 2
    assert list(
        CatalogueChange.objects.filter(version_number=2).values_list("action", flat=True)
    ) == ["published", "edited", "drafted"]


def test_a_published_version_is_kept_as_it_is_N5(catalogue, dispatcher, clock):
    clock("2026-12-01 09:00")
    entry = catalogue.entries.first()
    with pytest.raises(WrongState):
        actions.edit_entry(actor=dispatcher, entry=entry, text=cg_text("福州市园林中心"))
    with pytest.raises(WrongState):
        actions.remove_entry(actor=dispatcher, entry=entry)


def test_one_draft_at_a_time_and_never_in_the_past_N5(catalogue, dispatcher, clock):
    clock("2026-12-01 09:00")
    with pytest.raises(InvalidInput):
        actions.draft_version(actor=dispatcher, effective_on=date(2026, 11, 30))
    draft = actions.draft_version(actor=dispatcher, effective_on=date(2026, 12, 1))
    with pytest.raises(WrongState):
        actions.draft_version(actor=dispatcher, effective_on=date(2026, 12, 5))
    with pytest.raises(InvalidInput):
        actions.publish_version(actor=dispatcher, version=draft, effective_on=date(2026, 11, 1))


def test_an_entry_is_checked_in_words_N5(catalogue, dispatcher, clock):
    clock("2026-12-01 09:00")
    draft = actions.draft_version(actor=dispatcher, effective_on=date(2027, 1, 1))
    gulou = District.objects.get(name="鼓楼区")
    refusals = [
        (cg_text("鼓楼区城市管理局"), "鼓楼区"),  # a district unit for the whole city
        (cg_text("福州市信访局"), "不能作为"),
        (cg_text("福州市城市管理委员会", street="东街"), "区县"),
        (cg_text("福州市水利局", co=(unit("福州市水利局"),)), "重复"),
        (EntryText(category=None, unit=unit("福州市水利局")), "类别"),
    ]
    for text, words in refusals:
        with pytest.raises(InvalidInput) as refused:
            actions.add_entry(actor=dispatcher, version=draft, text=text)
        assert words in refused.value.message
    entry = actions.add_entry(
        actor=dispatcher,
        version=draft,
        text=cg_text(
            "鼓楼区城市管理局",
            district=gulou,
            street="南街",
            keywords="井盖，窨井,下水道",
            co=(unit("鼓楼区住房和城乡建设局"),),
        ),
    )
    assert entry.keywords == "井盖 窨井 下水道"
    assert list(entry.co_units.values_list("name", flat=True)) == ["鼓楼区住房和城乡建设局"]


def test_a_city_dispatcher_sees_the_catalogue_page_in_words_N5(catalogue, client, clock):
    clock("2026-12-01 09:00")
    client.force_login(staff("福州市信访局", "dispatcher"))
    page = client.get("/catalogue/").content.decode()
    assert "派单目录" in page and "现行：第1版" in page and "占道经营" in page
    assert "鼓楼区城市管理局" in page and "全市" in page
    assert 'href="/catalogue/"' in client.get("/").content.decode()
    client.force_login(User.objects.get(username="city_handler"))
    assert client.get("/catalogue/").status_code == 403
    assert 'href="/catalogue/"' not in client.get("/").content.decode()


def test_drafting_editing_and_publishing_through_the_pages_N5(catalogue, client, clock):
    clock("2026-12-01 09:00")
    client.force_login(User.objects.get(username="city_dispatcher"))
    response = client.post("/catalogue/new/", {"effective_on": "2026-12-03", "note": "年度调整"})
    assert response.status_code == 302 and response["Location"] == "/catalogue/2/"
    page = client.get("/catalogue/2/").content.decode()
    assert "新增条目" in page and "草稿" in page
    fields = {
        "category": Category.objects.get(code="JT").pk,
        "sub_matter": "公交线路",
        "keywords": "公交 线路",
        "unit": unit("福州市交通运输局").pk,
    }
    assert client.post("/catalogue/2/entries/new/", fields).status_code == 302
    bad = client.post("/catalogue/2/entries/new/", {**fields, "street": "东街"})
    assert bad.status_code == 400 and "填写街道（乡镇）时须同时选择所属区县" in bad.content.decode()
    assert client.post("/catalogue/2/publish/", {"effective_on": "2026-12-03"}).status_code == 302
    assert CatalogueVersion.objects.get(number=2).state == "published"
    assert client.get("/catalogue/2/entries/new/").status_code == 404

"""The early warnings' pages (N10), in Chinese: the list, a warning with its
cases (masked for supervisors), acknowledging, planned follow-up, the watch
list, and the dashboard's list of warnings not yet acknowledged."""

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.organisation.models import User
from hotline.supervision.early_warnings import raise_early_warnings
from hotline.supervision.models import EarlyWarning, WatchWord

pytestmark = pytest.mark.django_db


@pytest.fixture
def warning(flow, clock):
    clock("2026-11-26 08:00")
    for n in range(10):
        flow.phone_case(
            content=f"鼓楼区五四路水管爆裂，路面积水严重，我电话1390591{n:04d}。",
            location="鼓楼区五四路",
            requester=RequesterDetails(name=f"来电人{n}", phone=f"1380591{n:04d}"),
        )
    raise_early_warnings()
    return EarlyWarning.objects.get(kind="cluster")


def _as(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_warning_page_lists_its_cases_masked_and_is_acknowledged_N10(client, warning):
    _as(client, "city_supervisor")
    listing = client.get("/early-warnings/").content.decode()
    assert (
        "预警" in listing and "诉求聚集" in listing and f"/early-warnings/{warning.pk}/" in listing
    )
    page = client.get(f"/early-warnings/{warning.pk}/").content.decode()
    assert page.count("/cases/") >= 10
    assert "13905910003" not in page  # a supervisor reads the requester's words masked
    refused = client.post(f"/early-warnings/{warning.pk}/acknowledge/", {"note": ""}, follow=True)
    assert "说明" in refused.content.decode()
    client.post(f"/early-warnings/{warning.pk}/acknowledge/", {"note": "已通知水务集团抢修"})
    client.post(f"/early-warnings/{warning.pk}/follow-up/", {"note": "列入每月一题"})
    warning.refresh_from_db()
    assert (
        warning.acknowledgement == "已通知水务集团抢修" and warning.follow_up_note == "列入每月一题"
    )
    page = client.get(f"/early-warnings/{warning.pk}/").content.decode()
    assert "已通知水务集团抢修" in page and "列入每月一题" in page
    assert (
        client.get("/early-warnings/", {"show": "follow_up"})
        .content.decode()
        .count('data-testid="early-warning"')
        == 1
    )


def test_the_dashboard_shows_warnings_not_yet_acknowledged_N10(client, warning):
    _as(client, "city_supervisor")
    page = client.get("/supervision/dashboard/").content.decode()
    assert 'data-testid="dashboard-early-warnings"' in page
    assert f"/early-warnings/{warning.pk}/" in page


def test_the_watch_list_is_kept_on_its_page_N10(client):
    _as(client, "city_dispatcher")
    client.post("/early-warnings/watch-words/", {"word": "跳楼", "note": "极端言行", "active": "1"})
    assert WatchWord.objects.get(word="跳楼").is_active
    client.post("/early-warnings/watch-words/", {"word": "跳楼", "note": "极端言行", "active": "0"})
    assert not WatchWord.objects.get(word="跳楼").is_active
    assert "跳楼" in client.get("/early-warnings/watch-words/").content.decode()


def test_the_pages_are_only_for_the_bureau_and_the_office_N10(client, warning):
    _as(client, "city_handler")
    assert client.get("/early-warnings/").status_code == 403
    assert client.get(f"/early-warnings/{warning.pk}/").status_code == 403
    assert (
        client.post(f"/early-warnings/{warning.pk}/acknowledge/", {"note": "x"}).status_code == 403
    )

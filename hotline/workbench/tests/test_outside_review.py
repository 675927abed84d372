"""What an outside review of issues 15 and 16 found: deadlines on the
progress and screening pages read as their last day, the service center's
look-up takes a case number however it is typed, a month the bulletin
cannot cover is refused in words (never a 500), and a refused action names
the stage in words."""

import re

import pytest

from hotline.cases.tests.conftest import *  # noqa: F403
from hotline.workbench.tests.test_workbench import CGW, login

pytestmark = pytest.mark.django_db


def test_the_progress_page_gives_the_reply_deadline_as_its_last_day_D1(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    flow.to(case, CGW)
    page = login(client, "agent").get(f"/intake/progress/{case.number}/").content.decode()
    due = re.search(r'data-testid="reply-due">([^<]*)<', page).group(1)
    assert "24:00" in due and "00:00" not in due


def test_the_screening_screen_gives_the_units_deadlines_as_their_last_day_D1(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    page = login(client, "city_dispatcher").get(f"/cases/{case.number}/screen/").content.decode()
    assert "24:00" in page
    assert not re.search(r"<td>\d{4}-\d\d-\d\d 00:00", page)


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.replace("2026", "２０２６"),  # full-width digits, as an input method types them
        lambda n: f"{n[:2]}-{n[2:10]}-{n[10:]}",  # dashes
        lambda n: f" {n[:2].lower()} {n[2:]} ",  # lower case, spaces
        lambda n: n[2:],  # without the prefix
    ],
)
def test_the_look_up_finds_a_case_number_however_it_is_typed(client, clock, flow, typed):
    clock("2026-11-26 10:00")
    number = flow.web_case().number
    answer = login(client, "agent").get("/intake/lookup/", {"q": typed(number)})
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/intake/progress/{number}/")


@pytest.mark.parametrize("month", ["9999999999999999999-1", "1900-01", "abc"])
@pytest.mark.parametrize("kind", ["", "pdf", "xlsx"])
def test_a_bulletin_preview_for_a_month_it_cannot_cover_is_refused_in_words_R11(
    client, clock, month, kind
):
    clock("2026-12-01 10:00")
    answer = login(client, "city_supervisor").get(
        "/supervision/bulletins/preview/", {"month": month, "format": kind}
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("month", ["9999999999999999999-1", "1900-01"])
def test_no_bulletin_is_published_for_a_month_before_the_hotline_R11(client, clock, month):
    from hotline.supervision.models import Bulletin

    clock("2026-12-01 10:00")
    answer = login(client, "city_supervisor").post("/supervision/bulletins/", {"month": month})
    assert answer.status_code == 400
    assert not Bulletin.objects.exists()


def test_a_refused_action_names_the_stage_in_words(clock, flow, person):
    from hotline.cases.actions import common
    from hotline.cases.errors import WrongState

    with pytest.raises(WrongState) as refused:
        common._check("close", "handling")
    assert "handling" not in str(refused.value)

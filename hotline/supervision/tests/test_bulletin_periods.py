"""Issue 12: a bulletin (R11) covers a finished period, and there is one per
area and period; publishing a period again says what exists."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hotline.cases.tests.conftest import unit
from hotline.organisation.models import User
from hotline.supervision import bulletins
from hotline.supervision.models import Bulletin

pytestmark = pytest.mark.django_db
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def supervisor(username="city_supervisor"):
    return User.objects.get(username=username)


def publish(start, end, username="city_supervisor", office="福州市效能办"):
    return bulletins.publish(actor=supervisor(username), office=unit(office), start=start, end=end)


def test_a_period_not_yet_over_has_no_bulletin_R11(clock):
    clock("2026-11-30 23:00")  # the last day of November has not ended
    with pytest.raises(ValidationError) as refused:
        publish(*NOVEMBER)
    assert refused.value.code == "unfinished"
    clock("2026-12-31 10:00")
    with pytest.raises(ValidationError):
        publish(date(2026, 12, 1), date(2026, 12, 31))
    assert not Bulletin.objects.exists()
    clock("2026-12-01 00:05")
    assert publish(*NOVEMBER).period_end == date(2026, 11, 30)


def test_one_bulletin_per_area_and_period_R11(clock):
    clock("2026-12-01 10:00")
    first = publish(*NOVEMBER)
    with pytest.raises(ValidationError) as again:
        publish(*NOVEMBER)
    assert again.value.code == "exists"
    assert first.title in again.value.messages[0]
    # Another area's bulletin of the same period is its own.
    gulou = publish(*NOVEMBER, username="gulou_supervisor", office="鼓楼区效能办")
    assert gulou.office.name == "鼓楼区效能办"
    assert Bulletin.objects.count() == 2


def test_the_database_keeps_one_bulletin_per_area_and_period(clock):
    from django.db import IntegrityError, transaction

    clock("2026-12-01 10:00")
    first = publish(*NOVEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.create(
            office=first.office,
            area=first.area,
            number="榕12345通〔2026〕99号",
            title="重复",
            period_start=first.period_start,
            period_end=first.period_end,
            numbers={},
            published_by=first.published_by,
            published_at=first.published_at,
        )


def test_publishing_again_from_the_workbench_says_what_exists(clock):
    clock("2026-12-01 10:00")
    client = Client()
    client.force_login(supervisor())
    assert client.post("/supervision/bulletins/", {"month": "2026-11"}).status_code == 302
    again = client.post("/supervision/bulletins/", {"month": "2026-11"})
    assert again.status_code == 400
    page = again.content.decode()
    assert "该期通报已发布" in page and Bulletin.objects.get().title in page
    unfinished = client.post("/supervision/bulletins/", {"month": "2026-12"})
    assert unfinished.status_code == 400 and "尚未结束" in unfinished.content.decode()
    assert Bulletin.objects.count() == 1


@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="row locks between two connections need PostgreSQL (CI runs it)",
)
@pytest.mark.django_db(transaction=True)
def test_supervisors_publishing_one_period_at_once_make_one_bulletin_R11(
    committed_demo, settings, tmp_path, clock
):
    """An outside re-test of issue 12: the lock that makes the second
    publisher wait joined the unit's nullable district (its default order),
    which PostgreSQL refuses to lock: every publication was a server error
    there. Four at once: one bulletin, three told what exists."""
    import threading

    from django.db import connection

    settings.MEDIA_ROOT = tmp_path
    clock("2026-12-01 10:00")
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(supervisor())
    barrier, statuses = threading.Barrier(len(clients)), []

    def run(client):
        try:
            barrier.wait()
            statuses.append(client.post("/supervision/bulletins/", {"month": "2026-10"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in statuses) == [302, 400, 400, 400]
    assert Bulletin.objects.count() == 1

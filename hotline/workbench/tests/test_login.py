"""Logging in with the demo accounts, in Chinese by default."""

import os
import subprocess
import sys

import pytest

from hotline.organisation.demo import DEMO_PASSWORD, LOGINS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.username)
def test_every_demo_login_works_and_shows_its_roles(client, login):
    response = client.post(
        "/login/", {"username": login.username, "password": DEMO_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert login.name in page
    for unit_name, _role in login.grants:
        assert unit_name in page


def test_wrong_password_is_explained_in_chinese(client):
    response = client.post("/login/", {"username": "agent", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_the_ui_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/login/").content.decode()
    # an English browser still gets Chinese until the user chooses
    assert "登录" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()


def test_home_shows_the_policy_and_whether_today_is_a_working_day(client, person):
    client.force_login(person("city_dispatcher"))
    page = client.get("/").content.decode()
    assert "榕政办〔2007〕113号" in page
    assert "10个工作日内答复" in page  # reply period (R8.2)


PUBLIC = {"HOTLINE_PUBLIC_URL": "https://12345.example.gov.cn"}


@pytest.mark.parametrize(
    ("env", "ok"),
    [
        ({"HOTLINE_ENV": "production"}, False),  # no SECRET_KEY: refuse to start
        (
            {
                "HOTLINE_ENV": "production",
                "SECRET_KEY": "s" * 50,
                "HOTLINE_OUTBOX": "log",
                **PUBLIC,
            },
            True,
        ),
        # production needs its SMS gateway (or says it only logs messages)
        ({"HOTLINE_ENV": "production", "SECRET_KEY": "s" * 50, **PUBLIC}, False),
        # and the address its links to citizens point to (issue 12)
        ({"HOTLINE_ENV": "production", "SECRET_KEY": "s" * 50, "HOTLINE_OUTBOX": "log"}, False),
        ({"HOTLINE_ENV": "development"}, True),
    ],
)
def test_production_refuses_to_start_without_a_secret_key(env, ok):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "HOTLINE_ENV",
            "HOTLINE_OUTBOX",
            "SMS_GATEWAY_URL",
            "HOTLINE_PUBLIC_URL",
        )
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))),
    )
    assert (result.returncode == 0) is ok, result.stderr
    if not ok:
        assert any(
            name in result.stderr
            for name in ("SECRET_KEY must be set", "SMS_GATEWAY_URL", "HOTLINE_PUBLIC_URL")
        )

"""Issue 12, hardening: production settings, security headers, sessions,
passwords and uploads."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from hotline.organisation.demo import DEMO_PASSWORD
from hotline.organisation.models import User

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "hotline" / "templates"
PRODUCTION = {
    "HOTLINE_ENV": "production",
    "SECRET_KEY": "k" * 20 + "Zq8!vR2#pL6$wX9^mN4&bT7*cY1@hJ5%",
    "ALLOWED_HOSTS": "12345.example.gov.cn",
    "HOTLINE_PUBLIC_URL": "https://12345.example.gov.cn",
    "HOTLINE_OUTBOX": "log",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "SECRET_KEY"))}
    # The test run's own: never a deployment's (the conftest allows async-unsafe
    # calls for Playwright; check --deploy rightly refuses that).
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
    ):
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


# Production ---------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_refuses_outside_development(settings):
    """It makes an administrator whose password is printed and published."""
    settings.HOTLINE_ENV = "production"
    with pytest.raises(CommandError, match="HOTLINE_ENV=development"):
        call_command("load_demo")


def test_production_refuses_to_start_without_its_public_url(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "HOTLINE_PUBLIC_URL"}
    result = run_manage("check", env={**env, "HOTLINE_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "HOTLINE_PUBLIC_URL must be set" in result.stderr


def test_a_command_run_by_hand_says_what_production_lacks_and_how_to_develop(tmp_path):
    """Without HOTLINE_ENV a command runs with production settings (the safe
    default): it stops with one message naming every missing setting and
    HOTLINE_ENV=development, not with a traceback."""
    result = run_manage("check", env={"HOTLINE_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "HOTLINE_ENV is not set, so production" in result.stderr
    for name in ("SECRET_KEY", "HOTLINE_PUBLIC_URL", "SMS_GATEWAY_URL", "HOTLINE_ENV=development"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "HOTLINE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_and_proxy_settings_come_from_the_environment(tmp_path):
    show = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE)"
    )
    base = {**PRODUCTION, "HOTLINE_VAR_DIR": str(tmp_path)}
    served = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        show,
        env={**base, "HOTLINE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
    )
    assert served.stdout.split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
    ], served.stderr
    plain = run_manage("shell", "-v", "0", "-c", show, env={**base, "HOTLINE_HTTPS": "0"})
    assert plain.stdout.split()[:3] == ["False", "0", "None"], plain.stderr


# Headers ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/portal/", "/api/v1/docs", "/admin/login/"])
def test_every_page_has_a_content_security_policy_without_inline_script(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        "inline script",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\shx-on", re.I), "htmx inline handler"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
]


def test_no_served_template_has_inline_script_or_style():
    """The policy allows none; the bulletin's <style> is read by WeasyPrint
    (PDF), never served to a browser."""
    found = []
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).as_posix() == "supervision/bulletin.html":
            continue
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}")
        if "<style" in text:
            found.append(f"{template.relative_to(TEMPLATES)}: style element")
    assert found == []


# Sessions -----------------------------------------------------------------


def test_staff_sessions_end_after_eight_idle_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request starts the count again


def _log_in(client, **extra):
    return client.post("/login/", {"username": "agent", "password": DEMO_PASSWORD, **extra})


@pytest.mark.django_db
def test_a_login_on_a_shared_computer_ends_when_the_browser_closes():
    client = Client()
    assert 'name="shared_computer"' in client.get("/login/").content.decode()
    assert _log_in(client, shared_computer="1").status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_ordinary_login_lasts_eight_idle_hours():
    client = Client()
    assert _log_in(client).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 3600
    assert not client.session.get_expire_at_browser_close()


# Passwords ----------------------------------------------------------------


def test_the_similarity_and_common_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"UserAttributeSimilarityValidator", "CommonPasswordValidator"} <= names


@pytest.fixture
def agent_client(db):
    client = Client()
    client.force_login(User.objects.get(username="agent"))
    return client


def _change(client, new):
    return client.post(
        "/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new},
    )


def test_staff_change_their_own_password_from_the_header(agent_client):
    page = agent_client.get("/").content.decode()
    assert 'href="/password/"' in page
    form = agent_client.get("/password/")
    assert form.status_code == 200 and "修改密码" in form.content.decode()
    done = _change(agent_client, "Min-江-7q!river")
    assert done.status_code == 302
    assert User.objects.get(username="agent").check_password("Min-江-7q!river")
    assert agent_client.get("/").status_code == 200  # still logged in


@pytest.mark.parametrize(
    ("username", "new", "says"),
    [
        ("city_dispatcher", "city_dispatcher1", "太相似"),  # like the user name
        ("agent", "password123", "太常见"),  # on the common-password list
        ("agent", "12345678901", "只包含数字"),
        ("agent", "aB3$x", "太短"),
    ],
)
def test_a_weak_new_password_is_refused_in_chinese(db, username, new, says):
    client = Client()
    client.force_login(User.objects.get(username=username))
    refused = _change(client, new)
    assert refused.status_code == 200
    assert says in refused.content.decode()
    assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_anonymous_visitors_cannot_open_the_password_page(db):
    assert Client().get("/password/")["Location"].startswith("/login/")


# Uploads ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_is_stored_under_a_generated_name_with_its_detected_type(
    flow, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    clock("2026-11-26 10:00")
    from hotline.cases.attachments import attach

    case = flow.phone_case()
    (stored,) = attach(case, [SimpleUploadedFile("../../报告.html", PNG, "text/html")])
    name = Path(stored.file.name).name
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name), name
    assert stored.name == "报告.html"  # the sender's name, for display only
    assert stored.content_type == "image/png"
    assert Path(stored.file.path).read_bytes() == PNG


@pytest.mark.django_db
def test_an_emailed_attachment_is_stored_under_a_generated_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from hotline.notifications.inbound import receive

    message, _created = receive(
        channel="email",
        external_id="m-1",
        sender="someone@example.com",
        text="见附件",
        files=[("photo.php", "image/png", PNG), ("notes.exe", "application/x-msdownload", b"MZ")],
    )
    names = sorted(Path(a.file.name).name for a in message.attachments.all())
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["bin", "png"]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(png|bin)", n) for n in names)

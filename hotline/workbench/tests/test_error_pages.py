"""Issue 12: error pages in Chinese in the site's style; a database outage
answers 503; a request over the size limit is refused before it is read;
the API and Open311 answer every error in their own formats, never HTML."""

import json
from xml.etree import ElementTree

import pytest
from django.db import InterfaceError, OperationalError
from django.template import loader
from django.test import Client

from hotline.organisation.models import User

pytestmark = pytest.mark.django_db


def anonymous():
    return Client(raise_request_exception=False)


def staff(username="city_dispatcher"):
    client = anonymous()
    client.force_login(User.objects.get(username=username))
    return client


def is_page(response, status, words):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert 'data-testid="error-page"' in text and words in text, text[:500]
    assert 'lang="zh-hans"' in text
    return text


def test_an_unknown_page_is_a_chinese_404_in_the_site_style():
    text = is_page(staff().get("/no-such-page/"), 404, "页面不存在")
    assert "hotline/site.css" in text
    portal = is_page(anonymous().get("/portal/no-such-page/"), 404, "页面不存在")
    assert "hotline/portal.css" in portal


def test_a_forbidden_page_is_a_chinese_403_saying_why():
    # Intake is for service center agents.
    text = is_page(staff().get("/intake/"), 403, "无权")
    assert "只有服务中心" in text or "受理" in text


def test_a_stale_form_is_a_chinese_403_not_djangos_english_page():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(User.objects.get(username="city_dispatcher"))
    is_page(client.post("/switch/", {"acting": "", "next": "/"}), 403, "表单已过期")


def test_the_500_page_renders_with_no_request_at_all():
    text = loader.get_template("500.html").render({})
    assert "服务器" in text and "{{" not in text


@pytest.fixture
def failing(monkeypatch):
    """failing(exception): every page, API read and Open311 list raises it."""

    def make(exception):
        def boom(*args, **kwargs):
            raise exception

        from hotline.api import endpoints_reads
        from hotline.open311 import records
        from hotline.workbench import views

        monkeypatch.setattr(views, "tasks", boom)  # the queue
        monkeypatch.setattr(endpoints_reads, "visible", boom)  # the API's case reads
        monkeypatch.setattr(records, "services", boom)  # Open311 services

    return make


def test_a_bug_is_a_chinese_500_page(failing):
    failing(ZeroDivisionError("bug"))
    is_page(staff().get("/"), 500, "服务器出错")


@pytest.mark.parametrize("error", [OperationalError("db down"), InterfaceError("closed")])
def test_a_database_outage_is_503_everywhere_in_each_format(failing, error):
    failing(error)
    response = staff().get("/")
    is_page(response, 503, "暂时无法使用")
    assert response["Retry-After"]

    api = staff().get("/api/v1/cases")
    assert api.status_code == 503 and api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "unavailable" and api["Retry-After"]

    as_json = anonymous().get("/open311/v2/services.json")
    assert as_json.status_code == 503 and as_json["Content-Type"].startswith("application/json")
    assert as_json.json()[0]["code"] == 503
    as_xml = anonymous().get("/open311/v2/services.xml")
    assert as_xml.status_code == 503 and as_xml["Content-Type"].startswith("text/xml")
    assert ElementTree.fromstring(as_xml.content).tag == "errors"


def test_a_bug_in_open311_is_its_own_500(failing):
    failing(ZeroDivisionError("bug"))
    response = anonymous().get("/open311/v2/services.xml")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/xml")
    assert ElementTree.fromstring(response.content).find("error/code").text == "500"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/here", "/api/v1/cases/FZ1/unknown", "/api/nothing", "/api/"],
)
def test_unknown_api_paths_are_problems(path):
    response = anonymous().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/open311/v2/nothing.json", "json"),
        ("/open311/v2/nothing.xml", "xml"),
        ("/open311/nothing.xml", "xml"),
        ("/open311/", "json"),
    ],
)
def test_unknown_open311_paths_are_open311_errors(path, kind):
    response = anonymous().get(path)
    assert response.status_code == 404
    if kind == "json":
        assert response.json()[0]["code"] == 404
    else:
        assert ElementTree.fromstring(response.content).tag == "errors"


# Size limit ---------------------------------------------------------------


def _oversized(client, path, settings, **extra):
    """A request that says it is one byte over the limit; its body is never read."""
    return client.generic(
        "POST",
        path,
        b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.HOTLINE_MAX_REQUEST_BYTES + 1),
        **extra,
    )


def test_the_request_limit_is_20_mb_by_default(settings):
    assert settings.HOTLINE_MAX_REQUEST_BYTES == 20 * 2**20


def test_a_request_over_the_limit_is_refused_before_it_is_read(settings, monkeypatch):
    from django.core.handlers.wsgi import WSGIRequest

    def never(self):
        raise AssertionError("the body was read")

    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", never)
    page = _oversized(staff("agent"), "/intake/", settings)
    is_page(page, 413, "20 MB")
    portal = _oversized(anonymous(), "/portal/submit/", settings)
    is_page(portal, 413, "上传内容过大")

    api = _oversized(anonymous(), "/api/v1/cases", settings)
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    open311 = _oversized(anonymous(), "/open311/v2/requests.xml", settings)
    assert open311.status_code == 413 and ElementTree.fromstring(open311.content).tag == "errors"
    as_json = _oversized(anonymous(), "/open311/v2/requests.json", settings)
    assert json.loads(as_json.content)[0]["code"] == 413


def test_a_request_within_the_limit_goes_through(settings):
    settings.HOTLINE_MAX_REQUEST_BYTES = 2**20
    response = staff().post("/switch/", {"acting": "", "next": "/"})
    assert response.status_code == 302

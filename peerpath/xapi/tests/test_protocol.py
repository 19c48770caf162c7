"""Protocol rules shared by every resource: versions, methods, body size, the pure core's purity."""

import ast
from pathlib import Path

import pytest

from peerpath.xapi.models import Statement
from peerpath.xapi.tests.helpers import make_statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.3", "2.0.0"])
@pytest.mark.xapi_req("COMM-3.3-c")
def test_supported_versions_are_accepted(lrs, version):
    lrs.version = version
    assert lrs.post(make_statement()).status_code == 200


@pytest.mark.parametrize("version", ["2.0", "1.1.0", "3.0.0", "latest"])
@pytest.mark.xapi_req("COMM-3.3-d")
def test_unsupported_versions_are_400(lrs, version):
    lrs.version = version
    response = lrs.post(make_statement())
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-3.2-f")
def test_oversized_body_is_413_and_stores_nothing(lrs, settings):
    settings.PEERPATH_XAPI_MAX_BODY = 100
    response = lrs.post([make_statement() for _ in range(5)])
    assert response.status_code == 413
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("COMM-3.2-a")
def test_unsupported_method_is_405(lrs):
    assert lrs.request("delete", "/xapi/statements").status_code == 405


@pytest.mark.xapi_req("COMM-2.8-c", "COMM-3.3-a")
def test_about_answers_without_a_version_header(client):
    response = client.get("/xapi/about/")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.xapi_req("COMM-2.1.3-d", "COMM-2.1.3-s")
def test_get_of_statements_carries_consistency_and_modification_headers(lrs):
    lrs.post(make_statement())
    response = lrs.get()
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response["Last-Modified"].endswith("GMT")


def test_the_validation_core_imports_nothing_from_django():
    folder = Path(__file__).resolve().parent.parent / "validation"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith("django"), path.name
                assert not name.startswith("peerpath.") or name.startswith(
                    "peerpath.xapi.validation"
                ), (path.name, name)


@pytest.mark.parametrize(
    "path", ["/xapi/statements", "/xapi/about", "/xapi/activities?activityId=http://e.org/a"]
)
@pytest.mark.xapi_req("COMM-1.1-a")
def test_head_answers_as_get_would_without_a_body(lrs, path):
    # 1.0.3 Communication 1.1: as the GET, except that the message-body is omitted (the
    # server drops it; what is checked here is that the view answers HEAD like GET).
    lrs.post(make_statement(activity="http://e.org/a"))
    got = lrs.request("get", path)
    head = lrs.request("head", path)
    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert head["X-Experience-API-Version"] == got["X-Experience-API-Version"]

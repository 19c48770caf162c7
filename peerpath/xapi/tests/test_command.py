"""`peerpath xapi client add` and `activity map`; the admin page for clients."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peerpath.xapi.models import ActivityIRI, XapiClient
from tests.factories import ActivityFactory, RunFactory, StaffFactory

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    out = StringIO()
    call_command("xapi", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_client_add_prints_key_and_secret_on_its_last_line_and_they_authenticate(client):
    last = run_command("client", "add", "H5P server").strip().splitlines()[-1]
    key, secret = last.split(":", 1)
    stored = XapiClient.objects.get()
    assert stored.key == key and stored.name == "H5P server" and stored.run is None
    assert secret not in stored.secret_hash
    auth = "Basic " + base64.b64encode(last.encode()).decode()
    response = client.get(
        "/xapi/statements", headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 200


def test_client_add_scoped_to_a_run_and_unknown_run_is_an_error():
    run = RunFactory(slug="spring")
    run_command("client", "add", "Quiz", "--run", "spring")
    assert XapiClient.objects.get().run == run
    with pytest.raises(CommandError, match="--run"):
        run_command("client", "add", "Quiz", "--run", "nope")


def test_activity_map_links_an_iri_to_an_activity():
    activity = ActivityFactory(slug="quiz-1")
    course = activity.module.course.slug
    run_command(
        "activity", "map", "https://tool.example.org/q1", "--course", course, "--activity", "quiz-1"
    )
    assert ActivityIRI.objects.get().activity == activity
    with pytest.raises(CommandError, match="IRI"):
        run_command("activity", "map", "not an iri", "--course", course, "--activity", "quiz-1")


def test_staff_add_a_client_in_the_admin_and_see_its_secret_once(client):
    client.force_login(StaffFactory())
    response = client.post(
        "/admin/xapi/xapiclient/add/", {"name": "LMS", "active": "on"}, follow=True
    )
    assert response.status_code == 200
    stored = XapiClient.objects.get()
    assert f"{stored.key}:" in response.content.decode()

"""The REST API: token authentication, courses, runs, enrolments and groups."""

import pytest

from peerpath.accounts.models import RunRole
from peerpath.accounts.services import api_token_create
from peerpath.grouping.models import GroupMembership, StudyGroup
from tests.factories import (
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    RunRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_refuses_requests_without_a_valid_token(client):
    assert client.get("/api/courses").status_code == 401
    assert client.get("/api/courses", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_openapi_document_lists_the_resources(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/courses", "/api/runs", "/api/runs/{slug}/enrolments",
                 "/api/runs/{slug}/groups"):
        assert path in paths


def test_courses_and_runs_are_listed_with_their_modules(client):
    module = ModuleFactory(title="Loops")
    run = RunFactory(course=module.course)
    headers = bearer(UserFactory())
    courses = client.get("/api/courses", headers=headers).json()
    assert [c["slug"] for c in courses] == [module.course.slug]
    detail = client.get(f"/api/courses/{module.course.slug}", headers=headers).json()
    assert detail["modules"][0]["title"] == "Loops"
    runs = client.get("/api/runs", headers=headers).json()
    assert runs[0]["slug"] == run.slug
    assert client.get("/api/runs/missing", headers=headers).status_code == 404


def test_run_staff_see_every_enrolment_and_a_learner_only_their_own(client):
    run = RunFactory()
    mine = EnrolmentFactory(run=run)
    EnrolmentFactory(run=run)
    instructor = RunRoleFactory(run=run, role=RunRole.Role.INSTRUCTOR).user
    staff_view = client.get(f"/api/runs/{run.slug}/enrolments", headers=bearer(instructor))
    assert len(staff_view.json()) == 2
    own_view = client.get(f"/api/runs/{run.slug}/enrolments", headers=bearer(mine.user)).json()
    assert [e["id"] for e in own_view] == [mine.pk]
    bad = client.get(f"/api/runs/{run.slug}/enrolments?status=nonsense",
                     headers=bearer(instructor))
    assert bad.status_code == 400
    assert "status" in bad.json()["detail"]


def test_a_learner_sees_only_their_own_published_group(client):
    run = RunFactory()
    mine = StudyGroup.objects.create(run=run, number=1, language="en", hour_utc=40,
                                     status="published")
    other = StudyGroup.objects.create(run=run, number=2, language="en", hour_utc=41,
                                      status="published")
    me = EnrolmentFactory(run=run)
    GroupMembership.objects.create(group=mine, enrolment=me)
    headers = bearer(me.user)
    groups = client.get(f"/api/runs/{run.slug}/groups", headers=headers).json()
    assert [g["number"] for g in groups] == [1]
    assert groups[0]["members"] == [me.pk]
    assert client.get(f"/api/groups/{other.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/groups/{mine.pk}", headers=headers).status_code == 200

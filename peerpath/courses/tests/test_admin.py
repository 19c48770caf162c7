"""The course admin pages load for staff."""

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, RunFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["course", "module", "activity", "run"])
def test_staff_can_list_and_open_each_course_model(client, model):
    activity = ActivityFactory()
    run = RunFactory(course=activity.module.course)
    objects = {"course": run.course, "module": activity.module, "activity": activity, "run": run}
    client.force_login(StaffFactory())

    listing = client.get(reverse(f"admin:courses_{model}_changelist"), {"q": "a"})
    change = client.get(reverse(f"admin:courses_{model}_change", args=[objects[model].pk]))

    assert listing.status_code == 200
    assert change.status_code == 200

"""The signed one-click "done" link of the weekly mail."""

import datetime as dt

import pytest
import time_machine

from peerpath.common.signed_links import link_token_make
from peerpath.enrollment.models import Enrolment
from peerpath.progress.links import done_url
from peerpath.progress.models import Completion
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    run = RunFactory()
    module = ModuleFactory(course=run.course, position=1, title="Getting started")
    activity = ActivityFactory(module=module, title="Read the welcome letter")
    ActivityFactory(module=module, title="Watch the intro")  # keeps the run from completing
    return EnrolmentFactory(run=run, timezone="Europe/Oslo"), activity


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_done_url_is_absolute_on_the_site_address(settings, learner):
    settings.SITE_URL = "https://learn.example.org"
    enrolment, activity = learner
    url = done_url(enrolment_id=enrolment.pk, activity_id=activity.pk)
    assert url.startswith("https://learn.example.org/progress/done/")


def test_opening_the_link_changes_nothing_so_mail_scanners_cannot_mark_work_done(client, learner):
    enrolment, activity = learner
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    page = client.get(url)
    assert page.status_code == 200
    assert "Read the welcome letter" in page.content.decode()
    assert "Mark as done" in page.content.decode()
    assert client.head(url).status_code == 200
    assert not Completion.objects.exists()


def test_pressing_the_button_marks_done_without_login_and_a_second_press_changes_nothing(
    client, learner
):
    enrolment, activity = learner
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    first = client.post(url, {"action": "done"})
    assert first.status_code == 200
    assert 'data-state="done"' in first.content.decode()
    completion = Completion.objects.get(enrolment=enrolment, activity=activity)
    assert completion.source == Completion.Source.EMAIL
    second = client.post(url, {"action": "done"})
    assert 'data-state="unchanged"' in second.content.decode()
    assert Completion.objects.get(enrolment=enrolment, activity=activity) == completion
    assert Completion.objects.get(pk=completion.pk).completed_at == completion.completed_at


def test_undo_on_the_link_page_removes_the_completion(client, learner):
    enrolment, activity = learner
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    client.post(url, {"action": "done"})
    page = client.post(url, {"action": "undo"})
    assert 'data-state="undone"' in page.content.decode()
    assert not Completion.objects.exists()


def test_a_tampered_link_is_refused_with_a_clear_page(client, learner):
    enrolment, activity = learner
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for method in (client.get, client.post):
        page = method(f"/progress/done/{tampered}/")
        assert page.status_code == 400
        assert "This link is not valid" in page.content.decode()
    assert not Completion.objects.exists()


def test_a_link_for_another_purpose_or_another_course_is_refused(client, learner):
    enrolment, activity = learner
    other_purpose = link_token_make("rsvp", {"e": enrolment.pk, "a": activity.pk})
    assert client.post(f"/progress/done/{other_purpose}/").status_code == 400
    foreign = ActivityFactory()  # an activity of another course
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=foreign.pk))
    assert client.post(url).status_code == 400
    assert not Completion.objects.exists()


def test_an_expired_link_is_refused_with_a_clear_page(client, learner, settings):
    settings.PEERPATH_DONE_LINK_MAX_AGE = 3600
    enrolment, activity = learner
    with time_machine.travel(dt.datetime(2030, 1, 1, 8, tzinfo=dt.UTC), tick=False):
        url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    with time_machine.travel(dt.datetime(2030, 1, 1, 10, tzinfo=dt.UTC), tick=False):
        page = client.post(url, {"action": "done"})
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert not Completion.objects.exists()


def test_a_withdrawn_learners_link_no_longer_works(client, learner):
    enrolment, activity = learner
    url = path_of(done_url(enrolment_id=enrolment.pk, activity_id=activity.pk))
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert client.post(url, {"action": "done"}).status_code == 400
    assert not Completion.objects.exists()

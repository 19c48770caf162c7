"""A learner who confirms their sign-up after the run's groups were published is placed in a
group (or held with the reason) at once, by the confirmation itself; not an hour later."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.enrollment.models import Enrolment
from peerpath.enrollment.services import (
    SignupData,
    enrolment_confirm_token,
    enrolment_signup,
    enrolment_withdraw,
)
from peerpath.grouping.models import GroupMembership, LateJoinerHold, StudyGroup
from peerpath.grouping.services import groups_form, groups_publish
from peerpath.meetings.models import Meeting
from peerpath.messaging.models import OutboxMessage
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

EVENING = [d * 24 + 18 for d in range(5)]  # 18:00 UTC on weekdays
MORNING = [d * 24 + 7 for d in range(5)]
LUNCH = [d * 24 + 12 for d in range(5)]


@pytest.fixture
def run():
    run = RunFactory(
        timezone="UTC",
        meeting_window_start=0,
        meeting_window_end=24,
        starts_on=timezone.now().date() + dt.timedelta(days=3),
    )
    for week in (1, 2, 3):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


def publish(run, hours, size=7) -> StudyGroup:
    EnrolmentFactory.create_batch(size, run=run, availability_utc=hours)
    groups_form(run=run)
    groups_publish(run=run)
    return StudyGroup.objects.get(run=run, hour_utc__in=hours)


def sign_up(run, hours, email="late@example.org") -> Enrolment:
    data = SignupData(
        name="Late Lou",
        email=email,
        timezone="UTC",
        availability_local=hours,
        language="en",
        consent=True,
    )
    return enrolment_signup(run=run, data=data, client="127.0.0.1")


def confirm_in_browser_session(client, enrolment) -> None:
    token = enrolment_confirm_token(enrolment=enrolment)
    response = client.post(reverse("enrollment:confirm", args=[token]))
    assert response.status_code == 302


def test_confirming_into_a_run_with_published_groups_places_the_learner_at_once(client, run):
    morning = publish(run, MORNING)
    enrolment = sign_up(run, MORNING + [100])
    assert not GroupMembership.objects.filter(enrolment=enrolment).exists()

    confirm_in_browser_session(client, enrolment)

    membership = GroupMembership.objects.select_related("group").get(enrolment=enrolment)
    assert membership.group == morning
    assert morning.hour_utc in MORNING
    # the group's meetings follow, and the learner is introduced to the group
    assert Meeting.objects.filter(group=morning).exists()
    assert OutboxMessage.objects.filter(
        kind="group_intro", recipient=enrolment.user, context__group=morning.pk
    ).exists()
    # and their home page shows the group straight away
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("meetings:group", args=[morning.pk])}"' in page


def test_a_learner_no_group_fits_is_held_with_the_reason_at_once(client, run):
    publish(run, EVENING)
    enrolment = sign_up(run, LUNCH)

    confirm_in_browser_session(client, enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert not GroupMembership.objects.filter(enrolment=enrolment).exists()
    hold = LateJoinerHold.objects.get(enrolment=enrolment)
    assert "No group speaking en meets at an hour you can make" in hold.reason


def test_before_groups_are_published_confirming_places_and_holds_nobody(client, run):
    EnrolmentFactory.create_batch(7, run=run, availability_utc=MORNING)
    groups_form(run=run)  # drafts only
    enrolment = sign_up(run, MORNING)

    confirm_in_browser_session(client, enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert not GroupMembership.objects.filter(enrolment=enrolment).exists()
    assert not LateJoinerHold.objects.filter(enrolment=enrolment).exists()


def test_a_learner_moved_up_from_the_waiting_list_is_placed_too(run):
    morning = publish(run, MORNING)
    run.capacity = Enrolment.objects.filter(run=run, status="confirmed").count() + 1
    run.save()
    first = sign_up(run, MORNING, email="first@example.org")
    second = sign_up(run, MORNING, email="second@example.org")
    from peerpath.enrollment.services import enrolment_confirm

    enrolment_confirm(token=enrolment_confirm_token(enrolment=first))
    waiting = enrolment_confirm(token=enrolment_confirm_token(enrolment=second))
    assert waiting.status == Enrolment.Status.WAITLISTED
    assert not GroupMembership.objects.filter(enrolment=second).exists()

    enrolment_withdraw(enrolment=first)

    second.refresh_from_db()
    assert second.status == Enrolment.Status.CONFIRMED
    assert GroupMembership.objects.get(enrolment=second).group == morning


def test_a_placement_that_fails_leaves_the_confirmation_standing(client, run, monkeypatch):
    publish(run, MORNING)
    enrolment = sign_up(run, MORNING)

    def broken(*, enrolment):
        GroupMembership.objects.create(
            group=StudyGroup.objects.filter(run=enrolment.run).first(), enrolment=enrolment
        )
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("peerpath.grouping.services.late_joiner_place", broken)

    confirm_in_browser_session(client, enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert OutboxMessage.objects.filter(kind="welcome", recipient=enrolment.user).exists()
    # the half-made placement was rolled back on its own; the hourly task places them later
    assert not GroupMembership.objects.filter(enrolment=enrolment).exists()

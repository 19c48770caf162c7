"""Facilitators are told when their group visits are assigned or reassigned: one message per
facilitator per change, through the outbox and a real SMTP server on loopback, listing their
visits in their own timezone with the address of their calendar feed."""

import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

import icalendar
import pytest
from django.utils import timezone

from peerpath.meetings import services
from peerpath.meetings.models import Facilitator, Meeting
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import outbox_deliver_due
from tests.factories import EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

KIND = "facilitator_visits"


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


@pytest.fixture
def run():
    """A five-week run starting next Monday, with two groups meeting on Tuesdays at 17 and 18
    UTC."""
    from peerpath.grouping.models import GroupMembership, StudyGroup

    run = RunFactory(starts_on=_next_monday(timezone.now().date()), timezone="Europe/Oslo")
    for week in range(1, 6):
        ModuleFactory(course=run.course, position=week, title=f"Topic {week}")
    for number, hour in ((1, 24 + 17), (2, 24 + 18)):
        group = StudyGroup.objects.create(
            run=run, number=number, language="en", hour_utc=hour, status="published"
        )
        for _ in range(3):
            GroupMembership.objects.create(group=group, enrolment=EnrolmentFactory(run=run))
    services.meeting_series_for_run(run=run)
    return run


def add(run, email, name, zone, hours, capacity=2) -> Facilitator:
    return services.facilitator_add(
        run=run,
        email=email,
        name=name,
        timezone_name=zone,
        availability_text=hours,
        capacity_per_week=capacity,
    )


def local(instant: dt.datetime, zone: str) -> str:
    """The local wall-clock time an independent conversion gives, as the mail writes it."""
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M") + f" ({zone})"


def mails_to(smtp_server, address):
    return [m for m in smtp_server.received if m.rcpt_tos == [address]]


def test_each_facilitator_is_told_once_with_their_visits_local_times_and_feed(
    run, smtp_server, client
):
    ann = add(run, "ann@uni.example", "Ann", "Europe/Oslo", "Tue 17-21")
    bo = add(run, "bo@uni.example", "Bo", "America/New_York", "Tue 12-14", capacity=1)

    services.facilitator_visits_assign(run=run)

    queued = OutboxMessage.objects.filter(kind=KIND, run=run)
    assert sorted(queued.values_list("recipient_id", flat=True)) == sorted(
        [ann.user_id, bo.user_id]
    )
    outbox_deliver_due()
    for facilitator, zone in ((ann, "Europe/Oslo"), (bo, "America/New_York")):
        (mail,) = mails_to(smtp_server, facilitator.user.email)
        visits = list(Meeting.objects.filter(facilitator=facilitator.user).order_by("starts_at"))
        assert len(visits) >= 2
        assert mail.message["Subject"] == f"{len(visits)} new group visits for you in {run.title}"
        for meeting in visits:
            assert local(meeting.starts_at, zone) in mail.text
            assert f"study group {meeting.group.number}, week {meeting.week}" in mail.text
        others = Meeting.objects.filter(group__run=run).exclude(facilitator=facilitator.user)
        for meeting in others:
            assert f"study group {meeting.group.number}, week {meeting.week} " not in mail.text
        # the feed address in the mail serves exactly these visits as iCalendar
        feed_url = re.search(r"https?://\S+/meetings/feed/\S+\.ics", mail.text).group(0)
        response = client.get(urlsplit(feed_url).path)
        assert response.status_code == 200
        calendar = icalendar.Calendar.from_ical(response.content)
        uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
        assert uids == {m.uid for m in visits}

    # nothing changed: nobody is told again
    services.facilitator_visits_assign(run=run)
    services.meeting_series_refresh()
    assert OutboxMessage.objects.filter(kind=KIND, run=run).count() == 2


def test_reassignment_tells_the_one_who_loses_and_the_one_who_gains(run, smtp_server):
    ann = add(run, "ann@uni.example", "Ann", "Europe/Oslo", "Tue 17-21")
    bo = add(run, "bo@uni.example", "Bo", "America/New_York", "Tue 12-14")
    services.facilitator_visits_assign(run=run)
    outbox_deliver_due()
    bo_visits = set(Meeting.objects.filter(facilitator=bo.user).values_list("pk", flat=True))
    assert bo_visits

    services.facilitator_leave(facilitator=bo)

    latest = {
        m.recipient_id: m
        for m in OutboxMessage.objects.filter(kind=KIND, run=run).order_by("created_at", "pk")
    }
    assert OutboxMessage.objects.filter(kind=KIND, run=run).count() == 4
    assert set(latest[bo.user_id].context["removed"]) == bo_visits
    assert latest[bo.user_id].context["added"] == []
    assert set(latest[ann.user_id].context["added"]) == bo_visits
    outbox_deliver_due()

    (_, to_bo) = mails_to(smtp_server, bo.user.email)
    assert to_bo.message["Subject"] == f"Your group visits in {run.title} have changed"
    assert "You have no group visits to come" in to_bo.text
    assert "No longer yours" in to_bo.text
    for meeting in Meeting.objects.filter(pk__in=bo_visits):
        assert local(meeting.starts_at, "America/New_York") in to_bo.text
    (_, to_ann) = mails_to(smtp_server, ann.user.email)
    taken_over = Meeting.objects.filter(pk__in=bo_visits)
    for meeting in taken_over:
        line = next(
            line
            for line in to_ann.text.splitlines()
            if local(meeting.starts_at, "Europe/Oslo") in line
            and f"study group {meeting.group.number}," in line
        )
        assert line.endswith("— new")


def test_a_run_without_facilitators_sends_nothing(run):
    services.facilitator_visits_assign(run=run)
    assert not OutboxMessage.objects.filter(kind=KIND).exists()

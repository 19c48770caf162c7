"""Calendar files over HTTP: members and staff get them; nobody else learns they exist."""

import icalendar
import pytest
from django.urls import reverse

from peerpath.meetings import services
from peerpath.meetings.models import Meeting

from .conftest import UserFactory, group_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(autumn_group, before_the_run):
    return services.meeting_series_create(group=autumn_group, now=before_the_run)


@pytest.fixture
def member(autumn_group):
    return autumn_group.memberships.first().enrolment.user


def feed_url(group_id):
    return reverse("meetings:group_calendar", args=[group_id])


def invite_url(meeting_id):
    return reverse("meetings:meeting_invite", args=[meeting_id])


def test_member_downloads_the_groups_series_as_a_published_calendar(
    client, member, autumn_group, series
):
    client.force_login(member)

    response = client.get(feed_url(autumn_group.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert [e["UID"] for e in calendar.walk("VEVENT")] == [m.uid for m in series]
    assert all("ATTENDEE" not in e for e in calendar.walk("VEVENT"))


def test_the_feed_is_written_in_the_members_own_timezone(client, member, autumn_group, series):
    enrolment = member.enrolments.get()
    enrolment.timezone = "America/New_York"
    enrolment.save()
    client.force_login(member)

    response = client.get(feed_url(autumn_group.pk))

    assert b"DTSTART;TZID=America/New_York:20261013T130000" in response.content


def test_staff_download_any_groups_series(client, autumn_group, series):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(feed_url(autumn_group.pk))

    assert response.status_code == 200
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 5


def test_member_of_another_group_gets_not_found(client, autumn_run, autumn_group, series):
    other_group = group_with_members(run=autumn_run, members=1)
    client.force_login(other_group.memberships.get().enrolment.user)

    assert client.get(feed_url(autumn_group.pk)).status_code == 404
    assert client.get(invite_url(series[0].pk)).status_code == 404


def test_signed_in_outsider_cannot_tell_a_group_exists(client, outsider, autumn_group, series):
    client.force_login(outsider)
    missing = autumn_group.pk + 1000

    assert client.get(feed_url(autumn_group.pk)).status_code == 404
    assert client.get(feed_url(missing)).status_code == 404
    assert client.get(invite_url(series[0].pk)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in_for_any_group_alike(client, autumn_group, series):
    existing = client.get(feed_url(autumn_group.pk))
    missing = client.get(feed_url(autumn_group.pk + 1000))

    assert existing.status_code == missing.status_code == 302
    assert existing["Location"].startswith(reverse("accounts:signin"))
    assert missing["Location"].split("?")[0] == existing["Location"].split("?")[0]


def test_member_downloads_an_invitation_to_one_meeting(client, member, autumn_group, series):
    client.force_login(member)

    response = client.get(invite_url(series[1].pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == series[1].uid
    assert f"mailto:{member.email}" in {str(a) for a in event["ATTENDEE"]}


def test_a_cancelled_meeting_downloads_as_a_cancellation(client, member, series):
    Meeting.objects.filter(pk=series[0].pk).update(status=Meeting.Status.CANCELLED, sequence=1)
    client.force_login(member)

    calendar = icalendar.Calendar.from_ical(client.get(invite_url(series[0].pk)).content)

    [event] = calendar.walk("VEVENT")
    assert (calendar["METHOD"], event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)


def test_calendar_files_only_answer_get(client, member, autumn_group, series):
    client.force_login(member)

    assert client.post(feed_url(autumn_group.pk)).status_code == 405

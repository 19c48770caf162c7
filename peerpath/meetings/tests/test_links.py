"""Signed links without login: attendance, RSVP, hand-over, feedback. Expired, tampered and
reused links are refused with a clear page, and nothing changes."""

import datetime as dt

import pytest
import time_machine
from django.core import signing

from peerpath.common.signed_links import link_token_make
from peerpath.courses.models import Activity
from peerpath.meetings import links, services
from peerpath.meetings.models import Attendance, Meeting, MeetingFeedback, Rsvp
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import message_render
from peerpath.progress.models import Completion
from tests.factories import ActivityFactory

from .test_services import TUESDAYS_17_UTC

pytestmark = pytest.mark.django_db

AFTER_WEEK_1 = TUESDAYS_17_UTC[0] + dt.timedelta(hours=2)


@pytest.fixture
def series(autumn_group, before_the_run):
    return services.meeting_series_create(group=autumn_group, now=before_the_run)


@pytest.fixture
def week1(series):
    return Meeting.objects.select_related("leader__user", "module").get(pk=series[0].pk)


def token_of(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def members(group):
    return [
        m.enrolment
        for m in group.memberships.select_related("enrolment__user").order_by("enrolment_id")
    ]


def tamper(token):
    value, signature = token.rsplit(":", 1)
    return value + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]


# --- attendance --------------------------------------------------------------------------------


def test_after_the_meeting_the_leader_is_asked_once_with_a_working_link(week1, autumn_group):
    assert services.meeting_attendance_requests_plan(now=AFTER_WEEK_1) == 1
    assert services.meeting_attendance_requests_plan(now=AFTER_WEEK_1) == 0  # idempotent
    [request] = OutboxMessage.objects.filter(kind="meeting_attendance_request")
    assert request.recipient == week1.leader.user
    text = message_render(message=request).text
    assert request.context["url"] in text
    assert "/meetings/attendance/" in request.context["url"]


def test_no_request_before_the_meeting_ends_nor_once_attendance_is_recorded(week1):
    assert services.meeting_attendance_requests_plan(now=TUESDAYS_17_UTC[0]) == 0
    services.meeting_attendance_record(
        meeting=week1, recorder=week1.leader.user, present_ids=[], now=AFTER_WEEK_1
    )
    assert services.meeting_attendance_requests_plan(now=AFTER_WEEK_1) == 0


def test_leader_records_attendance_and_a_note_by_link_and_presence_counts_as_progress(
    client, week1, autumn_group
):
    meeting_activity = ActivityFactory(module=week1.module, kind=Activity.Kind.GROUP_MEETING)
    url = links.attendance_url(meeting_id=week1.pk, recorder_id=week1.leader.user_id)
    first, second, third = members(autumn_group)

    with time_machine.travel(AFTER_WEEK_1, tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert first.user.name in page.content.decode()
        done = client.post(url, {"present": [first.pk, third.pk], "note": "Good talk on loops"})

    assert done.status_code == 200
    assert "2 of 3" in done.content.decode()
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {
        first.pk: True,
        second.pk: False,
        third.pk: True,
    }
    week1.refresh_from_db()
    assert week1.note == "Good talk on loops"
    assert week1.attendance_recorded_by == week1.leader.user
    assert set(
        Completion.objects.filter(activity=meeting_activity).values_list("enrolment_id", flat=True)
    ) == {first.pk, third.pk}


def test_a_used_attendance_link_is_refused_and_nothing_changes(client, week1, autumn_group):
    url = links.attendance_url(meeting_id=week1.pk, recorder_id=week1.leader.user_id)
    first, second, _third = members(autumn_group)
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        client.post(url, {"present": [first.pk], "note": "first"})
        again = client.post(url, {"present": [second.pk], "note": "second"})
        reopened = client.get(url)

    assert again.status_code == reopened.status_code == 410
    assert "already been used" in again.content.decode()
    assert set(Attendance.objects.filter(present=True).values_list("enrolment_id", flat=True)) == {
        first.pk
    }
    week1.refresh_from_db()
    assert week1.note == "first"


def test_an_expired_attendance_link_is_refused_and_nothing_changes(client, week1, autumn_group):
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        url = links.attendance_url(meeting_id=week1.pk, recorder_id=week1.leader.user_id, days=3)
    with time_machine.travel(AFTER_WEEK_1 + dt.timedelta(days=3, minutes=1), tick=False):
        response = client.post(url, {"present": [members(autumn_group)[0].pk]})

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_tampered_attendance_link_is_refused_and_nothing_changes(client, week1, autumn_group):
    url = links.attendance_url(meeting_id=week1.pk, recorder_id=week1.leader.user_id)
    bad = url.replace(token_of(url), tamper(token_of(url)))
    forged = signing.dumps({"m": week1.pk, "u": 1, "d": 14}, salt="peerpath.link.meeting_rsvp")
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        tampered = client.post(bad, {"present": [members(autumn_group)[0].pk]})
        other_purpose = client.post(f"/meetings/attendance/{forged}/", {"present": []})

    assert tampered.status_code == other_purpose.status_code == 400
    assert "not valid" in tampered.content.decode()
    assert not Attendance.objects.exists()


def test_bad_attendance_input_names_the_field_keeps_the_link_and_writes_nothing(
    client, week1, autumn_group
):
    url = links.attendance_url(meeting_id=week1.pk, recorder_id=week1.leader.user_id)
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        long_note = client.post(url, {"present": [members(autumn_group)[0].pk], "note": "x" * 201})
        stranger = client.post(url, {"present": [999_999]})
        early = None
    with time_machine.travel(TUESDAYS_17_UTC[0] - dt.timedelta(hours=1), tick=False):
        early = client.post(url, {"present": []})

    assert long_note.status_code == stranger.status_code == early.status_code == 400
    assert 'aria-invalid="true"' in long_note.content.decode()
    assert "200 characters" in long_note.content.decode()
    assert "Only members" in stranger.content.decode()
    assert "once the meeting has started" in early.content.decode()
    assert not Attendance.objects.exists()
    with time_machine.travel(AFTER_WEEK_1, tick=False):  # the link still works afterwards
        assert client.post(url, {"present": []}).status_code == 200


# --- RSVP ---------------------------------------------------------------------------------------


def test_rsvp_link_asks_first_then_records_and_can_be_changed(
    client, week1, autumn_group, before_the_run
):
    member = members(autumn_group)[1]
    yes = links.rsvp_url(meeting_id=week1.pk, enrolment_id=member.pk, answer="yes")
    no = links.rsvp_url(meeting_id=week1.pk, enrolment_id=member.pk, answer="no")
    with time_machine.travel(before_the_run, tick=False):
        assert client.get(yes).status_code == 200
        assert not Rsvp.objects.exists()  # a link preview does not answer
        client.post(yes)
        assert Rsvp.objects.get().answer == "yes"
        client.post(no)
    assert Rsvp.objects.get().answer == "no"


def test_a_tampered_or_expired_rsvp_link_changes_nothing(
    client, week1, autumn_group, before_the_run
):
    member = members(autumn_group)[1]
    with time_machine.travel(before_the_run - dt.timedelta(days=61), tick=False):
        old = links.rsvp_url(meeting_id=week1.pk, enrolment_id=member.pk, answer="yes")
    fresh = links.rsvp_url(meeting_id=week1.pk, enrolment_id=member.pk, answer="yes")
    with time_machine.travel(before_the_run, tick=False):
        expired = client.post(old)
        tampered = client.post(fresh.replace(token_of(fresh), tamper(token_of(fresh))))
    assert (expired.status_code, tampered.status_code) == (410, 400)
    assert not Rsvp.objects.exists()


def test_rsvp_for_a_meeting_that_is_over_is_refused_clearly(client, week1, autumn_group):
    url = links.rsvp_url(
        meeting_id=week1.pk, enrolment_id=members(autumn_group)[0].pk, answer="yes"
    )
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        response = client.post(url)
    assert response.status_code == 409
    assert "over" in response.content.decode()
    assert not Rsvp.objects.exists()


# --- hand-over ----------------------------------------------------------------------------------


def test_the_leader_hands_over_to_the_next_in_line_who_is_told_and_later_weeks_rotate(
    client, series, autumn_group, before_the_run
):
    first, second, third = members(autumn_group)
    assert [m.leader_id for m in series] == [first.pk, second.pk, third.pk, first.pk, second.pk]
    url = links.handover_url(meeting_id=series[0].pk, enrolment_id=first.pk)

    with time_machine.travel(before_the_run, tick=False):
        page = client.get(url)
        assert second.user.name in page.content.decode()
        done = client.post(url)
        again = client.post(url)

    assert done.status_code == 200
    assert again.status_code == 410
    leaders = list(Meeting.objects.order_by("week").values_list("leader_id", flat=True))
    assert leaders[0] == second.pk
    assert first.pk in leaders[1:3]  # who handed over leads soon after
    assert len(set(leaders[:3])) == 3  # still nobody leads twice before all have led
    [told] = OutboxMessage.objects.filter(kind="meeting_leader_handover")
    assert told.recipient == second.user
    assert "handed the discussion over" in message_render(message=told).text
    assert Meeting.objects.get(week=1).sequence == 1


def test_only_the_current_leader_can_hand_over_and_a_refusal_keeps_the_link(
    client, series, autumn_group, before_the_run
):
    second = members(autumn_group)[1]
    url = links.handover_url(meeting_id=series[0].pk, enrolment_id=second.pk)
    with time_machine.travel(before_the_run, tick=False):
        response = client.post(url)
    assert response.status_code == 409
    assert "no longer lead" in response.content.decode()
    assert Meeting.objects.get(week=1).leader_id == series[0].leader_id


# --- feedback -----------------------------------------------------------------------------------


def test_a_member_rates_a_meeting_and_may_reflect_and_change_it(client, week1, autumn_group):
    member = members(autumn_group)[2]
    url = links.feedback_url(meeting_id=week1.pk, enrolment_id=member.pk)
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        bad = client.post(url, {"rating": "7"})
        assert bad.status_code == 400
        assert "from 1 to 5" in bad.content.decode()
        assert not MeetingFeedback.objects.exists()
        client.post(url, {"rating": "4", "reflection": "Loved the informal talk at the end."})
        client.post(url, {"rating": "5", "reflection": ""})
    feedback = MeetingFeedback.objects.get()
    assert (feedback.enrolment_id, feedback.rating, feedback.reflection) == (member.pk, 5, "")


def test_a_feedback_link_for_another_purpose_is_refused(client, week1, autumn_group):
    member = members(autumn_group)[2]
    token = link_token_make("meeting_rsvp", {"m": week1.pk, "e": member.pk, "a": "yes"})
    with time_machine.travel(AFTER_WEEK_1, tick=False):
        response = client.post(f"/meetings/feedback/{token}/", {"rating": "5"})
    assert response.status_code == 400
    assert not MeetingFeedback.objects.exists()

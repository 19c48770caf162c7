"""Pages: the group page, feeds behind resettable tokens, the facilitator pool and visits,
staff moving meetings; plus the rotation skipping quiet members and meeting tasks."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse

from peerpath.common.errors import ApplicationError
from peerpath.meetings import selectors, services
from peerpath.meetings.models import CalendarFeed, Facilitator, GroupNote, Meeting, MemberProfile
from peerpath.messaging.models import OutboxMessage
from tests.factories import StaffFactory, UserFactory

from .conftest import GroupMembershipFactory, StudyGroupFactory, group_with_members
from .test_services import TUESDAYS_17_UTC

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(autumn_group, before_the_run):
    return services.meeting_series_create(group=autumn_group, now=before_the_run)


@pytest.fixture
def member(autumn_group):
    return autumn_group.memberships.order_by("enrolment_id").first().enrolment


# --- group page ---------------------------------------------------------------------------------


def test_group_page_shows_members_next_meeting_room_and_tasks_only_when_due(
    client, autumn_group, series, member
):
    client.force_login(member.user)
    week1 = series[0]
    week1.module.discussion_tasks = "- Compare two loops\n- Bring one question"
    week1.module.save()
    url = reverse("meetings:group", args=[autumn_group.pk])

    with time_machine.travel(TUESDAYS_17_UTC[0] - dt.timedelta(days=5), tick=False):
        early = client.get(url).content.decode()
    with time_machine.travel(TUESDAYS_17_UTC[0] - dt.timedelta(hours=2), tick=False):
        due = client.get(url).content.decode()

    for page in (early, due):
        for membership in autumn_group.memberships.select_related("enrolment__user"):
            assert membership.enrolment.user.name in page
        assert services.meeting_video_url(group=autumn_group) in page
        assert "Tuesday 13 October 2026, 19:00 (Europe/Oslo)" in page
    assert "Compare two loops" not in early
    assert "<li>Compare two loops</li>" in due
    assert "<li>Bring one question</li>" in due


def test_members_see_only_what_others_chose_to_share(client, autumn_group, series, member):
    other = autumn_group.memberships.order_by("enrolment_id").last().enrolment
    services.member_profile_update(
        enrolment=other, about="Maths teacher in Bergen", share_email=True, share_organisation=False
    )
    client.force_login(member.user)

    page = client.get(reverse("meetings:group", args=[autumn_group.pk])).content.decode()

    assert "Maths teacher in Bergen" in page
    assert other.user.email in page
    third = autumn_group.memberships.order_by("enrolment_id")[1].enrolment
    assert third.user.email not in page


def test_members_keep_notes_and_links_and_bad_ones_are_refused(
    client, autumn_group, series, member
):
    client.force_login(member.user)
    url = reverse("meetings:group", args=[autumn_group.pk])

    client.post(url, {"action": "note_add", "text": "Our shared doc", "url": "https://ex.org/d"})
    bad = client.post(
        url, {"action": "note_add", "text": "x", "url": "javascript:alert(1)"}, follow=True
    )

    assert "full web address" in bad.content.decode()
    assert list(GroupNote.objects.values_list("text", "url")) == [
        ("Our shared doc", "https://ex.org/d")
    ]
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_rsvp_from_the_group_page_and_past_meetings_show_attendance(
    client, autumn_group, series, member
):
    client.force_login(member.user)
    url = reverse("meetings:group", args=[autumn_group.pk])
    with time_machine.travel(TUESDAYS_17_UTC[0] - dt.timedelta(days=1), tick=False):
        client.post(url, {"action": "rsvp", "meeting": series[0].pk, "answer": "yes"})
    services.meeting_attendance_record(
        meeting=series[0],
        recorder=series[0].leader.user,
        present_ids=[member.pk],
        note="Lively",
        now=TUESDAYS_17_UTC[0] + dt.timedelta(hours=1),
    )
    with time_machine.travel(TUESDAYS_17_UTC[0] + dt.timedelta(days=1), tick=False):
        page = client.get(url).content.decode()
    assert member.rsvps.get().answer == "yes"
    assert f"Present: {member.user.name}" in page
    assert "Lively" in page
    assert "/meetings/feedback/" in page


def test_feeds_work_without_login_behind_tokens_that_can_be_reset(
    client, autumn_group, series, member
):
    client.force_login(member.user)
    page = client.get(reverse("meetings:group", args=[autumn_group.pk])).content.decode()
    personal = CalendarFeed.objects.get(scope="learner", user=member.user)
    group_feed = CalendarFeed.objects.get(scope="group", group=autumn_group)
    assert personal.token in page and group_feed.token in page
    assert len(personal.token) >= 32
    client.logout()

    response = client.get(reverse("meetings:feed", args=[personal.token]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [m.uid for m in series]
    assert client.get(reverse("meetings:feed", args=[group_feed.token])).status_code == 200

    client.force_login(member.user)
    client.post(
        reverse("meetings:group", args=[autumn_group.pk]), {"action": "reset_personal_feed"}
    )
    client.logout()
    assert client.get(reverse("meetings:feed", args=[personal.token])).status_code == 404
    personal.refresh_from_db()
    assert client.get(reverse("meetings:feed", args=[personal.token])).status_code == 200
    assert client.get(reverse("meetings:feed", args=["guess"])).status_code == 404


# --- facilitators -------------------------------------------------------------------------------


def test_facilitator_pool_assigns_a_visit_a_month_within_availability_and_reassigns_on_leaving(
    autumn_run, before_the_run
):
    groups = [
        group_with_members(run=autumn_run, members=2, hour_utc=24 + 17 + i) for i in range(3)
    ]  # Tuesdays 17, 18, 19 UTC
    services.meeting_series_for_run(run=autumn_run, now=before_the_run)
    ann = services.facilitator_add(
        run=autumn_run,
        email="ann@uni.example",
        name="Ann",
        timezone_name="Europe/Oslo",
        availability_text="Tue 17-23",
        capacity_per_week=2,
    )
    bo = services.facilitator_add(
        run=autumn_run,
        email="bo@uni.example",
        name="Bo",
        timezone_name="America/New_York",
        availability_text="Tue 12-16",
        capacity_per_week=1,
    )

    counts = services.facilitator_visits_assign(run=autumn_run, now=before_the_run)

    visits = list(Meeting.objects.filter(facilitator__isnull=False).order_by("starts_at"))
    # 5 weeks, a visit every 4: blocks 1–4 and 5 → two visits per group
    assert counts["assigned"] == len(visits) == 6
    for group in groups:
        assert sorted(m.week <= 4 for m in visits if m.group_id == group.pk) == [False, True]
    per_week = {}
    for m in visits:
        per_week.setdefault((m.facilitator_id, m.week), 0)
        per_week[(m.facilitator_id, m.week)] += 1
    capacity = {ann.user_id: 2, bo.user_id: 1}
    assert all(count <= capacity[who] for (who, _week), count in per_week.items())
    assert len({m.week for m in visits if m.week <= 4}) == 3  # spread over the weeks
    assert {m.facilitator_id for m in visits} == {ann.user_id, bo.user_id}
    assert all(m.sequence == 1 for m in visits)

    services.facilitator_leave(facilitator=bo, now=before_the_run)

    after = list(Meeting.objects.filter(facilitator__isnull=False))
    assert bo.user_id not in {m.facilitator_id for m in after}
    assert {m.pk for m in visits if m.facilitator_id == ann.user_id} <= {m.pk for m in after}


def test_bad_facilitator_input_names_the_field(autumn_run):
    cases = [
        ({"availability_text": "Funday 9-10"}, "availability_text"),
        ({"availability_text": ""}, "availability_text"),
        ({"timezone_name": "Mars/Base"}, "timezone"),
        ({"email": "nobody"}, "email"),
        ({"capacity_per_week": 0}, "capacity_per_week"),
    ]
    for change, field in cases:
        values = {
            "run": autumn_run,
            "email": "f@uni.example",
            "timezone_name": "UTC",
            "availability_text": "Mon 9-17",
            "capacity_per_week": 2,
        } | change
        with pytest.raises(ApplicationError) as refused:
            services.facilitator_add(**values)
        assert refused.value.field == field
    assert not Facilitator.objects.exists()


def test_staff_manage_the_pool_and_the_facilitator_sees_their_visits_and_feed(
    client, autumn_run, autumn_group, series
):
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("meetings:facilitator_pool", args=[autumn_run.pk])
    bad = client.post(
        url,
        {
            "action": "add",
            "email": "eve@uni.example",
            "timezone": "UTC",
            "availability_text": "Tue 25-26",
            "capacity_per_week": "1",
        },
    )
    assert bad.status_code == 400
    assert "Tue 25-26" in bad.content.decode()
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), tick=False):
        client.post(
            url,
            {
                "action": "add",
                "email": "eve@uni.example",
                "name": "Eve",
                "timezone": "Europe/Oslo",
                "availability_text": "Tue 18-20",
                "capacity_per_week": "2",
            },
        )
    eve = Facilitator.objects.get().user
    assert Meeting.objects.filter(facilitator=eve).count() == 2

    client.force_login(eve)
    page = client.get(reverse("meetings:my_visits")).content.decode()
    assert "Tue 13 Oct 2026, 19:00" in page or "Tue 10 Nov 2026, 18:00" in page
    token = CalendarFeed.objects.get(scope="facilitator", user=eve).token
    client.logout()
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("meetings:feed", args=[token])).content
    )
    assert len(calendar.walk("VEVENT")) == 2


def test_only_run_managers_see_the_pool_and_the_change_page(
    client, autumn_run, autumn_group, series, member
):
    client.force_login(member.user)
    assert client.get(reverse("meetings:facilitator_pool", args=[autumn_run.pk])).status_code == 404
    assert client.get(reverse("meetings:group_manage", args=[autumn_group.pk])).status_code == 404


def test_staff_move_the_rest_of_the_series_in_the_runs_timezone_from_the_page(
    client, autumn_group, series
):
    client.force_login(StaffFactory())
    url = reverse("meetings:group_manage", args=[autumn_group.pk])
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), tick=False):
        bad = client.post(url, {"meeting": series[1].pk, "action": "move", "starts_at": "soon"})
        assert bad.status_code == 400
        assert "2026-10-20 18:30" in bad.content.decode()
        client.post(
            url,
            {
                "meeting": series[1].pk,
                "action": "move",
                "starts_at": "2026-10-20T20:00",
                "rest_of_series": "on",
            },
        )
    moved = list(Meeting.objects.filter(group=autumn_group).order_by("week"))
    assert moved[1].starts_at == dt.datetime(2026, 10, 20, 18, tzinfo=dt.UTC)  # 20:00 in Oslo
    assert moved[4].starts_at == TUESDAYS_17_UTC[4] + dt.timedelta(hours=1)
    assert OutboxMessage.objects.filter(kind="meeting_changed").count() == 3


# --- rotation and tasks -------------------------------------------------------------------------


def test_a_member_who_went_quiet_is_skipped_as_leader(autumn_run, before_the_run):
    group = group_with_members(run=autumn_run, members=3)
    first, second, third = [m.enrolment for m in group.memberships.order_by("enrolment_id")]
    services.meeting_series_create(group=group, now=before_the_run)
    late = dt.datetime(2026, 10, 28, 12, tzinfo=dt.UTC)  # after week 3, run going 16 days
    from peerpath.enrollment.models import Enrolment

    Enrolment.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(
        confirmed_at=before_the_run
    )
    for enrolment in (first, third):
        enrolment.user.last_login = late - dt.timedelta(days=1)
        enrolment.user.save()

    meetings = services.meeting_series_create(group=group, now=late)

    assert second.pk not in {m.leader_id for m in meetings[3:]}
    assert {m.leader_id for m in meetings[3:]} <= {first.pk, third.pk}


def test_meeting_tasks_lists_the_items_and_when_members_see_them(autumn_group, series):
    meeting = series[0]
    meeting.module.discussion_tasks = "1. Read the chapter\n2. Try the exercise\n"
    meeting.module.save()

    tasks = selectors.meeting_tasks(Meeting.objects.get(pk=meeting.pk))

    assert tasks.items == ["Read the chapter", "Try the exercise"]
    assert tasks.visible_from == meeting.starts_at - dt.timedelta(hours=72)
    assert not tasks.visible(meeting.starts_at - dt.timedelta(hours=73))
    assert tasks.visible(meeting.starts_at - dt.timedelta(hours=71))


def test_attendance_for_run_lists_recorded_rows(autumn_run, autumn_group, series, member):
    other_group = StudyGroupFactory(run=autumn_run)
    GroupMembershipFactory(group=other_group)
    services.meeting_attendance_record(
        meeting=series[0],
        recorder=None,
        present_ids=[member.pk],
        now=TUESDAYS_17_UTC[0] + dt.timedelta(hours=1),
    )

    rows = selectors.attendance_for_run(autumn_run)

    assert len(rows) == 3
    assert {(r.enrolment_id, r.present) for r in rows if r.present} == {(member.pk, True)}
    assert {r.week for r in rows} == {1}
    assert MemberProfile.objects.count() == 0


def test_action_links_for_messages_carry_rsvp_feedback_and_for_the_leader_handover(
    client, series, autumn_group
):
    leader = series[0].leader
    other = autumn_group.memberships.exclude(enrolment=leader).first().enrolment

    for_leader = selectors.meeting_action_links(meeting=series[0], enrolment=leader)
    for_other = selectors.meeting_action_links(meeting=series[0], enrolment=other)

    assert set(for_leader) == {"rsvp_yes", "rsvp_no", "feedback", "handover"}
    assert set(for_other) == {"rsvp_yes", "rsvp_no", "feedback"}
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), tick=False):
        client.post(for_other["rsvp_no"])
    assert other.rsvps.get().answer == "no"


@pytest.mark.parametrize("role", ["instructor", "tutor", "facilitator"])
def test_run_staff_who_are_not_site_staff_see_the_groups_of_their_run_only(
    client, autumn_group, series, role
):
    from tests.factories import RunFactory, RunRoleFactory

    person = UserFactory()
    RunRoleFactory(run=autumn_group.run, user=person, role=role)
    client.force_login(person)
    assert client.get(reverse("meetings:group", args=[autumn_group.pk])).status_code == 200
    assert client.get(reverse("meetings:meeting_invite", args=[series[0].pk])).status_code == 200

    elsewhere = UserFactory()
    RunRoleFactory(run=RunFactory(), user=elsewhere, role=role)
    client.force_login(elsewhere)
    assert client.get(reverse("meetings:group", args=[autumn_group.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting_invite", args=[series[0].pk])).status_code == 404

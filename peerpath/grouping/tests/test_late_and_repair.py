"""Late joiners and the weekly repair, against the real database and a real SMTP server."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from peerpath.common.errors import ApplicationError
from peerpath.grouping.models import (
    GroupingSettings,
    GroupMembership,
    LateJoinerHold,
    RepairProposal,
    StudyGroup,
)
from peerpath.grouping.services import (
    groups_form,
    groups_publish,
    late_joiner_place,
    late_joiners_place_run,
    repair_apply,
    repair_propose,
    repair_weekly,
)
from peerpath.meetings.models import Meeting
from peerpath.messaging.models import OutboxMessage
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

EVENING = [d * 24 + 18 for d in range(5)]  # 18:00 UTC on weekdays
MORNING = [d * 24 + 7 for d in range(5)]
LUNCH = [d * 24 + 12 for d in range(5)]


@pytest.fixture
def run():
    run = RunFactory(timezone="UTC", meeting_window_start=0, meeting_window_end=24,
                     starts_on=timezone.now().date() + dt.timedelta(days=3))
    for week in (1, 2, 3):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


def published(run, **groups):
    """Publish one group per (availability, size) pair given."""
    for hours, size in groups.values():
        EnrolmentFactory.create_batch(size, run=run, availability_utc=hours)
    groups_form(run=run)
    groups_publish(run=run)
    return {
        name: StudyGroup.objects.get(run=run, hour_utc__in=hours)
        for name, (hours, _size) in groups.items()
    }


def test_late_joiner_lands_in_a_group_meeting_at_an_hour_they_can_make(run):
    groups = published(run, evening=(EVENING, 7), morning=(MORNING, 7))
    late = EnrolmentFactory(run=run, availability_utc=MORNING + [100])
    placement = late_joiner_place(enrolment=late)
    assert placement.group == groups["morning"] and not placement.held
    assert GroupMembership.objects.get(enrolment=late).group == groups["morning"]
    assert placement.group.hour_utc in late.availability_utc
    assert OutboxMessage.objects.filter(
        kind="group_intro", recipient=late.user, context__group=groups["morning"].pk
    ).exists()
    # placing again changes nothing
    assert late_joiner_place(enrolment=late).group == groups["morning"]
    assert GroupMembership.objects.filter(enrolment=late).count() == 1


def test_late_joiner_is_held_with_a_clear_reason_when_no_group_fits(run):
    published(run, evening=(EVENING, 7))
    late = EnrolmentFactory(run=run, availability_utc=LUNCH)
    placement = late_joiner_place(enrolment=late)
    assert placement.held
    assert "No group speaking en meets at an hour you can make" in placement.reason
    assert LateJoinerHold.objects.get(enrolment=late).reason == placement.reason
    assert not GroupMembership.objects.filter(enrolment=late).exists()


def test_a_full_group_is_not_overfilled_and_the_reason_says_so(run):
    published(run, evening=(EVENING, 10))
    late = EnrolmentFactory(run=run, availability_utc=EVENING)
    placement = late_joiner_place(enrolment=late)
    assert placement.held and "full" in placement.reason


def test_held_late_joiners_form_a_new_published_group_once_enough_share_an_hour(run):
    published(run, evening=(EVENING, 7))
    lunch = EnrolmentFactory.create_batch(6, run=run, availability_utc=LUNCH)
    for enrolment in lunch[:5]:
        assert late_joiner_place(enrolment=enrolment).held
    last = late_joiner_place(enrolment=lunch[5])
    assert not last.held
    group = last.group
    assert group.status == StudyGroup.Status.PUBLISHED and group.hour_utc in LUNCH
    assert set(group.memberships.values_list("enrolment_id", flat=True)) == {
        e.pk for e in lunch
    }
    assert not LateJoinerHold.objects.filter(enrolment__in=lunch).exists()
    assert Meeting.objects.filter(group=group).count() == 3
    assert OutboxMessage.objects.filter(kind="group_intro", context__group=group.pk).count() == 6


def test_placing_a_runs_late_joiners_counts_placed_and_held(run):
    published(run, evening=(EVENING, 7))
    EnrolmentFactory(run=run, availability_utc=EVENING)
    EnrolmentFactory(run=run, availability_utc=LUNCH)
    EnrolmentFactory(run=run, availability_utc=EVENING, status="pending")
    assert late_joiners_place_run(run=run) == {"placed": 1, "held": 1}


def make_quiet(enrolments, *, days=30):
    long_ago = timezone.now() - dt.timedelta(days=days)
    for e in enrolments:
        e.confirmed_at = long_ago
        e.save(update_fields=["confirmed_at"])
        e.user.last_login = long_ago
        e.user.save(update_fields=["last_login"])


def make_active(enrolments):
    for e in enrolments:
        e.user.last_login = timezone.now()
        e.user.save(update_fields=["last_login"])


def thinned(run):
    """Two groups at the evening hour: one keeps 2 active members, the other 6."""
    EnrolmentFactory.create_batch(16, run=run, availability_utc=EVENING[:1] + MORNING)
    groups_form(run=run)
    groups_publish(run=run)
    first, second = StudyGroup.objects.filter(run=run).order_by("number")
    assert first.hour_utc == second.hour_utc
    a = [m.enrolment for m in first.memberships.select_related("enrolment__user")]
    b = [m.enrolment for m in second.memberships.select_related("enrolment__user")]
    make_quiet(a + b)
    make_active(a[:2] + b[:6])
    return first, second, a[:2], b[:6]


def test_repair_proposal_merges_the_thin_group_into_one_at_the_same_hour(run):
    first, second, thin_active, _other = thinned(run)
    proposal = repair_propose(run=run)
    assert proposal.active == 8
    assert proposal.figures["thin_before"] == 1 and proposal.figures["thin_after"] == 0
    assert proposal.figures["moved"] == 2 and proposal.figures["time_changed"] == 0
    assert {c["enrolment"] for c in proposal.changes} == {e.pk for e in thin_active}
    assert all(c["to_group"] == second.pk for c in proposal.changes)
    # nothing moved yet
    assert GroupMembership.objects.get(enrolment=thin_active[0]).group == first


def test_applying_a_repair_moves_learners_and_tells_them_through_a_real_smtp_server(
    run, smtp_server
):
    from peerpath.messaging.services import outbox_deliver_due

    _first, second, thin_active, _other = thinned(run)
    OutboxMessage.objects.all().delete()
    proposal = repair_apply(proposal=repair_propose(run=run))
    assert proposal.status == RepairProposal.Status.APPLIED
    for e in thin_active:
        assert GroupMembership.objects.get(enrolment=e).group == second
    outbox_deliver_due()
    changed = [m for m in smtp_server.received if "study group has changed" in m.message["Subject"]]
    assert sorted(m.rcpt_tos[0] for m in changed) == sorted(e.user.email for e in thin_active)
    body = changed[0].message.get_body(("plain",)).get_content()
    assert f"group {second.number}" in body
    assert "Your weekly meeting time stays:" in body
    # the time is given in the learner's own timezone (Oslo), read back independently
    following = Meeting.objects.filter(group=second, starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )[0]
    local = following.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Oslo"))
    assert f"{local:%A} {local:%H:%M} (Europe/Oslo)" in body
    assert f"{local:%H:%M}" != f"{following.starts_at:%H:%M}"  # Oslo is never UTC


def test_a_repair_is_refused_when_the_groups_changed_since_it_was_proposed(run):
    first, second, thin_active, _ = thinned(run)
    proposal = repair_propose(run=run)
    GroupMembership.objects.filter(enrolment=thin_active[0]).delete()
    with pytest.raises(ApplicationError, match="changed since"):
        repair_apply(proposal=proposal)
    assert GroupMembership.objects.get(enrolment=thin_active[1]).group == first
    proposal.refresh_from_db()
    assert proposal.status == RepairProposal.Status.STALE


def test_the_weekly_task_applies_the_repair_only_when_the_run_says_so(run):
    _first, second, thin_active, _ = thinned(run)
    assert repair_weekly() == {"proposed": 1, "applied": 0}
    assert GroupMembership.objects.get(enrolment=thin_active[0]).group != second
    GroupingSettings.objects.create(run=run, repair_auto_apply=True)
    assert repair_weekly() == {"proposed": 1, "applied": 1}
    assert GroupMembership.objects.get(enrolment=thin_active[0]).group == second


def test_repair_forms_a_new_group_at_a_new_hour_and_schedules_its_meetings(run):
    # three groups at three hours thin out; their active members share a fourth hour
    shared = 3 * 24 + 20
    for hours in (EVENING, MORNING, LUNCH):
        EnrolmentFactory.create_batch(6, run=run, availability_utc=hours)
    groups_form(run=run)
    groups_publish(run=run)
    groups = list(StudyGroup.objects.filter(run=run))
    assert len(groups) == 3
    every = [m.enrolment for g in groups for m in g.memberships.select_related("enrolment__user")]
    make_quiet(every)
    active = [m.enrolment for g in groups for m in list(g.memberships.all())[:2]]
    make_active(active)
    for e in active:  # they told us they can also make Thursday 20:00 UTC
        e.availability_utc = [*e.availability_utc, shared]
        e.save(update_fields=["availability_utc"])
    proposal = repair_propose(run=run)
    assert proposal.figures["thin_before"] == 3 and proposal.figures["thin_after"] == 0
    assert proposal.new_groups == [{"language": "en", "hour_utc": shared}]
    assert proposal.figures["time_changed"] == 6 and proposal.figures["left_waiting"] == 0
    repair_apply(proposal=proposal)
    homes = {GroupMembership.objects.get(enrolment=e).group for e in active}
    assert len(homes) == 1
    home = homes.pop()
    assert home.hour_utc == shared and home.status == StudyGroup.Status.PUBLISHED
    meetings = Meeting.objects.filter(group=home)
    assert meetings.exists()
    assert all(m.starts_at.weekday() * 24 + m.starts_at.hour == shared for m in meetings)

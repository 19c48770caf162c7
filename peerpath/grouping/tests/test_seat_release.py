"""Quiet members give up their seat when an active learner needs it, are told, stay out of
groups while quiet and are offered one again once active — against the real database, a real
SMTP server and the staff pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.common.errors import ApplicationError
from peerpath.grouping.models import (
    GroupingSettings,
    GroupMembership,
    LateJoinerHold,
    RepairProposal,
    SeatRelease,
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
from peerpath.grouping.services.notify import meetings_follow
from peerpath.messaging.models import OutboxMessage
from tests.factories import EnrolmentFactory, StaffFactory

from .test_late_and_repair import EVENING, MORNING, make_active, make_quiet, run  # noqa: F401

pytestmark = pytest.mark.django_db

HOURS = EVENING[:1] + MORNING


def group_of(in_run, number, *, active, quiet_days):
    """A published group at the first evening hour with `active` active members and one quiet
    member per entry of `quiet_days` (days since their last activity)."""
    group = StudyGroup.objects.create(
        run=in_run,
        number=number,
        language="en",
        hour_utc=EVENING[0],
        status=StudyGroup.Status.PUBLISHED,
    )
    members = EnrolmentFactory.create_batch(
        active + len(quiet_days), run=in_run, availability_utc=HOURS
    )
    for enrolment in members:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    make_quiet(members)
    make_active(members[:active])
    for enrolment, days in zip(members[active:], quiet_days, strict=True):
        make_quiet([enrolment], days=days)
    return group, members[:active], members[active:]


@pytest.fixture
def full(run):  # noqa: F811
    """Group 1 is thin (1 active, 4 quiet); group 2 at the same hour is full (6 active and
    4 quiet, one of them quiet for 60 days)."""
    thin, thin_active, thin_quiet = group_of(run, 1, active=1, quiet_days=[20, 20, 20, 20])
    full, full_active, full_quiet = group_of(run, 2, active=6, quiet_days=[20, 60, 25, 30])
    meetings_follow(groups=[thin, full])
    return {
        "thin": thin,
        "full": full,
        "mover": thin_active[0],
        "longest_quiet": full_quiet[1],
        "full_quiet": full_quiet,
    }


def test_the_proposal_releases_the_longest_quiet_member_when_an_active_learner_needs_the_seat(
    run,  # noqa: F811
    full,
):
    proposal = repair_propose(run=run)
    assert proposal.figures["thin_before"] == 1 and proposal.figures["thin_after"] == 0
    assert proposal.figures["moved"] == 1 and proposal.figures["time_changed"] == 0
    assert proposal.changes == [
        {"enrolment": full["mover"].pk, "from_group": full["thin"].pk, "to_group": full["full"].pk}
    ]
    assert proposal.figures["released"] == 1
    assert proposal.released == [
        {"enrolment": full["longest_quiet"].pk, "from_group": full["full"].pk, "quiet_days": 60}
    ]
    # nothing is written before it is applied
    assert GroupMembership.objects.get(enrolment=full["longest_quiet"]).group == full["full"]
    assert not SeatRelease.objects.exists()


def test_applying_ends_the_released_membership_with_its_reason_and_tells_them_by_mail(
    run,  # noqa: F811
    full,
    smtp_server,
):
    from peerpath.messaging.services import outbox_deliver_due

    OutboxMessage.objects.all().delete()
    proposal = repair_apply(proposal=repair_propose(run=run))
    assert proposal.status == RepairProposal.Status.APPLIED
    released = full["longest_quiet"]
    assert not GroupMembership.objects.filter(enrolment=released).exists()
    assert GroupMembership.objects.get(enrolment=full["mover"]).group == full["full"]
    assert GroupMembership.objects.filter(group=full["full"]).count() == 10  # never over full
    release = SeatRelease.objects.get(enrolment=released)
    assert release.group == full["full"] and release.repair == proposal
    assert release.quiet_days == 60 and release.returned_at is None
    assert release.reason == (
        "Seat in group 2 released to an active learner after 60 days without activity; "
        "offered a group again when active."
    )
    # the other quiet members keep their seats
    for other in full["full_quiet"]:
        if other != released:
            assert GroupMembership.objects.get(enrolment=other).group == full["full"]

    outbox_deliver_due()
    by_address = {m.rcpt_tos[0]: m.message for m in smtp_server.received}
    mail = by_address[released.user.email]
    assert "welcome back any time" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "given your seat in study group 2" in body
    assert "offer you a study group that meets at an hour you can make" in body
    assert "http" in body.split("Continue where you left off:")[1]
    assert "study group has changed" in by_address[full["mover"].user.email]["Subject"]
    # one message to the released learner, however often the outbox is worked
    outbox_deliver_due()
    assert OutboxMessage.objects.filter(kind="group_seat_released").count() == 1


def test_a_released_learner_who_stays_quiet_is_not_placed_again(run, full):  # noqa: F811
    repair_apply(proposal=repair_propose(run=run))
    released = full["longest_quiet"]
    # group 1 now has room at an hour they can make, and five late joiners wait for a morning
    # group: with the released learner they would be enough to start one
    assert GroupMembership.objects.filter(group=full["thin"]).count() == 4
    mornings = EnrolmentFactory.create_batch(5, run=run, availability_utc=MORNING[:1])
    for enrolment in mornings:
        assert late_joiner_place(enrolment=enrolment).held
    late_joiners_place_run(run=run)
    placement = late_joiner_place(enrolment=released)
    assert placement.held and "60 days without activity" in placement.reason
    assert not GroupMembership.objects.filter(enrolment=released).exists()
    assert not LateJoinerHold.objects.filter(enrolment=released).exists()
    assert not GroupMembership.objects.filter(enrolment__in=mornings).exists()
    assert SeatRelease.objects.get(enrolment=released).returned_at is None


def test_a_released_learner_is_offered_a_group_once_active_again(run, full):  # noqa: F811
    repair_apply(proposal=repair_propose(run=run))
    released = full["longest_quiet"]
    OutboxMessage.objects.all().delete()
    make_active([released])  # they sign in again
    assert late_joiners_place_run(run=run) == {"placed": 1, "held": 0}
    group = GroupMembership.objects.get(enrolment=released).group
    assert group == full["thin"]  # group 2 is full; group 1 meets at an hour they can make
    assert group.hour_utc in released.availability_utc
    assert SeatRelease.objects.get(enrolment=released).returned_at is not None
    assert OutboxMessage.objects.filter(
        kind="group_intro", recipient=released.user, context__group=group.pk
    ).exists()


def test_a_repair_is_refused_without_writing_when_a_released_learner_is_active_since(
    run,  # noqa: F811
    full,
):
    proposal = repair_propose(run=run)
    make_active([full["longest_quiet"]])
    with pytest.raises(ApplicationError, match="changed since"):
        repair_apply(proposal=proposal)
    assert GroupMembership.objects.get(enrolment=full["longest_quiet"]).group == full["full"]
    assert GroupMembership.objects.get(enrolment=full["mover"]).group == full["thin"]
    assert not SeatRelease.objects.exists()
    assert not OutboxMessage.objects.filter(kind="group_seat_released").exists()
    proposal.refresh_from_db()
    assert proposal.status == RepairProposal.Status.STALE


def test_a_repair_is_refused_when_a_group_it_fills_gained_a_member_since(
    run,  # noqa: F811
    full,
):
    proposal = repair_propose(run=run)
    newcomer = EnrolmentFactory(run=run, availability_utc=HOURS)
    GroupMembership.objects.create(group=full["full"], enrolment=newcomer)
    with pytest.raises(ApplicationError, match="changed since"):
        repair_apply(proposal=proposal)
    assert GroupMembership.objects.get(enrolment=full["mover"]).group == full["thin"]
    assert GroupMembership.objects.filter(group=full["full"]).count() == 11
    assert not SeatRelease.objects.exists()


def test_the_weekly_task_releases_seats_when_it_applies_the_repair(run, full):  # noqa: F811
    GroupingSettings.objects.create(run=run, repair_auto_apply=True)
    assert repair_weekly() == {"proposed": 1, "applied": 1}
    assert SeatRelease.objects.filter(enrolment=full["longest_quiet"]).exists()
    assert OutboxMessage.objects.filter(
        kind="group_seat_released", recipient=full["longest_quiet"].user
    ).exists()


def test_staff_pages_show_released_learners_with_their_reason_apart_from_waiting(
    run,  # noqa: F811
    full,
    client,
):
    client.force_login(StaffFactory())
    proposal = repair_propose(run=run)
    page = client.get(reverse("grouping:staff_repair", args=[run.slug])).content.decode()
    assert 'data-figure="released">1<' in page
    assert 'data-figure="moved">1<' in page
    assert f"{full['longest_quiet'].user.name}: group 2 → seat released after 60 days" in page

    repair_apply(proposal=proposal)
    late = EnrolmentFactory(run=run, availability_utc=[3 * 24 + 12])  # no group at that hour
    assert late_joiner_place(enrolment=late).held
    page = client.get(reverse("grouping:staff_run", args=[run.slug])).content.decode()
    waiting = page[
        page.index('id="waiting"') : page.index("</details>", page.index('id="waiting"'))
    ]
    released = page[
        page.index('id="released"') : page.index("</details>", page.index('id="released"'))
    ]
    assert late.user.name in waiting and full["longest_quiet"].user.name not in waiting
    assert full["longest_quiet"].user.name in released and late.user.name not in released
    assert "Seat in group 2 released to an active learner after 60 days without activity" in (
        released
    )
    # once they are back in a group, they are no longer listed as released
    make_active([full["longest_quiet"]])
    late_joiners_place_run(run=run)
    page = client.get(reverse("grouping:staff_run", args=[run.slug])).content.decode()
    assert 'id="released"' not in page


def test_quiet_days_count_from_the_confirmation_when_there_is_no_activity(
    run,  # noqa: F811
    full,
):
    quiet = full["longest_quiet"]
    quiet.user.last_login = None
    quiet.user.save(update_fields=["last_login"])
    quiet.confirmed_at = timezone.now() - dt.timedelta(days=90)
    quiet.save(update_fields=["confirmed_at"])
    proposal = repair_propose(run=run)
    assert proposal.released == [
        {"enrolment": quiet.pk, "from_group": full["full"].pk, "quiet_days": 90}
    ]


def test_staff_propose_and_apply_a_repair_with_releases_from_the_page(
    run,  # noqa: F811
    full,
    client,
):
    client.force_login(StaffFactory())
    answer = client.post(
        reverse("grouping:staff_repair_action", args=[run.slug, "propose"]), follow=True
    )
    assert "1 learners would move; 1 quiet members would give up their seat" in (
        answer.content.decode()
    )
    proposal = RepairProposal.objects.get(run=run, status=RepairProposal.Status.PROPOSED)
    answer = client.post(
        reverse("grouping:staff_repair_action", args=[run.slug, "apply"]),
        {"proposal": proposal.pk},
        follow=True,
    )
    assert "moved and released learners are being told" in answer.content.decode()
    assert SeatRelease.objects.get(enrolment=full["longest_quiet"]).repair == proposal


def test_a_learner_left_without_a_group_is_counted_apart_from_time_changes(run, client):  # noqa: F811
    # the morning group keeps two active members; nobody else of their language meets at an
    # hour they can make, so the repair closes it and they wait: moved, not a time change
    EnrolmentFactory.create_batch(7, run=run, availability_utc=EVENING)
    EnrolmentFactory.create_batch(7, run=run, availability_utc=MORNING)
    groups_form(run=run)
    groups_publish(run=run)
    evening = StudyGroup.objects.get(run=run, hour_utc__in=EVENING)
    morning = StudyGroup.objects.get(run=run, hour_utc__in=MORNING)
    everyone = [m.enrolment for g in (evening, morning) for m in g.memberships.all()]
    make_quiet(everyone)
    mornings = [m.enrolment for m in morning.memberships.all()][:2]
    make_active([m.enrolment for m in evening.memberships.all()][:5] + mornings)
    proposal = repair_propose(run=run)
    assert proposal.figures["thin_after"] == 0
    assert proposal.figures["moved"] == 2 and proposal.figures["left_waiting"] == 2
    assert proposal.figures["time_changed"] == 0
    client.force_login(StaffFactory())
    page = client.get(reverse("grouping:staff_repair", args=[run.slug])).content.decode()
    assert 'data-figure="left-waiting">2<' in page and 'data-figure="time-changed">0<' in page

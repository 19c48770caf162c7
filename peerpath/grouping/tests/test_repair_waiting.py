"""The weekly repair seats active learners who wait for a group (held late joiners, learners
back after their seat was released) where that spares a move: a thin group at an hour they can
make takes them in — against the real database and the staff page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import (
    GroupMembership,
    LateJoinerHold,
    RepairProposal,
    SeatRelease,
)
from peerpath.grouping.services import late_joiner_place, repair_apply, repair_propose
from peerpath.messaging.models import OutboxMessage
from tests.factories import EnrolmentFactory, StaffFactory

from .test_late_and_repair import LUNCH, make_active, make_quiet, run  # noqa: F401
from .test_seat_release import HOURS, group_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def thin_and_full(run):  # noqa: F811
    """Group 1 at the evening hour keeps 3 active members and has 7 quiet ones (full: 10 of
    10); a late joiner who can make only that hour was held because it is full."""
    group, active, quiet = group_of(run, 1, active=3, quiet_days=[20, 20, 20, 20, 20, 20, 40])
    late = EnrolmentFactory(run=run, availability_utc=HOURS[:1])
    placement = late_joiner_place(enrolment=late)
    assert placement.held and "full" in placement.reason
    return {"run": run, "group": group, "active": active, "quiet": quiet, "late": late}


def test_a_held_learner_fills_the_thin_group_at_their_hour_instead_of_anyone_moving(
    thin_and_full, client
):
    the_run, group, late = thin_and_full["run"], thin_and_full["group"], thin_and_full["late"]
    proposal = repair_propose(run=the_run)
    figures = proposal.figures
    assert proposal.active == 3  # active learners in groups; the waiting one is not counted
    assert figures["thin_before"] == 1 and figures["thin_after"] == 0
    assert figures["moved"] == 0 and figures["time_changed"] == 0 and figures["waiting"] == 0
    assert figures["released"] == 1  # the longest quiet member gives up the seat
    assert proposal.released[0]["enrolment"] == thin_and_full["quiet"][-1].pk
    assert proposal.changes == [{"enrolment": late.pk, "from_group": None, "to_group": group.pk}]

    client.force_login(StaffFactory())
    page = client.get(reverse("grouping:staff_repair", args=[the_run.slug])).content.decode()
    assert f"{late.user.name}: waiting for a group → group {group.number}" in page

    OutboxMessage.objects.all().delete()
    repair_apply(proposal=proposal)
    assert GroupMembership.objects.get(enrolment=late).group == group
    assert GroupMembership.objects.filter(group=group).count() == 10
    assert not LateJoinerHold.objects.filter(enrolment=late).exists()
    intro = OutboxMessage.objects.get(kind="group_intro")
    assert intro.recipient == late.user and intro.context["group"] == group.pk
    assert not OutboxMessage.objects.filter(kind="group_changed").exists()
    assert OutboxMessage.objects.filter(kind="group_seat_released").count() == 1


def test_a_learner_back_after_a_released_seat_is_seated_and_marked_returned(run):  # noqa: F811
    group, _active, _quiet = group_of(run, 1, active=3, quiet_days=[20, 20, 20, 20, 20, 20, 40])
    back = EnrolmentFactory(run=run, availability_utc=HOURS[:1])
    released_at = timezone.now() - dt.timedelta(days=10)
    SeatRelease.objects.create(
        enrolment=back, group=None, quiet_days=30, reason="quiet", released_at=released_at
    )
    make_quiet([back])
    # still quiet since the release: left out, and the thin group, alone at its hour, closes
    quiet_proposal = repair_propose(run=run)
    assert back.pk not in {c["enrolment"] for c in quiet_proposal.changes}
    assert quiet_proposal.figures["left_waiting"] == 3
    make_active([back])
    proposal = repair_propose(run=run)
    assert proposal.changes == [{"enrolment": back.pk, "from_group": None, "to_group": group.pk}]
    repair_apply(proposal=proposal)
    assert GroupMembership.objects.get(enrolment=back).group == group
    assert SeatRelease.objects.get(enrolment=back).returned_at is not None


def test_a_waiting_learner_who_cannot_make_any_groups_hour_stays_waiting(run):  # noqa: F811
    group_of(run, 1, active=6, quiet_days=[])
    EnrolmentFactory(run=run, availability_utc=LUNCH)
    proposal = repair_propose(run=run)
    assert proposal.changes == [] and proposal.figures["waiting"] == 1


@pytest.mark.parametrize("meanwhile", ["placed", "withdrawn"])
def test_the_repair_is_refused_when_the_waiting_learner_changed_since(thin_and_full, meanwhile):
    the_run, group, late = thin_and_full["run"], thin_and_full["group"], thin_and_full["late"]
    proposal = repair_propose(run=the_run)
    if meanwhile == "placed":  # a staff member seated them by hand
        GroupMembership.objects.create(group=group, enrolment=late)
    else:
        Enrolment.objects.filter(pk=late.pk).update(status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(ApplicationError, match="changed since"):
        repair_apply(proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == RepairProposal.Status.STALE
    assert not SeatRelease.objects.exists()  # nothing written
    assert GroupMembership.objects.filter(enrolment=late).count() == (meanwhile == "placed")

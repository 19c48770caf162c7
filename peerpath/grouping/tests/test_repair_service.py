"""The weekly repair against the real database: what happens to the groups it empties."""

import icalendar
import pytest
from django.utils import timezone

from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.grouping.services import repair_apply, repair_propose
from peerpath.meetings.models import Meeting, MeetingChange
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import message_render

from .test_late_and_repair import run, thinned  # noqa: F401  (the `run` fixture)

pytestmark = pytest.mark.django_db


def test_a_group_the_repair_empties_has_its_future_meetings_cancelled(run):  # noqa: F811
    first, second, thin_active, _other = thinned(run)
    assert Meeting.objects.filter(group=first, status=Meeting.Status.SCHEDULED).count() == 3
    proposal = repair_propose(run=run)
    assert proposal.figures["emptied_groups"] == [first.pk]
    OutboxMessage.objects.all().delete()
    repair_apply(proposal=proposal)
    assert not GroupMembership.objects.filter(group=first, enrolment__in=thin_active).exists()
    future = Meeting.objects.filter(group=first, starts_at__gt=timezone.now())
    assert future.count() == 3
    assert set(future.values_list("status", flat=True)) == {Meeting.Status.CANCELLED}
    [change] = MeetingChange.objects.filter(group=first, kind=MeetingChange.Kind.CANCELLED)
    assert sorted(change.meeting_ids) == sorted(future.values_list("pk", flat=True))
    # the group it moved into keeps every meeting, and its quiet members were told once, with
    # the three cancelled meetings in one message and one calendar file
    assert not Meeting.objects.filter(group=second, status=Meeting.Status.CANCELLED).exists()
    quiet_left = GroupMembership.objects.filter(group=first).count()
    assert quiet_left > 0
    told = OutboxMessage.objects.filter(kind="meeting_cancelled")
    assert told.count() == quiet_left
    assert len(set(told.values_list("recipient_id", flat=True))) == quiet_left
    rendered = message_render(message=told.first())
    assert "These 3 meetings of study group" in rendered.text
    assert rendered.subject.startswith(f"Study group {first.number} meetings cancelled")
    [(_name, content, mimetype)] = rendered.attachments
    calendar = icalendar.Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and "method=CANCEL" in mimetype
    assert sorted(str(e["UID"]) for e in events) == sorted(m.uid for m in future)
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert StudyGroup.objects.get(pk=first.pk).status == StudyGroup.Status.PUBLISHED


def test_a_group_that_keeps_active_members_keeps_its_meetings(run):  # noqa: F811
    first, second, _thin_active, _other = thinned(run)
    proposal = repair_propose(run=run)
    assert second.pk not in proposal.figures["emptied_groups"]
    repair_apply(proposal=proposal)
    assert Meeting.objects.filter(group=second, status=Meeting.Status.SCHEDULED).count() == 3


def test_a_group_someone_joined_since_the_proposal_keeps_its_meetings(run):  # noqa: F811
    from peerpath.grouping.services import group_move_member

    first, second, _thin_active, other = thinned(run)
    proposal = repair_propose(run=run)
    assert proposal.figures["emptied_groups"] == [first.pk]
    group_move_member(enrolment=other[0], to_group=first)  # staff move one in meanwhile
    repair_apply(proposal=proposal)
    assert Meeting.objects.filter(group=first, status=Meeting.Status.SCHEDULED).count() == 3

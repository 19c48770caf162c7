"""Merging groups at the thin line ahead of need, within the run's weekly move budget: the
proposal, applying it, the staff page and the setting — against the real database."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.grouping.models import GroupingSettings, GroupMembership
from peerpath.grouping.services import (
    grouping_settings_update,
    repair_apply,
    repair_propose,
)
from peerpath.grouping.solver.repair_merge import MERGE_AHEAD_SHARE
from peerpath.messaging.models import OutboxMessage
from tests.factories import StaffFactory

from .test_repair_weeks_left import run_of
from .test_seat_release import group_of

pytestmark = pytest.mark.django_db


def three_groups(percent: int | None):
    """A run in its first of three weeks with evening groups of 4, 6 and 6 active members (the
    4 is at the thin line); `percent` the run's merge-ahead budget (None: the default)."""
    run = run_of(3, starts_on=timezone.now().date() - dt.timedelta(days=1), timezone="UTC")
    groups = [
        group_of(run, number, active=n, quiet_days=[])[0] for number, n in ((1, 4), (2, 6), (3, 6))
    ]
    if percent is not None:
        GroupingSettings.objects.create(run=run, merge_ahead_percent=percent)
    return run, groups


def test_the_default_budget_is_the_measured_one():
    assert GroupingSettings().merge_ahead_percent == round(100 * MERGE_AHEAD_SHARE)


def test_a_group_at_the_thin_line_is_merged_ahead_and_its_members_told(client):
    run, (four, six_a, six_b) = three_groups(25)  # 25% of 16 active: up to 4 moves
    proposal = repair_propose(run=run)
    figures = proposal.figures
    assert figures["thin_before"] == 0 and figures["merged_ahead"] == 1
    assert figures["moved"] == 4 and figures["time_changed"] == 0 and figures["released"] == 0
    assert figures["emptied_groups"] == [four.pk]
    assert {c["from_group"] for c in proposal.changes} == {four.pk}
    assert {c["to_group"] for c in proposal.changes} == {six_a.pk, six_b.pk}

    client.force_login(StaffFactory())
    page = client.get(reverse("grouping:staff_repair", args=[run.slug])).content.decode()
    assert 'data-figure="merged-ahead">1<' in page
    assert "fewer than 25% of active learners" in page

    OutboxMessage.objects.all().delete()
    repair_apply(proposal=proposal)
    sizes = {g.pk: GroupMembership.objects.filter(group=g).count() for g in (four, six_a, six_b)}
    assert sizes == {four.pk: 0, six_a.pk: 8, six_b.pk: 8}
    told = OutboxMessage.objects.filter(kind="group_changed")
    assert told.count() == 4
    assert {m.context["previous_group"] for m in told} == {four.pk}


@pytest.mark.parametrize("percent", [0, 24])  # off; 24% of 16 is 3 moves, one short
def test_without_the_budget_for_it_nothing_is_merged_ahead(percent):
    run, _groups = three_groups(percent)
    proposal = repair_propose(run=run)
    assert proposal.figures["merged_ahead"] == 0 and proposal.changes == []


def test_the_runs_default_is_used_when_it_has_no_settings():
    run, _groups = three_groups(None)  # 12% of 16 active is 1 move: too few to merge the 4
    proposal = repair_propose(run=run)
    assert proposal.figures["merged_ahead"] == 0


def test_the_setting_is_saved_and_a_bad_value_is_refused_naming_it(client):
    run, _groups = three_groups(None)
    client.force_login(StaffFactory())
    url = reverse("grouping:staff_repair_action", args=[run.slug, "settings"])
    form = {"thin_below": "4", "quiet_after_days": "14", "merge_ahead_percent": "20"}
    page = client.post(url, form, follow=True).content.decode()
    assert "Repair settings saved." in page
    assert GroupingSettings.objects.get(run=run).merge_ahead_percent == 20
    assert 'name="merge_ahead_percent" min="0" max="25" value="20"' in page
    for bad, said in (("30", "choose 0 to 25 percent"), ("many", "enter a whole number")):
        page = client.post(
            url, {**form, "merge_ahead_percent": bad, "quiet_after_days": "30"}, follow=True
        ).content.decode()
        assert f"Merge ahead: {said}" in page, bad
        saved = GroupingSettings.objects.get(run=run)
        assert (saved.merge_ahead_percent, saved.quiet_after_days) == (20, 14)  # nothing saved
    # a caller that does not name it keeps the run's value
    grouping_settings_update(run=run, thin_below=4, quiet_after_days=10, repair_auto_apply=False)
    assert GroupingSettings.objects.get(run=run).merge_ahead_percent == 20

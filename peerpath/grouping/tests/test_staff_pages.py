"""Staff pages: forming in the background with progress, the preview with its quality report,
moving a learner or a colleague block with the hard-rule check, locking, publishing."""

import pytest
from django.urls import reverse

from peerpath.grouping.models import GroupingJob, GroupMembership, StudyGroup
from peerpath.grouping.services import (
    group_lock,
    group_move_check,
    group_move_members,
    grouping_job_start,
    groups_form,
    groups_publish,
)
from peerpath.grouping.services.moving import colleague_block
from peerpath.messaging.models import OutboxMessage
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    OrganisationFactory,
    RunFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

EVENINGS = [d * 24 + h for d in range(5) for h in (17, 18, 19)]
MORNINGS = [d * 24 + h for d in range(5) for h in (6, 7)]
BOTH = EVENINGS + MORNINGS


@pytest.fixture
def run():
    run = RunFactory(timezone="UTC", meeting_window_start=0, meeting_window_end=24)
    for week in (1, 2):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def two_groups(run):
    """Two draft groups: 8 evening people (one can also make mornings), 7 morning people."""
    EnrolmentFactory(run=run, availability_utc=BOTH)
    for _ in range(7):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    for _ in range(7):
        EnrolmentFactory(run=run, availability_utc=MORNINGS)
    groups_form(run=run)
    evening = StudyGroup.objects.get(run=run, hour_utc__in=EVENINGS)
    morning = StudyGroup.objects.get(run=run, hour_utc__in=MORNINGS)
    return evening, morning


def test_forming_runs_as_a_background_job_that_records_its_progress_and_result(
    run, django_capture_on_commit_callbacks
):
    for _ in range(8):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    with django_capture_on_commit_callbacks(execute=True):
        job = grouping_job_start(run=run, seed=3)
    job.refresh_from_db()
    assert job.status == GroupingJob.Status.DONE
    assert job.progress == 100
    assert job.result is not None and job.result.seed == 3
    assert StudyGroup.objects.filter(run=run).count() == 1


def test_a_second_formation_is_refused_while_one_is_under_way(run):
    GroupingJob.objects.create(run=run, status=GroupingJob.Status.RUNNING)
    from peerpath.common.errors import ApplicationError

    with pytest.raises(ApplicationError, match="being formed"):
        grouping_job_start(run=run)


def test_the_run_page_shows_the_progress_of_a_running_formation(run, staff_client):
    GroupingJob.objects.create(
        run=run, status=GroupingJob.Status.RUNNING, phase="hours", progress=55
    )
    page = staff_client.get(reverse("grouping:staff_run", args=[run.slug])).content.decode()
    assert "Forming groups: hours (55% done)" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    fragment = staff_client.get(
        reverse("grouping:staff_job", args=[run.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-trigger=\"every 1s\"" in fragment and "<html" not in fragment


def test_the_preview_shows_the_quality_report_and_a_score_per_group(run, staff_client):
    two_groups(run)
    response = staff_client.get(reverse("grouping:staff_run", args=[run.slug]))
    page = response.content.decode()
    report = response.context["report"]
    assert report.hard_total == 0 and report.groups == 2 and report.placed == 15
    assert 'data-figure="hard">0' in page
    assert "Group score mean / minimum / 10th percentile" in page
    assert len(response.context["rows"]) == 2
    assert all(row.hard_ok and 0 < row.score <= 1 for row, _when in response.context["rows"])


def test_the_move_check_says_at_once_which_hard_rule_a_move_breaks(run, staff_client):
    evening, morning = two_groups(run)
    night_owl = next(
        m.enrolment for m in evening.memberships.all() if m.enrolment.availability_utc == EVENINGS
    )
    url = reverse("grouping:staff_move_check", args=[run.slug])
    answer = staff_client.get(
        url, {"enrolment": night_owl.pk, "to": morning.number}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "cannot make the meeting hour" in answer
    assert "would keep 7 members" not in answer  # 8 - 1 = 7 stays within the size range
    flexible = next(
        m.enrolment for m in evening.memberships.all() if m.enrolment.availability_utc == BOTH
    )
    answer = staff_client.get(url, {"enrolment": flexible.pk, "to": morning.number}).content
    assert b"every hard rule holds" in answer


def test_a_move_that_breaks_a_hard_rule_is_refused_and_nothing_changes(run, staff_client):
    evening, morning = two_groups(run)
    night_owl = next(
        m.enrolment for m in evening.memberships.all() if m.enrolment.availability_utc == EVENINGS
    )
    response = staff_client.post(
        reverse("grouping:staff_move", args=[run.slug]),
        {"enrolment": night_owl.pk, "to": morning.number, "from": evening.number},
        follow=True,
    )
    assert "cannot make the meeting hour" in response.content.decode()
    assert GroupMembership.objects.get(enrolment=night_owl).group == evening


def test_a_move_that_would_thin_the_old_group_below_the_minimum_is_refused(run):
    EnrolmentFactory.create_batch(6, run=run, availability_utc=BOTH)
    EnrolmentFactory.create_batch(6, run=run, availability_utc=BOTH)
    groups_form(run=run)
    first, second = StudyGroup.objects.filter(run=run).order_by("number")
    mover = first.memberships.first().enrolment
    problems = group_move_check(enrolments=[mover], to_group=second)
    assert any("at least 6 are needed" in p for p in problems)


def test_a_colleague_block_moves_together_and_published_members_are_told(run, staff_client):
    school = OrganisationFactory()
    block = [
        EnrolmentFactory(run=run, availability_utc=BOTH, organisation=school,
                         mode="with_colleagues")
        for _ in range(2)
    ]
    EnrolmentFactory.create_batch(6, run=run, availability_utc=EVENINGS)
    EnrolmentFactory.create_batch(7, run=run, availability_utc=MORNINGS)
    groups_form(run=run)
    groups_publish(run=run)
    source = GroupMembership.objects.get(enrolment=block[0]).group
    assert GroupMembership.objects.get(enrolment=block[1]).group == source
    assert len(colleague_block(enrolment=block[0])) == 2
    target = StudyGroup.objects.filter(run=run).exclude(pk=source.pk).get()
    response = staff_client.post(
        reverse("grouping:staff_move", args=[run.slug]),
        {"enrolment": block[0].pk, "to": target.number, "block": "on"},
    )
    assert response.status_code == 302
    assert {GroupMembership.objects.get(enrolment=e).group for e in block} == {target}
    told = OutboxMessage.objects.filter(kind="group_changed")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(e.user_id for e in block)
    assert all(m.context["previous_group"] == source.pk for m in told)


def test_locking_a_group_from_the_page_keeps_it_when_forming_again(run, staff_client):
    evening, morning = two_groups(run)
    staff_client.post(reverse("grouping:staff_group_lock", args=[run.slug, evening.number, "lock"]))
    evening.refresh_from_db()
    assert evening.status == StudyGroup.Status.LOCKED
    members = set(evening.memberships.values_list("enrolment_id", flat=True))
    groups_form(run=run, seed=9)
    evening.refresh_from_db()
    assert set(evening.memberships.values_list("enrolment_id", flat=True)) == members
    staff_client.post(
        reverse("grouping:staff_group_lock", args=[run.slug, evening.number, "unlock"])
    )
    evening.refresh_from_db()
    assert evening.status == StudyGroup.Status.DRAFT


def test_only_a_draft_can_be_locked(run):
    evening, _morning = two_groups(run)
    groups_publish(run=run)
    evening.refresh_from_db()
    from peerpath.common.errors import ApplicationError

    with pytest.raises(ApplicationError, match="draft"):
        group_lock(group=evening)


def test_the_group_page_lists_members_with_move_forms(run, staff_client):
    evening, morning = two_groups(run)
    page = staff_client.get(
        reverse("grouping:staff_group", args=[run.slug, evening.number])
    ).content.decode()
    assert page.count('class="move-form"') == 8
    assert f'<option value="{morning.number}">' in page


def test_learners_cannot_see_the_staff_pages(run, client):
    learner = EnrolmentFactory(run=run)
    client.force_login(learner.user)
    assert client.get(reverse("grouping:staff_run", args=[run.slug])).status_code == 404
    assert client.get(reverse("grouping:staff_move_check", args=[run.slug])).status_code == 404


def test_group_move_members_refuses_a_group_of_another_language(run):
    evening, _ = two_groups(run)
    speaker = EnrolmentFactory(run=run, availability_utc=EVENINGS, language="fr")
    from peerpath.common.errors import ApplicationError

    with pytest.raises(ApplicationError, match="speaks fr"):
        group_move_members(enrolments=[speaker], to_group=evening)

"""The learner's home leads to everything of each course they take: the group page, the next
meeting in their own timezone (and whether they lead it), the surveys still waiting for their
answers, the badge they earned, their whole path; and says why they wait for a group."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.grouping.models import GroupMembership, LateJoinerHold, StudyGroup
from peerpath.meetings.models import Meeting
from peerpath.meetings.services import meeting_series_create
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

CHICAGO = "America/Chicago"


@pytest.fixture
def run():
    now = timezone.now()
    run = RunFactory(title="Python together", starts_on=now.date() - dt.timedelta(days=2))
    for week in (1, 2, 3):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


@pytest.fixture
def learner(run):
    return EnrolmentFactory(run=run, timezone=CHICAGO, user__display_name="Ada Lovelace")


@pytest.fixture
def group(run, learner):
    group = StudyGroup.objects.create(
        run=run, number=4, language="en", hour_utc=3 * 24 + 18, status="published"
    )
    GroupMembership.objects.create(group=group, enrolment=learner)
    for _ in range(2):
        GroupMembership.objects.create(group=group, enrolment=EnrolmentFactory(run=run))
    meeting_series_create(group=group)
    return group


def home_of(client, enrolment) -> str:
    client.force_login(enrolment.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_links_the_group_page_and_shows_the_next_meeting_in_the_learners_timezone(
    client, learner, group
):
    page = home_of(client, learner)

    group_url = reverse("meetings:group", args=[group.pk])
    assert f'href="{group_url}"' in page
    assert client.get(group_url).status_code == 200  # the link opens for this learner
    meeting = (
        Meeting.objects.filter(group=group, ends_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(CHICAGO))
    assert f"{local:%H:%M} ({CHICAGO})" in page
    assert f"{local.day} {local:%B %Y}" in page
    invite = reverse("meetings:meeting_invite", args=[meeting.pk])
    assert f'href="{invite}"' in page
    assert client.get(invite)["Content-Type"].startswith("text/calendar")
    assert f'href="{reverse("learner_path", args=[learner.pk])}"' in page


def test_home_says_when_the_learner_leads_the_next_meeting(client, learner, group):
    meeting = (
        Meeting.objects.filter(group=group, ends_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    other = GroupMembership.objects.exclude(enrolment=learner).filter(group=group).first()
    other.enrolment.user.display_name = "Grace Hopper"
    other.enrolment.user.save()
    Meeting.objects.filter(pk=meeting.pk).update(leader=other.enrolment)
    page = home_of(client, learner)
    assert "you lead this one" not in page
    assert "led by Grace Hopper" in page

    Meeting.objects.filter(pk=meeting.pk).update(leader=learner)
    assert "you lead this one" in home_of(client, learner)


def test_open_surveys_not_yet_answered_are_linked_until_answered(client, run, learner, group):
    from peerpath.surveys.services import survey_create, survey_open

    now = timezone.now()
    survey = survey_create(
        run=run,
        title="Mid-run survey",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        instrument="open How is it going?",
    )
    later = survey_create(
        run=run,
        title="End survey",
        opens_at=now + dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=20),
        instrument="open Anything else?",
    )
    survey_open(survey=survey, now=now)

    page = home_of(client, learner)
    assert "Surveys waiting for your answers" in page
    assert later.title not in page  # not open yet
    link = re.search(r'href="(/surveys/answer/[^"]+/)">Mid-run survey</a>', page).group(1)
    answer_page = client.get(link)
    assert answer_page.status_code == 200
    assert "How is it going?" in answer_page.content.decode()
    question = survey.questions.get()
    assert client.post(link, {f"q{question.pk}": "Well"}).status_code == 200

    page = home_of(client, learner)
    assert "Mid-run survey" not in page
    assert "Surveys waiting for your answers" not in page


def test_a_badge_earned_is_linked_from_home(client, learner, group):
    from peerpath.badges.services import credential_issue_for_completion
    from peerpath.progress.models import RunCompletion

    assert "See and share my badge" not in home_of(client, learner)
    completion = RunCompletion.objects.create(enrolment=learner, completed_at=timezone.now())
    badge = credential_issue_for_completion(completion=completion)

    page = home_of(client, learner)
    url = reverse("badges:verify", args=[badge.uuid])
    assert f'href="{url}">See and share my badge' in page
    assert client.get(url).status_code == 200


def test_a_learner_waiting_for_a_group_reads_why(client, run, group):
    late = EnrolmentFactory(run=run)
    LateJoinerHold.objects.create(
        enrolment=late, reason="Every group meeting at an hour you can make is full."
    )
    page = home_of(client, late)
    assert "You are not in a study group yet." in page
    assert "Every group meeting at an hour you can make is full." in page
    assert "/meetings/group/" not in page


def test_before_groups_exist_home_promises_one(client, run):
    alone = EnrolmentFactory(run=run)
    page = home_of(client, alone)
    assert "Your study group will be announced before the course starts." in page

"""The staff run hub: each person sees the runs they manage or assist in, and per run one page
with its headline figures and a link to every staff tool they may open, and no dead link."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.accounts.models import RunRole
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, LateJoinerHold, StudyGroup
from peerpath.meetings.services import meeting_series_create
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    RunRoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    run = RunFactory(
        title="Python together",
        slug="python-together",
        status="running",
        starts_on=timezone.now().date() - dt.timedelta(days=2),
    )
    for week in (1, 2, 3):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


@pytest.fixture
def other_run():
    return RunFactory(title="Another course run", slug="another-run")


def person_with(run, role):
    user = UserFactory()
    RunRoleFactory(run=run, user=user, role=role)
    return user


def links_in(html: str) -> list[str]:
    main = html.split('<main id="main"', 1)[1]
    return re.findall(r'<a href="(/[^"]*)"', main)


def figure(html: str, key: str) -> str:
    block = html.split(f'data-figure="{key}"', 1)[1].split("</article>", 1)[0]
    return re.search(r'class="hub-figure-value">([^<]*)<', block).group(1)


def test_run_staff_see_only_their_own_runs(client, run, other_run):
    tutor = person_with(run, RunRole.Role.TUTOR)
    client.force_login(tutor)

    page = client.get(reverse("courses:hub")).content.decode()

    assert reverse("courses:run_hub", args=[run.slug]) in page
    assert other_run.title not in page
    assert "Tutor" in page
    assert client.get(reverse("courses:run_hub", args=[run.slug])).status_code == 200
    assert client.get(reverse("courses:run_hub", args=[other_run.slug])).status_code == 404


def test_site_staff_see_every_run_running_ones_first(client, run, other_run):
    client.force_login(StaffFactory())
    page = client.get(reverse("courses:hub")).content.decode()
    assert page.index(run.title) < page.index(other_run.title)  # running before open


def test_learners_and_strangers_have_no_hub(client, run):
    learner = EnrolmentFactory(run=run).user
    RunRoleFactory(run=run, user=learner, role=RunRole.Role.LEARNER)
    client.force_login(learner)
    assert client.get(reverse("courses:hub")).status_code == 404
    assert client.get(reverse("courses:run_hub", args=[run.slug])).status_code == 404
    client.logout()
    response = client.get(reverse("courses:hub"))
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "must_have", "must_not_have"),
    [
        (
            RunRole.Role.INSTRUCTOR,
            ["grouping:staff_run", "meetings:facilitator_pool", "messaging:run_plan"],
            ["enrollment:import"],
        ),
        (
            RunRole.Role.TUTOR,
            ["followup:queue", "surveys:run_surveys", "analytics:dashboard"],
            ["meetings:facilitator_pool", "enrollment:import", "admin:courses_run_change"],
        ),
    ],
)
def test_every_tool_on_the_run_hub_opens_for_the_person_it_is_shown_to(
    client, run, role, must_have, must_not_have
):
    EnrolmentFactory.create_batch(3, run=run)
    user = person_with(run, role)
    client.force_login(user)

    page = client.get(reverse("courses:run_hub", args=[run.slug])).content.decode()
    links = links_in(page)

    args = {"grouping:staff_run": [run.slug], "meetings:facilitator_pool": [run.pk],
            "messaging:run_plan": [run.slug], "enrollment:import": [run.slug],
            "followup:queue": [run.pk], "surveys:run_surveys": [run.slug],
            "analytics:dashboard": [run.slug], "admin:courses_run_change": [run.pk]}  # fmt: skip
    for name in must_have:
        assert reverse(name, args=args[name]) in links, name
    for name in must_not_have:
        assert reverse(name, args=args[name]) not in links, name
    assert len(set(links)) >= 12
    for url in sorted(set(links)):
        assert client.get(url).status_code == 200, url


def test_site_staff_get_the_import_and_admin_tools_too(client, run):
    client.force_login(StaffFactory())
    links = links_in(client.get(reverse("courses:run_hub", args=[run.slug])).content.decode())
    assert reverse("enrollment:import", args=[run.slug]) in links
    assert reverse("admin:courses_run_change", args=[run.pk]) in links
    assert reverse("analytics:semester_report") in links
    for url in (
        reverse("enrollment:import", args=[run.slug]),
        reverse("analytics:semester_report"),
    ):
        assert client.get(url).status_code == 200, url


def test_headline_figures_say_how_the_run_stands(client, run):
    from peerpath.followup.models import FollowUpCase
    from peerpath.messaging.services import outbox_enqueue
    from peerpath.progress.models import RunCompletion
    from peerpath.surveys.services import survey_create, survey_open

    now = timezone.now()
    members = EnrolmentFactory.create_batch(4, run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory.create_batch(2, run=run, status=Enrolment.Status.PENDING)
    group = StudyGroup.objects.create(
        run=run, number=1, language="en", hour_utc=(now + dt.timedelta(days=2)).weekday() * 24 + 18,
        status="published",
    )  # fmt: skip
    StudyGroup.objects.create(run=run, number=2, language="en", hour_utc=30)  # a draft
    for enrolment in members[:3]:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    LateJoinerHold.objects.create(enrolment=members[3], reason="No group fits yet.")
    meeting_series_create(group=group)
    RunCompletion.objects.create(enrolment=members[0], completed_at=now)
    FollowUpCase.objects.create(enrolment=members[1])
    FollowUpCase.objects.create(enrolment=members[2], status="closed", closed_at=now)
    survey = survey_create(
        run=run, title="Mid-run", opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3), instrument="open How is it going?",
    )  # fmt: skip
    survey_open(survey=survey, now=now)
    outbox_enqueue(
        key="later", kind="welcome", recipient=members[0].user, run=run,
        context={"enrolment": members[0].pk}, due_at=now + dt.timedelta(days=1),
    )  # fmt: skip

    client.force_login(person_with(run, RunRole.Role.INSTRUCTOR))
    page = client.get(reverse("courses:run_hub", args=[run.slug])).content.decode()

    assert figure(page, "week") == "week 1 of 3"
    assert figure(page, "learners") == "4"
    assert "1 waitlisted, 2 not yet confirmed, 0 withdrawn" in page
    assert figure(page, "groups") == "1"
    assert "1 not published; 1 late joiners wait for a group" in page
    assert figure(page, "meetings") == "1"  # the group's meeting of this week, in 2 days
    assert figure(page, "completed") == "1"
    assert "25 % of confirmed learners" in page
    assert figure(page, "followup") == "1"
    assert figure(page, "surveys") == "1"
    assert "response rate 0 % over all invitations" in page
    assert int(figure(page, "outbox")) >= 5  # 4 survey invitations and the welcome, not yet sent


def test_the_hub_reads_a_bounded_number_of_queries_whatever_the_run_size(
    client, run, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    url = reverse("courses:run_hub", args=[run.slug])
    EnrolmentFactory.create_batch(3, run=run)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    EnrolmentFactory.create_batch(40, run=run)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.fixture
def published_group(run):
    group = StudyGroup.objects.create(
        run=run, number=7, language="en", hour_utc=24 + 17, status="published"
    )
    for enrolment in EnrolmentFactory.create_batch(3, run=run):
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    meeting_series_create(group=group)
    return group


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("site staff", "meetings:group"), ("instructor", "meetings:group_manage"),
     ("tutor", "grouping:staff_group")],
)  # fmt: skip
def test_the_hub_opens_a_group_by_its_number(client, run, published_group, who, lands_on):
    user = {
        "site staff": StaffFactory,
        "instructor": lambda: person_with(run, RunRole.Role.INSTRUCTOR),
        "tutor": lambda: person_with(run, RunRole.Role.TUTOR),
    }[who]()
    client.force_login(user)
    hub = client.get(reverse("courses:run_hub", args=[run.slug])).content.decode()
    assert f'action="{reverse("courses:run_group", args=[run.slug])}"' in hub

    response = client.get(reverse("courses:run_group", args=[run.slug]), {"number": "7"})

    assert response.status_code == 302
    args = [run.slug, 7] if lands_on.startswith("grouping") else [published_group.pk]
    assert response["Location"] == reverse(lands_on, args=args)
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_group_number_goes_back_to_the_hub_saying_so(client, run, published_group):
    client.force_login(person_with(run, RunRole.Role.INSTRUCTOR))
    for number in ("8", "seven", ""):
        response = client.get(
            reverse("courses:run_group", args=[run.slug]), {"number": number}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("courses:run_hub", args=[run.slug])
        page = response.content.decode()
        assert "Group number: there is no study group" in page
    other = RunFactory()
    response = client.get(reverse("courses:run_group", args=[other.slug]), {"number": "7"})
    assert response.status_code == 404

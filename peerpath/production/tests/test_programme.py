"""The collaborative production programme: a private run of the programme course whose study
groups (formed and published by the ordinary grouping engine) produce proposals, each group
with a designer."""

import datetime as dt

import pytest
from django.urls import reverse

from peerpath.accounts.models import RunRole
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.meetings.models import Meeting
from peerpath.production import selectors, services, workflow
from peerpath.production.models import FeedbackComment, Programme, Proposal
from tests.factories import EnrolmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
START = dt.date(2030, 2, 4)


@pytest.fixture
def programme(people):
    return services.programme_create(
        actor=people.consultant,
        title="Making MOOCs, spring 2030",
        slug="mooc-makers-2030",
        starts_on=START,
        timezone="Europe/Oslo",
        invitation_code="MAKERS",
    )


@pytest.fixture
def grouped(programme):
    """Six academics sign up and the grouping engine places them; groups are published."""
    from peerpath.grouping.services import groups_form, groups_publish

    academics = [UserFactory(email=f"academic{n}@uni.example") for n in range(6)]
    for person in academics:
        EnrolmentFactory(run=programme.run, user=person)
    groups_form(run=programme.run, seed=1)
    groups_publish(run=programme.run)
    group = programme.run.groups.get()
    return group, academics


def test_a_programme_is_a_private_run_of_the_workshop_then_production_course(people, programme):
    run = programme.run
    assert (run.kind, run.status, run.invitation_code) == (Run.Kind.SPOC, Run.Status.OPEN, "MAKERS")
    modules = list(run.course.modules.order_by("position").values_list("slug", flat=True))
    assert len(modules) == 10 and modules[0] == "learning-outcomes"
    assert modules[6:] == ["step-1-design", "step-2-build", "step-3-produce", "step-4-test"]
    assert programme.production_starts_on == START + dt.timedelta(weeks=6)
    assert RunRole.objects.filter(run=run, user=people.consultant, role="instructor").exists()
    phase = selectors.programme_phase
    assert phase(programme=programme, today=START) == "workshops"
    assert phase(programme=programme, today=programme.production_starts_on) == "production"


def test_a_second_programme_reuses_the_course_and_bad_input_names_its_field(people, programme):
    other = services.programme_create(
        actor=people.consultant, title="Autumn", slug="mooc-makers-autumn", starts_on=START
    )
    assert other.run.course_id == programme.run.course_id
    for changes, field in (
        ({"slug": "mooc-makers-2030"}, "slug"),
        ({"title": " "}, "title"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ):
        arguments = {"title": "X", "slug": "x-2031", "starts_on": START, **changes}
        with pytest.raises(ApplicationError) as refused:
            services.programme_create(actor=people.consultant, **arguments)
        assert refused.value.field == field
    with pytest.raises(ApplicationError, match="Only staff and e-learning consultants"):
        services.programme_create(
            actor=people.instructor, title="X", slug="x-2032", starts_on=START
        )
    assert Programme.objects.count() == 2


def test_groups_meet_on_the_same_engine_and_get_a_designer(people, programme, grouped):
    group, _academics = grouped
    assert Meeting.objects.filter(group=group).count() == 10  # one per module week
    with pytest.raises(ApplicationError, match="Only staff and e-learning consultants"):
        services.programme_designer_assign(
            programme=programme, group=group, designer=people.designer, actor=people.instructor
        )
    services.programme_designer_assign(
        programme=programme, group=group, designer=people.designer, actor=people.consultant
    )
    [row] = selectors.programme_groups(programme=programme)
    assert row["designer"] == people.designer and len(row["members"]) == 6


def test_a_member_proposes_from_the_group_page_and_the_designer_and_peers_follow_it(
    client, people, programme, grouped
):
    group, academics = grouped
    services.programme_designer_assign(
        programme=programme, group=group, designer=people.designer, actor=people.consultant
    )
    author, peer = academics[0], academics[1]
    client.force_login(author)
    page = client.get(reverse("production:programme_detail", args=[programme.pk]))
    assert page.status_code == 200
    new_url = reverse("production:proposal_new") + f"?group={group.pk}"
    assert new_url in page.content.decode()
    response = client.post(
        new_url, {"topic": "Coastal engineering", "basis": "new", "intent": "save"}
    )
    proposal = Proposal.objects.get(topic="Coastal engineering")
    assert response.status_code == 302 and proposal.programme_group == group
    # the group's designer reviews it; a peer of the group may see it and comment
    assert workflow.Role.DESIGNER in selectors.production_roles_for(
        user=people.designer, proposal=proposal
    )
    feedback = services.feedback_round_open(
        proposal=proposal, reviewer=people.designer, target="plan", title="First look"
    )
    client.force_login(peer)
    assert client.get(reverse("production:proposal_detail", args=[proposal.pk])).status_code == 200
    client.post(
        reverse("production:comment_add", args=[proposal.pk, feedback.pk]),
        {f"c{feedback.pk}-body": "Week 3 could use a worked example."},
    )
    assert FeedbackComment.objects.get().author == peer
    # someone outside the group can neither start a proposal in it nor see the proposal
    client.force_login(people.outsider)
    assert client.get(new_url).status_code == 404
    assert client.get(reverse("production:proposal_detail", args=[proposal.pk])).status_code == 404


def test_linking_a_proposal_to_a_group_is_for_its_members_or_organisers(
    people, proposal, programme, grouped
):
    group, academics = grouped
    with pytest.raises(ApplicationError) as refused:
        services.proposal_programme_group_set(
            proposal=proposal, group=group, actor=people.instructor
        )
    assert refused.value.field == "programme_group"
    services.proposal_programme_group_set(proposal=proposal, group=group, actor=people.consultant)
    proposal.refresh_from_db()
    assert proposal.programme_group == group


def test_organisers_create_a_programme_and_assign_designers_from_the_pages(client, people, grouped):
    group, _ = grouped
    client.force_login(StaffFactory())
    bad = client.post(
        reverse("production:programme_new"),
        {
            "title": "Autumn",
            "slug": "mooc-makers-2030",
            "starts_on": "2030-09-02",
            "timezone": "UTC",
        },
    )
    assert bad.status_code == 400 and "exists already" in bad.context["form"].errors["slug"][0]
    made = client.post(
        reverse("production:programme_new"),
        {"title": "Autumn", "slug": "makers-autumn", "starts_on": "2030-09-02", "timezone": "UTC"},
    )
    assert made.status_code == 302
    programme = Programme.objects.get(run__slug="mooc-makers-2030")
    url = reverse("production:designer_assign", args=[programme.pk, group.pk])
    unknown = client.post(url, {f"g{group.pk}-designer_email": "nobody@example.org"})
    assert unknown.status_code == 400
    assert "nobody@example.org" in unknown.content.decode()
    client.post(url, {f"g{group.pk}-designer_email": people.designer.email})
    assert selectors.programme_groups(programme=programme)[0]["designer"] == people.designer
    client.force_login(people.outsider)
    assert (
        client.get(reverse("production:programme_detail", args=[programme.pk])).status_code == 404
    )

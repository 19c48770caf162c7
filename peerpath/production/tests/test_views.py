"""Production pages: the proposal form, the detail page's assessment and actions, the board."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerpath.production.models import Assessment, Proposal, ProposalAttachment, TransitionLog
from peerpath.production.tests.conftest import COMPLETE, walk

pytestmark = pytest.mark.django_db
NEW = reverse("production:proposal_new")


def _detail(proposal):
    return reverse("production:proposal_detail", args=[proposal.pk])


def test_an_instructor_saves_a_draft_with_only_a_topic_and_an_attachment(client, people):
    client.force_login(people.instructor)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(
        NEW, {"topic": "Soil mechanics", "basis": "new", "intent": "save", "attachment": upload}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == _detail(proposal)
    assert proposal.status == Proposal.Status.DRAFT
    assert ProposalAttachment.objects.get().file.read() == b"%PDF-1.4 plan"


def test_submitting_an_incomplete_proposal_names_each_field_and_writes_nothing(client, people):
    client.force_login(people.instructor)
    response = client.post(
        NEW,
        {
            "topic": "Soil mechanics",
            "basis": "new",
            "intent": "submit",
            "impact_potential": "Large.",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"target_audience", "overall_planning", "resources_committed"}
    assert "required to submit" in response.content.decode()
    assert not Proposal.objects.exists() and not TransitionLog.objects.exists()


def test_bad_input_names_the_field_and_writes_nothing(client, people):
    client.force_login(people.instructor)
    response = client.post(
        NEW,
        {
            "topic": "",
            "basis": "existing",
            "intent": "save",
            "co_instructor_emails": "nobody@example.org",
        },
    )
    errors = response.context["form"].errors
    assert {"topic", "based_on", "co_instructor_emails"} <= set(errors)
    assert "nobody@example.org" in errors["co_instructor_emails"][0]
    assert not Proposal.objects.exists()


def test_a_complete_proposal_is_submitted_from_the_form_with_its_co_instructor(client, people):
    client.force_login(people.instructor)
    response = client.post(
        NEW,
        {
            "topic": "Soil",
            "basis": "new",
            "intent": "submit",
            "co_instructor_emails": people.designer.email,
            **COMPLETE,
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.status == Proposal.Status.SUBMITTED
    assert list(proposal.co_instructors.all()) == [people.designer]


def test_a_committee_member_sees_and_uses_the_assessment_form(client, people, proposal):
    walk(proposal, people, until="start_assessment")
    client.force_login(people.committee_member)
    page = client.get(_detail(proposal))
    assert page.context["assessment_form"] is not None
    actions = {a["action"]: a for a in page.context["actions"]}
    assert set(actions) == {"approve", "request_revision", "reject"}
    assert actions["approve"]["refusal"]  # disabled until someone has scored
    form = page.context["assessment_form"]
    data = {name: "4" for name in form.fields if name.startswith("score_")}
    response = client.post(reverse("production:proposal_assess", args=[proposal.pk]), data)
    assert response.status_code == 302
    assert Assessment.objects.count() == 3


def test_a_missing_score_names_its_criterion_and_saves_nothing(client, people, proposal):
    walk(proposal, people, until="start_assessment")
    client.force_login(people.committee_member)
    response = client.post(reverse("production:proposal_assess", args=[proposal.pk]), {})
    assert response.status_code == 400
    assert any(name.startswith("score_") for name in response.context["assessment_form"].errors)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["instructor", "consultant", "study_board"])
def test_people_outside_the_committee_cannot_assess(client, people, proposal, who):
    walk(proposal, people, until="start_assessment")
    client.force_login(getattr(people, who))
    assert client.get(_detail(proposal)).context["assessment_form"] is None
    data = {f"score_{pk}": "5" for pk in range(1, 10)}
    response = client.post(reverse("production:proposal_assess", args=[proposal.pk]), data)
    assert response.status_code in (403, 404)
    assert not Assessment.objects.exists()


def test_an_outsider_cannot_see_a_proposal_or_act_on_it(client, people, proposal):
    client.force_login(people.outsider)
    assert client.get(_detail(proposal)).status_code == 404
    response = client.post(reverse("production:proposal_act", args=[proposal.pk, "submit"]))
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_a_forbidden_transition_button_press_is_refused_with_a_message(client, people, proposal):
    walk(proposal, people, until="submit")
    client.force_login(people.consultant)
    response = client.post(
        reverse("production:proposal_act", args=[proposal.pk, "start_assessment"]), follow=True
    )
    assert "Only a committee member may do" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_the_study_board_records_its_approval_from_the_page(client, people, proposal):
    walk(proposal, people, until="approve")
    client.force_login(people.study_board)
    page = client.get(_detail(proposal))
    assert [a["action"] for a in page.context["actions"]] == ["board_approve"]
    client.post(
        reverse("production:proposal_act", args=[proposal.pk, "board_approve"]),
        {"note": "Approved by e-mail 3 May."},
    )
    entry = TransitionLog.objects.get(action="board_approve")
    assert (entry.actor, entry.note) == (people.study_board, "Approved by e-mail 3 May.")


def test_the_board_lists_every_production_for_committee_and_own_ones_for_instructors(
    client, people, proposal
):
    Proposal.objects.create(topic="Someone else's", proposer=people.outsider)
    client.force_login(people.committee_member)
    page = client.get(reverse("production:board"))
    assert page.status_code == 200 and len(page.context["proposals"]) == 2
    client.force_login(people.instructor)
    assert [p.topic for p in client.get(reverse("production:board")).context["proposals"]] == [
        "Wind energy"
    ]

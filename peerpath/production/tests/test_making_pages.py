"""The proposal page's making sections (course and pilot run, plan and milestones, feedback,
launch), the bookings page and the semester reviews, as the people who use them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from peerpath.courses.models import Run
from peerpath.production import services
from peerpath.production.models import Booking, FeedbackComment, Milestone, Resource, SemesterReview
from peerpath.production.tests.conftest import walk
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


def _url(name, proposal, *args):
    return reverse(f"production:{name}", args=[proposal.pk, *args])


def test_the_team_names_the_course_and_a_private_pilot_run(client, people, proposal):
    client.force_login(people.instructor)
    public = RunFactory(course=proposal.course, kind=Run.Kind.MOOC)
    refused = client.post(
        _url("course_link", proposal), {"course": proposal.course.pk, "pilot_run": public.pk}
    )
    assert refused.status_code == 400
    assert "pilot_run" in refused.context["course_form"].errors
    pilot = RunFactory(course=proposal.course, kind=Run.Kind.SPOC)
    done = client.post(
        _url("course_link", proposal), {"course": proposal.course.pk, "pilot_run": pilot.pk}
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.pilot_run == pilot
    client.force_login(people.committee_member)
    assert client.get(_url("proposal_detail", proposal)).context["course_form"] is None


def test_the_plan_is_made_moved_and_ticked_off_from_the_page(client, people, proposal):
    walk(proposal, people, until="sign_off")
    client.force_login(people.instructor)
    bad = client.post(_url("plan_create", proposal), {"start_on": "next spring"})
    assert bad.status_code == 400 and "start_on" in bad.context["plan_form"].errors
    assert client.post(_url("plan_create", proposal), {"start_on": "2030-01-07"}).status_code == 302
    first = Milestone.objects.get(proposal=proposal, slug="learning_outcomes")
    moved = client.post(_url("milestone_reschedule", proposal, first.pk), {"due_on": "2030-02-01"})
    assert moved.status_code == 302
    first.refresh_from_db()
    assert first.due_on == dt.date(2030, 2, 1)
    client.post(_url("milestone_done", proposal, first.pk))
    first.refresh_from_db()
    assert first.done_at is not None
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "done " in page and "Media production" in page
    refused = client.post(
        _url("milestone_reschedule", proposal, first.pk), {"due_on": "2030-03-01"}
    )
    assert refused.status_code == 400 and "is done already" in refused.content.decode()
    client.force_login(people.outsider)
    assert client.post(_url("milestone_done", proposal, first.pk)).status_code == 404


def test_a_plan_before_sign_off_is_refused_on_the_page(client, people, proposal):
    walk(proposal, people, until="approve")
    client.force_login(people.instructor)
    response = client.post(_url("plan_create", proposal), {"start_on": "2030-01-07"})
    # the form is not offered before sign-off; a forged post is refused with the reason
    assert response.status_code == 400
    assert "after the head of department's sign-off" in str(
        response.context["plan_form"].non_field_errors()
    ).replace("&#x27;", "'")
    assert not Milestone.objects.exists()


def test_a_feedback_round_is_given_commented_and_resolved_and_its_history_stays(
    client, people, proposal
):
    client.force_login(people.consultant)
    empty = client.post(_url("round_open", proposal), {"target": "plan", "body": ""})
    assert empty.status_code == 400 and "body" in empty.context["round_form"].errors
    client.post(
        _url("round_open", proposal),
        {"target": "plan", "title": "Plan review", "body": "The pilot comes too late."},
    )
    comment = FeedbackComment.objects.get()
    client.force_login(people.instructor)
    blank = client.post(
        _url("comment_resolve", proposal, comment.pk), {f"r{comment.pk}-resolution": ""}
    )
    assert blank.status_code == 400
    client.post(
        _url("comment_resolve", proposal, comment.pk),
        {f"r{comment.pk}-resolution": "Pilot moved to week 14."},
    )
    client.post(
        _url("comment_add", proposal, comment.round_id),
        {f"c{comment.round_id}-body": "Thanks, see the new dates."},
    )
    comment.refresh_from_db()
    assert (comment.resolved_by, comment.resolution) == (
        people.instructor,
        "Pilot moved to week 14.",
    )
    page = client.get(_url("proposal_detail", proposal)).content.decode()
    assert "The pilot comes too late." in page and "Pilot moved to week 14." in page
    assert FeedbackComment.objects.count() == 2
    client.force_login(people.committee_member)  # not a reviewer of productions
    refused = client.post(_url("round_open", proposal), {"target": "plan", "body": "Hm."})
    assert refused.status_code == 400 and FeedbackComment.objects.count() == 2


@pytest.fixture
def medialab(db):
    return Resource.objects.create(
        name="MediaLab video production", hourly_price=Decimal("350"), timezone="Europe/Copenhagen"
    )


def test_a_studio_is_booked_from_the_page_and_clashes_and_boundaries_are_refused(
    client, people, proposal, medialab
):
    client.force_login(people.instructor)
    url = _url("bookings", proposal)
    ok = client.post(
        url,
        {"resource": medialab.pk, "starts_at": "2030-05-06T10:00", "ends_at": "2030-05-06T12:30"},
    )
    assert ok.status_code == 302
    booking = Booking.objects.get()
    assert booking.starts_at == dt.datetime(2030, 5, 6, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    clash = client.post(
        url,
        {"resource": medialab.pk, "starts_at": "2030-05-06 12:00", "ends_at": "2030-05-06 13:00"},
    )
    assert clash.status_code == 400
    assert "is booked from 2030-05-06 08:00 to 2030-05-06 10:30" in clash.content.decode()
    late = client.post(
        url,
        {"resource": medialab.pk, "starts_at": "2030-05-06 17:30", "ends_at": "2030-05-06 18:30"},
    )
    assert "ends_at" in late.context["form"].errors
    assert "closing time (18:00)" in late.context["form"].errors["ends_at"][0]
    garbled = client.post(url, {"resource": medialab.pk, "starts_at": "tomorrow", "ends_at": ""})
    assert {"starts_at", "ends_at"} <= set(garbled.context["form"].errors)
    page = client.get(url)
    assert page.context["costs"]["total"] == Decimal("875.00")
    assert Booking.objects.count() == 1


def test_the_study_board_records_a_semester_review_from_the_page(client, people, course):
    RunFactory(course=course, kind=Run.Kind.MOOC, status=Run.Status.CLOSED)
    client.force_login(people.study_board)
    listing = client.get(reverse("production:reviews"))
    assert course in list(listing.context["courses"])
    url = reverse("production:review_new", args=[course.slug])
    bad = client.post(url, {"semester": "spring", "decision": "continue"})
    assert bad.status_code == 400 and "semester" in bad.context["form"].errors
    no_actions = client.post(url, {"semester": "2030-spring", "decision": "revise"})
    assert "follow_up" in no_actions.context["form"].errors
    client.post(
        url, {"semester": "2030-spring", "decision": "revise", "follow_up": "Re-record week 2."}
    )
    review = SemesterReview.objects.get()
    assert (review.reviewed_by, review.follow_up) == (people.study_board, "Re-record week 2.")
    client.force_login(people.committee_member)
    assert client.get(url).context["form"] is None  # may read, not record
    client.force_login(people.instructor)
    assert client.get(url).status_code == 404


def test_the_team_opens_the_public_run_from_the_page_only_once_the_gate_allows(
    client, people, proposal
):
    walk(proposal, people, until="approve_pilot")
    public = RunFactory(course=proposal.course, kind=Run.Kind.MOOC, status=Run.Status.DRAFT)
    client.force_login(people.instructor)
    page = client.get(_url("proposal_detail", proposal))
    [item] = page.context["launch_runs"]
    assert "launch approval is not recorded" in item["missing"]
    forced = client.post(_url("run_open", proposal, public.pk), follow=True)
    assert "launch approval is not recorded" in forced.content.decode()
    public.refresh_from_db()
    assert public.status == Run.Status.DRAFT
    services.proposal_transition(
        proposal=proposal, action="approve_launch", actor=people.study_board
    )
    client.post(_url("run_open", proposal, public.pk))
    public.refresh_from_db()
    assert public.status == Run.Status.OPEN


@pytest.mark.parametrize("until", ["start_assessment", "plan", "approve_pilot"])
@pytest.mark.parametrize("who", ["instructor", "committee_member", "consultant", "designer"])
def test_the_proposal_page_renders_for_every_role_at_every_stage(
    client, people, proposal, who, until
):
    walk(proposal, people, until=until)
    client.force_login(getattr(people, who))
    assert client.get(_url("proposal_detail", proposal)).status_code == 200
    assert client.get(_url("bookings", proposal)).status_code == 200

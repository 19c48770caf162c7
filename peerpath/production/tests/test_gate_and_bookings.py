"""The pilot quality gate on public runs, semester reviews, and studio bookings."""

import datetime as dt
from decimal import Decimal

import pytest

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.production import selectors, services
from peerpath.production.models import Booking, Resource, SemesterReview
from peerpath.production.tests.conftest import walk
from tests.factories import CourseFactory, RunFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2030, 5, 6, 9, 0, tzinfo=dt.UTC)


def _public_run(course):
    return RunFactory(course=course, kind=Run.Kind.MOOC, status=Run.Status.DRAFT)


def test_a_public_run_of_new_content_without_a_production_is_refused(course):
    run = _public_run(course)
    with pytest.raises(ApplicationError, match="no production of this course is recorded"):
        services.run_open(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.DRAFT


def test_the_gate_says_exactly_what_is_missing_while_the_pilot_runs(people, proposal):
    walk(proposal, people, until="start_pilot")
    with pytest.raises(ApplicationError) as refused:
        services.run_open_check(run=_public_run(proposal.course))
    message = str(refused.value)
    assert "has not finished yet" in message
    assert "pilot approval is not recorded" in message
    assert "launch approval is not recorded" in message


def test_after_pilot_approval_only_the_launch_approval_is_missing(people, proposal):
    walk(proposal, people, until="approve_pilot")
    with pytest.raises(ApplicationError) as refused:
        services.run_open_check(run=_public_run(proposal.course))
    assert [reason for _, reason in refused.value.errors] == [
        "the study board's launch approval is not recorded"
    ]


def test_a_piloted_and_approved_course_opens_its_public_run(people, proposal):
    walk(proposal, people, until="approve_launch")
    run = services.run_open(run=_public_run(proposal.course))
    assert run.status == Run.Status.OPEN


def test_courses_without_new_content_and_private_runs_pass_the_gate():
    services.run_open(run=_public_run(CourseFactory(new_content=False)))
    spoc = RunFactory(
        course=CourseFactory(new_content=True), kind=Run.Kind.SPOC, status=Run.Status.DRAFT
    )
    assert services.run_open(run=spoc).status == Run.Status.OPEN


def test_only_a_draft_run_is_opened():
    run = RunFactory(course=CourseFactory(new_content=False), status=Run.Status.CLOSED)
    with pytest.raises(ApplicationError) as refused:
        services.run_open(run=run)
    assert refused.value.field == "status"


def test_the_study_board_reviews_each_launched_semester_once(people, course):
    RunFactory(course=course, kind=Run.Kind.MOOC, status=Run.Status.CLOSED)
    with pytest.raises(ApplicationError, match="Only the study board"):
        services.semester_review_record(
            course=course, semester="2030-spring", decision="continue", reviewer=people.instructor
        )
    with pytest.raises(ApplicationError) as refused:
        services.semester_review_record(
            course=course, semester="spring 30", decision="continue", reviewer=people.study_board
        )
    assert refused.value.field == "semester"
    review = services.semester_review_record(
        course=course,
        semester="2030-Spring",
        decision="revise",
        reviewer=people.study_board,
        follow_up="Re-record week 2.",
    )
    assert (review.semester, review.reviewed_by) == ("2030-spring", people.study_board)
    with pytest.raises(ApplicationError, match="recorded already"):
        services.semester_review_record(
            course=course, semester="2030-spring", decision="continue", reviewer=people.study_board
        )
    assert SemesterReview.objects.count() == 1


def test_an_unlaunched_course_has_no_semester_to_review(people, course):
    with pytest.raises(ApplicationError) as refused:
        services.semester_review_record(
            course=course, semester="2030-spring", decision="continue", reviewer=people.study_board
        )
    assert refused.value.field == "course"


@pytest.fixture
def studio(db):
    return Resource.objects.create(
        name="Video production", hourly_price=Decimal("350.00"), slot_minutes=10
    )


def _book(studio, proposal, people, start_h, end_h):
    return services.booking_create(
        resource=studio,
        proposal=proposal,
        booked_by=people.instructor,
        starts_at=T0 + dt.timedelta(hours=start_h),
        ends_at=T0 + dt.timedelta(hours=end_h),
    )


def test_a_booking_costs_its_exact_hours_at_the_price_when_booked(people, proposal, studio):
    booking = services.booking_create(
        resource=studio,
        proposal=proposal,
        booked_by=people.instructor,
        starts_at=T0,
        ends_at=T0 + dt.timedelta(hours=2, minutes=20),
    )
    assert (booking.hours, booking.cost) == (Decimal("2.33"), Decimal("816.67"))
    studio.hourly_price = Decimal("400")
    studio.save()
    free = Resource.objects.create(name="Self-service studio", hourly_price=0)
    services.booking_create(
        resource=free,
        proposal=proposal,
        booked_by=people.instructor,
        starts_at=T0,
        ends_at=T0 + dt.timedelta(hours=3),
    )
    summary = selectors.booking_cost_summary(proposal=proposal)
    assert summary["total"] == Decimal("816.67")
    assert summary["resources"]["Self-service studio"]["hours"] == Decimal("3.00")


def test_overlapping_bookings_of_one_resource_are_refused_but_touching_ones_fit(
    people, proposal, studio
):
    _book(studio, proposal, people, 0, 2)
    for start, end in ((1, 3), (-1, 1), (0, 2), (0.5, 1.5), (-1, 3)):
        with pytest.raises(ApplicationError, match="is booked from 2030-05-06 09:00") as refused:
            _book(studio, proposal, people, start, end)
        assert refused.value.field == "starts_at"
    _book(studio, proposal, people, 2, 3)
    _book(studio, proposal, people, -1, 0)
    other = Resource.objects.create(name="Studio B", hourly_price=0)
    _book(other, proposal, people, 0, 2)
    assert Booking.objects.count() == 4


def test_a_booking_must_end_after_it_starts_and_be_made_by_the_team(people, proposal, studio):
    with pytest.raises(ApplicationError) as refused:
        _book(studio, proposal, people, 2, 2)
    assert refused.value.field == "ends_at"
    with pytest.raises(ApplicationError, match="Only the production team"):
        services.booking_create(
            resource=studio,
            proposal=proposal,
            booked_by=people.outsider,
            starts_at=T0,
            ends_at=T0 + dt.timedelta(hours=1),
        )
    assert not Booking.objects.exists()


def _at(studio, proposal, people, start: str, end: str):
    """Book between two local times on 2030-05-06 in Copenhagen (UTC+2 then)."""
    day = "2030-05-06T{}:00+02:00"
    return services.booking_create(
        resource=studio,
        proposal=proposal,
        booked_by=people.instructor,
        starts_at=dt.datetime.fromisoformat(day.format(start)),
        ends_at=dt.datetime.fromisoformat(day.format(end)),
    )


@pytest.mark.parametrize(
    ("start", "end", "field", "says"),
    [
        ("07:30", "09:00", "starts_at", "starts before opening time (08:00)"),
        ("17:00", "18:30", "ends_at", "ends after closing time (18:00)"),
        ("10:05", "11:00", "starts_at", "30-minute slot boundary; 10:05 is not"),
        ("10:00", "10:45", "ends_at", "30-minute slot boundary; 10:45 is not"),
    ],
)
def test_bookings_outside_opening_hours_or_off_the_slots_are_refused(
    people, proposal, start, end, field, says
):
    studio = Resource.objects.create(name="MediaLab", hourly_price=Decimal("350"))
    with pytest.raises(ApplicationError) as refused:
        _at(studio, proposal, people, start, end)
    assert refused.value.field == field
    assert says in refused.value.message and "Europe/Copenhagen" in refused.value.message
    assert not Booking.objects.exists()


def test_a_booking_may_fill_the_day_from_opening_to_closing_exactly(people, proposal):
    studio = Resource.objects.create(name="MediaLab", hourly_price=Decimal("350"))
    booking = _at(studio, proposal, people, "08:00", "18:00")
    assert (booking.hours, booking.cost) == (Decimal("10.00"), Decimal("3500.00"))


def test_a_booking_across_midnight_or_in_the_past_is_refused(people, proposal):
    studio = Resource.objects.create(name="MediaLab", hourly_price=0, closes_at=dt.time(23, 30))
    with pytest.raises(ApplicationError, match="within one day's opening hours"):
        services.booking_create(
            resource=studio,
            proposal=proposal,
            booked_by=people.instructor,
            starts_at=dt.datetime.fromisoformat("2030-05-06T22:00:00+02:00"),
            ends_at=dt.datetime.fromisoformat("2030-05-07T09:00:00+02:00"),
        )
    _at(studio, proposal, people, "10:00", "11:00")
    with pytest.raises(ApplicationError, match="cannot start in the past") as refused:
        services.booking_create(
            resource=studio,
            proposal=proposal,
            booked_by=people.instructor,
            starts_at=T0,
            ends_at=T0 + dt.timedelta(hours=1),
            now=T0 + dt.timedelta(minutes=1),
        )
    assert refused.value.field == "starts_at"
    assert Booking.objects.count() == 1

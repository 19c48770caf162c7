"""The run dashboard, the CSV exports and the semester report (HTML, and PDF rendered back to
images to see that the plots are there)."""

import csv
import datetime as dt
import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.analytics import selectors
from peerpath.analytics.models import BoardDecision
from peerpath.analytics.oulad import oulad_import
from peerpath.enrollment.models import Enrolment
from peerpath.progress.models import Completion
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def native_run():
    """A run of our own: three modules, twelve learners who got less far each module."""
    run = RunFactory(title="Python together", slug="python",
                     starts_on=dt.date(2025, 9, 1))
    activities = [ActivityFactory(module=ModuleFactory(course=run.course, position=w,
                                                       title=f"Week {w}"))
                  for w in (1, 2, 3)]
    start = dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC)
    for i in range(12):
        enrolment = EnrolmentFactory(run=run, confirmed_at=start - dt.timedelta(days=14 - i))
        reached = 3 if i < 4 else 2 if i < 8 else 1 if i < 10 else 0
        for week in range(reached):
            Completion.objects.create(enrolment=enrolment, activity=activities[week],
                                      completed_at=start + dt.timedelta(days=7 * week + 1))
        if i >= 10:
            enrolment.status = Enrolment.Status.WITHDRAWN
            enrolment.withdrawn_at = start + dt.timedelta(days=9)
            enrolment.save()
    return run


def test_funnel_and_figures_of_a_native_run(native_run):
    funnel = selectors.module_funnel(run=native_run)
    assert funnel.values["learners"] == [10, 8, 4]
    (row,) = selectors.run_outcomes([native_run])
    assert (row.enrolled, row.started, row.withdrawn) == (12, 10, 2)
    enrolment = selectors.enrolment_over_time(run=native_run)
    assert enrolment.values["enrolled"][-1] == 12 and enrolment.values["withdrawn"][-1] == 2
    active = selectors.active_per_week(run=native_run)
    assert active.values["active"] == [10, 8, 4]


def test_the_dashboard_shows_figures_plots_and_exports_to_run_staff_only(client, native_run):
    client.force_login(StaffFactory())
    page = client.get(reverse("analytics:dashboard", args=[native_run.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('src="data:image/svg+xml;base64,') >= 4
    assert "Per-module funnel" in html and "Active learners per week" in html
    client.force_login(UserFactory())
    assert client.get(reverse("analytics:dashboard", args=[native_run.slug])).status_code == 404
    assert client.get(reverse("analytics:export", args=[native_run.slug, "enrolments"])
                      ).status_code == 404


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_exports_have_stable_columns(client, native_run):
    client.force_login(StaffFactory())
    enrolments = csv_rows(client.get(reverse("analytics:export",
                                             args=[native_run.slug, "enrolments"])))
    assert enrolments[0] == selectors.ENROLMENT_COLUMNS
    assert len(enrolments) == 13
    progress = csv_rows(client.get(reverse("analytics:export",
                                           args=[native_run.slug, "progress"])))
    assert progress[0] == selectors.PROGRESS_COLUMNS
    assert len(progress) == 1 + 10 + 8 + 4
    attendance = csv_rows(client.get(reverse("analytics:export",
                                             args=[native_run.slug, "attendance"])))
    assert attendance[0] == selectors.ATTENDANCE_COLUMNS
    outcomes = csv_rows(client.get(reverse("analytics:export",
                                           args=[native_run.slug, "outcomes"])))
    assert outcomes[0] == selectors.OUTCOME_COLUMNS
    assert outcomes[1][1] == "python" and outcomes[1][3] == "12"


def coloured_pixels(image) -> int:
    return sum(n for n, (r, g, b) in image.getcolors(maxcolors=1 << 22)
               if abs(r - g) > 40 or abs(g - b) > 40)


def test_semester_report_pdf_has_the_plots(client, subset):
    oulad_import(subset)
    staff = StaffFactory()
    client.force_login(staff)
    period = {"from": "2013-01-01", "to": "2014-12-31"}
    html = client.get(reverse("analytics:semester_report"), period).content.decode()
    assert "AAA 2013J" in html and "GGG 2014B" in html and "All runs" in html
    response = client.get(reverse("analytics:semester_report_pdf"), period)
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    images = []
    pages_with_plots = 0
    for page in pdf:
        objects = list(page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]))
        images += [obj.get_bitmap(render=False).to_pil().convert("RGB") for obj in objects]
        if objects:
            # the rendered page shows the plots, not only carries them
            pages_with_plots += 1
            rendered = page.render(scale=1).to_pil().convert("RGB")
            assert coloured_pixels(rendered) > 1000
    assert pages_with_plots >= 1
    # three runs, each with enrolment over time, the assessment funnel and completion
    assert len(images) == 9
    for image in images:
        assert len(image.getcolors(maxcolors=1 << 22)) > 20, "a plot image is blank"
        assert coloured_pixels(image) > 300, "a plot has no coloured marks"


def test_the_board_records_its_decision_on_the_report(client):
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("analytics:board_decision")
    client.post(url, {"from": "2025-01-01", "to": "2025-06-30", "decision": " "})
    assert not BoardDecision.objects.exists()
    client.post(url, {"from": "2025-01-01", "to": "2025-06-30",
                      "decision": "Continue; add a second facilitator."})
    decision = BoardDecision.objects.get()
    assert decision.recorded_by == staff
    page = client.get(reverse("analytics:semester_report"),
                      {"from": "2025-01-01", "to": "2025-06-30"}).content.decode()
    assert "Continue; add a second facilitator." in page
    bad = client.get(reverse("analytics:semester_report"), {"from": "2025-13-01"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("analytics:semester_report")).status_code == 404


def test_survey_results_appear_on_the_dashboard(client, native_run):
    from peerpath.surveys import services
    from peerpath.surveys.models import Invitation, Survey

    now = timezone.now()
    survey = services.survey_create(
        run=native_run, title="Mid-run", instrument="likert5 [s] A\nlikert5 [s] B",
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=3),
        minimum_segment=3,
    )
    survey.status = Survey.Status.OPEN
    survey.save()
    q1, q2 = survey.questions.order_by("position")
    for i, enrolment in enumerate(Enrolment.objects.filter(run=native_run,
                                                           status="confirmed")):
        Invitation.objects.create(survey=survey, enrolment=enrolment, invited_on=now.date())
        enrolment.mode = "with_colleagues" if i % 2 else "individual"
        enrolment.save()
        services.response_submit(survey=survey, enrolment=enrolment,
                                 answers={f"q{q1.pk}": 2 + i % 3, f"q{q2.pk}": 1 + i % 4})
    client.force_login(StaffFactory())
    html = client.get(reverse("analytics:dashboard", args=[native_run.slug])).content.decode()
    assert "Mid-run: agreeing by how learners joined" in html
    assert "Mann-Whitney U" in html


def _model_or_skip(label, name):
    from django.apps import apps

    try:
        return apps.get_model(label, name)
    except LookupError:
        pytest.skip(f"{label}.{name} is not in this installation")


def test_attendance_by_group_size_and_followup_outcomes(client, native_run):
    Attendance = _model_or_skip("meetings", "Attendance")
    Contact = _model_or_skip("followup", "Contact")
    FollowUpCase = _model_or_skip("followup", "FollowUpCase")
    from peerpath.grouping.models import GroupMembership, StudyGroup
    from peerpath.meetings.models import Meeting

    learners = list(Enrolment.objects.filter(run=native_run).order_by("pk"))
    start = dt.datetime(2025, 9, 2, 17, tzinfo=dt.UTC)
    small = StudyGroup.objects.create(run=native_run, number=1, language="en", hour_utc=17)
    large = StudyGroup.objects.create(run=native_run, number=2, language="en", hour_utc=18)
    for group, members, present in ((small, learners[:4], 4), (large, learners[4:12], 4)):
        for e in members:
            GroupMembership.objects.create(group=group, enrolment=e)
        meeting = Meeting.objects.create(group=group, week=1, starts_at=start,
                                         ends_at=start + dt.timedelta(hours=1))
        for i, e in enumerate(members):
            Attendance.objects.create(meeting=meeting, enrolment=e, present=i < present)
    series = selectors.attendance_by_group_size(run=native_run)
    assert series.labels == ["4", "8"]
    assert series.values["attended"] == [100.0, 50.0]

    for e, outcomes in ((learners[0], ["no_answer", "reached"]), (learners[1], ["no_answer"])):
        case = FollowUpCase.objects.create(enrolment=e)
        for day, outcome in enumerate(outcomes):
            Contact.objects.create(case=case, at=start + dt.timedelta(days=day),
                                   channel="email", outcome=outcome)
    followup = selectors.followup_outcomes(run=native_run)
    by_label = dict(zip(followup.labels, followup.values["learners"], strict=True))
    assert by_label["No answer"] == 1
    assert by_label["Reached; will continue"] == 1
    client.force_login(StaffFactory())
    html = client.get(reverse("analytics:dashboard", args=[native_run.slug])).content.decode()
    assert "Meeting attendance by group size" in html and "Follow-up outcomes" in html

"""Staff read a run's dashboard in a real browser: the server-rendered plots load and are
not blank, the numbers sit beside them, and the survey results can be compared by segment."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from peerpath.enrollment.models import Enrolment
from peerpath.progress.models import Completion
from peerpath.surveys import services
from peerpath.surveys.models import Invitation, Survey
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
)


def run_completion_model():
    try:
        return apps.get_model("progress", "RunCompletion")
    except LookupError:
        return None


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def run():
    run = RunFactory(title="Maths for teachers", slug="maths-spring",
                     starts_on=timezone.now().date() - dt.timedelta(days=21))
    activities = [ActivityFactory(module=ModuleFactory(course=run.course, position=w,
                                                       title=f"Week {w}"))
                  for w in (1, 2, 3)]
    start = timezone.now() - dt.timedelta(days=21)
    now = timezone.now()
    survey = services.survey_create(
        run=run, title="Mid-run survey",
        instrument="likert5 [talk] The meetings helped me.\nlikert5 [talk] I spoke up.",
        opens_at=now - dt.timedelta(hours=2), closes_at=now + dt.timedelta(days=5),
        minimum_segment=3,
    )
    survey.status = Survey.Status.OPEN
    survey.save()
    q1, q2 = survey.questions.order_by("position")
    RunCompletion = run_completion_model()
    for i in range(10):
        mode = Enrolment.Mode.WITH_COLLEAGUES if i % 2 else Enrolment.Mode.INDIVIDUAL
        enrolment = EnrolmentFactory(run=run, mode=mode,
                                     confirmed_at=start - dt.timedelta(days=10 - i))
        for week in range(3 - i // 4):
            Completion.objects.create(enrolment=enrolment, activity=activities[week],
                                      completed_at=start + dt.timedelta(days=7 * week + 2))
        if i < 4 and RunCompletion is not None:  # did all three weeks
            RunCompletion.objects.create(enrolment=enrolment, completed_at=now)
        Invitation.objects.create(survey=survey, enrolment=enrolment, invited_on=now.date())
        services.response_submit(survey=survey, enrolment=enrolment, answers={
            f"q{q1.pk}": 4 + i % 2, f"q{q2.pk}": 2 + i % 4})
    return run


def test_staff_read_the_run_dashboard_with_its_plots(page, live_server, run):
    StaffFactory(email="board@example.org")
    page.goto(f"{live_server.url}/accounts/signin/")
    page.locator("#id_staff-email").fill("board@example.org")
    page.locator("#id_staff-password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/analytics/runs/{run.slug}/")
    assert "Maths for teachers" in page.locator("h1").inner_text()
    figures = page.locator("table.figures tbody tr").first.inner_text()
    assert figures.split()[:2] == ["10", "10"]  # enrolled, started
    for caption in ("Enrolment over time", "Active learners per week", "Per-module funnel",
                    "Completion", "Mid-run survey: agreeing by how learners joined"):
        assert page.get_by_text(caption, exact=True).count() >= 1, caption
    images = page.locator("figure img")
    assert images.count() >= 5
    # every plot decoded in the browser, with a real size, and is not a blank canvas
    for i in range(images.count()):
        image = images.nth(i)
        assert image.evaluate("img => img.complete && img.naturalWidth > 100")
        ink = image.evaluate("""img => {
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const g = c.getContext('2d'); g.fillStyle = '#fff';
            g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let p = 0; p < d.length; p += 4) {
                if (Math.abs(d[p] - d[p + 1]) > 40 || Math.abs(d[p + 1] - d[p + 2]) > 40) n++;
            }
            return n;
        }""")
        if image.get_attribute("alt") == "Completion rates" and run_completion_model() is None:
            continue  # nothing completed without the progress app's run completion
        assert ink > 200, f"plot {i} shows no coloured marks"
    # the numbers behind a plot are in the page for anyone who cannot see it
    page.get_by_text("The numbers").first.click()
    assert page.locator("figure details table").first.is_visible()

    page.get_by_role("link", name="Mid-run survey", exact=True).click()
    page.get_by_label("Compare segments by").select_option("mode")
    page.get_by_role("button", name="Show").click()
    text = page.locator("main").inner_text()
    assert "10 of 10 invited learners answered" in text
    assert "Mann-Whitney U" in text
    assert "Cronbach's alpha" in text

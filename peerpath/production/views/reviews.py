"""The study board's semester reviews of launched courses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Course
from peerpath.production import selectors, services, workflow
from peerpath.production.forms import SemesterReviewForm


@login_required
def reviews(request):
    if not selectors.access_board(user=request.user):
        raise Http404
    return render(
        request,
        "production/reviews.html",
        {"courses": selectors.launched_courses_with_reviews()},
    )


@login_required
def review_new(request, slug: str):
    if not selectors.access_board(user=request.user):
        raise Http404
    course = get_object_or_404(Course, slug=slug)
    board = workflow.Role.STUDY_BOARD in selectors.production_roles_site(user=request.user)
    form = SemesterReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.semester_review_record(
                course=course, reviewer=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, _("The semester review is recorded."))
            return redirect("production:reviews")
    return render(
        request,
        "production/review_form.html",
        {
            "course": course,
            "form": form if board else None,
            "reviews": course.semester_reviews.select_related("reviewed_by"),
            "report_url": _semester_report_url(course),
        },
        status=400 if form.errors else 200,
    )


def _semester_report_url(course) -> str:
    """The analytics semester report of the course's latest public run, when one exists."""
    from django.urls import NoReverseMatch, reverse

    from peerpath.courses.models import Run

    run = course.runs.filter(kind=Run.Kind.MOOC).exclude(status=Run.Status.DRAFT).first()
    if run is None:
        return ""
    for name, args in (("analytics:semester_report", [run.slug]), ("analytics:run", [run.slug])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""

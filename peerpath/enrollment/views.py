"""Sign-up page, double opt-in confirmation, withdrawal and the staff CSV import page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerpath.common.errors import ApplicationError
from peerpath.common.http import client_address
from peerpath.enrollment import selectors, services
from peerpath.enrollment.forms import ImportForm, SignupForm
from peerpath.enrollment.messages import home_url
from peerpath.enrollment.models import Enrolment

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _run_or_404(slug: str):
    run = selectors.run_get_for_signup(slug=slug)
    if run is None:
        raise Http404(_("No such run."))
    return run


def _add_service_errors(form, error: ApplicationError) -> None:
    for field, message in error.errors or [(error.field, error.message)]:
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def signup(request, slug: str):
    run = _run_or_404(slug)
    closed = services.run_signup_problem(run=run)
    status = 200
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.name, "email": request.user.email}
    form = SignupForm(run=run, initial=initial)
    if request.method == "POST" and not closed:
        form = SignupForm(request.POST, run=run)
        if form.is_valid():
            try:
                services.enrolment_signup(run=run, data=form.signup_data(),
                                          client=client_address(request))
            except services.SignupRateLimited as error:
                _add_service_errors(form, error)
                status = 429
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                return redirect("enrollment:signup_done", slug=run.slug)
        if status == 200:
            status = 400 if form.errors else 200
    elif request.method == "POST":
        status = 403
    context = {
        "run": run, "course": run.course, "form": form, "closed": closed,
        "modules": selectors.run_module_list(run=run),
        "seats_left": selectors.run_seats_left(run=run),
        "enrolment": selectors.enrolment_get_for_user(run=run, user=request.user),
    }
    return render(request, "enrollment/signup.html", context, status=status)


def signup_done(request, slug: str):
    run = _run_or_404(slug)
    return render(request, "enrollment/signup_done.html",
                  {"run": run, "seats_left": selectors.run_seats_left(run=run)})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        if request.method == "GET":
            # Mail scanners follow links: a GET checks the link and shows a button, no more.
            services.confirm_token_read(token=token)
            return render(request, "enrollment/confirm.html", {"token": token})
        enrolment = services.enrolment_confirm(token=token)
    except ApplicationError as error:
        return render(request, "enrollment/confirm_invalid.html", {"error": error}, status=400)
    if enrolment.user.is_active:
        login(request, enrolment.user, backend=BACKEND)
    if enrolment.status == Enrolment.Status.CONFIRMED:
        messages.success(request, _("Your place in %(run)s is confirmed. Welcome!")
                         % {"run": enrolment.run.title})
    elif enrolment.status == Enrolment.Status.WAITLISTED:
        messages.info(request, _("Your address is confirmed. %(run)s is full, so you are on the "
                                 "waiting list; we will write when a place frees up.")
                      % {"run": enrolment.run.title})
    return redirect(home_url())


@require_POST
def withdraw(request, slug: str):
    run = _run_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enrolment = selectors.enrolment_get_for_user(run=run, user=request.user)
    if enrolment is None:
        raise Http404(_("You are not signed up for this run."))
    services.enrolment_withdraw(enrolment=enrolment)
    messages.success(request, _("You have left %(run)s.") % {"run": run.title})
    return redirect(home_url())


@require_http_methods(["GET", "POST"])
def import_learners(request, slug: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff can import learners."))
    run = _run_or_404(slug)
    form, report, problems, summary = ImportForm(), None, [], ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.enrolment_import_csv(run=run, file=upload, filename=upload.name)
            except ApplicationError as error:
                summary, problems = error.message, error.errors
    context = {"run": run, "form": form, "report": report, "problems": problems,
               "summary": summary, "counts": selectors.run_enrolment_counts(run=run)}
    return render(request, "enrollment/import.html", context, status=400 if problems else 200)

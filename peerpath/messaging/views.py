"""Staff views of messages: the outbox (all, or one run's with counts, failures, retry and
cancel), each run's message plan, and the template editor with preview and test-send."""

from django.contrib import messages as flash
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, engines
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.messaging import registry, selectors, services
from peerpath.messaging.forms import PlanEntryForm, TemplateForm
from peerpath.messaging.models import MessageTemplate, OutboxMessage
from peerpath.messaging.policy import policy_for, run_plan
from peerpath.messaging.services import message_render


@staff_member_required(login_url="accounts:signin")
def outbox(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    messages = selectors.outbox_list(status=status or None, kind=kind or None)
    if q:
        messages = messages.filter(to_email__icontains=q)
    page = Paginator(messages.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "q": q,
            "statuses": OutboxMessage.Status.choices,
            "counts": selectors.outbox_counts(),
        },
    )


def _message_visible(user, message: OutboxMessage) -> bool:
    if user.is_staff:
        return True
    return message.run is not None and access_run_staff(user, message.run)


@login_required
def outbox_message(request, pk: int):
    message = get_object_or_404(OutboxMessage.objects.select_related("recipient", "run"), pk=pk)
    if not _message_visible(request.user, message):
        raise Http404
    rendered = None
    render_error = ""
    if message.status != OutboxMessage.Status.SENT:
        try:
            rendered = message_render(message=message)
        except Exception as error:  # show staff why a message cannot be rendered
            render_error = f"{type(error).__name__}: {error}"
    return render(
        request,
        "messaging/outbox_message.html",
        {"message": message, "rendered": rendered, "render_error": render_error},
    )


def _run_for(request, slug: str, *, manage: bool = False) -> Run:
    run = get_object_or_404(Run.objects.select_related("course"), slug=slug)
    allowed = access_run_manage if manage else access_run_staff
    if not allowed(request.user, run):
        raise Http404
    return run


@login_required
def run_outbox(request, slug: str):
    run = _run_for(request, slug)
    if request.method == "POST":
        if not access_run_manage(request.user, run):
            raise Http404
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        action = request.POST.get("action")
        if action == "retry_all_failed":
            ids = list(
                OutboxMessage.objects.filter(
                    run=run, status=OutboxMessage.Status.FAILED
                ).values_list("pk", flat=True)
            )
            action = "retry"
        if action == "retry":
            n = services.outbox_retry(run=run, ids=ids)
            flash.success(request, _("%(n)s messages will be sent again.") % {"n": n})
        elif action == "cancel":
            n = services.outbox_cancel(run=run, ids=ids)
            flash.success(request, _("%(n)s messages cancelled.") % {"n": n})
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    rows = selectors.outbox_list(run=run, status=status or None, kind=kind or None)
    if q:
        rows = rows.filter(to_email__icontains=q)
    page = Paginator(rows.order_by("-due_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/run_outbox.html",
        {
            "run": run,
            "page": page,
            "status": status,
            "kind": kind,
            "q": q,
            "statuses": OutboxMessage.Status.choices,
            "counts": selectors.outbox_counts(run=run),
            "by_kind": selectors.outbox_counts_by_kind(run=run),
            "failures": selectors.outbox_failures(run=run),
            "can_manage": access_run_manage(request.user, run),
        },
    )


@login_required
def run_plan_page(request, slug: str):
    run = _run_for(request, slug)
    descriptions = {name: kind.description for name, kind in registry.kinds().items()}
    rows = [{"policy": p, "description": descriptions.get(p.kind, "")} for p in run_plan(run=run)]
    return render(
        request,
        "messaging/run_plan.html",
        {"run": run, "rows": rows, "can_manage": access_run_manage(request.user, run)},
    )


@login_required
def run_plan_entry(request, slug: str, kind: str):
    run = _run_for(request, slug, manage=True)
    try:
        message_kind = registry.get_kind(kind)
    except LookupError:
        raise Http404 from None
    policy = policy_for(run.pk, kind)
    form = PlanEntryForm(
        request.POST or None,
        initial={
            "enabled": policy.enabled,
            "trigger": policy.trigger,
            "audience": policy.audience,
            "offset_hours": policy.offset_hours,
            "after_days": policy.after_days,
            "window_start": policy.window_start,
            "window_end": policy.window_end,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_entry_save(run=run, kind=kind, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            flash.success(request, _("The plan of “%(kind)s” is saved.") % {"kind": kind})
            return redirect("messaging:run_plan", slug=run.slug)
    return render(
        request,
        "messaging/run_plan_entry.html",
        {"run": run, "kind": message_kind, "form": form},
    )


def _file_source(kind: str, suffix: str) -> str:
    try:
        template = engines["django"].engine.get_template(f"messaging/email/{kind}{suffix}")
    except TemplateDoesNotExist:
        return ""
    return template.source


def _find_learner(run, text: str):
    from peerpath.enrollment.models import Enrolment

    enrolments = Enrolment.objects.filter(run=run).select_related("user", "run__course")
    text = (text or "").strip()
    if text:
        return enrolments.filter(user__email__iexact=text).first()
    return enrolments.filter(status=Enrolment.Status.CONFIRMED).order_by("pk").first()


@login_required
def run_template(request, slug: str, kind: str):
    run = _run_for(request, slug, manage=True)
    try:
        message_kind = registry.get_kind(kind)
    except LookupError:
        raise Http404 from None
    language = request.POST.get("language", request.GET.get("language", ""))
    saved = MessageTemplate.objects.filter(run=run, kind=kind, language=language).first()
    initial = {
        "language": language,
        "subject": saved.subject if saved else _file_source(kind, ".subject.txt").strip(),
        "body_text": saved.body_text if saved else _file_source(kind, ".txt"),
        "body_html": saved.body_html if saved else _file_source(kind, ".html"),
        "learner": request.GET.get("learner", ""),
    }
    form = TemplateForm(request.POST or None, initial=initial)
    preview = None
    preview_error = ""
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "reset":
        services.template_delete(run=run, kind=kind, language=language)
        flash.success(request, _("The template is back to the built-in one."))
        return redirect(request.path + (f"?language={language}" if language else ""))
    data = form.cleaned_data if request.method == "POST" and form.is_valid() else initial
    learner = _find_learner(run, data.get("learner", ""))
    if request.method == "POST" and form.is_valid():
        if learner is None and (data.get("learner") or action == "test"):
            form.add_error("learner", _("No learner of this run has that e-mail address."))
        else:
            try:
                if action == "save":
                    services.template_save(
                        run=run,
                        kind=kind,
                        language=data["language"],
                        subject=data["subject"],
                        body_text=data["body_text"],
                        body_html=data["body_html"],
                        user=request.user,
                        check_with=learner,
                    )
                    flash.success(request, _("Template saved."))
                    return redirect(request.path + (f"?language={language}" if language else ""))
                if action == "test":
                    sent = services.message_test_send(
                        run=run, kind=kind, enrolment=learner, user=request.user, draft=data
                    )
                    flash.success(
                        request,
                        _("A test message was sent to %(email)s.") % {"email": sent.to_email},
                    )
            except ApplicationError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
    if learner is not None and not form.errors:
        try:
            preview = services.message_preview(
                run=run,
                kind=kind,
                enrolment=learner,
                draft=data if request.method == "POST" else None,
            )
        except ApplicationError as error:
            preview_error = error.message
    return render(
        request,
        "messaging/run_template.html",
        {
            "run": run,
            "kind": message_kind,
            "form": form,
            "saved": saved,
            "learner": learner,
            "preview": preview,
            "preview_error": preview_error,
            "languages": form.fields["language"].choices,
            "language": language,
        },
    )


@login_required
@require_POST
def run_plan_now(request, slug: str):
    """Plan the run's timed messages now instead of waiting for the periodic task."""
    from peerpath.messaging.planner import messages_plan_run

    run = _run_for(request, slug, manage=True)
    result = messages_plan_run(run=run)
    flash.success(
        request,
        _("%(new)s new messages planned, %(retimed)s re-timed, %(cancelled)s cancelled.") % result,
    )
    return redirect("messaging:run_plan", slug=run.slug)

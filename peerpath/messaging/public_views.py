"""Pages a recipient reaches from a message without signing in: one-click unsubscribe (RFC
8058) and mail preferences.

A GET of the unsubscribe link never unsubscribes (mail scanners follow links); it shows a form
that POSTs. The POST needs neither a session nor a CSRF token, since mail clients send it on
their own ("List-Unsubscribe=One-Click"), and repeating it changes nothing more.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from peerpath.common.signed_links import LinkRefused, link_refused_response
from peerpath.messaging import registry, services
from peerpath.messaging.policy import run_plan
from peerpath.messaging.selectors import unsubscriptions_for


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    from peerpath.courses.models import Run

    try:
        payload = services.unsubscribe_read(token=token)
    except LinkRefused as refused:
        return link_refused_response(request, refused)
    run = Run.objects.filter(pk=payload.get("r")).first() if payload.get("r") else None
    preferences_url = _preferences_path(payload["u"])
    if request.method == "POST":
        try:
            services.unsubscribe_one_click(token=token)
        except LinkRefused as refused:
            return link_refused_response(request, refused)
        return render(
            request,
            "messaging/unsubscribed.html",
            {"run": run, "preferences_url": preferences_url},
        )
    return render(
        request,
        "messaging/unsubscribe_confirm.html",
        {"run": run, "preferences_url": preferences_url},
    )


def _preferences_path(user_id: int) -> str:
    from django.urls import reverse

    return reverse("messaging:preferences", args=[services.preferences_token(user_id=user_id)])


def _optional_kinds(run) -> list:
    descriptions = {name: kind.description for name, kind in registry.kinds().items()}
    return [
        {"kind": policy.kind, "description": descriptions.get(policy.kind) or policy.kind}
        for policy in run_plan(run=run)
        if policy.enabled
    ]


@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    from peerpath.accounts.models import User
    from peerpath.enrollment.models import Enrolment

    try:
        user_id = services.preferences_read(token=token)
    except LinkRefused as refused:
        return link_refused_response(request, refused)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return link_refused_response(request, LinkRefused("invalid"))
    runs = [
        e.run
        for e in Enrolment.objects.filter(user=user).select_related("run").order_by("-created_at")
    ]
    if request.method == "POST":
        run = next((r for r in runs if str(r.pk) == request.POST.get("run")), None)
        if run is None:
            return render(
                request,
                "messaging/preferences.html",
                {"person": user, "sections": [], "error": _("Choose one of your courses.")},
                status=400,
            )
        allowed = {k["kind"] for k in _optional_kinds(run)}
        receive_all = request.POST.get("receive") == "on"
        wanted = set(request.POST.getlist("kinds"))
        services.preferences_set(
            user=user, run=run, receive_all=receive_all, declined_kinds=allowed - wanted
        )
        return redirect(request.path + "?saved=1")
    declined = {(u.run_id, u.kind) for u in unsubscriptions_for(user=user)}
    sections = []
    for run in runs:
        everything_off = (run.pk, "") in declined or (None, "") in declined
        sections.append(
            {
                "run": run,
                "receive": not everything_off,
                "kinds": [
                    {**k, "on": (run.pk, k["kind"]) not in declined} for k in _optional_kinds(run)
                ],
            }
        )
    return render(
        request,
        "messaging/preferences.html",
        {
            "person": user,
            "sections": sections,
            "saved": request.GET.get("saved") == "1",
            "site_url": settings.SITE_URL,
        },
    )


@login_required
def my_preferences(request):
    return redirect(_preferences_path(request.user.pk))

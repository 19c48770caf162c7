"""The collaborative production programme: its list, a new programme, and one programme with
its phase, groups, designers and the proposals each group produces."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.common.errors import ApplicationError
from peerpath.grouping.models import StudyGroup
from peerpath.production import selectors, services
from peerpath.production.forms import DesignerForm, ProgrammeForm
from peerpath.production.models import Programme
from peerpath.production.views.common import form_error


def _programme_for(user, pk: int) -> Programme:
    try:
        programme = selectors.programme_get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404 from None
    if not selectors.access_programme_view(user=user, programme=programme):
        raise Http404
    return programme


@login_required
def programmes(request):
    return render(
        request,
        "production/programmes.html",
        {
            "programmes": selectors.programme_list_for(user=request.user),
            "can_create": selectors.access_programme_manage(user=request.user),
        },
    )


@login_required
def programme_new(request):
    if not selectors.access_programme_manage(user=request.user):
        raise Http404
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The programme is open for sign-up."))
            return redirect("production:programme_detail", pk=programme.pk)
    return render(
        request,
        "production/programme_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _detail(request, programme: Programme, *, designer_form=None, designer_group=None, status=200):
    groups = selectors.programme_groups(programme=programme)
    manage = selectors.access_programme_manage(user=request.user)
    for row in groups:
        bound = designer_form if row["group"].pk == designer_group else None
        row["designer_form"] = bound or (
            DesignerForm(
                prefix=f"g{row['group'].pk}",
                initial={"designer_email": row["designer"].email if row["designer"] else ""},
            )
            if manage
            else None
        )
        row["mine"] = any(member.pk == request.user.pk for member in row["members"])
    run = programme.run
    return render(
        request,
        "production/programme_detail.html",
        {
            "programme": programme,
            "run": run,
            "phase": selectors.programme_phase(programme=programme, today=timezone.localdate()),
            "groups": groups,
            "manage": manage,
            "signup_url": request.build_absolute_uri(reverse("enrollment:signup", args=[run.slug])),
            "modules": run.course.modules.order_by("position"),
            "workshop_weeks": services.programme.WORKSHOP_WEEKS,
        },
        status=status,
    )


@login_required
def programme_detail(request, pk: int):
    return _detail(request, _programme_for(request.user, pk))


@login_required
@require_POST
def designer_assign(request, pk: int, group_id: int):
    programme = _programme_for(request.user, pk)
    if not selectors.access_programme_manage(user=request.user):
        raise Http404
    group = get_object_or_404(StudyGroup, pk=group_id, run=programme.run)
    form = DesignerForm(request.POST, prefix=f"g{group.pk}")
    if form.is_valid():
        try:
            services.programme_designer_assign(
                programme=programme,
                group=group,
                designer=form.cleaned_data["designer_email"],
                actor=request.user,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(group)s now works with %(designer)s.")
                % {"group": group, "designer": form.cleaned_data["designer_email"].name},
            )
            return redirect("production:programme_detail", pk=programme.pk)
    return _detail(request, programme, designer_form=form, designer_group=group.pk, status=400)

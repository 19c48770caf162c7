"""The staff run hub: the runs a person manages, and per run one page that leads to every
staff tool of that run with a few headline figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.courses import hub, hub_tools


@login_required
def staff_hub(request):
    """The runs this person may manage or assist in; nobody else has anything to see here."""
    if not hub.user_has_run_staff_role(request.user):
        raise Http404
    runs = hub.run_list_for_staff(user=request.user)
    return render(request, "courses/hub.html", {"runs": runs})


def _run_for_staff(request, slug: str):
    run = hub.run_list_visible(user=request.user).filter(slug=slug).first()
    if run is None or not access_run_staff(request.user, run):
        raise Http404
    return run


@login_required
def run_hub(request, slug: str):
    run = _run_for_staff(request, slug)
    manage = access_run_manage(request.user, run)
    return render(
        request,
        "courses/run_hub.html",
        {
            "run": run,
            "figures": hub.run_headlines(run=run, now=timezone.now(), manage=manage),
            "sections": hub_tools.run_tools(run=run, user=request.user),
            "can_manage": manage,
        },
    )


@login_required
def run_group(request, slug: str):
    """Open a study group by its number in the run: its meetings page for site staff and run
    managers (where meetings are moved or cancelled), else its members; a wrong number goes
    back to the hub saying so."""
    run = _run_for_staff(request, slug)
    raw = (request.GET.get("number") or "").strip()
    group = None
    if raw.isdigit():
        from peerpath.grouping.selectors import group_get

        group = group_get(run=run, number=int(raw))
    if group is None:
        messages.error(
            request,
            _("Group number: there is no study group “%(number)s” in this run.")
            % {"number": raw[:20]},
        )
        return redirect("courses:run_hub", run.slug)
    # The group page of meetings opens for members and site staff; run managers move and
    # cancel meetings on the group's manage page; other run staff see the members.
    if request.user.is_staff:
        return redirect("meetings:group", group.pk)
    if access_run_manage(request.user, run):
        return redirect("meetings:group_manage", group.pk)
    return redirect("grouping:staff_group", run.slug, group.number)

"""Booking studios and production services for one production, with its cost summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.production import selectors, services
from peerpath.production.forms import BookingForm
from peerpath.production.models import Resource
from peerpath.production.views.common import form_error, proposal_for


@login_required
def bookings(request, pk: int):
    proposal = proposal_for(request.user, pk)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                resource=form.cleaned_data["resource"],
                proposal=proposal,
                starts_at=form.aware("starts_at"),
                ends_at=form.aware("ends_at"),
                booked_by=request.user,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Booked: %(resource)s, %(hours)s hours, %(cost)s %(currency)s.")
                % {
                    "resource": booking.resource.name,
                    "hours": booking.hours,
                    "cost": booking.cost,
                    "currency": booking.resource.currency,
                },
            )
            return redirect("production:bookings", pk=proposal.pk)
    return render(
        request,
        "production/bookings.html",
        {
            "proposal": proposal,
            "form": form,
            "bookings": selectors.booking_list(proposal=proposal),
            "costs": selectors.booking_cost_summary(proposal=proposal),
            "resources": Resource.objects.filter(active=True).order_by("name"),
        },
        status=400 if form.errors else 200,
    )

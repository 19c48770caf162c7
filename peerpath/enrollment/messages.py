"""Message kinds caused by sign-up: the confirmation link, welcome and the waiting list.

Each builder reads the enrolment named in the outbox row at delivery time, so the mail shows
the run as it is when sent.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from peerpath.enrollment.models import Enrolment
from peerpath.messaging.registry import register


def home_url() -> str:
    """The learner home page (URL name "home"); the site root until that page exists."""
    try:
        return reverse("home")
    except NoReverseMatch:
        return "/"


def _enrolment(message) -> Enrolment:
    return Enrolment.objects.select_related("run", "run__course", "user").get(
        pk=message.context["enrolment"]
    )


def run_starts_at(run) -> dt.datetime:
    """The run's first moment: midnight of its first day in the run's own timezone."""
    return dt.datetime.combine(run.starts_on, dt.time(0), tzinfo=ZoneInfo(run.timezone))


def _common(enrolment: Enrolment) -> dict:
    return {
        "enrolment": enrolment,
        "run": enrolment.run,
        "course": enrolment.run.course,
        "learner_timezone": enrolment.timezone or enrolment.user.timezone or "UTC",
        "starts_at": run_starts_at(enrolment.run),
        "home_link": settings.SITE_URL + home_url(),
    }


@register("signup_confirm", "Sign-up: the link that confirms the e-mail address")
def build_signup_confirm(message) -> dict:
    from peerpath.enrollment.services import enrolment_confirm_token

    enrolment = _enrolment(message)
    token = enrolment_confirm_token(enrolment=enrolment)
    return {
        **_common(enrolment),
        "link": settings.SITE_URL + reverse("enrollment:confirm", args=[token]),
        "valid_days": max(1, settings.PEERPATH_CONFIRM_LINK_MAX_AGE // 86400),
    }


@register("welcome", "Sign-up: welcome to the course once the address is confirmed")
def build_welcome(message) -> dict:
    return _common(_enrolment(message))


@register("waitlisted", "Sign-up: confirmed, but the run is full — on the waiting list")
def build_waitlisted(message) -> dict:
    return _common(_enrolment(message))

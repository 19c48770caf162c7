"""Message kinds caused by progress: the run completion mail."""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


@register("completion", "You completed the course")
def build_completion(message) -> dict:
    from peerpath.enrollment.models import Enrolment
    from peerpath.progress.models import RunCompletion

    enrolment = Enrolment.objects.select_related("run__course", "user").get(
        pk=message.context["enrolment"]
    )
    completion = RunCompletion.objects.filter(enrolment=enrolment).first()
    return {
        "run": enrolment.run,
        "completed_on": completion.completed_at.date() if completion else None,
        "path_url": settings.SITE_URL + reverse("learner_path", args=[enrolment.pk]),
    }

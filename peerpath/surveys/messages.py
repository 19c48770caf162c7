"""Message kinds of surveys: the invitation with its personal answer link.

The builder also serves a reminder: an outbox row whose context has `"reminder": true` renders
the same message worded as a reminder, so a planner can queue reminders to `unanswered(survey)`
with kind `survey_invitation`.
"""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


@register("survey_invitation", "Survey: invitation (or reminder) with a personal answer link")
def build_survey_invitation(message) -> dict:
    from peerpath.common.timefmt import format_local
    from peerpath.enrollment.models import Enrolment
    from peerpath.surveys.models import Survey
    from peerpath.surveys.services import survey_answer_token

    survey = Survey.objects.select_related("run").get(pk=message.context["survey"])
    enrolment = Enrolment.objects.select_related("user").get(pk=message.context["enrolment"])
    token = survey_answer_token(survey=survey, enrolment=enrolment)
    return {
        "survey": survey,
        "run": survey.run,
        "reminder": bool(message.context.get("reminder")),
        "link": settings.SITE_URL + reverse("surveys:answer", args=[token]),
        "closes_at": format_local(survey.closes_at, enrolment.timezone or "UTC"),
        "questions": survey.questions.count(),
    }

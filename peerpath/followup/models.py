"""Personal follow-up: a tutor's case for a learner at risk, and each contact made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class FollowUpCase(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SNOOZED = "snoozed", _("Snoozed")
        CLOSED = "closed", _("Closed")

    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="followup_cases"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.CharField(_("why closed"), max_length=300, blank=True)
    score_at_open = models.FloatField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="followup_cases",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~models.Q(status="closed"),
                name="one_live_followup_case",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up of {self.enrolment} ({self.status})"


class Contact(BaseModel):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Text or chat message")
        MEETING = "meeting", _("In person or video")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached; will continue")
        NEEDS_HELP = "needs_help", _("Reached; needs help")
        MOVE = "move", _("Reached; will move to a later run")
        LEAVING = "leaving", _("Reached; is leaving")
        NO_ANSWER = "no_answer", _("No answer")

    case = models.ForeignKey(FollowUpCase, on_delete=models.CASCADE, related_name="contacts")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}: {self.get_outcome_display()}"

"""What each learner has done."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class Completion(BaseModel):
    class Source(models.TextChoices):
        SITE = "site", _("Marked on the site")
        EMAIL = "email", _("One-click link in an e-mail")
        MEETING = "meeting", _("Meeting attendance")
        XAPI = "xapi", _("External tool (xAPI)")

    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="completions"
    )
    activity = models.ForeignKey(
        "courses.Activity", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SITE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "activity"], name="unique_completion_per_activity"
            ),
        ]

"""The weekly meetings of each study group."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class Meeting(BaseModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(
        "grouping.StudyGroup", on_delete=models.CASCADE, related_name="meetings"
    )
    module = models.ForeignKey(
        "courses.Module", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    week = models.PositiveSmallIntegerField(help_text=_("Week of the run, from 1."))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    leader = models.ForeignKey(
        "enrollment.Enrolment", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="meetings_led",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("iCalendar SEQUENCE; raised on every change.")
    )

    class Meta:
        ordering = ["group", "week"]
        constraints = [
            models.UniqueConstraint(fields=["group", "week"], name="unique_meeting_week"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.group} week {self.week}"

    @property
    def uid(self) -> str:
        return f"meeting-{self.pk}@peerpath"

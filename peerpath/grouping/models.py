"""Study groups of a run, each meeting at one weekly hour that every member can make."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


def new_room_token() -> str:
    return secrets.token_urlsafe(18)


class StudyGroup(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LOCKED = "locked", _("Locked")
        PUBLISHED = "published", _("Published")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()
    language = models.CharField(max_length=16)
    hour_utc = models.PositiveSmallIntegerField(
        help_text=_("UTC hour of the week at which the group meets, Monday 00:00 = 0.")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    room_token = models.CharField(max_length=32, default=new_room_token, unique=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="unique_group_number"),
        ]

    def __str__(self) -> str:
        return _("Group %(number)s") % {"number": self.number}


class GroupMembership(BaseModel):
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="membership"
    )

    def __str__(self) -> str:
        return f"{self.enrolment} → {self.group}"


class GroupingResult(BaseModel):
    """One formation of a run's groups: the quality report and who was left out, and why."""

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="groupings")
    seed = models.IntegerField(default=0)
    report = models.JSONField(default=dict)
    unassigned = models.JSONField(default=list, help_text=_("[{enrolment, reason}]"))

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

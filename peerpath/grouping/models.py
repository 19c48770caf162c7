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


class GroupingSettings(BaseModel):
    """How a run's groups are kept alive: when a group counts as thin, when a learner counts
    as quiet, and whether the weekly repair is applied without a person approving it."""

    run = models.OneToOneField(
        "courses.Run", on_delete=models.CASCADE, related_name="grouping_settings"
    )
    thin_below = models.PositiveSmallIntegerField(
        _("thin group: fewer active members than"), default=4
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        _("a learner is quiet after this many days without activity"), default=14
    )
    repair_auto_apply = models.BooleanField(
        _("apply the weekly repair without approval"), default=False
    )
    merge_ahead_percent = models.PositiveSmallIntegerField(
        _(
            "merge groups at the thin line ahead of need while the week moves fewer than this "
            "percentage of active learners (0: never)"
        ),
        default=12,  # solver.repair_merge.MERGE_AHEAD_SHARE, where it is measured
    )

    def __str__(self) -> str:
        return f"grouping settings of {self.run}"


class GroupingJob(BaseModel):
    """A formation running in the background, with its progress for the staff page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="grouping_jobs")
    seed = models.IntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done."))
    result = models.ForeignKey(
        GroupingResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RepairProposal(BaseModel):
    """One weekly repair: who moves where, the disruption figures, and whether it was applied.

    `changes` is a list of {enrolment, from_group, to_group} where groups are StudyGroup ids,
    or "new:<k>" for the k-th entry of `new_groups` ({language, hour_utc}); `to_group` is null
    for an active learner who waits for a group. `released` lists the quiet members who give
    up their seat to an active learner: {enrolment, from_group, quiet_days}."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")
        STALE = "stale", _("Out of date")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="repairs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    active = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    new_groups = models.JSONField(default=list)
    released = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class LateJoinerHold(BaseModel):
    """A learner who joined after publication and waits, with the reason, until a group with
    room at an hour they can make exists or enough of them can form a new one."""

    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="grouping_hold"
    )
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.reason}"


class SeatRelease(BaseModel):
    """A quiet learner whose seat a weekly repair gave to an active learner. Their membership
    ended for `reason`; they are not placed again while quiet, and the late-joiner placement
    offers them a group once they are active after `released_at` (`returned_at` is then set)."""

    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="seat_release"
    )
    group = models.ForeignKey(
        StudyGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repair = models.ForeignKey(
        RepairProposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seat_releases",
    )
    quiet_days = models.PositiveIntegerField(_("days without activity when the seat was released"))
    reason = models.TextField()
    released_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.reason}"

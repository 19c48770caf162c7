"""The weekly meetings of each study group, and what happens around them.

A meeting belongs to a group and a week. Around it: RSVPs and attendance of members, a short
feedback, a visiting facilitator from the run's pool, the changes staff made (each told to
everyone affected once), calendar feed tokens, and each group's own notes and links.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class MeetingSettings(BaseModel):
    """Per-run settings of meetings; a run without a row uses the defaults below."""

    run = models.OneToOneField(
        "courses.Run", on_delete=models.CASCADE, related_name="meeting_settings"
    )
    tasks_visible_hours = models.PositiveIntegerField(
        _("tasks visible this many hours before the meeting"), default=72
    )
    visit_every_weeks = models.PositiveSmallIntegerField(
        _("a facilitator visits each group every this many weeks"),
        default=4,
        validators=[MinValueValidator(1)],
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        _("a member without activity for this many days is skipped as leader"),
        default=14,
        validators=[MinValueValidator(1)],
    )
    attendance_link_days = models.PositiveSmallIntegerField(
        _("the attendance link works for this many days"),
        default=14,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name_plural = "meeting settings"

    def __str__(self) -> str:
        return f"Meeting settings of {self.run}"


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
        "enrollment.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_led",
    )
    leader_fixed = models.BooleanField(
        default=False, help_text=_("The leader was handed over; the rotation keeps it.")
    )
    time_fixed = models.BooleanField(
        default=False, help_text=_("Staff moved this meeting; the group's hour no longer sets it.")
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_meetings",
        help_text=_("The facilitator who visits this meeting."),
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("iCalendar SEQUENCE; raised on every change.")
    )
    note = models.CharField(_("note from the meeting"), max_length=200, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["group", "week"]
        constraints = [
            models.UniqueConstraint(fields=["group", "week"], name="unique_meeting_week"),
        ]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        return f"{self.group} week {self.week}"

    @property
    def uid(self) -> str:
        return f"meeting-{self.pk}@peerpath"

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED


class Facilitator(BaseModel):
    """A person in a run's facilitator pool: how many visits a week, at which hours."""

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitations"
    )
    capacity_per_week = models.PositiveSmallIntegerField(
        _("visits per week at most"), default=2, validators=[MinValueValidator(1)]
    )
    timezone = models.CharField(_("timezone"), max_length=64, default="UTC")
    availability_text = models.CharField(
        _("availability (local time)"),
        max_length=300,
        help_text=_("For example 'Mon-Thu 17-21; Sat 10-12'."),
    )
    availability_utc = models.JSONField(
        default=list, help_text=_("The UTC hours of the week they can make in every week.")
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], name="unique_facilitator_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.user} facilitates {self.run}"

    @property
    def active(self) -> bool:
        return self.left_at is None


class Rsvp(BaseModel):
    class Answer(models.TextChoices):
        YES = "yes", _("I will come")
        NO = "no", _("I cannot come")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(max_length=4, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enrolment"], name="unique_rsvp"),
        ]


class Attendance(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enrolment"], name="unique_attendance"),
        ]


class MeetingFeedback(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="meeting_feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reflection = models.TextField(_("reflection"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enrolment"], name="unique_feedback"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]


class MeetingChange(BaseModel):
    """One change staff made (a move of one or more meetings, or a cancellation): the unit in
    which everyone affected is told, once."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(
        "grouping.StudyGroup", on_delete=models.CASCADE, related_name="meeting_changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting_ids = models.JSONField(default=list)
    previous_starts = models.JSONField(
        default=dict, help_text=_("Meeting id → start (ISO, UTC) before the change.")
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(BaseModel):
    """An unguessable address for a read-only calendar feed; resetting it changes the token."""

    class Scope(models.TextChoices):
        LEARNER = "learner", _("My meetings")
        GROUP = "group", _("Group meetings")
        FACILITATOR = "facilitator", _("My facilitator visits")

    scope = models.CharField(max_length=12, choices=Scope.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    group = models.ForeignKey(
        "grouping.StudyGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "user"],
                condition=models.Q(group__isnull=True),
                name="unique_personal_feed",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(group__isnull=False),
                name="unique_group_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} feed"


class MemberProfile(BaseModel):
    """What a member chose to share with their group."""

    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="group_profile"
    )
    about = models.CharField(_("a line about you"), max_length=200, blank=True)
    share_email = models.BooleanField(_("show my e-mail address to my group"), default=False)
    share_organisation = models.BooleanField(
        _("show my school or company to my group"), default=True
    )


class GroupNote(BaseModel):
    """A note or link the group keeps for itself."""

    group = models.ForeignKey("grouping.StudyGroup", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("note"), max_length=500)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

"""After approval: milestones, feedback rounds, semester reviews, studio resources and
bookings, and programmes of groups."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel

from .proposals import CENT, Proposal


class Milestone(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    slug = models.SlugField()
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="production_milestones"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["proposal", "position", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "slug"], name="unique_milestone_slug")
        ]

    def __str__(self) -> str:
        return self.title


class FeedbackRound(BaseModel):
    """A reviewer's round of comments on the plan, one module or the whole course version."""

    class Target(models.TextChoices):
        PLAN = "plan", _("Development plan")
        MODULE = "module", _("Module")
        COURSE = "course", _("Whole course")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="feedback_rounds")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    target = models.CharField(_("about"), max_length=8, choices=Target.choices)
    module = models.ForeignKey(
        "courses.Module", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]


class FeedbackComment(BaseModel):
    """A comment in a round; the team resolves it, and the comment and resolution stay."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class SemesterReview(BaseModel):
    """The study board's review of a launched course's semester report."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue as is")
        REVISE = "revise", _("Continue with follow-up actions")
        RETIRE = "retire", _("Retire the course")

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="semester_reviews"
    )
    semester = models.CharField(
        _("semester"), max_length=16, help_text=_("For example 2025-autumn.")
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-semester"]
        constraints = [
            models.UniqueConstraint(fields=["course", "semester"], name="unique_semester_review")
        ]


class Resource(BaseModel):
    """A studio or production service booked by the hour in whole slots; some are free.

    Bookings fall within the opening hours of one day, in the resource's own timezone, and
    start and end on a slot boundary (on the hour for 60-minute slots, every half hour for 30).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    hourly_price = models.DecimalField(
        _("price per hour"), max_digits=9, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, default="DKK")
    active = models.BooleanField(_("bookable"), default=True)
    timezone = models.CharField(_("timezone"), max_length=64, default="Europe/Copenhagen")
    opens_at = models.TimeField(_("opens at"), default=dt.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(18, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length in minutes"),
        default=30,
        help_text=_("Bookings start and end on a multiple of this many minutes past midnight."),
    )

    def __str__(self) -> str:
        return self.name


class Booking(BaseModel):
    """A slot [starts_at, ends_at) of one resource; the price per hour is kept as booked."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    hourly_price = models.DecimalField(max_digits=9, decimal_places=2)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
        ]

    @property
    def _exact_hours(self) -> Decimal:
        return Decimal(int((self.ends_at - self.starts_at).total_seconds())) / 3600

    @property
    def hours(self) -> Decimal:
        return self._exact_hours.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def cost(self) -> Decimal:
        """From the exact duration, so 20 minutes at 350 cost 116.67, not 0.33 × 350."""
        return (self._exact_hours * self.hourly_price).quantize(CENT, rounding=ROUND_HALF_UP)


class Programme(BaseModel):
    """A collaborative production programme: topic workshops in a first period, then a
    production phase in groups, each with a designer. It is a private run of the programme
    course, so sign-up, study groups, meetings and messages are those of any run."""

    title = models.CharField(_("title"), max_length=200)
    run = models.OneToOneField(
        "courses.Run",
        on_delete=models.PROTECT,
        related_name="production_programme",
        verbose_name=_("run"),
    )
    production_starts_on = models.DateField(
        _("production phase starts on"),
        help_text=_("The first day of the production phase; the workshops come before it."),
    )

    class Meta:
        ordering = ["-production_starts_on"]

    def __str__(self) -> str:
        return self.title


class ProgrammeGroup(BaseModel):
    """A study group of a programme's run and the designer who gives it feedback."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groups")
    group = models.OneToOneField(
        "grouping.StudyGroup", on_delete=models.CASCADE, related_name="production_programme_group"
    )
    designer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="designed_programme_groups",
        verbose_name=_("designer"),
    )

    def __str__(self) -> str:
        return f"{self.group} — {self.designer}"

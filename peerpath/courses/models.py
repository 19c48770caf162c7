"""A course is a path of week-long modules; a run is one cycle of it with its own learners."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class Course(BaseModel):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=16, default="en")
    new_content = models.BooleanField(
        _("new content"), default=True, help_text=_("New content must be piloted before launch.")
    )

    def __str__(self) -> str:
        return self.title


class Module(BaseModel):
    """About one week of work: asynchronous activities and the week's group discussion."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField()
    slug = models.SlugField()
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    discussion_tasks = models.TextField(
        _("discussion tasks"), blank=True, help_text=_("Markdown; what the group discusses.")
    )

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="unique_module_position"),
            models.UniqueConstraint(fields=["course", "slug"], name="unique_module_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Activity(BaseModel):
    class Kind(models.TextChoices):
        READ = "read", _("Read")
        WATCH = "watch", _("Watch")
        DO = "do", _("Do")
        GROUP_MEETING = "group_meeting", _("Group meeting")
        WEBINAR = "webinar", _("Webinar")
        AFTER_WORK = "after_work", _("After-work session")

    SYNCHRONOUS_KINDS = {Kind.GROUP_MEETING, Kind.WEBINAR, Kind.AFTER_WORK}

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField()
    slug = models.SlugField()
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.READ)
    url = models.URLField(_("link"), max_length=500, blank=True)
    minutes = models.PositiveIntegerField(_("expected minutes"), default=30)
    required = models.BooleanField(_("required"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["module", "position"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="unique_activity_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def synchronous(self) -> bool:
        return self.kind in self.SYNCHRONOUS_KINDS


def new_invitation_code() -> str:
    return secrets.token_urlsafe(8)


class Run(BaseModel):
    """One cycle of a course: who may join, when it starts, how groups and meetings work."""

    class Kind(models.TextChoices):
        MOOC = "mooc", _("Open MOOC")
        SPOC = "spoc", _("Private SPOC")

    class Pace(models.TextChoices):
        COHORT = "cohort", _("Cohort-paced, weekly")
        ROLLING = "rolling", _("Rolling waves")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for sign-up")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="runs")
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MOOC)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    pace = models.CharField(max_length=8, choices=Pace.choices, default=Pace.COHORT)
    starts_on = models.DateField(_("starts on"))
    timezone = models.CharField(_("run timezone"), max_length=64, default="UTC")
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    invitation_code = models.CharField(_("invitation code"), max_length=64, blank=True)
    allowed_email_domains = models.TextField(
        _("allowed e-mail domains"), blank=True, help_text=_("One per line; empty for any.")
    )
    organisations = models.ManyToManyField(
        "enrollment.Organisation", blank=True, related_name="runs",
        help_text=_("For a SPOC: the organisations whose people may join; empty for any."),
    )
    languages = models.CharField(
        _("languages"), max_length=100, default="en", help_text=_("Comma-separated codes.")
    )
    grouping_rules = models.JSONField(_("grouping rules"), default=dict, blank=True)
    meeting_window_start = models.PositiveSmallIntegerField(
        _("earliest meeting hour (local)"), default=7
    )
    meeting_window_end = models.PositiveSmallIntegerField(
        _("latest meeting end hour (local)"), default=22
    )
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length in minutes"), default=60)
    video_url_template = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def email_domain_list(self) -> list[str]:
        return [
            line.strip().lower().lstrip("@")
            for line in self.allowed_email_domains.splitlines()
            if line.strip()
        ]

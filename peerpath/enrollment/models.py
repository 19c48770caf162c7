"""Who takes part in a run: organisations and enrolments with what grouping needs to know."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enrolment(BaseModel):
    """A learner in a run, with the answers from the sign-up form."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("On my own")
        WITH_COLLEAGUES = "with_colleagues", _("Together with colleagues")

    class Role(models.TextChoices):
        NOVICE = "novice", _("Novice (up to 3 years)")
        MID = "mid", _("Experienced (4 to 10 years)")
        SENIOR = "senior", _("Senior (more than 10 years)")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up page")
        IMPORT = "import", _("CSV import")
        DEMO = "demo", _("Demo data")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SIGNUP)
    timezone = models.CharField(_("timezone"), max_length=64)
    availability_local = models.JSONField(
        _("weekly availability (local hours of the week)"), default=list,
        help_text=_("Hours of the week in the learner's timezone, Monday 00:00 = 0."),
    )
    availability_utc = models.JSONField(
        _("weekly availability (UTC hours of the week)"), default=list,
        help_text=_("The UTC hours the learner can make in every week of the run."),
    )
    language = models.CharField(_("language"), max_length=16)
    organisation = models.ForeignKey(
        "enrollment.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.INDIVIDUAL)
    colleagues = models.TextField(_("named colleagues"), blank=True)
    knowledge = models.PositiveSmallIntegerField(_("prior knowledge (0–4)"), default=2)
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MID)
    consent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], name="unique_enrolment_per_run"),
        ]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.run}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED

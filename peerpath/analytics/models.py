"""What analytics keeps of its own: outcomes and assessment results brought in from outside
(the Open University Learning Analytics Dataset), each import's report, and the study board's
recorded decisions on a semester report. Everything else analytics reads from other apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class ExternalRun(BaseModel):
    """A run that came from an external dataset, with the facts the dataset gives about it."""

    run = models.OneToOneField("courses.Run", on_delete=models.CASCADE, related_name="external")
    source = models.CharField(max_length=16, default="oulad")
    code_module = models.CharField(max_length=16)
    code_presentation = models.CharField(max_length=16)
    length_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code_module", "code_presentation"], name="unique_external_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.code_module} {self.code_presentation}"


class EnrolmentOutcome(BaseModel):
    """How an enrolment ended, and when the learner registered and left (days from the start)."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        DISTINCTION = "distinction", _("Distinction")
        FAIL = "fail", _("Fail")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="outcome"
    )
    result = models.CharField(_("final result"), max_length=12, choices=Result.choices)
    registered_day = models.IntegerField(null=True, blank=True)
    unregistered_day = models.IntegerField(null=True, blank=True)
    gender = models.CharField(max_length=8, blank=True)
    region = models.CharField(max_length=64, blank=True)
    highest_education = models.CharField(max_length=64, blank=True)
    imd_band = models.CharField(max_length=16, blank=True)
    age_band = models.CharField(max_length=16, blank=True)
    previous_attempts = models.PositiveSmallIntegerField(default=0)
    studied_credits = models.PositiveSmallIntegerField(default=0)
    disability = models.BooleanField(null=True)

    class Meta:
        indexes = [models.Index(fields=["result"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.result}"


class Assessment(BaseModel):
    class Kind(models.TextChoices):
        TMA = "TMA", _("Tutor-marked assignment")
        CMA = "CMA", _("Computer-marked assignment")
        EXAM = "Exam", _("Exam")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="assessments")
    external_id = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_day = models.IntegerField(null=True, blank=True, help_text=_("Days from the run start."))
    weight = models.FloatField(default=0)

    class Meta:
        ordering = ["run", "due_day", "external_id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}"


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="assessment_results"
    )
    submitted_day = models.IntegerField(null=True, blank=True)
    banked = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "enrolment"], name="unique_assessment_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.enrolment_id}: {self.score}"


class ImportReport(BaseModel):
    """One import of an external dataset: what was created, changed and found missing."""

    source = models.CharField(max_length=16)
    path = models.CharField(max_length=500)
    created = models.JSONField(default=dict)
    updated = models.JSONField(default=dict)
    missing = models.JSONField(default=dict, help_text=_("{file: {column: count}}"))
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]


class BoardDecision(BaseModel):
    """The study board's decision on the semester report of a period."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    decision = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"

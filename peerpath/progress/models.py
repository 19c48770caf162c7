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


class CompletionRule(BaseModel):
    """What a learner must do to complete a run. A run without a rule uses the defaults:
    every activity marked required, no meeting share, no assessments."""

    run = models.OneToOneField(
        "courses.Run", on_delete=models.CASCADE, related_name="completion_rule"
    )
    required_activities = models.ManyToManyField(
        "courses.Activity", blank=True, related_name="+",
        verbose_name=_("required activities"),
        help_text=_("Empty: every activity of the course marked as required."),
    )
    min_meeting_percent = models.PositiveSmallIntegerField(
        _("share of meetings attended (%)"), default=0,
        help_text=_("Of the group meetings held so far; 0 for no requirement."),
    )
    assessments = models.ManyToManyField(
        "courses.Activity", blank=True, related_name="+", verbose_name=_("assessments to pass"),
        help_text=_("Passed when completed: a 'passed' or 'completed' xAPI statement, or marked."),
    )

    def __str__(self) -> str:
        return f"completion rule of {self.run}"


class RunCompletion(BaseModel):
    """A learner completed the run. Once recorded it stays (a badge may rest on it)."""

    enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="run_completion"
    )
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.enrolment} completed {self.completed_at:%Y-%m-%d}"


class RiskScore(BaseModel):
    """One day's risk score of a learner, with the reasons behind it (kept for evaluation)."""

    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="risk_scores"
    )
    day = models.DateField()
    run_day = models.IntegerField(help_text=_("Days since the run started."))
    score = models.FloatField(help_text=_("Estimated chance of withdrawing, 0–1."))
    reasons = models.JSONField(default=list)
    features = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="unique_risk_per_day"),
        ]
        indexes = [models.Index(fields=["day", "score"])]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.score:.2f} on {self.day}"


class EnrolmentMove(BaseModel):
    """A learner who fell behind moved from one run of a course to a later one. The earlier
    enrolment is closed as withdrawn; this row tells a move apart from a real withdrawal."""

    from_enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="moved_to"
    )
    to_enrolment = models.OneToOneField(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="moved_from"
    )
    repeated_modules = models.JSONField(default=list, help_text=_("Module ids to do again."))
    kept_completions = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.from_enrolment} → {self.to_enrolment.run}"

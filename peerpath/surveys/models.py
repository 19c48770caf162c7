"""Survey instruments of a run, invitations and responses.

One response per learner: the invitation row records *that* a learner answered; the response
holds *what* they answered. In an anonymous survey the response does not name the learner and
carries only the segments the analysis compares (how they joined, group size, whether they had
completed); neither row keeps a time finer than the day, so the two cannot be matched up.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class Survey(BaseModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"), default=True,
        help_text=_("Responses do not name the learner; exports leave out who answered."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    minimum_segment = models.PositiveSmallIntegerField(
        _("smallest segment reported"), default=5,
        help_text=_("Segments with fewer responses are not shown."),
    )

    class Meta:
        ordering = ["run", "opens_at", "id"]

    def __str__(self) -> str:
        return self.title


class Question(BaseModel):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Likert item")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        OPEN = "open", _("Open question")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(_("question"))
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True, help_text=_("One label per point."))
    options = models.JSONField(default=list, blank=True)
    scale = models.CharField(
        _("scale"), max_length=64, blank=True,
        help_text=_("Likert items with the same scale name are analysed together (alpha)."),
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="unique_question_position")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Invitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    invited_on = models.DateField()
    responded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "enrolment"], name="unique_invitation")
        ]

    def __str__(self) -> str:
        return f"invitation {self.survey_id}/{self.enrolment_id}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    enrolment = models.ForeignKey(
        "enrollment.Enrolment", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_responses", help_text=_("Empty in an anonymous survey."),
    )
    submitted_on = models.DateField()
    mode = models.CharField(max_length=16, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    completed = models.BooleanField(null=True)

    class Meta:
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "enrolment"], name="unique_identified_response"
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk} to survey {self.survey_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return f"answer to question {self.question_id}"

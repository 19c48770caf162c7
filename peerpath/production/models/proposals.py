"""Proposals, their attachments, assessment criteria and assessments, decisions and the
append-only log of workflow transitions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel
from peerpath.production import workflow

CENT = Decimal("0.01")


class ProductionRole(BaseModel):
    """A person's role in production: site-wide when `proposal` is empty, else for one proposal."""

    class Role(models.TextChoices):
        INSTRUCTOR = workflow.Role.INSTRUCTOR, _("Instructor")
        COMMITTEE_MEMBER = workflow.Role.COMMITTEE_MEMBER, _("Steering committee member")
        CONSULTANT = workflow.Role.CONSULTANT, _("E-learning consultant")
        EXPERIENCED_COLLEAGUE = workflow.Role.EXPERIENCED_COLLEAGUE, _("Experienced colleague")
        STUDY_BOARD = workflow.Role.STUDY_BOARD, _("Study board")
        HEAD_OF_DEPARTMENT = workflow.Role.HEAD_OF_DEPARTMENT, _("Head of department")
        DESIGNER = workflow.Role.DESIGNER, _("Designer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="production_roles"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    proposal = models.ForeignKey(
        "Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(proposal__isnull=True),
                name="unique_site_production_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "proposal"],
                condition=Q(proposal__isnull=False),
                name="unique_proposal_production_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Proposal(BaseModel):
    """An application to the steering committee to produce a course, and its production."""

    class Status(models.TextChoices):
        DRAFT = workflow.State.DRAFT, _("Draft")
        SUBMITTED = workflow.State.SUBMITTED, _("Submitted")
        UNDER_ASSESSMENT = workflow.State.UNDER_ASSESSMENT, _("Under assessment")
        REVISE = workflow.State.REVISE, _("Revise and resubmit")
        REJECTED = workflow.State.REJECTED, _("Rejected")
        APPROVED_BY_COMMITTEE = workflow.State.APPROVED_BY_COMMITTEE, _("Approved by committee")
        BOARD_APPROVED = workflow.State.BOARD_APPROVED, _("Approved by study board")
        SIGNED_OFF = workflow.State.SIGNED_OFF, _("Signed off")
        IN_DEVELOPMENT = workflow.State.IN_DEVELOPMENT, _("In development")
        PILOTING = workflow.State.PILOTING, _("Piloting")
        READY_FOR_LAUNCH = workflow.State.READY_FOR_LAUNCH, _("Ready for launch")
        LAUNCHED = workflow.State.LAUNCHED, _("Launched")

    class Basis(models.TextChoices):
        NEW = "new", _("New course")
        EXISTING = "existing", _("Based on an existing course")

    REQUIRED_FOR_SUBMISSION = (
        "topic",
        "impact_potential",
        "target_audience",
        "overall_planning",
        "resources_committed",
    )

    topic = models.CharField(_("topic"), max_length=200)
    impact_potential = models.TextField(_("impact potential"), blank=True)
    target_audience = models.TextField(_("target audience"), blank=True)
    overall_planning = models.TextField(_("overall planning"), blank=True)
    resources_committed = models.TextField(
        _("resources the department commits"),
        blank=True,
        help_text=_("People, hours and money for production and for running it afterwards."),
    )
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices, default=Basis.NEW)
    based_on = models.ForeignKey(
        "courses.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_proposals",
        verbose_name=_("existing course"),
    )
    course = models.ForeignKey(
        "courses.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("course being produced"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    co_instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_proposals",
        verbose_name=_("co-instructors"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    round = models.PositiveSmallIntegerField(
        _("submission round"),
        default=0,
        help_text=_("1 at the first submission, +1 each resubmission."),
    )
    pilot_run = models.ForeignKey(
        "courses.Run",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="piloted_proposals",
        verbose_name=_("pilot run"),
    )
    programme_group = models.ForeignKey(
        "grouping.StudyGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="production_proposals",
        verbose_name=_("production programme group"),
        help_text=_("The group of a production programme that produces this course."),
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.topic

    def missing_for_submission(self) -> list[str]:
        missing = [
            name for name in self.REQUIRED_FOR_SUBMISSION if not str(getattr(self, name)).strip()
        ]
        if self.basis == self.Basis.EXISTING and self.based_on_id is None:
            missing.append("based_on")
        return missing


def attachment_path(instance, filename: str) -> str:
    return f"production/proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]


class AssessmentCriterion(BaseModel):
    """One criterion the committee scores; defaults are seeded by a data migration."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = _("assessment criteria")

    def __str__(self) -> str:
        return self.title


class Assessment(BaseModel):
    """One reviewer's score (1–5) and comment on one criterion in one submission round."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assessments")
    round = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["round", "criterion__position", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round", "reviewer", "criterion"], name="unique_assessment"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="assessment_score_1_to_5"
            ),
        ]


class Decision(BaseModel):
    """The committee's decision on one submission round, with its reasons."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REVISE = "revise", _("Revise and resubmit")
        REJECT = "reject", _("Reject")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at"]


class AppendOnly(Exception):
    pass


class TransitionLog(models.Model):
    """Every transition of every proposal: what, who, when, why. Rows are never changed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state} ({self.action})"

    def save(self, *args, **kwargs):
        if self.pk is not None:  # the audit trail is kept as it was written
            raise AppendOnly("transition log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("transition log rows cannot be deleted")

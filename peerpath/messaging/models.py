"""Messaging data: the outbox, each run's message plan, editable templates, and who must not
be written to (unsubscriptions, suppressed addresses, bounces).

Every message is an outbox row written with its cause and delivered after commit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.common.models import BaseModel


class OutboxMessage(BaseModel):
    """One message to one recipient. `key` makes each (run, recipient, message, occurrence)
    unique, so the same message can never be queued twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SKIPPED = "skipped", _("Skipped (unsubscribed, suppressed or switched off)")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    run = models.ForeignKey(
        "courses.Run", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    to_email = models.EmailField()
    context = models.JSONField(
        default=dict, blank=True, help_text=_("Ids the message renders from.")
    )
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # The recipient's local send window, fixed when the row is written: a row that falls due
    # outside it waits for the window's next opening in `send_tz`.
    send_tz = models.CharField(max_length=64, blank=True)
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email}"


class Trigger(models.TextChoices):
    ENROLMENT_CONFIRMED = "enrolment_confirmed", _("Enrolment confirmed")
    GROUP_PUBLISHED = "group_published", _("Groups published")
    RUN_START = "run_start", _("Run start")
    MODULE_START = "module_start", _("Module start (each week)")
    BEFORE_MEETING = "before_meeting", _("N hours before each group meeting")
    INACTIVITY = "inactivity", _("N days of inactivity")
    SURVEY_OPENED = "survey_opened", _("Survey opened")
    SURVEY_UNANSWERED = "survey_unanswered", _("Survey unanswered after N days")
    COMPLETION = "completion", _("Completion")
    BADGE_ISSUED = "badge_issued", _("Badge issued")
    GROUP_CHANGED = "group_changed", _("Group changed")
    MEETING_CHANGED = "meeting_changed", _("Meeting changed or cancelled")
    EVENT = "event", _("Another event")


# Triggers the periodic planner turns into outbox rows; the others are written by the app that
# causes them, and the plan decides only whether they go out and in which local window.
TIME_TRIGGERS = {
    Trigger.RUN_START,
    Trigger.MODULE_START,
    Trigger.BEFORE_MEETING,
    Trigger.INACTIVITY,
    Trigger.SURVEY_UNANSWERED,
}


class Audience(models.TextChoices):
    LEARNERS = "learners", _("Each learner")
    LEADERS = "leaders", _("This week's discussion leaders")
    FACILITATORS = "facilitators", _("Facilitators")
    TUTORS = "tutors", _("Tutors")
    STAFF = "staff", _("Course staff (instructors)")


class PlanEntry(BaseModel):
    """One message of a run's plan as staff set it. Kinds without a row follow the default
    plan (`peerpath.messaging.plan.DEFAULT_PLAN`)."""

    run = models.ForeignKey("courses.Run", on_delete=models.CASCADE, related_name="plan_entries")
    kind = models.CharField(_("message"), max_length=40)
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger.choices)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.LEARNERS
    )
    offset_hours = models.PositiveIntegerField(
        _("hours before the meeting"), default=0, help_text=_("For meeting triggers.")
    )
    after_days = models.PositiveIntegerField(
        _("days"), default=0, help_text=_("For inactivity and unanswered surveys.")
    )
    window_start = models.TimeField(_("send from (local time)"), null=True, blank=True)
    window_end = models.TimeField(_("send until (local time)"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["run", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="unique_plan_entry_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_trigger_display()})"


class MessageTemplate(BaseModel):
    """Subject, text and HTML of a message kind written in the UI; overrides the files.

    Looked up most specific first: this run in the recipient's language, this run in any
    language, every run in the language, every run in any language, then the file templates.
    """

    run = models.ForeignKey(
        "courses.Run", null=True, blank=True, on_delete=models.CASCADE, related_name="templates"
    )
    kind = models.CharField(_("message"), max_length=40)
    language = models.CharField(
        _("language"), max_length=16, blank=True, help_text=_("Empty for any language.")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "kind", "language"],
                condition=models.Q(run__isnull=False),
                name="unique_run_template",
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=models.Q(run__isnull=True),
                name="unique_site_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} [{self.language or '*'}]"


class Unsubscription(BaseModel):
    """A person does not want a run's optional mail (all of it, or one kind).
    `run` empty means every run; `kind` empty means every optional kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unsubscriptions"
    )
    run = models.ForeignKey(
        "courses.Run", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=16, default="preferences")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "run", "kind"],
                condition=models.Q(run__isnull=False),
                name="unique_run_unsubscription",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(run__isnull=True),
                name="unique_site_unsubscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✗ {self.run or '*'} {self.kind or '*'}"


class Suppression(BaseModel):
    """An address nothing is sent to any more (hard bounce, complaint, or set by staff)."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")
        MANUAL = "manual", _("Set by staff")

    email = models.CharField(max_length=254, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.TextField(blank=True)

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"


class Bounce(BaseModel):
    """One report that a message could not be delivered, from a provider or a DSN mailbox."""

    class Severity(models.TextChoices):
        HARD = "hard", _("Hard (permanent)")
        SOFT = "soft", _("Soft (temporary)")
        COMPLAINT = "complaint", _("Complaint")

    email = models.CharField(max_length=254, db_index=True)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    status = models.CharField(max_length=16, blank=True, help_text=_("e.g. 5.1.1"))
    diagnostic = models.TextField(blank=True)
    source = models.CharField(max_length=40)
    reference = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference", "email"],
                condition=~models.Q(reference=""),
                name="unique_bounce_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.severity} {self.status}"

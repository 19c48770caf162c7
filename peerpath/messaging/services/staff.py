"""What course staff do with a run's messages: edit the plan and the templates, preview a
message for any learner, test-send it to themselves, retry and cancel outbox rows."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.messaging import registry
from peerpath.messaging.models import (
    TIME_TRIGGERS,
    MessageTemplate,
    OutboxMessage,
    PlanEntry,
    Trigger,
)
from peerpath.messaging.policy import default_policy
from peerpath.messaging.services.compose import build_email
from peerpath.messaging.services.render import RenderedMessage, _compiled, message_render


def outbox_retry(*, run, ids) -> int:
    """Failed or skipped messages of the run go out again as soon as possible."""
    return OutboxMessage.objects.filter(
        run=run,
        pk__in=list(ids),
        status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.SKIPPED],
    ).update(
        status=OutboxMessage.Status.PENDING,
        due_at=timezone.now(),
        attempts=0,
        last_error="",
        updated_at=timezone.now(),
    )


def outbox_cancel(*, run, ids) -> int:
    """Pending messages of the run will not be sent."""
    return OutboxMessage.objects.filter(
        run=run, pk__in=list(ids), status=OutboxMessage.Status.PENDING
    ).update(
        status=OutboxMessage.Status.CANCELLED,
        last_error=_("Cancelled by staff"),
        updated_at=timezone.now(),
    )


def plan_entry_save(
    *,
    run,
    kind: str,
    trigger: str,
    audience: str,
    offset_hours: int = 0,
    after_days: int = 0,
    window_start: dt.time | None = None,
    window_end: dt.time | None = None,
    enabled: bool = True,
) -> PlanEntry:
    registry.get_kind(kind)
    default = default_policy(kind)
    if (window_start is None) != (window_end is None):
        raise ApplicationError(
            _("Give both ends of the send window, or neither."), field="window_end"
        )
    if window_start is not None and window_start == window_end:
        raise ApplicationError(
            _("The send window must not start and end at the same time."), field="window_end"
        )
    timed_default = default.trigger in TIME_TRIGGERS
    if (trigger in TIME_TRIGGERS) != timed_default or (
        not timed_default and trigger != default.trigger
    ):
        raise ApplicationError(
            _("This message is caused by “%(cause)s”; its trigger cannot change to that.")
            % {"cause": Trigger(default.trigger).label},
            field="trigger",
        )
    if trigger == Trigger.BEFORE_MEETING and not 1 <= offset_hours <= 24 * 14:
        raise ApplicationError(
            _("Hours before the meeting must be between 1 and 336."), field="offset_hours"
        )
    if trigger in {Trigger.INACTIVITY, Trigger.SURVEY_UNANSWERED} and not 1 <= after_days <= 90:
        raise ApplicationError(_("Days must be between 1 and 90."), field="after_days")
    entry, _created = PlanEntry.objects.update_or_create(
        run=run,
        kind=kind,
        defaults={
            "trigger": trigger,
            "audience": audience,
            "offset_hours": offset_hours,
            "after_days": after_days,
            "window_start": window_start,
            "window_end": window_end,
            "enabled": enabled,
        },
    )
    return entry


def sample_context(*, enrolment, now: dt.datetime | None = None) -> dict:
    """Every id a message about this learner can render from: enrolment, week, group and
    this week's meeting. Kinds take what they need."""
    from peerpath.grouping.selectors import group_for_enrolment
    from peerpath.meetings.models import Meeting

    now = now or timezone.now()
    run = enrolment.run
    weeks = max(1, run.course.modules.count())
    week = min(max(1, (now.date() - run.starts_on).days // 7 + 1), weeks)
    context = {"enrolment": enrolment.pk, "run": run.pk, "week": week}
    group = group_for_enrolment(enrolment=enrolment)
    if group is not None:
        context["group"] = group.pk
        meeting = (
            Meeting.objects.filter(group=group, week__gte=week).order_by("week").first()
            or Meeting.objects.filter(group=group).order_by("-week").first()
        )
        if meeting is not None:
            context["meeting"] = meeting.pk
            context["week"] = meeting.week
    return context


def _sample_message(*, run, kind: str, enrolment, recipient=None) -> OutboxMessage:
    recipient = recipient or enrolment.user
    return OutboxMessage(
        pk=0,
        key="preview",
        kind=kind,
        run=run,
        recipient=recipient,
        to_email=recipient.email,
        context=sample_context(enrolment=enrolment),
        due_at=timezone.now(),
    )


def _template_from(data: dict | None, *, run, kind: str) -> MessageTemplate | None:
    if not data:
        return None
    return MessageTemplate(
        run=run,
        kind=kind,
        language=data.get("language", ""),
        subject=data.get("subject", ""),
        body_text=data.get("body_text", ""),
        body_html=data.get("body_html", ""),
    )


def message_preview(*, run, kind: str, enrolment, draft: dict | None = None) -> RenderedMessage:
    """The message as this learner would get it now, with a draft template if given."""
    registry.get_kind(kind)
    message = _sample_message(run=run, kind=kind, enrolment=enrolment)
    override = _template_from(draft, run=run, kind=kind)
    try:
        return message_render(message=message, override=override)
    except ApplicationError:
        raise
    except Exception as error:
        raise ApplicationError(
            _("This message cannot be rendered for %(who)s: %(error)s")
            % {"who": enrolment.user.email, "error": f"{type(error).__name__}: {error}"}
        ) from error


def message_test_send(
    *, run, kind: str, enrolment, user, draft: dict | None = None
) -> OutboxMessage:
    """Render the message as `enrolment`'s learner gets it and send it now to `user` only."""
    rendered = message_preview(run=run, kind=kind, enrolment=enrolment, draft=draft)
    rendered = RenderedMessage(
        subject=f"[{_('Test')}] {rendered.subject}",
        text=rendered.text,
        html=rendered.html,
        attachments=rendered.attachments,
    )
    record = OutboxMessage.objects.create(
        key=f"test:{uuid.uuid4().hex}",
        kind=kind,
        run=None,
        recipient=user,
        to_email=user.email,
        context={"test_of": enrolment.pk, "run": run.pk},
        due_at=timezone.now(),
        status=OutboxMessage.Status.SENDING,
        attempts=1,
    )
    email = build_email(record, rendered)
    try:
        sent = mailers.default.send_messages([email])
    except Exception as error:
        record.status = OutboxMessage.Status.FAILED
        record.last_error = f"{type(error).__name__}: {error}"[:2000]
        record.save(update_fields=["status", "last_error", "message_id", "updated_at"])
        raise ApplicationError(
            _("The test message could not be sent: %(error)s") % {"error": record.last_error}
        ) from error
    record.status = OutboxMessage.Status.SENT if sent else OutboxMessage.Status.FAILED
    record.sent_at = timezone.now()
    record.subject = rendered.subject[:300]
    record.body_text, record.body_html = rendered.text, rendered.html
    record.save()
    return record


def _check_template(field: str, source: str) -> None:
    try:
        _compiled(source)
    except TemplateSyntaxError as error:
        line = ""
        info = getattr(error, "template_debug", None)
        if info:
            line = _(" (line %(line)s)") % {"line": info.get("line")}
        raise ApplicationError(
            _("Template error%(line)s: %(error)s") % {"line": line, "error": error},
            field=field,
        ) from error


def template_save(
    *,
    run,
    kind: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str,
    user=None,
    check_with=None,
) -> MessageTemplate:
    """Save the run's template of a kind in a language ("" for any); refused with the field
    and line of the first error. With `check_with` (an enrolment) it must also render."""
    registry.get_kind(kind)
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(_("Unknown language."), field="language")
    if not subject.strip():
        raise ApplicationError(_("The subject must not be empty."), field="subject")
    if not body_text.strip():
        raise ApplicationError(_("The text must not be empty."), field="body_text")
    for field, source in (("subject", subject), ("body_text", body_text), ("body_html", body_html)):
        _check_template(field, source)
    draft = {
        "language": language,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
    }
    if check_with is not None:
        message_preview(run=run, kind=kind, enrolment=check_with, draft=draft)
    with transaction.atomic():
        template, _created = MessageTemplate.objects.update_or_create(
            run=run,
            kind=kind,
            language=language,
            defaults={
                "subject": subject.strip(),
                "body_text": body_text,
                "body_html": body_html,
                "updated_by": user,
            },
        )
    return template


def template_delete(*, run, kind: str, language: str) -> int:
    deleted, _ = MessageTemplate.objects.filter(run=run, kind=kind, language=language).delete()
    return deleted

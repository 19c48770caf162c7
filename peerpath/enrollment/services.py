"""Sign-up with double opt-in, confirmation, withdrawal and the staff CSV import.

Every write happens in one transaction together with the outbox rows it causes; a refusal
raises ApplicationError naming the field (or the CSV lines) and writes nothing.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.services import link_request_check, run_role_grant, user_get_or_create
from peerpath.accounts.tokens import make_signed_value, read_signed_value
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment import availability, rules, selectors
from peerpath.enrollment.models import Enrolment, Organisation
from peerpath.messaging.services import outbox_enqueue

logger = logging.getLogger(__name__)

CONFIRM_SALT = "peerpath.enrollment.confirm"
SIGNUP_STATUSES = (Run.Status.OPEN, Run.Status.RUNNING)
LEARNER_ROLE = "learner"


class SignupRateLimited(ApplicationError):
    """Too many sign-ups from this address or client lately (answer 429)."""


@dataclass(frozen=True)
class SignupData:
    """The answers of the sign-up form, checked for shape by the form and for rules here."""

    name: str
    email: str
    timezone: str
    availability_local: list[int]
    language: str
    consent: bool
    organisation_id: int | None = None
    organisation_name: str = ""
    mode: str = Enrolment.Mode.INDIVIDUAL
    colleagues: str = ""
    knowledge: int = 2
    role: str = Enrolment.Role.MID
    invitation_code: str = ""


@dataclass
class ImportReport:
    """What a CSV import did. `imported` counts confirmed plus waitlisted learners."""

    filename: str
    rows: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    already_enrolled: int = 0
    users_created: int = 0
    organisations_created: int = 0
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.confirmed + self.waitlisted


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def run_signup_problem(*, run) -> str | None:
    """Why nobody can sign up for this run right now, or None."""
    if run.status not in SIGNUP_STATUSES:
        return _("Sign-up for this run is closed.")
    return None


def _signup_problems(*, run, data: SignupData) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    closed = run_signup_problem(run=run)
    if closed:
        return [("__all__", closed)]
    if not data.name.strip():
        problems.append(("name", _("Enter your name.")))
    try:
        validate_email(data.email.strip())
    except ValidationError:
        problems.append(("email", _("Enter a valid e-mail address.")))
    else:
        if message := rules.email_domain_problem(data.email, run.email_domain_list):
            problems.append(("email", message))
    if message := rules.timezone_problem(data.timezone):
        problems.append(("timezone", message))
    if not data.availability_local:
        problems.append(("availability", _("Choose at least one hour you can meet.")))
    if message := rules.language_problem(data.language, run.language_list):
        problems.append(("language", message))
    if message := rules.knowledge_problem(data.knowledge):
        problems.append(("knowledge", message))
    if data.mode not in Enrolment.Mode.values:
        problems.append(("mode", _("Choose whether you take part alone or with colleagues.")))
    if data.role not in Enrolment.Role.values:
        problems.append(("role", _("Choose your role.")))
    if not data.consent:
        problems.append(("consent", _("You must agree before you can sign up.")))
    if run.kind == Run.Kind.SPOC:
        if message := rules.invitation_code_problem(data.invitation_code, run.invitation_code):
            problems.append(("invitation_code", message))
    allowed_ids = set(selectors.run_organisation_list(run=run).values_list("id", flat=True))
    if allowed_ids and data.organisation_id not in allowed_ids:
        problems.append(("organisation", _("Choose your organisation from the list.")))
    return problems


def _utc_availability(*, run, tz_name: str, local_hours) -> list[int]:
    weeks = selectors.run_week_count(run=run)
    return availability.local_to_utc_hours(local_hours, tz_name, run.starts_on, weeks)


def _organisation_for(*, run, data: SignupData) -> Organisation | None:
    if data.organisation_id is not None:
        return Organisation.objects.filter(pk=data.organisation_id).first()
    name = " ".join(data.organisation_name.split())[:200]
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=name)
    except IntegrityError:  # created meanwhile by someone else
        return Organisation.objects.get(name__iexact=name)


def _confirmation_enqueue(*, enrolment: Enrolment) -> None:
    outbox_enqueue(
        key=f"signup_confirm:{enrolment.pk}:{_stamp()}", kind="signup_confirm",
        recipient=enrolment.user, run=enrolment.run, context={"enrolment": enrolment.pk},
    )


def enrolment_signup(*, run, data: SignupData, client: str) -> Enrolment:
    """Create (or find) a PENDING enrolment and queue the e-mail that confirms it.

    Signing up again with the same address changes nothing: a pending enrolment gets its
    confirmation link again, an active one a sign-in link; a withdrawn one starts over."""
    problems = _signup_problems(run=run, data=data)
    if problems:
        raise ApplicationError(problems[0][1], field=problems[0][0], errors=problems)
    local_hours = sorted(availability.check_hours(data.availability_local))
    utc_hours = _utc_availability(run=run, tz_name=data.timezone, local_hours=local_hours)
    if not utc_hours:
        message = rules.no_common_hour_message()
        raise ApplicationError(message, field="availability", errors=[("availability", message)])
    email = data.email.strip()
    now = timezone.now()
    answers = {
        "timezone": data.timezone, "availability_local": local_hours,
        "availability_utc": utc_hours, "language": data.language, "mode": data.mode,
        "colleagues": data.colleagues.strip() if data.mode == Enrolment.Mode.WITH_COLLEAGUES
        else "",
        "knowledge": data.knowledge, "role": data.role, "consent_at": now,
        "source": Enrolment.Source.SIGNUP,
    }
    with transaction.atomic():
        try:
            link_request_check(kind="signup", email=email, client=client)
        except ApplicationError as error:
            raise SignupRateLimited(error.message, field="email",
                                    errors=[("email", error.message)]) from None
        user = user_get_or_create(email=email, name=data.name.strip(), timezone_name=data.timezone,
                                  language=data.language)
        existing = Enrolment.objects.select_for_update().filter(run=run, user=user).first()
        if existing is not None and existing.status != Enrolment.Status.WITHDRAWN:
            _duplicate_signup_mail(enrolment=existing)
            return existing
        organisation = _organisation_for(run=run, data=data)
        if existing is None:
            try:
                with transaction.atomic():
                    enrolment = Enrolment.objects.create(
                        run=run, user=user, organisation=organisation, **answers
                    )
            except IntegrityError:  # the same person signing up twice at the same moment
                enrolment = Enrolment.objects.get(run=run, user=user)
                _duplicate_signup_mail(enrolment=enrolment)
                return enrolment
        else:
            enrolment = existing
            for name, value in answers.items():
                setattr(enrolment, name, value)
            enrolment.organisation = organisation
            enrolment.status = Enrolment.Status.PENDING
            enrolment.withdrawn_at = enrolment.confirmed_at = None
            enrolment.save()
        _confirmation_enqueue(enrolment=enrolment)
    return enrolment


def _duplicate_signup_mail(*, enrolment: Enrolment) -> None:
    if enrolment.status == Enrolment.Status.PENDING:
        _confirmation_enqueue(enrolment=enrolment)
    else:  # already in: help them back in rather than say nothing
        outbox_enqueue(key=f"signin:{enrolment.user_id}:{_stamp()}", kind="signin_link",
                       recipient=enrolment.user)


def enrolment_confirm_token(*, enrolment) -> str:
    return make_signed_value({"e": enrolment.pk}, salt=CONFIRM_SALT)


def confirm_token_read(*, token: str) -> int:
    """The enrolment id a confirmation link is for; ApplicationError when forged or expired."""
    try:
        payload = read_signed_value(token, salt=CONFIRM_SALT,
                                    max_age=settings.PEERPATH_CONFIRM_LINK_MAX_AGE)
        return int(payload["e"])
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This confirmation link has expired. Sign up again to get a new one."),
            field="token",
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            _("This confirmation link is not valid. Copy the whole link from the e-mail."),
            field="token",
        ) from None


def _place(*, enrolment: Enrolment, now: dt.datetime) -> None:
    """Give a confirmed address a seat, or a place on the waiting list when the run is full.

    The caller holds the run's row lock, so two confirmations never take the same last seat."""
    seats = selectors.run_seats_left(run=enrolment.run)
    enrolment.confirmed_at = enrolment.confirmed_at or now
    if seats is not None and seats <= 0:
        enrolment.status = Enrolment.Status.WAITLISTED
        enrolment.save(update_fields=["status", "confirmed_at", "updated_at"])
        outbox_enqueue(key=f"waitlisted:{enrolment.pk}", kind="waitlisted",
                       recipient=enrolment.user, run=enrolment.run,
                       context={"enrolment": enrolment.pk})
        return
    enrolment.status = Enrolment.Status.CONFIRMED
    enrolment.save(update_fields=["status", "confirmed_at", "updated_at"])
    run_role_grant(run=enrolment.run, user=enrolment.user, role=LEARNER_ROLE)
    outbox_enqueue(key=f"welcome:{enrolment.pk}", kind="welcome", recipient=enrolment.user,
                   run=enrolment.run, context={"enrolment": enrolment.pk})
    _late_joiner_place(enrolment=enrolment)


def _late_joiner_place(*, enrolment: Enrolment) -> None:
    """A learner confirmed into a run whose groups are already published is placed in a group
    (or held with the reason) in this same transaction. A failure here never undoes the
    confirmation: the placement is rolled back on its own and the hourly task tries again."""
    try:
        from peerpath.grouping.models import StudyGroup
        from peerpath.grouping.services import late_joiner_place
    except ImportError:
        return
    published = StudyGroup.objects.filter(
        run_id=enrolment.run_id, status=StudyGroup.Status.PUBLISHED
    )
    if not published.exists():
        return
    try:
        with transaction.atomic():
            late_joiner_place(enrolment=enrolment)
    except Exception:
        logger.exception("enrolment %s confirmed but not placed yet", enrolment.pk)


def _lock_run(run_id: int) -> Run:
    return Run.objects.select_for_update().get(pk=run_id)


def enrolment_confirm(*, token: str) -> Enrolment:
    """Confirm the address behind a signed link: the learner gets a seat or a waiting place.

    A second confirmation changes nothing and returns the enrolment as it is."""
    enrolment_id = confirm_token_read(token=token)
    with transaction.atomic():
        row = Enrolment.objects.filter(pk=enrolment_id).values("run_id").first()
        if row is None:
            raise ApplicationError(_("This sign-up no longer exists."), field="token")
        run = _lock_run(row["run_id"])
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
        enrolment.run = run
        if enrolment.status == Enrolment.Status.PENDING:
            _place(enrolment=enrolment, now=timezone.now())
    return enrolment


def enrolment_withdraw(*, enrolment) -> Enrolment:
    """Leave a run. A freed seat goes to the first learner on the waiting list."""
    with transaction.atomic():
        run = _lock_run(enrolment.run_id)
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status == Enrolment.Status.WITHDRAWN:
            return current
        freed_seat = current.status == Enrolment.Status.CONFIRMED
        current.status = Enrolment.Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at", "updated_at"])
        if freed_seat:
            waiting = selectors.enrolment_list_waitlisted(run=run).select_related("user").first()
            if waiting is not None:
                waiting.run = run
                _place(enrolment=waiting, now=timezone.now())
    return current


def enrolment_import_csv(*, run, file, filename: str) -> ImportReport:
    """Import learners from a CSV file (see `csv_import` for the columns and formats).

    Every row is checked first; a file with any bad row raises ApplicationError listing each
    ("line N", reason) and imports nothing. Imported learners are confirmed (staff vouch for
    them) while seats last, then waitlisted, and get their welcome message."""
    from peerpath.enrollment import csv_import

    report = ImportReport(filename=filename)
    text = csv_import.read_text(file)
    rows = csv_import.parse(text=text, facts=csv_import.RunFacts.of(run))
    with transaction.atomic():
        locked = _lock_run(run.pk)
        csv_import.write(run=locked, rows=rows, report=report)
    return report

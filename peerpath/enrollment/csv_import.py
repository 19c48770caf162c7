"""Staff import of learners from a CSV file: check every row, then write all rows or none.

The file is UTF-8 (a byte-order mark is fine) with a header row; the delimiter is ',', ';' or a
tab, whichever the header uses. Columns, in any order:

=============  ========  ==================================================================
column         required  value
=============  ========  ==================================================================
email          yes       the learner's address; each address once per file
name           yes       the learner's name (may be empty: the address is shown instead)
timezone       yes       an IANA name such as Europe/Oslo
availability   yes       local weekly hours, e.g. "Mon 18-21; Wed 19-21" (see below)
language       no        one of the run's languages; empty = the run's first language
organisation   no        name; for a run with an organisation list, one of those (required)
mode           no        individual (default) or with_colleagues
colleagues     no        names of colleagues joining too
knowledge      no        prior knowledge 0..4; empty = 2
role           no        novice, mid (default) or senior
=============  ========  ==================================================================

Availability: entries separated by ';' or ','; each a day or a day range and a range of whole
local hours, end exclusive: "Mon 18-21" is 18:00–21:00, "Mon-Fri 7-9" is 07:00–09:00 on
weekdays, "Sat 10" is 10:00–11:00. Quote the field when the file itself uses that delimiter.

Line numbers in messages are the file's own (the header is line 1).
"""

import csv
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment import availability, rules, selectors
from peerpath.enrollment.models import Enrolment, Organisation

REQUIRED_COLUMNS = ("email", "name", "timezone", "availability")
OPTIONAL_COLUMNS = ("language", "organisation", "mode", "colleagues", "knowledge", "role")
MODE_ALIASES = {"alone": "individual", "colleagues": "with_colleagues"}
CHUNK = 500  # rows per IN (...) query and per bulk statement: safe on SQLite and PostgreSQL


@dataclass(frozen=True)
class RunFacts:
    """What row checks need to know about the run, read once."""

    languages: tuple[str, ...]
    email_domains: tuple[str, ...]
    organisations: dict  # lower-cased name -> id; empty when any organisation may join
    starts_on: object
    weeks: int

    @classmethod
    def of(cls, run) -> "RunFacts":
        allowed = {org.name.lower(): org.pk for org in selectors.run_organisation_list(run=run)}
        return cls(
            languages=tuple(run.language_list), email_domains=tuple(run.email_domain_list),
            organisations=allowed, starts_on=run.starts_on,
            weeks=selectors.run_week_count(run=run),
        )


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    name: str
    timezone: str
    language: str
    organisation: str
    mode: str
    colleagues: str
    knowledge: int
    role: str
    availability_local: list[int]
    availability_utc: list[int]


def read_text(file) -> str:
    """The file's text, from bytes, str or a text or binary stream (such as an upload)."""
    content = file.read() if hasattr(file, "read") else file
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            message = _("The file is not UTF-8 text (byte %(position)s). Save it as CSV UTF-8.") % {
                "position": error.start}
            raise ApplicationError(message, errors=[(_("file"), message)]) from None
    return content.removeprefix("\ufeff")


def _problem(line: int, reason: str) -> tuple[str, str]:
    return (_("line %(number)s") % {"number": line}, reason)


def _header(text: str) -> tuple[list[list[str]], csv.Dialect | type[csv.Dialect], list[int]]:
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, lines, previous = [], [], 0
    for record in reader:
        lines.append(previous + 1)
        previous = reader.line_num
        records.append(record)
    return records, delimiter, lines


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    problems = []
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(_problem(1, _("missing required column %(name)s") % {"name": name}))
    for name in names:
        if name and name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            problems.append(_problem(1, _("unknown column %(name)s (the columns are %(all)s)") % {
                "name": name, "all": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}))
        elif name and names.count(name) > 1:
            problems.append(_problem(1, _("column %(name)s appears twice") % {"name": name}))
    if problems:
        raise ApplicationError(_("The file's header is not right; nothing was imported."),
                               errors=list(dict.fromkeys(problems)))
    return {name: names.index(name) for name in names if name}


def _check_row(line: int, values: dict[str, str], facts: RunFacts,
               problems: list) -> ImportRow | None:
    found = len(problems)

    def bad(reason: str) -> None:
        problems.append(_problem(line, reason))

    email = values["email"]
    try:
        validate_email(email)
    except ValidationError:
        bad(_("bad e-mail address %(value)s") % {"value": repr(email)})
    else:
        if message := rules.email_domain_problem(email, list(facts.email_domains)):
            bad(message)
    tz_name = values["timezone"]
    if message := rules.timezone_problem(tz_name):
        bad(message)
    language = values["language"] or facts.languages[0]
    if message := rules.language_problem(language, list(facts.languages)):
        bad(message)
    knowledge: int | str = values["knowledge"] or "2"
    knowledge = int(knowledge) if knowledge.isdigit() else knowledge
    if message := rules.knowledge_problem(knowledge):
        bad(message)
    mode = values["mode"].lower().replace("-", "_").replace(" ", "_") or "individual"
    mode = MODE_ALIASES.get(mode, mode)
    if mode not in Enrolment.Mode.values:
        bad(_("mode must be individual or with_colleagues, not %(value)s") % {
            "value": repr(values["mode"])})
    role = values["role"].lower() or Enrolment.Role.MID
    if role not in Enrolment.Role.values:
        bad(_("role must be novice, mid or senior, not %(value)s")
            % {"value": repr(values["role"])})
    organisation = " ".join(values["organisation"].split())[:200]
    if facts.organisations and organisation.lower() not in facts.organisations:
        bad(_("organisation %(value)s is not allowed for this run") % {"value": repr(organisation)}
            if organisation else _("organisation is required for this run"))
    local_hours: list[int] = []
    try:
        local_hours = availability.parse_ranges(values["availability"])
    except availability.AvailabilitySyntaxError as error:
        bad(rules.availability_syntax_message(error))
    else:
        if not local_hours:
            bad(_("no availability given"))
    utc_hours: list[int] = []
    if local_hours and not rules.timezone_problem(tz_name):
        utc_hours = availability.local_to_utc_hours(local_hours, tz_name, facts.starts_on,
                                                    facts.weeks)
        if not utc_hours:
            bad(rules.no_common_hour_message())
    if len(problems) > found:
        return None
    return ImportRow(
        line=line, email=email, name=values["name"], timezone=tz_name, language=language,
        organisation=organisation, mode=mode,
        colleagues=values["colleagues"] if mode == Enrolment.Mode.WITH_COLLEAGUES else "",
        knowledge=int(knowledge), role=role, availability_local=local_hours,
        availability_utc=utc_hours,
    )


def parse(*, text: str, facts: RunFacts) -> list[ImportRow]:
    """Every row checked; ApplicationError listing every problem when there is any."""
    records, _delimiter, lines = _header(text)
    if not records or not any(cell.strip() for cell in records[0]):
        message = _("The file is empty: it needs a header row and one row per learner.")
        raise ApplicationError(message, errors=[_problem(1, message)])
    columns = _columns(records[0])
    problems: list[tuple[str, str]] = []
    rows: list[ImportRow] = []
    first_line_of: dict[str, int] = {}
    for record, line in zip(records[1:], lines[1:], strict=True):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(records[0]):
            problems.append(_problem(line, _("%(found)s values but the header has %(expected)s")
                                     % {"found": len(record), "expected": len(records[0])}))
            continue
        values = {name: (record[index].strip() if index < len(record) else "")
                  for name, index in columns.items()}
        for name in OPTIONAL_COLUMNS:
            values.setdefault(name, "")
        key = values["email"].lower()
        if key and key in first_line_of:
            problems.append(_problem(line, _("duplicate e-mail %(email)s (first on line %(first)s)")
                                     % {"email": values["email"], "first": first_line_of[key]}))
            continue
        if key:
            first_line_of[key] = line
        row = _check_row(line, values, facts, problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise ApplicationError(
            _("%(count)s problem(s) in the file; nothing was imported.") % {"count": len(problems)},
            errors=problems,
        )
    if not rows:
        message = _("The file has a header but no learners.")
        raise ApplicationError(message, errors=[_problem(2, message)])
    return rows


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _users_by_email(emails: list[str]) -> dict:
    User = get_user_model()
    found = {}
    for chunk in _chunks(emails):
        for user in User.objects.annotate(key=Lower("email")).filter(key__in=chunk):
            found[user.key] = user
    return found


def _ensure_users(rows: list[ImportRow], report) -> dict:
    User = get_user_model()
    keys = [row.email.lower() for row in rows]
    users = _users_by_email(keys)
    new = [row for row in rows if row.email.lower() not in users]
    taken = set()
    for chunk in _chunks([row.email.lower()[:150] for row in new]):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    objs = []
    for row in new:
        username = row.email.lower()[:150]
        if username in taken:  # someone whose address changed kept this username
            username = f"{username[:140]}-{row.line}"
        user = User(email=User.objects.normalize_email(row.email), username=username,
                    display_name=row.name[:150], timezone=row.timezone, language=row.language)
        user.set_unusable_password()
        objs.append(user)
    User.objects.bulk_create(objs, batch_size=CHUNK)
    report.users_created = len(objs)
    return _users_by_email(keys) if objs else users


def _ensure_organisations(rows: list[ImportRow], report) -> dict:
    names = {row.organisation.lower(): row.organisation for row in rows if row.organisation}

    def load() -> dict:
        found = {}
        for chunk in _chunks(list(names)):
            for org in Organisation.objects.annotate(key=Lower("name")).filter(key__in=chunk):
                found[org.key] = org
        return found

    found = load()
    missing = [Organisation(name=name) for key, name in names.items() if key not in found]
    if missing:
        Organisation.objects.bulk_create(missing, batch_size=CHUNK, ignore_conflicts=True)
        report.organisations_created = len(missing)
        found = load()
    return found


def _grant_learner_roles(run, users: list) -> None:
    from peerpath.accounts.models import RunRole
    from peerpath.accounts.services import run_role_grant_many

    run_role_grant_many(run=run, users=users, role=RunRole.Role.LEARNER)


def write(*, run: Run, rows: list[ImportRow], report) -> None:
    """Write checked rows (inside the caller's transaction, run row locked)."""
    from peerpath.messaging.services import outbox_enqueue_many

    report.rows = len(rows)
    users = _ensure_users(rows, report)
    organisations = _ensure_organisations(rows, report)
    existing = {}
    user_ids = [users[row.email.lower()].pk for row in rows]
    for chunk in _chunks(user_ids):
        for enrolment in Enrolment.objects.filter(run=run, user_id__in=chunk):
            existing[enrolment.user_id] = enrolment
    seats = selectors.run_seats_left(run=run)
    new, changed, placed = [], [], []
    fields = ["status", "source", "timezone", "availability_local", "availability_utc",
              "language", "organisation", "mode", "colleagues", "knowledge", "role",
              "confirmed_at", "withdrawn_at"]
    now = timezone.now()
    for row in rows:
        user = users[row.email.lower()]
        enrolment = existing.get(user.pk)
        if enrolment is not None and enrolment.status in (
            Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED
        ):
            report.already_enrolled += 1
            continue
        if seats is None or seats > 0:
            status = Enrolment.Status.CONFIRMED
            seats = None if seats is None else seats - 1
            report.confirmed += 1
        else:
            status = Enrolment.Status.WAITLISTED
            report.waitlisted += 1
        values = dict(
            status=status, source=Enrolment.Source.IMPORT, timezone=row.timezone,
            availability_local=row.availability_local, availability_utc=row.availability_utc,
            language=row.language, organisation=organisations.get(row.organisation.lower()),
            mode=row.mode, colleagues=row.colleagues, knowledge=row.knowledge, role=row.role,
            confirmed_at=now, withdrawn_at=None,
        )
        if enrolment is None:
            new.append(Enrolment(run=run, user=user, **values))
        else:
            for name, value in values.items():
                setattr(enrolment, name, value)
            changed.append(enrolment)
        placed.append((user, status))
    Enrolment.objects.bulk_create(new, batch_size=CHUNK)
    Enrolment.objects.bulk_update(changed, fields, batch_size=CHUNK)
    ids = {}
    for chunk in _chunks([user.pk for user, _status in placed]):
        ids.update(Enrolment.objects.filter(run=run, user_id__in=chunk)
                   .values_list("user_id", "id"))
    _grant_learner_roles(run, [user for user, status in placed
                               if status == Enrolment.Status.CONFIRMED])
    messages = []
    for user, status in placed:
        kind = "welcome" if status == Enrolment.Status.CONFIRMED else "waitlisted"
        pk = ids[user.pk]
        messages.append({"key": f"{kind}:{pk}", "kind": kind, "recipient": user, "run": run,
                         "context": {"enrolment": pk}})
    outbox_enqueue_many(messages)

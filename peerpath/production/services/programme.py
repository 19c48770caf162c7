"""The collaborative production programme: a private run of the programme course whose study
groups produce courses, each group with a designer giving continuous feedback.

The programme course (topic workshops, then four production steps) is kept as course-as-code
beside this module and imported on first use; everything else (sign-up, grouping, meetings,
messages) is the ordinary run machinery.
"""

import datetime as dt
import secrets
import zoneinfo
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Course, Run
from peerpath.production import selectors, workflow
from peerpath.production.models import Programme, ProgrammeGroup, Proposal
from peerpath.production.services.proposals import audit_record

PROGRAMME_COURSE = Path(__file__).resolve().parent.parent / "programme_course"
PROGRAMME_COURSE_SLUG = "mooc-production-programme"
WORKSHOP_WEEKS = 6  # modules 1–6 are the topic workshops; the production steps follow


def _require_organiser(actor) -> None:
    if not selectors.access_programme_manage(user=actor):
        raise ApplicationError(_("Only staff and e-learning consultants organise programmes."))


def programme_course() -> Course:
    """The programme course, imported from its folder the first time it is needed."""
    course = Course.objects.filter(slug=PROGRAMME_COURSE_SLUG).first()
    if course is None:
        from peerpath.courses.services import course_import

        course_import(path=PROGRAMME_COURSE)
        course = Course.objects.get(slug=PROGRAMME_COURSE_SLUG)
    return course


def programme_create(
    *,
    actor,
    title: str,
    slug: str,
    starts_on: dt.date,
    timezone: str = "UTC",
    invitation_code: str = "",
    capacity: int | None = None,
) -> Programme:
    """Open a programme: a private run (SPOC, invitation code) of the programme course, with
    `actor` as its instructor. The production phase starts after the workshop weeks."""
    _require_organiser(actor)
    title, slug = title.strip(), slug.strip()
    if not title:
        raise ApplicationError(_("Give the programme a title."), field="title")
    if not slug:
        raise ApplicationError(_("Give the programme's run a web address name."), field="slug")
    if Run.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("A run called “%(slug)s” exists already; choose another name.") % {"slug": slug},
            field="slug",
        )
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ApplicationError(
            _("“%(tz)s” is not a known timezone.") % {"tz": timezone}, field="timezone"
        ) from None
    from peerpath.accounts.models import RunRole
    from peerpath.accounts.services import run_role_grant

    with transaction.atomic():
        course = programme_course()
        run = Run.objects.create(
            course=course,
            slug=slug,
            title=title,
            kind=Run.Kind.SPOC,
            status=Run.Status.OPEN,
            starts_on=starts_on,
            timezone=timezone,
            invitation_code=invitation_code.strip() or secrets.token_urlsafe(6),
            capacity=capacity,
            languages=course.language,
        )
        run_role_grant(run=run, user=actor, role=RunRole.Role.INSTRUCTOR)
        return Programme.objects.create(
            title=title,
            run=run,
            production_starts_on=starts_on + dt.timedelta(weeks=WORKSHOP_WEEKS),
        )


def programme_designer_assign(*, programme: Programme, group, designer, actor) -> ProgrammeGroup:
    """Give a group of the programme its designer (or change it)."""
    _require_organiser(actor)
    if group.run_id != programme.run_id:
        raise ApplicationError(
            _("%(group)s is not a group of this programme.") % {"group": group}, field="group"
        )
    if designer is None:
        raise ApplicationError(_("Choose the designer."), field="designer")
    link, _created = ProgrammeGroup.objects.update_or_create(
        group=group, defaults={"programme": programme, "designer": designer}
    )
    return link


def proposal_programme_group_set(*, proposal: Proposal, group, actor) -> Proposal:
    """Link a proposal to the programme group that produces it (or unlink it with None).

    The proposal's instructors link it to a group they are members of; organisers to any
    programme group.
    """
    organiser = selectors.access_programme_manage(user=actor)
    roles = selectors.production_roles_for(user=actor, proposal=proposal)
    if not organiser and workflow.Role.INSTRUCTOR not in roles:
        raise ApplicationError(_("Only the proposal's instructors link it to their group."))
    if group is not None:
        if not Programme.objects.filter(run_id=group.run_id).exists():
            raise ApplicationError(
                _("%(group)s is not a group of a production programme.") % {"group": group},
                field="programme_group",
            )
        if not organiser and not selectors.programme_group_member(user=actor, group=group):
            raise ApplicationError(
                _("You can link a proposal only to a group you are a member of."),
                field="programme_group",
            )
    with transaction.atomic():
        proposal.programme_group = group
        proposal.save(update_fields=["programme_group", "updated_at"])
        audit_record(
            proposal=proposal,
            action="programme_group_set",
            actor=actor,
            note=f"{group} · {group.run}" if group is not None else "",
        )
    return proposal

"""The production workflow as a pure transition table: states, actions, who may act, guards.

No Django here (services are the adapter). A transition is allowed when the proposal is in its
source state, the actor holds one of its roles, and every guard holds on the `Facts` the service
gathered from the database. Refusal messages are marked with `_` (a no-op here, like
`gettext_noop`) so `makemessages` finds them; services translate them with `gettext`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


def _(message: str) -> str:
    """Mark a message for translation without translating it (the pure core has no locale)."""
    return message


class State:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_ASSESSMENT = "under_assessment"
    REVISE = "revise"
    REJECTED = "rejected"
    APPROVED_BY_COMMITTEE = "approved_by_committee"
    BOARD_APPROVED = "board_approved"
    SIGNED_OFF = "signed_off"
    IN_DEVELOPMENT = "in_development"
    PILOTING = "piloting"
    READY_FOR_LAUNCH = "ready_for_launch"
    LAUNCHED = "launched"

    ALL = (
        DRAFT,
        SUBMITTED,
        UNDER_ASSESSMENT,
        REVISE,
        REJECTED,
        APPROVED_BY_COMMITTEE,
        BOARD_APPROVED,
        SIGNED_OFF,
        IN_DEVELOPMENT,
        PILOTING,
        READY_FOR_LAUNCH,
        LAUNCHED,
    )
    FINAL = (REJECTED, LAUNCHED)


class Role:
    INSTRUCTOR = "instructor"
    COMMITTEE_MEMBER = "committee_member"
    CONSULTANT = "consultant"
    EXPERIENCED_COLLEAGUE = "experienced_colleague"
    STUDY_BOARD = "study_board"
    HEAD_OF_DEPARTMENT = "head_of_department"
    DESIGNER = "designer"

    ALL = (
        INSTRUCTOR,
        COMMITTEE_MEMBER,
        CONSULTANT,
        EXPERIENCED_COLLEAGUE,
        STUDY_BOARD,
        HEAD_OF_DEPARTMENT,
        DESIGNER,
    )


@dataclass(frozen=True)
class Facts:
    """What the guards need to know about one proposal, gathered by a selector."""

    proposal_complete: bool = False
    assessments: int = 0  # complete assessments (every active criterion scored) this round
    reasons_given: bool = False
    milestones_planned: bool = False
    pilot_run_linked: bool = False  # a private (SPOC) run of the proposal's course
    pilot_run_closed: bool = False


@dataclass(frozen=True)
class Guard:
    holds: Callable[[Facts], bool]
    refusal: str


PROPOSAL_COMPLETE = Guard(
    lambda f: f.proposal_complete,
    _("Fill in every required field of the proposal before submitting it."),
)
ASSESSED = Guard(
    lambda f: f.assessments > 0,
    _("At least one committee member must score every criterion before a decision."),
)
REASONS = Guard(lambda f: f.reasons_given, _("Give the reasons for this decision."))
PLANNED = Guard(
    lambda f: f.milestones_planned,
    _("Create the development plan with its milestones before development starts."),
)
PILOT_LINKED = Guard(
    lambda f: f.pilot_run_linked,
    _("Link a private (SPOC) pilot run of the course before piloting starts."),
)
PILOT_CLOSED = Guard(
    lambda f: f.pilot_run_closed, _("The pilot run must be closed before it can be approved.")
)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]
    label: str
    guards: tuple[Guard, ...] = field(default=())
    decision: str = ""  # the committee outcome this transition records, if any


def _t(action, source, target, roles, label, guards=(), decision=""):
    return Transition(action, source, target, frozenset(roles), label, tuple(guards), decision)


S, R = State, Role
# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", S.DRAFT, S.SUBMITTED, {R.INSTRUCTOR}, _("Submit to the committee"),
       [PROPOSAL_COMPLETE]),
    _t("start_assessment", S.SUBMITTED, S.UNDER_ASSESSMENT, {R.COMMITTEE_MEMBER},
       _("Start the assessment")),
    _t("approve", S.UNDER_ASSESSMENT, S.APPROVED_BY_COMMITTEE, {R.COMMITTEE_MEMBER},
       _("Approve"), [ASSESSED], decision="approve"),
    _t("request_revision", S.UNDER_ASSESSMENT, S.REVISE, {R.COMMITTEE_MEMBER},
       _("Ask to revise and resubmit"), [ASSESSED, REASONS], decision="revise"),
    _t("reject", S.UNDER_ASSESSMENT, S.REJECTED, {R.COMMITTEE_MEMBER}, _("Reject"),
       [ASSESSED, REASONS], decision="reject"),
    _t("resubmit", S.REVISE, S.SUBMITTED, {R.INSTRUCTOR}, _("Resubmit"), [PROPOSAL_COMPLETE]),
    _t("board_approve", S.APPROVED_BY_COMMITTEE, S.BOARD_APPROVED, {R.STUDY_BOARD},
       _("Record the study board's approval")),
    _t("sign_off", S.BOARD_APPROVED, S.SIGNED_OFF, {R.HEAD_OF_DEPARTMENT},
       _("Sign off as head of department")),
    _t("start_development", S.SIGNED_OFF, S.IN_DEVELOPMENT, {R.INSTRUCTOR, R.CONSULTANT},
       _("Start development"), [PLANNED]),
    _t("start_pilot", S.IN_DEVELOPMENT, S.PILOTING, {R.INSTRUCTOR, R.CONSULTANT},
       _("Start the pilot"), [PILOT_LINKED]),
    _t("approve_pilot", S.PILOTING, S.READY_FOR_LAUNCH, {R.CONSULTANT, R.EXPERIENCED_COLLEAGUE},
       _("Approve the pilot"), [PILOT_LINKED, PILOT_CLOSED]),
    _t("approve_launch", S.READY_FOR_LAUNCH, S.LAUNCHED, {R.STUDY_BOARD},
       _("Approve the public launch")),
)
# fmt: on
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(BY_ACTION)


class TransitionRefused(Exception):
    """`message` is an untranslated msgid; `params` fill its %(name)s placeholders."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def check(*, state: str, action: str, roles: Iterable[str], facts: Facts) -> Transition:
    """Return the transition `action` from `state` for an actor holding `roles`, or refuse."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise TransitionRefused(_("There is no action called “%(action)s”."), action=action)
    if transition.source != state:
        raise TransitionRefused(
            _("“%(label)s” is not possible while the proposal is %(state)s."),
            label=transition.label,
            state=state.replace("_", " "),
        )
    if not transition.roles & set(roles):
        raise TransitionRefused(
            _("Only a %(roles)s may do “%(label)s”."),
            roles=" or ".join(sorted(r.replace("_", " ") for r in transition.roles)),
            label=transition.label,
        )
    for guard in transition.guards:
        if not guard.holds(facts):
            raise TransitionRefused(guard.refusal)
    return transition


@dataclass(frozen=True)
class Option:
    """A transition the actor may see: `refusal` is empty when its guards hold now."""

    transition: Transition
    refusal: str = ""


def options(*, state: str, roles: Iterable[str], facts: Facts) -> list[Option]:
    """The transitions from `state` open to `roles`, each with the first failing guard if any."""
    roles = set(roles)
    found = []
    for transition in TRANSITIONS:
        if transition.source != state or not transition.roles & roles:
            continue
        failing = next((g for g in transition.guards if not g.holds(facts)), None)
        found.append(Option(transition, failing.refusal if failing else ""))
    return found


# Quality gate for opening a public run of a course with new content.


@dataclass(frozen=True)
class GateFacts:
    new_content: bool
    public: bool
    production_found: bool = False
    pilot_run: str = ""  # the pilot run's title, empty when none is linked
    pilot_run_closed: bool = False
    pilot_approved: bool = False
    launch_approved: bool = False


def gate_missing(facts: GateFacts) -> list[tuple[str, dict]]:
    """What is missing before the run may open, as (untranslated message, params) pairs."""
    if not (facts.public and facts.new_content):
        return []
    if not facts.production_found:
        return [(_("no production of this course is recorded, so no pilot has taken place"), {})]
    missing: list[tuple[str, dict]] = []
    if not facts.pilot_run:
        missing.append((_("no private pilot run is linked to the production"), {}))
    elif not facts.pilot_run_closed:
        missing.append(
            (_("the pilot run “%(run)s” has not finished yet"), {"run": facts.pilot_run})
        )
    if not facts.pilot_approved:
        missing.append((_("the pilot approval is not recorded"), {}))
    if not facts.launch_approved:
        missing.append((_("the study board's launch approval is not recorded"), {}))
    return missing

"""Who may join a run: the checks shared by the sign-up page and the CSV import.

PURE: plain values in, a translated message (or None) out; no database.
"""

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from peerpath.enrollment import availability

KNOWLEDGE_LEVELS = range(0, 5)


def email_domain_problem(email: str, allowed_domains: list[str]) -> str | None:
    """Refuse an address outside the run's domains (a subdomain of an allowed one is fine)."""
    if not allowed_domains:
        return None
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if any(domain == allowed or domain.endswith("." + allowed) for allowed in allowed_domains):
        return None
    return _("This run is for addresses at %(domains)s only.") % {
        "domains": ", ".join(allowed_domains)
    }


def invitation_code_problem(given: str, expected: str) -> str | None:
    if not expected:
        return None
    if not given.strip():
        return _("Enter the invitation code you were given.")
    if not constant_time_compare(given.strip(), expected.strip()):
        return _("This invitation code is not right for this run.")
    return None


def language_problem(language: str, languages: list[str]) -> str | None:
    if language in languages:
        return None
    return _("%(language)s is not a language of this run (choose from %(choices)s).") % {
        "language": language or "''", "choices": ", ".join(languages),
    }


def timezone_problem(tz_name: str) -> str | None:
    try:
        availability.zone(tz_name)
    except ValueError:
        return _("Unknown timezone %(name)s.") % {"name": repr(tz_name)}
    return None


def knowledge_problem(knowledge) -> str | None:
    if isinstance(knowledge, int) and knowledge in KNOWLEDGE_LEVELS:
        return None
    return _("Prior knowledge must be a whole number from 0 to 4, not %(value)s.") % {
        "value": repr(knowledge)
    }


def no_common_hour_message() -> str:
    return _(
        "None of the hours you chose is at the same time in every week of the run (the clocks "
        "change during it). Choose at least two neighbouring hours."
    )


def availability_syntax_message(error: availability.AvailabilitySyntaxError) -> str:
    messages = {
        "unreadable": _("cannot read %(entry)s: write it like 'Mon 18-21; Wed 19-21'"),
        "unknown_day": _("unknown day in %(entry)s: use Mon, Tue, Wed, Thu, Fri, Sat, Sun"),
        "days_backwards": _("the days run backwards in %(entry)s: write 'Mon-Fri'"),
        "bad_hours": _("the hours in %(entry)s must be from 0 to 24 and end after they start"),
    }
    template = messages.get(error.code, messages["unreadable"])
    return _("bad availability: %(reason)s") % {
        "reason": template % {"entry": repr(error.entry)}
    }

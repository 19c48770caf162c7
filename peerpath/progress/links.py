"""Signed "done" links for the weekly mail: a learner marks an activity done without signing in.

    url = done_url(enrolment_id=enrolment.pk, activity_id=activity.pk)

Why the link opens a one-button page instead of marking on GET
-------------------------------------------------------------
Mail security gateways (Microsoft Defender Safe Links, Mimecast, Proofpoint, Barracuda) and some
mail clients fetch every link in a message before the reader sees it, and some of them run the
page's JavaScript too. A link whose GET changes data is therefore "clicked" by machines: every
activity of the week would be marked done the moment the mail arrives. That is not harmless
here: the risk score reads recent activity, so a scanner's clicks would make a learner who is
slipping look busy and keep them out of the tutors' follow-up queue.

So the link follows what RFC 8058 (one-click unsubscribe) and the large platforms' e-mail
action links do: GET is safe and only shows what the link is for, with a single "Mark as done"
button (a plain form POST, no JavaScript); the POST records the completion. For a person this
is the click in the mail plus one press of a button, with no sign-in. A scanner that only
fetches pages changes nothing.

The link is bound to its purpose, the learner's enrolment and the activity (a signed token,
`peerpath.common.signed_links`), expires after `PEERPATH_DONE_LINK_MAX_AGE` seconds (default
120 days, longer than a run), and is idempotent rather than once-only: a second press finds the
activity already done and changes nothing, and the page says when it was done. The same page
offers "not done after all", so a mistaken press can be undone by the one who holds the link.
"""

from django.conf import settings
from django.urls import reverse

from peerpath.common.signed_links import link_token_make, link_token_read

PURPOSE = "done"
DEFAULT_MAX_AGE = 120 * 24 * 60 * 60


def done_link_max_age() -> int:
    return int(getattr(settings, "PEERPATH_DONE_LINK_MAX_AGE", DEFAULT_MAX_AGE))


def done_token(*, enrolment_id: int, activity_id: int) -> str:
    return link_token_make(PURPOSE, {"e": int(enrolment_id), "a": int(activity_id)})


def done_url(*, enrolment_id: int, activity_id: int) -> str:
    """The absolute URL of the one-click "done" page for this learner and activity."""
    token = done_token(enrolment_id=enrolment_id, activity_id=activity_id)
    return settings.SITE_URL + reverse("done_link", args=[token])


def done_token_read(token: str) -> tuple[int, int]:
    """(enrolment_id, activity_id) of a valid token; raises LinkRefused otherwise."""
    from peerpath.common.signed_links import LinkRefused

    payload = link_token_read(PURPOSE, token, max_age=done_link_max_age())
    try:
        return int(payload["e"]), int(payload["a"])
    except (KeyError, TypeError, ValueError):
        raise LinkRefused("invalid") from None

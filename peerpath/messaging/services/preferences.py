"""Who must not be written to: one-click unsubscribes, mail preferences, suppressed addresses
and bounce reports (from a provider's webhook or a mailbox of DSNs)."""

from django.db import transaction

from peerpath.common.signed_links import LinkRefused, link_token_read
from peerpath.messaging.models import Bounce, OutboxMessage, Suppression, Unsubscription


def unsubscribe_read(*, token: str) -> dict:
    """The payload of a one-click unsubscribe link: {"u": user id, "r": run id or None}.
    Raises LinkRefused. Unsubscribe links do not expire: mail is read years later."""
    payload = link_token_read("unsubscribe", token)
    if not isinstance(payload.get("u"), int):
        raise LinkRefused("invalid")
    return payload


def preferences_read(*, token: str) -> int:
    payload = link_token_read("mail-preferences", token)
    if not isinstance(payload.get("u"), int):
        raise LinkRefused("invalid")
    return payload["u"]


def unsubscribe_one_click(*, token: str, source: str = "one-click") -> Unsubscription:
    """RFC 8058: the user named in the token stops getting the run's optional mail.
    Safe to repeat: a second POST finds the same row."""
    from peerpath.accounts.models import User

    payload = unsubscribe_read(token=token)
    user = User.objects.filter(pk=payload["u"]).first()
    if user is None:
        raise LinkRefused("invalid")
    run_id = payload.get("r")
    with transaction.atomic():
        if run_id is None:
            found = Unsubscription.objects.filter(user=user, run__isnull=True, kind="").first()
            if found:
                return found
            return Unsubscription.objects.create(user=user, run=None, kind="", source=source)
        unsubscription, _ = Unsubscription.objects.get_or_create(
            user=user, run_id=run_id, kind="", defaults={"source": source}
        )
    return unsubscription


def preferences_set(*, user, run, receive_all: bool, declined_kinds: set[str]) -> None:
    """Replace the user's choices for one run: everything off, or some kinds off."""
    with transaction.atomic():
        Unsubscription.objects.filter(user=user, run=run).delete()
        if not receive_all:
            Unsubscription.objects.create(user=user, run=run, kind="", source="preferences")
            return
        Unsubscription.objects.bulk_create(
            [
                Unsubscription(user=user, run=run, kind=kind, source="preferences")
                for kind in sorted(declined_kinds)
            ]
        )


def suppression_add(*, email: str, reason: str, detail: str = "") -> Suppression:
    suppression, _ = Suppression.objects.update_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return suppression


def suppression_remove(*, email: str) -> int:
    deleted, _ = Suppression.objects.filter(email=email.strip().lower()).delete()
    return deleted


def bounce_record(
    *,
    email: str,
    severity: str,
    source: str,
    status: str = "",
    diagnostic: str = "",
    reference: str = "",
    original_message_id: str = "",
) -> tuple[Bounce, bool]:
    """Record one bounce report; a hard bounce or a complaint suppresses the address.

    Returns (bounce, created); the same report (source, reference, address) seen again is not
    recorded twice.
    """
    email = email.strip().lower()
    with transaction.atomic():
        if reference:
            found = Bounce.objects.filter(source=source, reference=reference, email=email).first()
            if found is not None:
                return found, False
        message = None
        if original_message_id:
            message = OutboxMessage.objects.filter(message_id=original_message_id.strip()).first()
        bounce = Bounce.objects.create(
            email=email,
            severity=severity,
            status=status[:16],
            diagnostic=diagnostic[:4000],
            source=source[:40],
            reference=reference[:300],
            message=message,
        )
        if severity == Bounce.Severity.HARD:
            suppression_add(
                email=email,
                reason=Suppression.Reason.HARD_BOUNCE,
                detail=f"{status} {diagnostic}".strip(),
            )
        elif severity == Bounce.Severity.COMPLAINT:
            suppression_add(email=email, reason=Suppression.Reason.COMPLAINT, detail=diagnostic)
        if message is not None and severity == Bounce.Severity.HARD:
            OutboxMessage.objects.filter(pk=message.pk).update(
                last_error=f"bounced: {status} {diagnostic}".strip()[:2000]
            )
    return bounce, True


def bounces_from_maildir(*, path) -> dict:
    """Read every DSN in a Maildir; hard bounces suppress their address.

    Returns {"read", "recorded", "duplicates", "hard", "soft", "errors": [(file, reason)]}.
    Each report is recorded in its own transaction, so one unreadable file stops nothing.
    Messages read are moved from new/ to cur/ and flagged seen; running again is harmless.
    """
    import mailbox
    from pathlib import Path

    from peerpath.messaging.dsn import DsnError, dsn_parse

    root = Path(path)
    if not (root / "new").is_dir() or not (root / "cur").is_dir():
        raise FileNotFoundError(f"{path}: not a Maildir (no new/ and cur/ folders)")
    box = mailbox.Maildir(str(root), factory=None, create=False)
    result = {"read": 0, "recorded": 0, "duplicates": 0, "hard": 0, "soft": 0, "errors": []}
    for key in sorted(box.keys()):
        name = key
        try:
            raw = box.get_bytes(key)
        except OSError as error:
            result["errors"].append((name, f"cannot read: {error}"))
            continue
        result["read"] += 1
        try:
            report = dsn_parse(raw)
        except DsnError as error:
            result["errors"].append((name, str(error)))
            continue
        for recipient in report.recipients:
            severity = recipient.severity
            if severity is None:
                continue
            _, created = bounce_record(
                email=recipient.email,
                severity=severity,
                source="maildir",
                status=recipient.status,
                diagnostic=recipient.diagnostic,
                reference=report.reference or f"file:{name}",
                original_message_id=report.original_message_id,
            )
            if created:
                result["recorded"] += 1
                result[severity] += 1
            else:
                result["duplicates"] += 1
        message = box.get_message(key)
        if message.get_subdir() == "new":
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
    return result

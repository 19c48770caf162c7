"""Delivery status notifications (RFC 3464), read from raw mail (pure: no Django).

A self-hosted SMTP relay returns undeliverable mail as a `multipart/report;
report-type=delivery-status` message. `dsn_parse` reads one such message into the recipients
it reports on, each with its action, status code and diagnostic, plus the Message-ID of the
original message when the report quotes it, so that the bounce can be tied to its outbox row.
"""

import email
import email.policy
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr


class DsnError(ValueError):
    """The message is not a delivery status notification PeerPath can read."""


@dataclass(frozen=True)
class DsnRecipient:
    email: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. 5.1.1
    diagnostic: str = ""

    @property
    def severity(self) -> str | None:
        """ "hard" for a permanent failure, "soft" for a temporary one, None for success."""
        if self.action == "failed":
            return "hard" if self.status.startswith("5") else "soft"
        if self.action == "delayed":
            return "soft"
        return None


@dataclass(frozen=True)
class DsnReport:
    reference: str  # the DSN's own Message-ID
    original_message_id: str
    recipients: list[DsnRecipient] = field(default_factory=list)


def _address(value: str | None) -> str:
    """'rfc822; ada@example.org' → 'ada@example.org'."""
    if not value:
        return ""
    text = str(value)
    if ";" in text:
        text = text.split(";", 1)[1]
    return parseaddr(text.strip())[1].strip().lower() or text.strip().lower()


def _unfold(value) -> str:
    return " ".join(str(value or "").split())


def _original_message_id(report: Message) -> str:
    for part in report.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is not None and inner.get("Message-ID"):
                return _unfold(inner["Message-ID"])
        if ctype == "text/rfc822-headers":
            headers = email.message_from_string(
                part.get_payload(decode=True).decode("utf-8", "replace"),
                policy=email.policy.compat32,
            )
            if headers.get("Message-ID"):
                return _unfold(headers["Message-ID"])
    return ""


def dsn_parse(raw: bytes) -> DsnReport:
    """Read one DSN; raise DsnError saying why a message is not one."""
    report = email.message_from_bytes(raw, policy=email.policy.compat32)
    if report.get_content_type() != "multipart/report":
        raise DsnError(f"not a multipart/report message ({report.get_content_type()})")
    if (report.get_param("report-type") or "").lower() != "delivery-status":
        raise DsnError("a report, but not of report-type=delivery-status")
    status_part = next(
        (p for p in report.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        raise DsnError("no message/delivery-status part")
    blocks = status_part.get_payload()
    if not isinstance(blocks, list) or len(blocks) < 2:
        raise DsnError("the delivery-status part has no per-recipient fields")
    recipients = []
    for block in blocks[1:]:
        address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        action = _unfold(block.get("Action")).lower()
        status = _unfold(block.get("Status")).split(" ")[0]
        if not address or not action:
            raise DsnError("a per-recipient block lacks Final-Recipient or Action")
        recipients.append(
            DsnRecipient(
                email=address,
                action=action,
                status=status,
                diagnostic=_unfold(block.get("Diagnostic-Code")),
            )
        )
    return DsnReport(
        reference=_unfold(report.get("Message-ID")),
        original_message_id=_original_message_id(report),
        recipients=recipients,
    )

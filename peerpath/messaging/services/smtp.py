"""The SMTP side of delivery: one kept-open connection, the conversation for one message, and
what a failure means (the server away, a transient refusal, a permanent one).

Messages built as raw MIME bytes go straight to the `smtplib` client of Django's SMTP mailer;
messages with attachments go through the mailer itself.
"""

import logging
import re
import smtplib

from django.conf import settings
from django.core.mail import mailers

logger = logging.getLogger(__name__)


def is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    return isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | OSError)


def is_connection_error(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | OSError)


def describe_error(error: Exception) -> str:
    """'SMTPDataError: 550 5.1.1 No such mailbox' rather than a repr of bytes."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = []
        for address, (code, text) in error.recipients.items():
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            parts.append(f"{address}: {code} {text}")
        return f"{type(error).__name__}: " + "; ".join(parts)
    return f"{type(error).__name__}: {error}"


def smtp_mailer() -> bool:
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return backend == "django.core.mail.backends.smtp.EmailBackend"


def _open(connection):
    if connection is None:
        connection = mailers.default
    connection.open()
    return connection


def send_reconnecting(connection, email):
    """Send one message; one reconnect when the connection dropped (a relay that closed an
    idle connection is normal). Returns the connection; raises the last error."""
    try:
        connection = _open(connection)
        _send(connection, email)
        return connection
    except Exception as error:
        if not (is_connection_error(error) and connection is not None):
            raise
    try:
        connection.close()
    except Exception:
        pass
    connection = _open(connection)
    _send(connection, email)
    return connection


def close_quietly(connection) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # a dropped connection cannot be closed politely
        logger.warning("closing the mail connection failed", exc_info=True)


def _send(connection, email) -> None:
    if isinstance(email, tuple):
        sender, to, raw = email
        client = getattr(connection, "connection", None)
        if client is None:
            raise smtplib.SMTPServerDisconnected("the SMTP connection is not open")
        if _PLAIN_ADDRESS.fullmatch(sender) and _PLAIN_ADDRESS.fullmatch(to):
            _sendmail_plain(client, sender, to, raw)
        else:
            client.sendmail(sender, [to], raw)
        return
    if connection.send_messages([email]) != 1:
        raise RuntimeError("the mail backend accepted no message")


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-=!#$&'*/?^`{|}~]+@[A-Za-z0-9.\-]+")


def _abandon(client: smtplib.SMTP, code: int) -> None:
    """What sendmail does after a refusal: hang up on 421, otherwise reset the transaction."""
    if code == 421:
        client.close()
    else:
        client._rset()


def dot_stuffed(raw: bytes) -> bytes:
    """The DATA payload of `raw` as `smtplib.SMTP.data` sends it: a line starting with "."
    gets another one (RFC 5321 4.5.2), and the payload ends with CRLF "." CRLF. Plain byte
    replacements instead of smtplib's regular expression, which scans every message again."""
    stuffed = raw.replace(b"\n.", b"\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _sendmail_plain(client: smtplib.SMTP, sender: str, to: str, raw: bytes) -> None:
    """`client.sendmail(sender, [to], raw)` for plain ASCII addresses, with the same commands,
    replies and errors, without parsing both addresses again for every message."""
    client.ehlo_or_helo_if_needed()
    size = f" size={len(raw)}" if client.does_esmtp and client.has_extn("size") else ""
    client.putcmd("mail", f"FROM:<{sender}>{size}")
    code, reply = client.getreply()
    if code != 250:
        _abandon(client, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    client.putcmd("rcpt", f"TO:<{to}>")
    code, reply = client.getreply()
    if code not in (250, 251):
        _abandon(client, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    client.putcmd("data")
    code, reply = client.getreply()
    if code != 354:
        _abandon(client, code)
        raise smtplib.SMTPDataError(code, reply)
    client.send(dot_stuffed(raw))
    code, reply = client.getreply()
    if code != 250:
        _abandon(client, code)
        raise smtplib.SMTPDataError(code, reply)

"""Reading delivery status notifications (RFC 3464), pure."""

import pytest

from peerpath.messaging.dsn import DsnError, dsn_parse


def dsn(
    recipient="ada@example.org",
    action="failed",
    status="5.1.1",
    original_id="<weekly_module.7.abc@peerpath.localhost>",
    reference="<dsn-1@relay>",
) -> bytes:
    return f"""From: MAILER-DAEMON@relay.example.org
To: courses@peerpath.localhost
Subject: Undelivered Mail Returned to Sender
Message-ID: {reference}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

--BOUND
Content-Type: text/plain

This is the mail system at host relay.example.org. I'm sorry to have to inform you.

--BOUND
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org
Arrival-Date: Mon, 12 Jan 2026 08:00:01 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in virtual mailbox table

--BOUND
Content-Type: text/rfc822-headers

From: PeerPath <courses@peerpath.localhost>
To: {recipient}
Subject: Week 1
Message-ID: {original_id}

--BOUND--
""".replace("\n", "\r\n").encode()


def test_a_permanent_failure_is_a_hard_bounce_with_its_address_status_and_original_message():
    report = dsn_parse(dsn())
    assert report.reference == "<dsn-1@relay>"
    assert report.original_message_id == "<weekly_module.7.abc@peerpath.localhost>"
    [recipient] = report.recipients
    assert recipient.email == "ada@example.org"
    assert recipient.status == "5.1.1"
    assert recipient.severity == "hard"
    assert "User unknown" in recipient.diagnostic


def test_a_delay_and_a_temporary_failure_are_soft():
    assert dsn_parse(dsn(action="delayed", status="4.4.1")).recipients[0].severity == "soft"
    assert dsn_parse(dsn(action="failed", status="4.2.2")).recipients[0].severity == "soft"
    assert dsn_parse(dsn(action="delivered", status="2.0.0")).recipients[0].severity is None


def test_an_ordinary_message_is_refused_with_the_reason():
    with pytest.raises(DsnError, match="not a multipart/report"):
        dsn_parse(b"From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n")

"""RFC 8058 one-click unsubscribe, mail preferences, and bounces from a provider webhook and a
Maildir of DSNs: whoever is unsubscribed, suppressed or bounced receives nothing more."""

import base64
import json
import mailbox
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from peerpath.messaging.models import Bounce, OutboxMessage, Suppression, Unsubscription
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue
from peerpath.messaging.tests.test_dsn import dsn

pytestmark = pytest.mark.django_db


def send_welcome(small_run, enrolment, key) -> str:
    """Queue and deliver a welcome; the row's final status ("sent", "skipped", ...)."""
    outbox_enqueue(
        key=key,
        kind="welcome",
        recipient=enrolment.user,
        run=small_run.run,
        context={"enrolment": enrolment.pk},
    )
    outbox_deliver_due()
    return OutboxMessage.objects.get(key=key).status


def unsubscribe_path(received) -> str:
    header = received.message["List-Unsubscribe"]
    url = re.match(r"<(.+)>", header).group(1)
    return url.split("//", 1)[1].split("/", 1)[1].join(["/", ""])


def test_one_click_post_without_session_or_csrf_unsubscribes_and_is_safe_to_repeat(
    small_run, smtp_server
):
    learner = small_run.enrolments[0]
    send_welcome(small_run, learner, "welcome-1")
    [received] = smtp_server.received
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(received)
    client = Client(enforce_csrf_checks=True)
    # a mail scanner following the link changes nothing
    page = client.get(path)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert not Unsubscription.objects.exists()
    # the mail client's one-click POST (RFC 8058), with no cookie and no CSRF token
    for _ in range(2):
        response = client.post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert Unsubscription.objects.filter(user=learner.user, run=small_run.run, kind="").count() == 1
    assert send_welcome(small_run, learner, "welcome-2") == "skipped"
    assert len(smtp_server.received) == 1


def test_a_tampered_unsubscribe_link_is_refused():
    response = Client().post("/messages/unsubscribe/not-a-token/")
    assert response.status_code == 400
    assert not Unsubscription.objects.exists()


def test_preferences_page_turns_one_kind_off_and_back_on(small_run, smtp_server):
    learner = small_run.enrolments[1]
    send_welcome(small_run, learner, "welcome-1")
    text = smtp_server.received[0].text
    preferences = re.search(r"Mail preferences: (\S+)", text).group(1)
    path = "/" + preferences.split("//", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert small_run.run.title.encode() in page.content
    kinds = ["weekly_module", "meeting_reminder", "leader_briefing"]  # welcome left off
    response = client.post(path, {"run": small_run.run.pk, "receive": "on", "kinds": kinds})
    assert response.status_code == 302
    assert set(Unsubscription.objects.filter(user=learner.user).values_list("kind", flat=True)) >= {
        "welcome",
        "inactivity_nudge",
    }
    assert send_welcome(small_run, learner, "welcome-2") == "skipped"
    client.post(path, {"run": small_run.run.pk, "receive": "on", "kinds": kinds + ["welcome"]})
    assert not Unsubscription.objects.filter(user=learner.user, kind="welcome").exists()
    assert send_welcome(small_run, learner, "welcome-3") == "sent"


def write_maildir(tmp_path, messages) -> str:
    box = mailbox.Maildir(str(tmp_path / "bounces"), create=True)
    for raw in messages:
        box.add(raw)
    return str(tmp_path / "bounces")


def test_mail_bounces_reads_dsns_suppresses_hard_bounces_and_ties_them_to_the_message(
    small_run, smtp_server, tmp_path, capsys
):
    hard, soft = small_run.enrolments[0], small_run.enrolments[1]
    send_welcome(small_run, hard, "welcome-hard")
    sent = OutboxMessage.objects.get(key="welcome-hard")
    path = write_maildir(
        tmp_path,
        [
            dsn(recipient=hard.user.email, original_id=sent.message_id, reference="<d1@relay>"),
            dsn(
                recipient=soft.user.email, action="delayed", status="4.4.1", reference="<d2@relay>"
            ),
            b"From: someone@example.org\r\nSubject: out of office\r\n\r\nBack Monday.\r\n",
        ],
    )
    call_command("mail", "bounces", "--maildir", path)
    out, err = capsys.readouterr()
    assert "3 messages read: 2 bounces recorded (1 hard, 1 soft)" in out
    assert "not a multipart/report" in err
    assert Suppression.objects.filter(email=hard.user.email, reason="hard_bounce").exists()
    assert not Suppression.objects.filter(email=soft.user.email).exists()
    assert Bounce.objects.get(email=hard.user.email).message == sent
    # reading the same mailbox again records nothing twice
    call_command("mail", "bounces", "--maildir", path)
    assert Bounce.objects.count() == 2
    # the hard-bounced address receives nothing more; the soft one does
    before = len(smtp_server.received)
    assert send_welcome(small_run, hard, "welcome-after") == "skipped"
    assert send_welcome(small_run, soft, "welcome-soft") == "sent"
    assert len(smtp_server.received) == before + 1


def test_mail_bounces_names_a_path_that_is_not_a_maildir(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("mail", "bounces", "--maildir", str(tmp_path))


def test_a_provider_bounce_webhook_suppresses_the_address(small_run, settings):
    """Postmark's tracking webhook through anymail, with Basic auth, end to end."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    learner = small_run.enrolments[2]
    event = {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": learner.user.email,
        "BouncedAt": timezone.now().isoformat(),
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Week 1",
        "Tag": "",
        "Metadata": {},
    }
    auth = "Basic " + base64.b64encode(b"hook:secret").decode()
    response = Client().post(
        "/anymail/postmark/tracking/",
        json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    assert Suppression.objects.filter(email=learner.user.email, reason="hard_bounce").exists()
    bounce = Bounce.objects.get()
    assert bounce.source == "anymail:Postmark"
    assert "does not exist" in bounce.diagnostic
    refused = Client().post(
        "/anymail/postmark/tracking/", json.dumps(event), content_type="application/json"
    )
    assert refused.status_code in {400, 401, 403}

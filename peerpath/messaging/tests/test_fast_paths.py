"""The shortcuts of large sends give the same results as the plain ways: templates compiled
once per language with their constant translations in place, large `IN` lookups, and the
SMTP sender thread."""

import pytest
from django.template import Context
from django.utils import translation

from peerpath.accounts.models import User
from peerpath.messaging.models import MessageTemplate, OutboxMessage
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue
from peerpath.messaging.services.outbox import values_in
from peerpath.messaging.services.render import _compiled, _prepared, message_render
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SOURCE = (
    "{% load i18n %}{% translate 'January' %} {{ name }}"
    "{% if flag %} {% translate 'Yes' %}{% else %} {% translate 'No' %}{% endif %}"
    "{% for item in items %}<{{ item }}> {% translate 'Q&A' %}{% endfor %}"
    "{% blocktranslate with who=name %}Hello {{ who }}{% endblocktranslate %}"
    "{% translate 'January' as month %}[{{ month }}]"
    "{% blocktranslate %}Hi {{ name }} & {{ nobody }}{% endblocktranslate %}"
    "{% blocktranslate with who=name asvar greeting %}Hello {{ who }}{% endblocktranslate %}"
    "({{ greeting }})"
    "{% blocktranslate count n=items|length %}{{ n }} item{% plural %}{{ n }} items"
    "{% endblocktranslate %}"
)


@pytest.mark.parametrize("language", ["en", "fr", "nb"])
@pytest.mark.parametrize("autoescape", [False, True])
def test_a_template_prepared_for_a_language_renders_as_the_plain_one(language, autoescape):
    template = _compiled(SOURCE)
    prepared = _prepared(template, language, autoescape)
    assert prepared is _prepared(template, language, autoescape)  # compiled once
    for values in (
        {"name": "Ada & <Bo>", "flag": True, "items": ["x", "<y>"]},
        {"name": "Cy", "flag": False, "items": []},
    ):
        with translation.override(language):
            plain = template.render(Context(values, autoescape=autoescape))
            fast = prepared.render(Context(values, autoescape=autoescape))
        assert fast == plain
    with translation.override(language):
        month = translation.gettext("January")
    assert fast.startswith(month)


def test_each_recipient_gets_the_constant_texts_in_their_own_language():
    people = {
        code: UserFactory(email=f"lang-{code}@example.org", language=code)
        for code in ("en", "fr", "nb")
    }
    edited = MessageTemplate(
        kind="signin_link",
        subject="{% load i18n %}{% translate 'January' %}",
        body_text="{% load i18n %}{% translate 'Yes' %}, {{ recipient.email }}",
        body_html="<p>{% load i18n %}{% translate 'No' %}</p>",
    )
    got = {}
    for code, user in people.items():
        message = OutboxMessage(kind="signin_link", recipient=user, to_email=user.email)
        rendered = message_render(message=message, context={}, override=edited)
        got[code] = (rendered.subject, rendered.text.strip(), rendered.html)
    assert got["en"] == ("January", "Yes, lang-en@example.org", "<p>No</p>")
    assert got["fr"] == ("janvier", "Oui, lang-fr@example.org", "<p>Non</p>")
    assert got["nb"] == ("januar", "Ja, lang-nb@example.org", "<p>Nei</p>")


def test_a_large_in_lookup_finds_exactly_the_rows_asked_for():
    users = [UserFactory(email=f"many-{i}@example.org") for i in range(3)]
    asked = [users[0].pk, users[2].pk, *range(10**8, 10**8 + 6000)]  # over one chunk
    found = values_in(User.objects.all(), "id", asked, ("pk", "email"))
    assert sorted(found) == sorted((u.pk, u.email) for u in (users[0], users[2]))
    assert values_in(User.objects.all(), "id", [], ("pk",)) == []


def test_the_sender_thread_delivers_each_message_once_and_records_every_outcome(
    smtp_server, settings
):
    settings.PEERPATH_OUTBOX_FLUSH = 3
    settings.PEERPATH_OUTBOX_BATCH = 7
    users = [UserFactory(email=f"thread-{i:02d}@example.org") for i in range(25)]
    for user in users:
        outbox_enqueue(key=f"thread:{user.pk}", kind="signin_link", recipient=user)
    smtp_server.handler.fail_next.append("550 No such mailbox")
    counts = outbox_deliver_due()
    assert counts["sent"] == 24 and counts["failed"] == 1
    received = [r.rcpt_tos[0] for r in smtp_server.received]
    assert len(received) == len(set(received)) == 24
    statuses = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert sorted(e for e, s in statuses.items() if s == "sent") == sorted(received)
    failed = OutboxMessage.objects.get(status="failed")
    assert "550" in failed.last_error and failed.to_email not in received
    assert not OutboxMessage.objects.filter(status="sending").exists()


@pytest.mark.parametrize(
    "body",
    [
        b".starts with a dot\r\n..two dots\r\nmiddle . dot\r\n.\r\nlast line",
        b"no final line break\r\n.",
        b"ends with a line break\r\n",
    ],
)
def test_the_raw_data_phase_sends_lines_starting_with_a_dot_unchanged(smtp_server, body):
    """Dot-stuffing (RFC 5321 4.5.2) by byte replacement: the server, which removes the
    stuffing, receives exactly what smtplib's own `sendmail` would have delivered."""
    from django.core.mail import mailers

    from peerpath.messaging.services.smtp import _sendmail_plain

    raw = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n" + body
    connection = mailers.default
    connection.open()
    try:
        _sendmail_plain(connection.connection, "a@example.org", "b@example.org", raw)
        connection.connection.sendmail("a@example.org", ["b@example.org"], raw)
    finally:
        connection.close()
    ours, theirs = smtp_server.received
    assert ours.raw == theirs.raw
    assert ours.raw.split(b"\r\n\r\n", 1)[1].startswith(body.split(b"\r\n")[0])

"""Staff messaging pages in a real browser: a run's outbox with counts by status, a failed
message's reason and its retry through a real SMTP server on loopback, then the template
editor, where an edit shows in the preview for a chosen learner before it is saved."""

import datetime as dt

import pytest
from django.test import Client

from peerpath.messaging.models import MessageTemplate, OutboxMessage
from peerpath.messaging.plan import run_weekly_messages_plan
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue
from peerpath.messaging.tests.conftest import build_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    """Start a session for `user` (signing in itself is tested elsewhere) in the browser."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def counts_of(page, kind: str) -> dict[str, str]:
    """The run outbox's row for one message kind, as {column heading: cell text}."""
    table = page.locator("table").first
    headings = table.locator("thead th").all_inner_texts()[1:]
    row = table.locator("tbody tr", has=page.locator("th", has_text=kind))
    cells = row.locator("td").all_inner_texts()
    return {h.strip(): c.strip() for h, c in zip(headings, cells, strict=True)}


def welcome(run, enrolment, key):
    return outbox_enqueue(
        key=key,
        kind="welcome",
        recipient=enrolment.user,
        run=run,
        context={"enrolment": enrolment.pk},
    )


def test_staff_see_counts_open_a_failure_retry_it_and_preview_an_edited_template(
    page, live_server, smtp_server
):
    small = build_run(starts_on=dt.date.today() + dt.timedelta(days=14))
    run = small.run
    oslo, chicago, tokyo = small.enrolments
    run_weekly_messages_plan(run=run, weeks=[1])  # three weekly mails, due in two weeks
    # queued rows go out on commit (the task backend runs them at once here)
    smtp_server.handler.fail_next.append("550 5.1.1 No such mailbox")
    failing = welcome(run, oslo, "welcome-oslo")
    outbox_deliver_due()
    welcome(run, chicago, "welcome-chicago")
    outbox_deliver_due()
    assert [m.rcpt_tos for m in smtp_server.received] == [[chicago.user.email]]

    sign_in(page, live_server, small.instructor)
    page.goto(f"{live_server.url}/messages/runs/{run.slug}/outbox/")
    assert counts_of(page, "welcome") == {
        "Pending": "",
        "Sending": "",
        "Sent": "1",
        "Failed": "1",
        "Cancelled": "",
        "Skipped (unsubscribed, suppressed or switched off)": "",
        "Total": "2",
    }
    assert counts_of(page, "weekly_module")["Pending"] == "3"

    # the failure names its reason; its page says it again with the attempts
    failures = page.get_by_role("heading", name="Failures").locator("xpath=following-sibling::ul")
    assert "550 5.1.1 No such mailbox" in failures.inner_text()
    failures.get_by_role("link", name=f"welcome → {oslo.user.email}").click()
    page.wait_for_load_state()
    details = page.locator("dl").inner_text()
    assert "550 5.1.1 No such mailbox" in details
    assert "Failed" in details

    # back on the outbox: select the failed message and retry it; it goes out
    page.goto(f"{live_server.url}/messages/runs/{run.slug}/outbox/?status=failed")
    page.get_by_label(f"Select {failing.pk}").check()
    page.get_by_role("button", name="Retry selected (failed or skipped)").click()
    page.wait_for_load_state()
    outbox_deliver_due()
    assert [m.rcpt_tos for m in smtp_server.received][-1] == [oslo.user.email]
    assert OutboxMessage.objects.get(pk=failing.pk).status == "sent"
    page.goto(f"{live_server.url}/messages/runs/{run.slug}/outbox/")
    assert counts_of(page, "welcome")["Sent"] == "2"
    assert counts_of(page, "welcome")["Failed"] == ""
    assert page.get_by_role("heading", name="Failures").count() == 0

    # the plan, then the weekly mail's template: edit it and preview it for the Tokyo learner
    page.get_by_role("link", name="Message plan and templates").click()
    page.wait_for_load_state()
    weekly = page.locator("tbody tr", has=page.locator("th", has_text="weekly_module"))
    weekly.get_by_role("link", name="Template").click()
    page.wait_for_load_state()
    body = page.get_by_label("Text", exact=True)
    original = body.input_value()
    assert "{{ meeting_time }}" in original
    body.fill("Dear {{ recipient.name }}, our spring edition starts now.\n" + original)
    page.get_by_label("Preview for learner (e-mail)").fill(tokyo.user.email)
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_load_state()
    preview = page.locator("section[aria-labelledby=preview-title]")
    assert f"Preview for {tokyo.user.email}" in preview.inner_text()
    text = preview.locator("pre").inner_text()
    assert text.startswith(f"Dear {tokyo.user.name}, our spring edition starts now.")
    assert "(Asia/Tokyo)" in text
    assert not MessageTemplate.objects.exists()  # a preview saves nothing

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    saved = MessageTemplate.objects.get(run=run, kind="weekly_module")
    assert saved.body_text.startswith("Dear {{ recipient.name }}, our spring edition")

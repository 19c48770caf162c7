"""Double opt-in: the signed link confirms once; forged or expired links get a clear 400."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peerpath.accounts.models import RunRole
from peerpath.enrollment import services
from peerpath.enrollment.models import Enrolment
from peerpath.messaging.models import OutboxMessage
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(run):
    return EnrolmentFactory(run=run, status=Enrolment.Status.PENDING, confirmed_at=None)


def confirm_url(enrolment) -> str:
    token = services.enrolment_confirm_token(enrolment=enrolment)
    return reverse("enrollment:confirm", args=[token])


def test_a_tampered_confirmation_link_gets_a_clear_400_page_and_changes_nothing(client, pending):
    url = confirm_url(pending)
    forged = url[:-3] + ("x" if url[-3] != "x" else "y") + url[-2:]
    for method in (client.get, client.post):
        response = method(forged)
        assert response.status_code == 400
        assert "This confirmation link does not work" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Enrolment.Status.PENDING and "_auth_user_id" not in client.session


def test_an_expired_confirmation_link_says_it_expired(client, pending, settings):
    url = confirm_url(pending)
    with time_machine.travel(timezone.now() + timezone.timedelta(
            seconds=settings.PEERPATH_CONFIRM_LINK_MAX_AGE + 60)):
        response = client.post(url)
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()


def test_a_second_confirmation_changes_nothing_and_still_signs_in(
    client, pending, django_capture_on_commit_callbacks
):
    url = confirm_url(pending)
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url).status_code == 302
    pending.refresh_from_db()
    first = (pending.status, pending.confirmed_at, pending.updated_at)
    outbox = list(OutboxMessage.objects.values_list("key", flat=True))
    assert outbox == [f"welcome:{pending.pk}"]
    client.logout()
    assert client.post(url).status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.confirmed_at, pending.updated_at) == first
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == outbox
    assert RunRole.objects.filter(user=pending.user).count() == 1
    assert client.session["_auth_user_id"] == str(pending.user_id)


def test_the_last_seat_goes_to_the_first_confirmation_and_the_next_waits(run):
    run.capacity = 1
    run.save()
    first, second = (EnrolmentFactory(run=run, status=Enrolment.Status.PENDING,
                                      confirmed_at=None) for _ in range(2))
    services.enrolment_confirm(token=services.enrolment_confirm_token(enrolment=second))
    services.enrolment_confirm(token=services.enrolment_confirm_token(enrolment=first))
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Enrolment.Status.CONFIRMED
    assert first.status == Enrolment.Status.WAITLISTED
    kinds = dict(OutboxMessage.objects.values_list("key", "kind"))
    assert kinds == {f"welcome:{second.pk}": "welcome", f"waitlisted:{first.pk}": "waitlisted"}


def test_a_token_for_another_purpose_is_not_a_confirmation(client, pending):
    from peerpath.accounts.tokens import make_signed_value

    token = make_signed_value({"e": pending.pk}, salt="something-else")
    assert client.post(reverse("enrollment:confirm", args=[token])).status_code == 400

"""Signing in: one-time links for learners, passwords for staff, rate limits."""

import re

import pytest
from django.urls import reverse

from peerpath.accounts.models import LinkRequest
from peerpath.messaging.models import OutboxMessage
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def request_link(client, email):
    return client.post(reverse("accounts:signin"), {"link-email": email})


def link_from(mail) -> str:
    return re.search(r"http://\S+/accounts/signin/\S+/", mail.body).group(0)


def test_a_learner_signs_in_with_the_emailed_link_and_it_works_only_once(client, mailoutbox):
    user = UserFactory(email="grace@example.org")
    response = request_link(client, "Grace@Example.org")
    assert response.status_code == 200
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["grace@example.org"]
    path = link_from(mailoutbox[0]).replace("http://127.0.0.1:8000", "")
    # a GET (as a mail scanner makes) does not sign in
    assert client.get(path).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(path)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    again = client.post(path)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_tampered_signin_link_is_refused_with_a_clear_page(client):
    UserFactory()
    response = client.post(reverse("accounts:signin_link", args=["forged-token"]))
    assert response.status_code == 400
    assert b"no longer works" in response.content


def test_asking_for_a_link_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, mailoutbox
):
    response = request_link(client, "nobody@example.org")
    assert response.status_code == 200
    assert b"sign-in link is on its way" in response.content
    assert mailoutbox == []
    assert not OutboxMessage.objects.exists()


def test_signin_links_are_rate_limited_per_address(client, mailoutbox, settings):
    settings.PEERPATH_LINK_RATE_LIMIT = 3
    UserFactory(email="busy@example.org")
    for _ in range(3):
        assert request_link(client, "busy@example.org").status_code == 200
    response = request_link(client, "busy@example.org")
    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert len(mailoutbox) == 3
    assert LinkRequest.objects.count() == 3


def test_staff_sign_in_with_a_password_and_a_wrong_password_is_refused(client):
    staff = StaffFactory(email="staff@example.org")
    bad = client.post(reverse("accounts:signin"),
                      {"staff-email": "staff@example.org", "staff-password": "wrong"})
    assert bad.status_code == 200
    assert b"is not right" in bad.content
    good = client.post(reverse("accounts:signin"),
                       {"staff-email": "staff@example.org",
                        "staff-password": "correct horse battery"})
    assert good.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)

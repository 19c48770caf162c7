import pytest
import time_machine
from django.test import RequestFactory

from peerpath.common.models import UsedLink
from peerpath.common.signed_links import (
    LinkRefused,
    link_refused_response,
    link_token_consume,
    link_token_make,
    link_token_read,
)


def test_round_trip_keeps_the_payload():
    token = link_token_make("done", {"e": 3, "a": 7})
    assert link_token_read("done", token) == {"e": 3, "a": 7}


def test_a_token_for_one_purpose_is_refused_for_another():
    token = link_token_make("done", {"e": 3})
    with pytest.raises(LinkRefused) as err:
        link_token_read("rsvp", token)
    assert err.value.reason == "invalid"


@pytest.mark.parametrize("change", [lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],
                                    lambda t: "x" + t, lambda t: "", lambda t: "a:b:c"])
def test_tampered_tokens_are_invalid(change):
    token = link_token_make("done", {"e": 3})
    with pytest.raises(LinkRefused) as err:
        link_token_read("done", change(token))
    assert err.value.reason == "invalid"


def test_an_old_token_is_expired():
    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        token = link_token_make("done", {"e": 3})
    with time_machine.travel("2026-01-09 12:00Z", tick=False):
        assert link_token_read("done", token, max_age=8 * 86400 + 1) == {"e": 3}
        with pytest.raises(LinkRefused) as err:
            link_token_read("done", token, max_age=7 * 86400)
    assert err.value.reason == "expired"


@pytest.mark.django_db
def test_a_once_only_token_is_refused_after_use():
    token = link_token_make("attendance", {"m": 1}, once=True)
    assert link_token_read("attendance", token) == {"m": 1}
    link_token_consume("attendance", token)
    assert UsedLink.objects.count() == 1
    with pytest.raises(LinkRefused) as err:
        link_token_read("attendance", token)
    assert err.value.reason == "used"
    with pytest.raises(LinkRefused):
        link_token_consume("attendance", token)
    assert UsedLink.objects.count() == 1


@pytest.mark.django_db
def test_two_once_only_tokens_for_the_same_payload_are_independent():
    first = link_token_make("attendance", {"m": 1}, once=True)
    second = link_token_make("attendance", {"m": 1}, once=True)
    assert first != second
    link_token_consume("attendance", first)
    assert link_token_read("attendance", second) == {"m": 1}


@pytest.mark.django_db
def test_refusal_page_names_the_reason():
    request = RequestFactory().get("/x/")
    response = link_refused_response(request, LinkRefused("expired"))
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    response = link_refused_response(request, LinkRefused("invalid"))
    assert response.status_code == 400
    assert b"not valid" in response.content

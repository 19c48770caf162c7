"""The api_token command."""

import io

import pytest
from django.core.management import CommandError, call_command

from peerpath.accounts.services import api_token_authenticate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_api_token_command_prints_a_working_token_on_its_last_line():
    user = UserFactory(email="ops@example.org")
    out = io.StringIO()
    call_command("api_token", "--email", "OPS@example.org", "--name", "cron", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert api_token_authenticate(raw=raw) == user


def test_api_token_command_names_the_bad_option():
    with pytest.raises(CommandError, match="--email"):
        call_command("api_token", "--email", "ghost@example.org", "--name", "x")

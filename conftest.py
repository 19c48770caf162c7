"""Fixtures shared by the whole suite."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailoutbox_clear(mailoutbox):
    mailoutbox.clear()
    return mailoutbox


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; PeerPath's mailer points at it for the test."""
    from tests.smtp import SmtpServer

    with SmtpServer() as server:
        settings.MAILERS = server.mailers_setting()
        yield server

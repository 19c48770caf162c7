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


def pytest_configure(config):
    # Property tests explore at random while developing; in CI they replay a fixed sequence so
    # that a run's verdict does not depend on luck.
    import os

    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
    hypothesis_settings.register_profile("dev", deadline=None)
    hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

"""Fixtures for the enrolment tests."""

import datetime as dt

import pytest

from tests.factories import ModuleFactory, RunFactory, StaffFactory

# A Monday in the weeks before a daylight-saving change would make single hours disappear.
MONDAY = dt.date(2030, 6, 3)
EVENINGS = [day * 24 + hour for day in (0, 2) for hour in (18, 19, 20)]


@pytest.fixture(autouse=True)
def _urls_with_stand_ins(settings):
    settings.ROOT_URLCONF = "peerpath.enrollment.tests.urls"


@pytest.fixture
def run(db):
    run = RunFactory(slug="python-101", title="Python for teachers", starts_on=MONDAY,
                     meeting_window_start=7, meeting_window_end=22, languages="en,nb")
    for position in (1, 2, 3):
        ModuleFactory(course=run.course, position=position, title=f"Week {position} topic")
    return run


@pytest.fixture
def signup_data():
    """Valid answers of the sign-up form, as POST data."""

    def build(**changes):
        data = {
            "name": "Ada Lovelace", "email": "ada@example.org", "timezone": "Europe/Oslo",
            "availability": [str(hour) for hour in EVENINGS], "language": "en",
            "organisation": "Oslo Katedralskole", "mode": "individual", "colleagues": "",
            "knowledge": "2", "role": "mid", "consent": "on",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffFactory())
    return client


def csv_text(*rows: str, header: str = "email,name,timezone,language,organisation,mode,"
             "colleagues,knowledge,role,availability") -> str:
    return "\n".join([header, *rows]) + "\n"

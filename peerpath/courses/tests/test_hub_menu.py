"""The main menu shows each person the places their roles open, and nothing else: a learner
sees their courses, not "Productions" or staff tools."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerpath.accounts.models import RunRole
from tests.factories import (
    EnrolmentFactory,
    RunFactory,
    RunRoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ITEMS = {
    "My courses": "home",
    "My runs": "courses:hub",
    "My visits": "meetings:my_visits",
    "Productions": "production:board",
    "Semester report": "analytics:semester_report",
    "Outbox": "messaging:outbox",
    "Admin": "admin:index",
}


def menu_of(client, user) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    shown = set(re.findall(r'<a href="[^"]*">([^<]+)</a>', nav)) - {"PeerPath"}
    for label in shown & set(ITEMS):
        assert f'href="{reverse(ITEMS[label])}"' in nav, label
    return shown & set(ITEMS)


@pytest.fixture
def run():
    return RunFactory()


def with_role(run, role):
    user = UserFactory()
    RunRoleFactory(run=run, user=user, role=role)
    return user


def test_a_learner_sees_only_their_courses(client, run):
    learner = EnrolmentFactory(run=run).user
    RunRoleFactory(run=run, user=learner, role=RunRole.Role.LEARNER)
    assert menu_of(client, learner) == {"My courses"}
    assert client.get(reverse("courses:hub")).status_code == 404


def test_a_tutor_sees_their_runs_but_not_productions(client, run):
    assert menu_of(client, with_role(run, RunRole.Role.TUTOR)) == {"My courses", "My runs"}


def test_an_instructor_sees_their_runs_and_the_productions(client, run):
    shown = menu_of(client, with_role(run, RunRole.Role.INSTRUCTOR))
    assert shown == {"My courses", "My runs", "Productions"}


def test_a_facilitator_sees_their_runs_and_visits(client, run):
    shown = menu_of(client, with_role(run, RunRole.Role.FACILITATOR))
    assert shown == {"My courses", "My runs", "My visits"}
    assert client.get(reverse("meetings:my_visits")).status_code == 200


def test_whoever_proposed_a_course_sees_the_productions(client):
    from peerpath.production.models import Proposal

    proposer = UserFactory()
    Proposal.objects.create(proposer=proposer, topic="Data literacy")
    assert menu_of(client, proposer) == {"My courses", "Productions"}
    assert client.get(reverse("production:board")).status_code == 200


def test_the_study_board_sees_the_productions_and_the_semester_report(client):
    from peerpath.production.models import ProductionRole

    member = UserFactory()
    ProductionRole.objects.create(user=member, role=ProductionRole.Role.STUDY_BOARD)
    assert menu_of(client, member) == {"My courses", "Productions", "Semester report"}
    assert client.get(reverse("analytics:semester_report")).status_code == 200


def test_site_staff_see_everything(client):
    assert menu_of(client, StaffFactory()) == set(ITEMS) - {"My visits"}


def test_the_signed_out_menu_offers_sign_in_only(client):
    html = client.get(reverse("accounts:signin")).content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert "Sign in" in nav
    assert not any(label in nav for label in ITEMS)


def test_the_menu_costs_the_same_few_queries_on_every_page(client, run):
    user = with_role(run, RunRole.Role.TUTOR)
    client.force_login(user)
    url = reverse("courses:hub")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first.captured_queries) == len(second.captured_queries)
    from peerpath.courses.navigation import menu_for_user

    with CaptureQueriesContext(connection) as menu:
        menu_for_user(user)
    assert len(menu.captured_queries) == 2

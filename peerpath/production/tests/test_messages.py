"""Every production message kind renders from its outbox row."""

import datetime as dt

import pytest

from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import message_render
from peerpath.production import services
from peerpath.production.models import Milestone
from peerpath.production.tests.conftest import walk

pytestmark = pytest.mark.django_db


def test_every_production_message_renders_with_the_proposal_topic(people, proposal):
    walk(proposal, people, until="plan")
    first = Milestone.objects.get(slug="learning_outcomes")
    services.milestone_reminders_plan(today=first.due_on - dt.timedelta(days=1))
    services.milestone_reminders_plan(today=first.due_on + dt.timedelta(days=1))
    kinds = set()
    for message in OutboxMessage.objects.all():
        rendered = message_render(message=message)
        assert "Wind energy" in rendered.subject + rendered.text
        kinds.add(message.kind)
    assert kinds == {
        "production_proposal_submitted",
        "production_status_changed",
        "production_milestone_due",
        "production_milestone_slipped",
    }

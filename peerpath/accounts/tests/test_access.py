"""Roles per run and the access checks built on them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from peerpath.accounts.access import (
    access_group_details,
    access_run_manage,
    access_run_staff,
)
from peerpath.accounts.models import RunRole
from peerpath.accounts.services import api_token_authenticate, api_token_create
from peerpath.grouping.models import GroupMembership, StudyGroup
from tests.factories import EnrolmentFactory, RunFactory, RunRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_decide_who_may_see_and_manage_a_run():
    run = RunFactory()
    tutor = RunRoleFactory(run=run, role=RunRole.Role.TUTOR).user
    instructor = RunRoleFactory(run=run, role=RunRole.Role.INSTRUCTOR).user
    learner = RunRoleFactory(run=run, role=RunRole.Role.LEARNER).user
    other_run_instructor = RunRoleFactory(role=RunRole.Role.INSTRUCTOR).user
    assert access_run_staff(tutor, run) and not access_run_manage(tutor, run)
    assert access_run_staff(instructor, run) and access_run_manage(instructor, run)
    assert not access_run_staff(learner, run)
    assert not access_run_staff(other_run_instructor, run)
    assert not access_run_staff(AnonymousUser(), run)


def test_a_learner_sees_only_their_own_groups_details():
    run = RunFactory()
    mine, theirs = (StudyGroup.objects.create(run=run, number=n, language="en", hour_utc=40)
                    for n in (1, 2))
    me = EnrolmentFactory(run=run)
    GroupMembership.objects.create(group=mine, enrolment=me)
    assert access_group_details(me.user, mine)
    assert not access_group_details(me.user, theirs)
    assert not access_group_details(UserFactory(), mine)


def test_an_api_token_is_stored_hashed_and_can_be_revoked():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="laptop")
    assert raw not in token.token_hash
    assert api_token_authenticate(raw=raw) == user
    assert api_token_authenticate(raw=raw + "x") is None
    token.revoked_at = token.created_at
    token.save()
    assert api_token_authenticate(raw=raw) is None

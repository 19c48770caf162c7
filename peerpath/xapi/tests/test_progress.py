"""Completing statements about mapped activity IRIs mark PeerPath activities done."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerpath.progress.models import Completion
from peerpath.progress.services import completion_mark
from peerpath.xapi.models import Statement, StatementEffect
from peerpath.xapi.services import activity_iri_map, client_create
from peerpath.xapi.tests.helpers import Lrs, make_statement, new_id
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db
IRI = "https://tool.example.org/quiz/1"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def course():
    run = RunFactory()
    activity = ActivityFactory(module=ModuleFactory(course=run.course))
    activity_iri_map(iri=IRI, activity=activity)
    enrolment = EnrolmentFactory(run=run, user__email="ada@example.org")
    return run, activity, enrolment


def done(enrolment, activity):
    return Completion.objects.filter(enrolment=enrolment, activity=activity).first()


def void(lrs, target):
    return lrs.post(
        make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target})
    )


@pytest.mark.parametrize(
    "verb",
    [COMPLETED, "http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/mastered"],
)
def test_completing_verb_on_a_mapped_activity_marks_it_done_from_xapi(lrs, course, verb):
    run, activity, enrolment = course
    assert lrs.post(make_statement(verb=verb, activity=IRI)).status_code == 200
    completion = done(enrolment, activity)
    assert completion is not None
    assert completion.source == "xapi"


def test_result_completion_true_marks_done_and_other_statements_do_not(lrs, course):
    run, activity, enrolment = course
    lrs.post(make_statement(activity=IRI, result={"completion": False}))
    lrs.post(make_statement(activity="https://tool.example.org/unmapped", verb=COMPLETED))
    assert done(enrolment, activity) is None
    lrs.post(make_statement(activity=IRI, result={"completion": True}))
    assert done(enrolment, activity) is not None


def test_learner_is_found_by_account_name_as_e_mail(lrs, course):
    run, activity, enrolment = course
    actor = {"account": {"homePage": "https://tool.example.org", "name": "ada@example.org"}}
    lrs.post(make_statement(verb=COMPLETED, activity=IRI) | {"actor": actor})
    assert done(enrolment, activity) is not None


def test_learner_is_found_by_an_account_on_this_site_named_by_username(lrs, course, settings):
    run, activity, enrolment = course
    enrolment.user.username = "ada_lovelace"
    enrolment.user.save(update_fields=["username"])
    home = settings.SITE_URL + "/"
    other_site = {"account": {"homePage": "https://elsewhere.example.org/", "name": "x"}}
    other_site["account"]["name"] = enrolment.user.username
    lrs.post(make_statement(verb=COMPLETED, activity=IRI) | {"actor": other_site})
    assert done(enrolment, activity) is None
    actor = {"account": {"homePage": home, "name": enrolment.user.username}}
    lrs.post(make_statement(verb=COMPLETED, activity=IRI) | {"actor": actor})
    assert done(enrolment, activity) is not None


def test_unconfirmed_enrolments_and_unknown_people_get_nothing(lrs, course):
    run, activity, enrolment = course
    waiting = EnrolmentFactory(run=run, status="waitlisted", user__email="wait@example.org")
    lrs.post(make_statement(verb=COMPLETED, activity=IRI, actor="mailto:wait@example.org"))
    lrs.post(make_statement(verb=COMPLETED, activity=IRI, actor="mailto:nobody@example.org"))
    assert done(waiting, activity) is None
    assert Completion.objects.count() == 0


def test_client_scoped_to_another_run_marks_nothing(client, course):
    run, activity, enrolment = course
    scoped, secret = client_create(name="Other run tool", run=RunFactory(course=run.course))
    Lrs(client, scoped.key, secret).post(make_statement(verb=COMPLETED, activity=IRI))
    assert done(enrolment, activity) is None


def test_voiding_the_statement_undoes_the_completion(lrs, course):
    run, activity, enrolment = course
    [sid] = lrs.post(make_statement(verb=COMPLETED, activity=IRI)).json()
    assert void(lrs, sid).status_code == 200
    assert done(enrolment, activity) is None


def test_voiding_keeps_the_completion_while_another_statement_supports_it(lrs, course):
    run, activity, enrolment = course
    [first] = lrs.post(make_statement(verb=COMPLETED, activity=IRI)).json()
    [second] = lrs.post(
        make_statement(verb="http://adlnet.gov/expapi/verbs/passed", activity=IRI)
    ).json()
    void(lrs, first)
    assert done(enrolment, activity) is not None
    void(lrs, second)
    assert done(enrolment, activity) is None


def test_voiding_does_not_undo_a_completion_marked_on_the_site(lrs, course):
    run, activity, enrolment = course
    completion_mark(enrolment=enrolment, activity=activity, source="site")
    [sid] = lrs.post(make_statement(verb=COMPLETED, activity=IRI)).json()
    void(lrs, sid)
    assert done(enrolment, activity).source == "site"


def test_a_rejected_batch_marks_nothing(lrs, course):
    run, activity, enrolment = course
    batch = [make_statement(verb=COMPLETED, activity=IRI), make_statement(verb="completed")]
    assert lrs.post(batch).status_code == 400
    assert done(enrolment, activity) is None


def test_statement_and_its_voiding_in_one_batch_leave_nothing_done(lrs, course):
    run, activity, enrolment = course
    sid = new_id()
    batch = [
        make_statement(id=sid, verb=COMPLETED, activity=IRI),
        make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": sid}),
    ]
    assert lrs.post(batch).status_code == 200
    assert done(enrolment, activity) is None


def test_completing_statement_voided_before_it_arrived_marks_nothing_done(lrs, course):
    run, activity, enrolment = course
    target = new_id()
    assert void(lrs, target).status_code == 200
    assert lrs.put(make_statement(verb=COMPLETED, activity=IRI), target).status_code == 204
    assert done(enrolment, activity) is None


def test_a_batch_marks_the_mapped_activity_done_and_keeps_the_unmapped_ones_stored(lrs, course):
    run, activity, enrolment = course
    other = ActivityFactory(module=activity.module)
    batch = [
        make_statement(verb=COMPLETED, activity="https://tool.example.org/unmapped/1"),
        make_statement(verb=COMPLETED, activity=IRI),
        make_statement(verb=COMPLETED, activity="https://tool.example.org/unmapped/2"),
    ]
    assert lrs.post(batch).status_code == 200
    assert done(enrolment, activity).source == "xapi"
    assert done(enrolment, other) is None
    assert StatementEffect.objects.filter(enrolment=enrolment).count() == 1
    assert Statement.objects.filter(user=enrolment.user).count() == 3


def test_completions_about_unmapped_activities_read_no_statement_back(lrs, course):
    """The progress mapping's cost stays off batches that name no mapped activity."""
    run, activity, enrolment = course
    batch = [
        make_statement(verb=COMPLETED, activity=f"https://tool.example.org/u/{n}") for n in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post(batch).status_code == 200
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and '"xapi_statement"' in query["sql"]
    ]
    assert reads == []
    assert Statement.objects.filter(user=enrolment.user).count() == 5
    assert Completion.objects.count() == 0

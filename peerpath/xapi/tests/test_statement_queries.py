"""GET statements against the spec's requirement list (requirements.py), where the older query
tests did not already pin a MUST down: empty results, the filters' finer rules, limit, formats,
voided statements, parameter names."""

import pytest

from peerpath.xapi.tests.helpers import ids_of, make_statement, stored

pytestmark = pytest.mark.django_db
ADA, BOB = "mailto:ada@example.org", "mailto:bob@example.org"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ACTIVITY = "http://example.org/activities/intro"


@pytest.mark.xapi_req("DATA-2.5-a", "COMM-2.1.3-c")
def test_a_query_matching_nothing_is_200_with_an_empty_statement_result(lrs):
    response = lrs.get({"verb": "http://example.org/verbs/never"})
    assert response.status_code == 200
    assert response.json() == {"statements": [], "more": ""}
    stored(lrs, make_statement())
    body = lrs.get().json()
    assert set(body) == {"statements", "more"}
    assert isinstance(body["statements"], list) and len(body["statements"]) == 1


@pytest.mark.xapi_req("COMM-2.1.3-g")
def test_the_agent_filter_matches_groups_the_agent_is_a_member_of(lrs):
    team = {"objectType": "Group", "member": [{"mbox": ADA}, {"mbox": BOB}]}
    as_actor = stored(lrs, make_statement(actor=BOB) | {"actor": team})
    as_object = stored(
        lrs,
        make_statement(actor="mailto:carol@example.org")
        | {
            "object": {
                "objectType": "Group",
                "mbox": "mailto:team@example.org",
                "member": [{"mbox": ADA}],
            }
        },
    )
    in_context = stored(lrs, make_statement(actor=BOB, context={"team": team}))
    found = ids_of(lrs.get({"agent": {"mbox": ADA}}))
    assert found == [as_object, as_actor]
    assert in_context not in found
    assert ids_of(lrs.get({"agent": {"mbox": "mailto:nobody@example.org"}})) == []


@pytest.mark.xapi_req("COMM-2.1.3-k")
def test_related_activities_reach_into_context_and_sub_statements(lrs):
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": BOB},
        "verb": {"id": "http://example.org/verbs/plans"},
        "object": {"id": ACTIVITY},
    }
    in_sub = stored(lrs, make_statement(activity="http://example.org/other") | {"object": sub})
    in_category = stored(
        lrs,
        make_statement(
            activity="http://example.org/other",
            context={"contextActivities": {"category": [{"id": ACTIVITY}]}},
        ),
    )
    stored(lrs, make_statement(activity="http://example.org/unrelated"))
    assert ids_of(lrs.get({"activity": ACTIVITY})) == []
    assert ids_of(lrs.get({"activity": ACTIVITY, "related_activities": "true"})) == [
        in_category,
        in_sub,
    ]


@pytest.mark.xapi_req("COMM-2.1.3-l")
def test_related_agents_reach_authority_instructor_team_and_sub_statements(lrs, xapi_client):
    carol = "mailto:carol@example.org"
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": carol},
        "verb": {"id": "http://example.org/verbs/plans"},
        "object": {"id": ACTIVITY},
    }
    in_sub = stored(lrs, make_statement(actor=ADA) | {"object": sub})
    as_instructor = stored(lrs, make_statement(actor=ADA, context={"instructor": {"mbox": carol}}))
    in_team = stored(
        lrs,
        make_statement(
            actor=ADA, context={"team": {"objectType": "Group", "member": [{"mbox": carol}]}}
        ),
    )
    carol_filter = {"agent": {"mbox": carol}, "related_agents": "true"}
    assert ids_of(lrs.get({"agent": {"mbox": carol}})) == []
    assert ids_of(lrs.get(carol_filter)) == [in_team, as_instructor, in_sub]
    authority = {"account": xapi_client.authority()["account"]}
    by_authority = ids_of(lrs.get({"agent": authority, "related_agents": "true"}))
    assert by_authority == [in_team, as_instructor, in_sub]


@pytest.mark.xapi_req("COMM-2.1.3-n")
def test_limit_zero_means_the_server_maximum_and_a_limit_caps_the_page(lrs, monkeypatch):
    monkeypatch.setattr("peerpath.xapi.selectors.PAGE_MAX", 3)
    for _ in range(4):
        stored(lrs, make_statement())
    assert len(ids_of(lrs.get({"limit": "0"}))) == 3
    assert len(ids_of(lrs.get({"limit": "2"}))) == 2
    assert len(ids_of(lrs.get({"limit": "50"}))) == 3
    assert lrs.get({"limit": "0"}).json()["more"]


@pytest.mark.xapi_req("COMM-2.1.3-o")
def test_exact_format_is_the_default_and_ids_format_trims_every_agent_and_activity(lrs):
    stmt = make_statement(
        object={"id": ACTIVITY, "definition": {"name": {"en": "Intro"}}},
        context={
            "instructor": {"name": "Bob", "mbox": BOB},
            "team": {"objectType": "Group", "name": "Team", "member": [{"name": "A", "mbox": ADA}]},
            "contextActivities": {"parent": [{"id": "http://e.org/p", "definition": {}}]},
        },
    )
    sid = stored(lrs, stmt)
    exact = lrs.get({"statementId": sid}).json()
    assert {k: exact[k] for k in stmt} == stmt
    assert lrs.get({"statementId": sid, "format": "exact"}).json() == exact
    ids = lrs.get({"statementId": sid, "format": "ids"}).json()
    assert ids["actor"] == {"objectType": "Agent", "mbox": ADA}
    assert ids["object"] == {"id": ACTIVITY}
    assert ids["context"]["instructor"] == {"mbox": BOB}
    assert ids["context"]["team"] == {"objectType": "Group", "member": [{"mbox": ADA}]}
    assert ids["context"]["contextActivities"]["parent"] == [{"id": "http://e.org/p"}]


@pytest.mark.xapi_req("COMM-2.1.3-r")
def test_canonical_format_keeps_one_language_in_every_map_of_the_activity(lrs):
    definition = {
        "name": {"en": "Quiz", "nb": "Prøve", "de": "Quiz"},
        "description": {"en": "A quiz", "nb": "En prøve"},
        "interactionType": "choice",
        "choices": [{"id": "a", "description": {"en": "Yes", "nb": "Ja"}}],
    }
    sid = stored(lrs, make_statement(object={"id": ACTIVITY, "definition": definition}))
    for header, language in (("nb, en;q=0.8", "nb"), ("en-GB, en;q=0.9", "en")):
        got = lrs.request(
            "get",
            f"/xapi/statements?statementId={sid}&format=canonical",
            headers={"Accept-Language": header},
        ).json()["object"]["definition"]
        assert list(got["name"]) == [language]
        assert list(got["description"]) == [language]
        assert list(got["choices"][0]["description"]) == [language]


@pytest.mark.xapi_req("COMM-2.1.4-a", "COMM-2.1.4-b")
def test_voided_statements_are_left_out_of_every_query_and_their_voiding_kept(lrs):
    target = stored(lrs, make_statement(activity=ACTIVITY))
    voiding = stored(
        lrs, make_statement(verb=VOIDED) | {"object": {"objectType": "StatementRef", "id": target}}
    )
    for params in (
        {},
        {"activity": ACTIVITY},
        {"agent": {"mbox": ADA}},
        {"since": "2000-01-01T00:00:00Z"},
        {"ascending": "true"},
    ):
        found = ids_of(lrs.get(params))
        assert target not in found, params
        assert voiding in found, params
    assert lrs.get({"voidedStatementId": target}).json()["id"] == target
    assert lrs.get({"voidedStatementId": voiding}).status_code == 404


@pytest.mark.xapi_req("COMM-3.2-c", "COMM-3.2-b")
@pytest.mark.parametrize(
    "query",
    ["StatementId=x", "Verb=http://e.org/v", "ACTIVITY=http://e.org/a", "Limit=1", "page=2"],
)
def test_parameters_differing_in_case_or_unknown_are_400_naming_them(lrs, query):
    response = lrs.request("get", f"/xapi/statements?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["message"]
